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
    refs: list[tuple[str, str]] = []
    problem = _walk(data, refs)
    if problem is not None:
        return problem
    return _ref_chains(data, refs)


def _walk(data: Any, refs: list[tuple[str, str]]) -> tuple[str, str, str] | None:
    """One iterative post-order pass, each container visited once: aliases (a container reached
    again), its size with aliases expanded, and its height (nesting below it); `refs` gets
    (pointer of the node holding it, target pointer) of every `#...` $ref, in visiting order."""
    done: dict[int, tuple[int, int]] = {}  # id(container) -> (expanded size, height)
    path: set[int] = set()  # containers entered and not finished: the ancestors of the current one
    aliases = 0
    stack: list[tuple[Any, str, bool]] = [(data, "", False)]
    while stack:
        node, ptr, finishing = stack.pop()
        if not isinstance(node, (dict, list)):
            continue
        key = id(node)
        if finishing:
            path.discard(key)
            size, height = 1, 1
            for c in node.values() if isinstance(node, dict) else node:
                if isinstance(c, (dict, list)):
                    csize, cheight = done[id(c)]
                    size, height = size + csize, max(height, cheight + 1)
                else:
                    size += 1
            done[key] = (size, height)
            if height > DOCUMENT_MAX_DEPTH:
                return (f"the document nests deeper than {DOCUMENT_MAX_DEPTH} levels", "flatten the deepest structure (name nested schemas under components and $ref them)", ptr)
            if size > YAML_MAX_EXPANDED_NODES:
                return (f"YAML aliases expand the document to more than {YAML_MAX_EXPANDED_NODES:,} nodes", "write the repeated parts once and refer to them with $ref, not nested YAML aliases", ptr)
            continue
        if key in path:
            return ("a YAML alias refers to a node that contains it (the document would be infinite)", "remove the recursive alias; use $ref for recursive schemas", ptr)
        if key in done:
            aliases += 1
            if aliases > YAML_MAX_ALIASES:
                return (f"more than {YAML_MAX_ALIASES:,} YAML aliases", "write the repeated parts once and refer to them with $ref", ptr)
            continue
        path.add(key)
        stack.append((node, ptr, True))
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#"):
                refs.append((ptr, ref[1:]))
        pairs = node.items() if isinstance(node, dict) else enumerate(node)
        stack.extend((child, f"{ptr}/{_token(k)}", False) for k, child in pairs if isinstance(child, (dict, list)))
    return None


def _token(key: Any) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _ref_chains(data: Any, refs: list[tuple[str, str]]) -> tuple[str, str, str] | None:
    """A local `$ref` that leads through more than REF_CHAIN_MAX nodes that are only `$ref`s."""
    if not isinstance(data, dict):
        return None
    length: dict[str, int] = {}  # pointer of a `$ref` node -> links from it to a real node
    for start, ref in refs:
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
            return (f"a chain of {total + 1} $refs that only point at other $refs (at most {REF_CHAIN_MAX} are followed)", "point the $ref straight at the schema it means", start + "/$ref")
    return None


def _at(data: Any, pointer: str) -> Any:
    from urllib.parse import unquote

    node = node_at(data, unquote(pointer))  # a `$ref`'s fragment is percent-encoded
    return None if node is MISSING else node
