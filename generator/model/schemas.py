"""Schemas: the dispatch from a schema's keywords to a type (primitives, arrays, literals, enums;
objects and unions go to their own modules), and `nullable` in its 3.0 and 3.1 forms."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..runtime._wire import kind_of
from . import enums, ir, objects, unions
from .context import At, Context
from .keywords import constraints_of, required_alternatives


_PRIMITIVES = {"string", "integer", "number", "boolean", "null", "object", "array"}
_SHAPING = frozenset({"oneOf", "anyOf", "allOf", "enum", "const", "properties"})
# the keywords that tell a schema's kind when it names no `type`
_OBJECT_KW = frozenset({"properties", "additionalProperties", "patternProperties", "required"})
_ARRAY_KW = frozenset({"items", "prefixItems"})
_STRING_KW = frozenset({"minLength", "maxLength", "pattern"})
_NUMBER_KW = frozenset({"minimum", "maximum", "multipleOf", "exclusiveMinimum", "exclusiveMaximum"})


def _chosen(pointer: str) -> bool:
    """Whether the schema at `pointer` is a whole subschema of `not`, `oneOf` or `anyOf`."""
    parent, _, last = pointer.rpartition("/")
    return last == "not" or (last.isdigit() and parent.rpartition("/")[2] in ("oneOf", "anyOf"))


def convert(cx: Context, node: dict[str, Any], at: At) -> ir.TypeExpr:
    where = cx.where(at.file, at.pointer)
    if isinstance(node.get("enum"), list) and not node["enum"] and not _chosen(at.pointer):
        # by the letter no value is valid; specs that write it (Discord's, beside an `allOf` that
        # names the values) mean no constraint, and a client that can send nothing helps nobody.
        # As a whole variant of oneOf/anyOf, or under `not`, it keeps its letter. The mock reads
        # it so too (mock/validation.py)
        cx.diags.warning("empty-enum", "`enum` lists no value (so no value would be valid): read as no constraint", hint="list the allowed values, or remove `enum`", file=at.file, pointer=at.pointer + "/enum")
        node = {k: v for k, v in node.items() if k != "enum"}
    nullable = node.get("nullable") is True
    raw_type = node.get("type")
    types: list[str] = []
    if isinstance(raw_type, str):
        types = [raw_type]
    elif isinstance(raw_type, list):
        types = [t for t in raw_type if isinstance(t, str)]
    elif raw_type is not None:
        cx.diags.warning("bad-type", f"`type` must be a string or a list, not {type(raw_type).__name__}", hint="write type: string (or another JSON Schema type)", file=at.file, pointer=at.pointer + "/type")
    unknown = [t for t in types if t not in _PRIMITIVES]
    if unknown:
        cx.diags.warning(
            "unknown-type",
            f"unknown type {unknown[0]!r}",
            hint="use one of string, integer, number, boolean, object, array, null",
            file=at.file,
            pointer=at.pointer + "/type",
        )
        types = [t for t in types if t in _PRIMITIVES]
        if not types:
            return cx.degrade(at, f"unknown type {unknown[0]!r}")
    if "null" in types:
        nullable = True
        types = [t for t in types if t != "null"]
        if not types and _SHAPING.isdisjoint(node):
            return ir.TypeExpr("null", pointer=where, nullable=True)

    if "allOf" in node:
        return objects.all_of(cx, node, at, nullable)
    for kw in ("oneOf", "anyOf"):
        if kw in node and isinstance(node[kw], list):
            if required_alternatives(node, kw) is not None:
                return objects.object_type(cx, node, at, nullable)  # an object whose union only says which fields are required
            return unions.union(cx, node, kw, at, nullable)

    if "const" in node:
        return ir.TypeExpr("literal", values=(node["const"],), nullable=nullable, pointer=where, null_ok=node["const"] is None or not nullable)
    if "enum" in node and isinstance(node["enum"], list):
        values = _typed_values(cx, list(node["enum"]), types, nullable, at)
        listed_null = None in values
        if listed_null:
            nullable = True
            values = [v for v in values if v is not None]
        if not values:
            # only null listed: the null type; nothing listed at all (kept as written as a
            # variant of oneOf/anyOf or under `not`): no value, which fixtures know not to try
            return ir.TypeExpr("null", nullable=True, pointer=where, unsatisfiable=None if listed_null else "`enum` allows no value")
        if len(values) == 1:
            return ir.TypeExpr("literal", values=(values[0],), nullable=nullable, pointer=where, null_ok=listed_null or not nullable)
        t = enums.enum_type(cx, node, values, at, nullable, is_open=False)
        return t if listed_null or not nullable else replace(t, null_ok=False)

    if len(types) > 1:
        variants = tuple(convert(cx, {**node, "type": t, "nullable": False}, At(at.file, at.pointer, at.hint)) for t in types)
        return ir.TypeExpr("union", variants=variants, nullable=nullable, pointer=where)
    kind = types[0] if types else None
    if kind is None:
        if not _OBJECT_KW.isdisjoint(node):
            kind = "object"
        elif not _ARRAY_KW.isdisjoint(node):
            kind = "array"
        elif not _STRING_KW.isdisjoint(node):
            kind = "string"
        elif not _NUMBER_KW.isdisjoint(node):
            kind = "number"
    cons = constraints_of(node, cx.version)
    fmt = node.get("format") if isinstance(node.get("format"), str) else None
    if fmt is None and kind == "string" and node.get("contentEncoding") == "base64":
        fmt = "byte"  # 3.1 spells 3.0's `format: byte` as `contentEncoding: base64`
    if kind == "object":
        return objects.object_type(cx, node, at, nullable)
    if kind == "array":
        return _array(cx, node, at, nullable, cons)
    if kind == "string" and fmt in ("binary",):
        return ir.TypeExpr("binary", nullable=nullable, format=fmt, pointer=where)
    media_type = node.get("contentMediaType") if isinstance(node.get("contentMediaType"), str) else None
    if cx.version != "3.0" and kind in ("string", None):
        if "contentEncoding" in node:
            # 3.1: `contentEncoding: base64` is 3.0's `format: byte` (bytes sent as base64 text)
            return ir.TypeExpr("string", nullable=nullable, format=fmt or "byte", constraints=cons, pointer=where, content_media_type=media_type)
        if media_type is not None and kind_of(media_type) == "binary":
            # 3.1: `contentMediaType` of a binary type without an encoding is 3.0's `format: binary`
            return ir.TypeExpr("binary", nullable=nullable, format="binary", pointer=where, content_media_type=media_type)
    if kind in ("string", "integer", "number", "boolean"):
        return ir.TypeExpr(kind, nullable=nullable, format=fmt, constraints=cons, pointer=where)  # type: ignore[arg-type]
    return ir.TypeExpr("any", nullable=nullable, pointer=where)


def _array(cx: Context, node: dict[str, Any], at: At, nullable: bool, cons: ir.Constraints) -> ir.TypeExpr:
    """An array; a tuple (`prefixItems`, or draft 4's `items` as a list) keeps its positional
    types in `prefix`, and `item` types the items after them."""
    where = cx.where(at.file, at.pointer)
    items = node.get("items")
    prefix_kw, rest_kw = ("items", "additionalItems") if isinstance(items, list) else ("prefixItems", "items")
    raw_prefix: list[Any] = node[prefix_kw] if isinstance(node.get(prefix_kw), list) else []
    prefix = tuple(cx.schema(p, At(at.file, f"{at.pointer}/{prefix_kw}/{i}", f"{at.hint}Item{i + 1}")) for i, p in enumerate(raw_prefix))
    rest = node.get(rest_kw)
    if rest is False:
        # nothing may follow the positional items
        item: ir.TypeExpr = ir.TypeExpr("any", pointer=where)
        if cons.max_items is None or cons.max_items > len(prefix):
            cons = replace(cons, max_items=len(prefix))
    elif rest is None or rest is True:
        item = ir.TypeExpr("any", pointer=where)
    else:
        item = cx.schema(rest, At(at.file, f"{at.pointer}/{rest_kw}", at.hint + "Item"))
    return ir.TypeExpr("array", item=item, nullable=nullable, constraints=cons, pointer=where, prefix=prefix)


_JSON_TYPES: dict[str, tuple[type, ...]] = {"string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,), "array": (list,), "object": (dict,), "null": (type(None),)}


def _typed_values(cx: Context, values: list[Any], types: list[str], nullable: bool, at: At) -> list[Any]:
    """The values of an `enum` that its sibling `type` allows (a number enum listing `""` has a
    value no instance can take): the others are left out, with a warning."""
    if not types:
        return values

    def ok(v: Any) -> bool:
        if v is None:
            return nullable or "null" in types
        if isinstance(v, bool):
            return "boolean" in types
        if isinstance(v, float) and "integer" in types and v.is_integer():
            return True
        return any(isinstance(v, _JSON_TYPES.get(t, ())) for t in types)

    kept = [v for v in values if ok(v)]
    dropped = [v for v in values if not ok(v)]
    if dropped:
        cx.diags.warning(
            "enum-type-mismatch",
            f"enum value{'s' if len(dropped) > 1 else ''} {', '.join(repr(v) for v in dropped[:5])} not of type {' or '.join(types)}: no value can take {'them' if len(dropped) > 1 else 'it'}, left out",
            hint="remove the value from `enum`, or widen `type`",
            file=at.file,
            pointer=at.pointer + "/enum",
        )
    return kept
