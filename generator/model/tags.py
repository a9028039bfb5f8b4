"""Tags (3.2 adds `parent`, `kind` and `summary`): the declared tags as a tree, and the chain of
tags that names an operation's resource where its path names none."""

from __future__ import annotations

from typing import Any

from ..diagnostics import join_pointer
from . import ir
from .context import Context
from .keywords import text_of

# 3.2's registered kinds that label an operation rather than place it: they never nest resources
_NOT_NAVIGATION = frozenset({"badge", "audience"})


def tags(cx: Context) -> tuple[ir.Tag, ...]:
    """The root `tags`, each with its parent where that is a declared tag and no cycle; a bad
    parent is reported and dropped (the tag becomes a root)."""
    raw = cx.root.get("tags")
    if not isinstance(raw, list):
        return ()
    declared: dict[str, tuple[dict[str, Any], str]] = {}
    for i, t in enumerate(raw):
        if isinstance(t, dict) and isinstance(t.get("name"), (str, int)) and str(t["name"]) not in declared:
            declared[str(t["name"])] = (t, join_pointer("/tags", i))
    parents: dict[str, str] = {}
    for name, (t, ptr) in declared.items():
        parent = t.get("parent")
        if parent is None:
            continue
        if str(parent) not in declared:
            cx.diags.warning("tag-parent", f"tag {name[:60]!r} names parent {str(parent)[:60]!r}, which is not a declared tag; it is treated as a top-level tag", hint="declare the parent tag under `tags`, or fix the name", file=cx.main, pointer=ptr + "/parent")
            continue
        parents[name] = str(parent)
    for name in list(parents):
        seen = {name}
        cur = parents.get(name)
        while cur is not None and cur not in seen:
            seen.add(cur)
            cur = parents.get(cur)
        if cur is not None and name in parents:
            cx.diags.warning("tag-parent-cycle", f"tag {name[:60]!r} is its own ancestor through `parent`; its parent is ignored", hint="make the tag parents a tree", file=cx.main, pointer=declared[name][1] + "/parent")
            del parents[name]
    out = []
    for name, (t, ptr) in declared.items():
        kind = t.get("kind")
        out.append(
            ir.Tag(
                name=name,
                summary=text_of(t.get("summary")),
                description=text_of(t.get("description")),
                parent=parents.get(name),
                kind=str(kind) if isinstance(kind, str) else None,
                pointer=ptr,
            )
        )
    return tuple(out)


def chain(declared: tuple[ir.Tag, ...], name: str) -> tuple[str, ...]:
    """The tag's ancestors and itself, root first (just the name for an undeclared tag)."""
    by_name = {t.name: t for t in declared}
    out = [name]
    cur = by_name.get(name)
    while cur is not None and cur.parent is not None and cur.parent not in out:
        out.append(cur.parent)
        cur = by_name.get(cur.parent)
    return tuple(reversed(out))


def grouping_tag(declared: tuple[ir.Tag, ...], op_tags: tuple[str, ...]) -> str | None:
    """The first of an operation's tags that places it (not a badge or audience label)."""
    kinds = {t.name: t.kind for t in declared}
    return next((t for t in op_tags if kinds.get(t) not in _NOT_NAVIGATION), None)
