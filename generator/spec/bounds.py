"""Bounds of a parsed document: what its shape may cost every later stage, checked once after
parsing (before validation, which is where an alias bomb or a long `$ref` chain used to spend
minutes): YAML aliases (how many, and the size once expanded), nesting depth, and chains of
`$ref`s that only point at other `$ref`s. Each limit is a budget in `generator/budgets.py`.
"""

from __future__ import annotations

from typing import Any

from ..budgets import DOCUMENT_MAX_DEPTH, REF_CHAIN_MAX, YAML_MAX_ALIASES, YAML_MAX_EXPANDED_NODES
from ..diagnostics import MISSING, node_at


def shape_problem(data: Any) -> tuple[str, str, str] | None:
    """(message, hint, JSON pointer) of the first budget the document breaks, else None. A
    container reached twice is a YAML alias (a parser makes each container once otherwise),
    counted as such and expanded in the size as often as it is reached."""
    places = _Places()
    refs: list[tuple[int, str]] = []
    problem = _walk(data, places, refs)
    if problem is not None:
        return problem
    return _ref_chains(data, places, refs)


class _Places:
    """Each container the walk enters, as (its parent's entry, its key): a pointer is spelled
    only for a place that is reported (spelling all of them was most of the walk's time)."""

    def __init__(self) -> None:
        self.up: list[tuple[int, Any]] = [(-1, None)]  # entry 0: the root

    def pointer(self, entry: int) -> str:
        tokens: list[str] = []
        while entry > 0:
            entry, key = self.up[entry]
            tokens.append(_token(key))
        return "".join("/" + t for t in reversed(tokens))


def _walk(data: Any, places: _Places, refs: list[tuple[int, str]]) -> tuple[str, str, str] | None:
    """One iterative post-order pass, each container visited once: aliases (a container reached
    again), its size with aliases expanded, and its height (nesting below it); `refs` gets
    (entry of the node holding it in `places`, target pointer) of every `#...` $ref, in visiting order."""
    done: dict[int, tuple[int, int]] = {}  # id(container) -> (expanded size, height)
    path: set[int] = set()  # containers entered and not finished: the ancestors of the current one
    aliases = 0
    at, up = places.pointer, places.up
    stack: list[tuple[Any, int, bool]] = [(data, 0, False)]
    while stack:
        node, entry, finishing = stack.pop()
        if not isinstance(node, (dict, list)):
            continue  # only the root can be a scalar: children are pushed when containers
        key = id(node)
        if finishing:
            path.discard(key)
            size, height = done[key] = _measured(node, done)
            if height > DOCUMENT_MAX_DEPTH:
                return (f"the document nests deeper than {DOCUMENT_MAX_DEPTH} levels", "flatten the deepest structure (name nested schemas under components and $ref them)", at(entry))
            if size > YAML_MAX_EXPANDED_NODES:
                return (f"YAML aliases expand the document to more than {YAML_MAX_EXPANDED_NODES:,} nodes", "write the repeated parts once and refer to them with $ref, not nested YAML aliases", at(entry))
            continue
        if key in path:
            return ("a YAML alias refers to a node that contains it (the document would be infinite)", "remove the recursive alias; use $ref for recursive schemas", at(entry))
        if key in done:
            aliases += 1
            if aliases > YAML_MAX_ALIASES:
                return (f"more than {YAML_MAX_ALIASES:,} YAML aliases", "write the repeated parts once and refer to them with $ref", at(entry))
            continue
        path.add(key)
        stack.append((node, entry, True))
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#"):
                refs.append((entry, ref[1:]))
            pairs: Any = node.items()
        else:
            pairs = enumerate(node)
        for k, child in pairs:
            if isinstance(child, (dict, list)):
                up.append((entry, k))
                stack.append((child, len(up) - 1, False))
    return None


def _measured(node: Any, done: dict[int, tuple[int, int]]) -> tuple[int, int]:
    """A finished container's (expanded size, height), from its children's in `done`."""
    size, height = 1, 1
    for c in node.values() if isinstance(node, dict) else node:
        if isinstance(c, (dict, list)):
            csize, cheight = done[id(c)]
            size, height = size + csize, max(height, cheight + 1)
        else:
            size += 1
    return size, height


def _token(key: Any) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _ref_chains(data: Any, places: _Places, refs: list[tuple[int, str]]) -> tuple[str, str, str] | None:
    """A local `$ref` that leads through more than REF_CHAIN_MAX nodes that are only `$ref`s."""
    found = _long_chain(data, [ref for _, ref in refs])
    if found is None:
        return None
    i, total = found
    return (f"a chain of {total + 1} $refs that only point at other $refs (at most {REF_CHAIN_MAX} are followed)", "point the $ref straight at the schema it means", places.pointer(refs[i][0]) + "/$ref")


def _long_chain(data: Any, refs: list[str]) -> tuple[int, int] | None:
    """(index in `refs`, links) of the first `$ref` target that leads through more than
    REF_CHAIN_MAX nodes that are only `$ref`s, else None."""
    if not isinstance(data, dict):
        return None
    length: dict[str, int] = {}  # pointer of a `$ref` node -> links from it to a real node
    for i, ref in enumerate(refs):
        chain: list[str] = []
        target = ref
        seen: set[str] = set()
        while True:
            if target in length:
                break
            node = _at(data, target)
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#")) or target in seen:
                length[target] = 0  # a real node, a cycle (reported by the loader), or nothing
                break
            seen.add(target)
            chain.append(target)
            target = node["$ref"][1:]
        total = length[target]
        for ptr in reversed(chain):
            total += 1
            length[ptr] = total
        if total + 1 > REF_CHAIN_MAX:
            return i, total
    return None


# of one parsed value without YAML aliases: (size, height, local `$ref` targets), as `_walk`
# counts them (a scalar: size 1, height 0)
Facts = tuple[int, int, tuple[str, ...]]


def facts(value: Any) -> Facts | None:
    """The `Facts` of a value parsed from text without anchors (a chunk of spec/yamlchunks.py),
    so that a document assembled from such values is proved within budget from its parts'
    facts (`within`), kept with each part, instead of walking it whole; None when a container
    is reached twice (then only `shape_problem` may judge the document)."""
    if not isinstance(value, (dict, list)):
        return 1, 0, ()
    done: dict[int, tuple[int, int]] = {}
    refs: list[str] = []
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        node, finishing = stack.pop()
        if finishing:
            done[id(node)] = _measured(node, done)
            continue
        if id(node) in done:
            return None
        done[id(node)] = (0, 0)  # entered: met again before it is finished, it is shared
        stack.append((node, True))
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#"):
                refs.append(ref[1:])
            children: Any = node.values()
        else:
            children = node
        for child in children:
            if isinstance(child, (dict, list)):
                stack.append((child, False))
    size, height = done[id(value)]
    return size, height, tuple(refs)


def within(data: Any, parts: list[tuple[int, Facts]]) -> bool:
    """Whether `data`, a mapping made of `parts` (each: how many containers hold it below the
    root, and its facts), breaks none of the budgets `shape_problem` checks, each part counted
    where it stands (two chunks of the same text are one object, which `shape_problem` would
    count as a YAML alias; none was written). False means only that `shape_problem` must walk
    it (and say where)."""
    if not isinstance(data, dict):
        return False
    size, height = 1, 1
    refs: list[str] = []
    for above, (psize, pheight, prefs) in parts:
        size += psize
        height = max(height, above + 1 + pheight)
        refs.extend(prefs)
    return height <= DOCUMENT_MAX_DEPTH and size <= YAML_MAX_EXPANDED_NODES and _long_chain(data, refs) is None


def _at(data: Any, pointer: str) -> Any:
    from urllib.parse import unquote

    node = node_at(data, unquote(pointer))  # a `$ref`'s fragment is percent-encoded
    return None if node is MISSING else node
