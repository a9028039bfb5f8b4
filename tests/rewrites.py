"""Rewrites of an OpenAPI document that keep its meaning, for the diff's identity tests: keys
reordered, `$ref`s inlined, 3.0 forms written as their 3.1 equivalents. (YAML vs JSON is the
tests writing every result as JSON.)"""

from __future__ import annotations

import copy
from typing import Any

_SUBSCHEMA = ("items", "additionalProperties", "not")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf")


def reorder(x: Any) -> Any:
    """Every mapping's keys in reverse order (lists, which carry meaning, untouched)."""
    if isinstance(x, dict):
        return {k: reorder(v) for k, v in reversed(list(x.items()))}
    if isinstance(x, list):
        return [reorder(v) for v in x]
    return x


def _resolve(doc: dict[str, Any], ref: str) -> Any:
    node: Any = doc
    for tok in ref[2:].split("/"):
        tok = tok.replace("~1", "/").replace("~0", "~")
        node = node[tok] if tok in node else node[next(k for k in node if str(k) == tok)]
    return node


def inline_refs(doc: dict[str, Any], depth_limit: int = 6) -> dict[str, Any]:
    """The local `$ref`s under `paths` replaced by a copy of their target (one met again inside
    its own expansion stays: recursion). A request or response body's own schema stays a
    reference: specgen finds a streaming operation's event type by that component's name."""

    def walk(x: Any, stack: tuple[str, ...], body: bool) -> Any:
        if isinstance(x, list):
            return [walk(v, stack, False) for v in x]
        if not isinstance(x, dict):
            return x
        ref = x.get("$ref")
        keep = body and isinstance(ref, str) and ref.startswith("#/components/schemas/")
        if isinstance(ref, str) and ref.startswith("#/components/") and ref not in stack and len(stack) < depth_limit and not keep:
            out = walk(copy.deepcopy(_resolve(doc, ref)), stack + (ref,), False)
            siblings = {k: walk(v, stack, False) for k, v in x.items() if k != "$ref"}
            return {**out, **siblings} if isinstance(out, dict) else out
        out = {k: walk(v, stack, False) for k, v in x.items() if k != "content"}
        if isinstance(x.get("content"), dict):  # media types: their schema's own $ref stays
            out["content"] = {
                ct: {k: walk(v, stack, k == "schema") for k, v in mt.items()} if isinstance(mt, dict) else mt for ct, mt in x["content"].items()
            }
        return out

    return {**doc, "paths": walk(doc.get("paths", {}), (), False)}


def _schema_31(x: Any) -> Any:
    """One schema's 3.0 forms written the 3.1 way: `nullable`, boolean `exclusiveMinimum`,
    `format: byte`, `example`; a default beside `nullable` moved into the non-null branch."""
    if not isinstance(x, dict):
        return x
    x = dict(x)
    for k in _SUBSCHEMA:
        if isinstance(x.get(k), dict):
            x[k] = _schema_31(x[k])
    for k in _SUBSCHEMA_LISTS:
        if isinstance(x.get(k), list):
            x[k] = [_schema_31(v) for v in x[k]]
    if isinstance(x.get("properties"), dict):
        x["properties"] = {name: _schema_31(v) for name, v in x["properties"].items()}
    for flag, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if x.get(flag) is True and bound in x:
            x[flag] = x.pop(bound)
        elif x.get(flag) is False:
            x.pop(flag)
    if x.get("format") == "byte" and x.get("type") == "string":
        x.pop("format")
        x["contentEncoding"] = "base64"
    if "example" in x and "examples" not in x:
        x["examples"] = [x.pop("example")]
    if x.pop("nullable", None) is not True:
        return x
    wrapped = "$ref" in x or (isinstance(x.get("allOf"), list) and len(x["allOf"]) == 1 and set(x) <= {"allOf", "description", "default", "title"})
    if wrapped:
        inner = {"$ref": x.pop("$ref")} if "$ref" in x else x.pop("allOf")[0]
        return {**x, "anyOf": [inner, {"type": "null"}]}
    if isinstance(x.get("type"), str):
        if "enum" in x and None not in x["enum"]:
            x["enum"] = [*x["enum"], None]
        if "default" in x and x["type"] != "object":
            return {"anyOf": [x, {"type": "null"}]}  # the default now inside the branch
        x["type"] = [x["type"], "null"]
        return x
    for kw in _SUBSCHEMA_LISTS[1:]:
        if isinstance(x.get(kw), list):
            x[kw] = [*x[kw], {"type": "null"}]
            return x
    return x


def to_31(doc: dict[str, Any]) -> dict[str, Any]:
    """A 3.0 document written as 3.1: every schema (components, parameters, bodies, responses,
    headers) rewritten by `_schema_31`."""

    def walk(x: Any) -> Any:
        if isinstance(x, list):
            return [walk(v) for v in x]
        if not isinstance(x, dict):
            return x
        return {k: _schema_31(v) if k == "schema" else walk(v) for k, v in x.items()}

    out = walk(doc)
    comps = out.get("components")
    if isinstance(comps, dict) and isinstance(comps.get("schemas"), dict):
        comps["schemas"] = {name: _schema_31(v) for name, v in comps["schemas"].items()}
    out["openapi"] = "3.1.0"
    return out
