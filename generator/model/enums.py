"""Enums: the values of an `enum` (closed) or of `anyOf [string, enum]` (open), deduplicated, with
Python-safe member names, as a named definition."""

from __future__ import annotations

from typing import Any

from . import ir
from .context import At, Context
from .keywords import deprecation_of, member_name, text_of
from .naming import Namer


def enum_type(cx: Context, node: dict[str, Any], values: list[Any], at: At, nullable: bool, is_open: bool) -> ir.TypeExpr:
    key = (at.file, at.pointer)
    name = cx.name_for(key, node, at.hint)
    kinds = {type(v) for v in values}
    if kinds <= {str}:
        vt = "string"
    elif kinds <= {int} :
        vt = "integer"
    elif kinds <= {int, float}:
        vt = "number"
    elif kinds <= {bool}:
        vt = "boolean"
    else:
        vt = "mixed"
    members = Namer(reserved={"name", "value", "mro"})
    out: list[ir.EnumMember] = []
    seen: list[Any] = []
    for v in values:
        if any(v == s and type(v) is type(s) for s in seen):
            continue
        seen.append(v)
        out.append(ir.EnumMember(members.claim(member_name(v)), v))
    dep = deprecation_of(node)
    cx.note_deprecated("schema", name, at.file, at.pointer, dep)
    cx.enums[name] = ir.Enum(
        name=name,
        members=tuple(out),
        value_type=vt,  # type: ignore[arg-type]
        open=is_open,
        description=text_of(node.get("description")),
        deprecated=dep,
        pointer=cx.where(at.file, at.pointer),
    )
    return ir.TypeExpr("enum", ref=name, nullable=nullable, pointer=cx.where(at.file, at.pointer))

