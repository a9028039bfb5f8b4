"""Which operations become tools (and MCP tools): `--tools-include` / `--tools-exclude`.

A selector is `tag:NAME`, `path:GLOB` (the path as written, `*` within and across segments,
optionally after a method: `path:POST /chat/*`) or `op:GLOB` (the operationId); a bare GLOB is
`op:`. Matching is case-sensitive, as the spec is. With includes, an operation is kept when any
include matches it; then every exclude that matches removes it.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Sequence

from ...diagnostics import UsageError
from ...model import ir

KINDS = ("tag", "path", "op")


def parse(selector: str) -> tuple[str, str]:
    """(kind, pattern) of one selector; a UsageError saying how to write it otherwise."""
    kind, sep, pattern = selector.partition(":")
    if not sep or kind not in KINDS:
        kind, pattern = "op", selector
    if not pattern.strip():
        raise UsageError(f"tools selector {selector!r} is empty; write tag:NAME, path:GLOB or op:GLOB")
    return kind, pattern


def matches(op: ir.Operation, selector: str) -> bool:
    kind, pattern = parse(selector)
    if kind == "tag":
        return pattern in op.tags
    if kind == "path":
        method, _, glob = pattern.partition(" ") if re.match(r"^[A-Za-z]+ /", pattern) else ("", "", pattern)
        return (not method or method.lower() == op.method) and fnmatch.fnmatchcase(op.path, glob)
    return fnmatch.fnmatchcase(op.id, pattern)


def select(api: ir.Api, include: Sequence[str], exclude: Sequence[str]) -> list[ir.Operation]:
    """The operations selected, in spec order. An include that matches nothing is a mistake
    worth stopping for (a typo would silently drop every tool): a UsageError listing the tags."""
    for sel in (*include, *exclude):
        parse(sel)
    for sel in include:
        if not any(matches(op, sel) for op in api.operations):
            tags = sorted({t for op in api.operations for t in op.tags})
            shown = ", ".join(tags[:30]) + (" ..." if len(tags) > 30 else "")
            raise UsageError(f"--tools-include {sel!r} matches no operation" + (f"; the spec's tags: {shown}" if tags else "; the spec has no tags"))
    ops = [op for op in api.operations if not include or any(matches(op, s) for s in include)]
    return [op for op in ops if not any(matches(op, s) for s in exclude)]
