"""Python type expressions for IR types: the one place that decides how a TypeExpr is spelled
in generated code (response models vs request TypedDicts)."""

from __future__ import annotations

from typing import Literal

from generator import ir
from generator.render import py_literal

Side = Literal["response", "request"]

_PRIMS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None", "any": "Any", "binary": "bytes"}


def py_type(t: ir.TypeExpr, api: ir.Api, side: Side = "response") -> str:
    """`Optional[List[ChatCompletionTool]]` and the like; names refer to the models module."""
    inner = _base(t, api, side)
    if t.nullable and inner not in ("Any", "None"):
        return f"Optional[{inner}]"
    return inner


def _base(t: ir.TypeExpr, api: ir.Api, side: Side) -> str:
    if t.kind in _PRIMS:
        return _PRIMS[t.kind]
    if t.kind == "literal":
        return "Literal[" + ", ".join(py_literal(v) for v in t.values) + "]"
    if t.kind == "array":
        return f"List[{py_type(t.item, api, side) if t.item else 'Any'}]"
    if t.kind == "map":
        return f"Dict[str, {py_type(t.item, api, side) if t.item else 'Any'}]"
    if t.kind == "model" and t.ref:
        return api.model(t.ref).param_name if side == "request" else t.ref
    if t.kind in ("enum", "union") and t.ref:
        return t.ref
    if t.kind == "union":
        return "Union[" + ", ".join(py_type(v, api, side) for v in t.variants) + "]"
    return "Any"
