"""Types as a reader says them, and the notes a description cell adds to them.

`phrase` spells a type (`integer (0..20)`, `"auto" \\| "low"`, `array of X, max 128 items`),
linking named definitions; `describe` writes a description cell: deprecation first, the spec's
text, then long enums' values, pattern and multiple-of.
"""

from __future__ import annotations

from typing import Iterable

from ...model import ir
from .markdown import DESC_LIMIT, cell, code, literal, num
from .site import Site

INLINE_ENUM = 6  # enums with at most this many values are spelled out in the type
LIST_VALUES = 200  # possible values listed in a description cell; the enum's page lists every one
PHRASE_DEPTH = 3  # nesting of type phrases before only a link is given


def phrase(site: Site, t: ir.TypeExpr, here: str, in_array: bool = False, level: int = 0) -> str:
    """A type as a reader says it: `integer (0..20)`, `"auto" | "low"`, `array of X, max 128 items`."""
    key = (id(t), here, in_array)
    got = site.phrases.get(key)
    if got is not None and level == 0:
        return got
    s = _phrase(site, t, here, in_array, level)
    if t.nullable and t.kind != "null":
        s += ", nullable"
    if level == 0:
        site.phrases[key] = s
    return s


def _phrase(site: Site, t: ir.TypeExpr, here: str, in_array: bool, level: int) -> str:
    c = t.constraints
    k = t.kind
    if k == "string":
        bits = [cell(t.format, 40)] if t.format else []
        bits += _length(c.min_length, c.max_length, "char")
        return "string" + (f" ({', '.join(bits)})" if bits else "")
    if k in ("integer", "number"):
        bits = _range(c)
        if t.format and t.format not in ("int32", "int64", "float", "double"):
            bits.insert(0, cell(t.format, 40))
        return k + (f" ({', '.join(bits)})" if bits else "")
    if k == "boolean":
        return "boolean"
    if k == "null":
        return "null"
    if k == "any":
        return "any"
    if k == "binary":
        return "file (binary)"
    if k == "literal":
        return " \\| ".join(literal(v) for v in t.values) or "any"
    if k == "array":
        item = phrase(site, t.item, here, True, level + 1) if t.item is not None and level < PHRASE_DEPTH else "any"
        bits = _length(c.min_items, c.max_items, "item")
        if c.unique_items:
            bits.append("unique")
        return "array of " + item + (", " + ", ".join(bits) if bits else "")
    if k == "map":
        bits = _length(c.min_properties, c.max_properties, "key")
        if t.item is None or t.item.kind == "any":
            base = "object (free-form)"
        else:
            inner = phrase(site, t.item, here, False, level + 1) if level < PHRASE_DEPTH else "any"
            base = "map of " + inner
        return base + (", " + ", ".join(bits) if bits else "")
    if k == "enum" and t.ref in site.api.enum_map:
        return enum_phrase(site, site.api.enum_map[t.ref], here)
    if k == "model" and t.ref:
        return site.link(t.ref, here) + ("" if in_array else " object")
    if k == "union" and t.ref in site.api.union_map:
        return union_phrase(site, site.api.union_map[t.ref], here, level)
    if t.variants:
        return " \\| ".join(phrase(site, v, here, False, level + 1) for v in t.variants)
    if t.ref:
        return site.link(t.ref, here)
    return cell(k, 40)


def enum_phrase(site: Site, e: ir.Enum, here: str) -> str:
    values = e.values
    if len(values) <= INLINE_ENUM:
        s = " \\| ".join(literal(v) for v in values)
        return s + (" \\| any string" if e.open else "")
    kind = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}.get(e.value_type, "value")
    if e.open:
        return f"{kind} ({site.link(e.name, here)}: {len(values)} known values, others accepted)"
    return f"{kind} ({site.link(e.name, here)}: one of {len(values)} values)"


def union_phrase(site: Site, u: ir.Union, here: str, level: int = 0) -> str:
    tags = [v for v in u.variants if v.tag is not None]
    if tags and len(tags) == len(u.variants):
        names = ", ".join(cell(v.tag, 60) + (" (deprecated)" if v.deprecated else "") for v in u.variants)
        return f"{site.link(u.name, here)} (one of: {names})"
    simple = len(u.variants) <= 5 and level < PHRASE_DEPTH and all(v.type.kind != "union" for v in u.variants)
    if simple:
        return " \\| ".join(phrase(site, v.type, here, False, level + 1) for v in u.variants)
    names = ", ".join(cell(v.name, 60) for v in u.variants[:8])
    more = f", … ({len(u.variants)} in all)" if len(u.variants) > 8 else ""
    return f"{site.link(u.name, here)} (one of: {names}{more})"


# --------------------------------------------------------------------------- descriptions


def values_note(site: Site, t: ir.TypeExpr, here: str) -> str:
    """The possible values of an enum too long to spell out in the type, as a collapsible list
    (`<details>`: GitHub renders it closed inside a table cell, so long lists keep rows short)."""
    inner = unwrap(t)
    if inner.kind != "enum" or inner.ref not in site.api.enum_map:
        return ""
    e = site.api.enum_map[inner.ref]
    if len(e.values) <= INLINE_ENUM:
        return ""
    shown = ", ".join(literal(v) for v in e.values[:LIST_VALUES])
    more = f", … and {len(e.values) - LIST_VALUES} more on the {site.link(e.name, here)} page" if len(e.values) > LIST_VALUES else ""
    head = f"Known values ({len(e.values)}; any other string is accepted too)" if e.open else f"Possible values ({len(e.values)})"
    return f"<details><summary>{head}</summary>{shown}{more}.</details>"


def describe(
    site: Site,
    description: str,
    t: ir.TypeExpr,
    deprecated: ir.Deprecation | None,
    extra: Iterable[str] = (),
    here: str = "",
    limit: int | None = DESC_LIMIT,
) -> str:
    """A description cell: deprecation first, the text (whole up to `limit`), then values and
    constraints."""
    parts: list[str] = []
    if deprecated is None:
        deprecated = deprecated_ref(site, t)
    if deprecated is not None:
        parts.append(deprecation(deprecated))
        # the text stays whole (its first line may say more than the note); only a bare
        # "Deprecated." that the note repeats is dropped
        if description.strip().lower() in ("deprecated", "deprecated."):
            description = ""
    if description:
        parts.append(cell(description, limit))
    note = values_note(site, t, here)
    if note:
        parts.append(note)
    pattern = unwrap(t).constraints.pattern
    if pattern:
        parts.append(f"Pattern: {code(pattern)}.")
    if t.constraints.multiple_of is not None:
        parts.append(f"Multiple of {num(t.constraints.multiple_of)}.")
    parts.extend(extra)
    return " ".join(parts) or "—"


def deprecated_ref(site: Site, t: ir.TypeExpr) -> ir.Deprecation | None:
    """The deprecation of the model, union or enum a type refers to, if any."""
    inner = unwrap(t)
    d = site.api.model_map.get(inner.ref or "") or site.api.union_map.get(inner.ref or "") or site.api.enum_map.get(inner.ref or "")
    return d.deprecated if d is not None else None


def deprecation(d: ir.Deprecation) -> str:
    if d.replacement:
        return f"**Deprecated**: use {code(d.replacement)} instead."
    return "**Deprecated.**"


def unwrap(t: ir.TypeExpr) -> ir.TypeExpr:
    """The type inside arrays and maps: what a field's items or values are."""
    while t.kind in ("array", "map") and t.item is not None:
        t = t.item
    return t


_INT_BOUNDS = {(-(2**63), 2**63 - 1), (-(2**31), 2**31 - 1), (0, 2**64 - 1), (0, 2**32 - 1)}


def _range(c: ir.Constraints) -> list[str]:
    if (c.minimum, c.maximum) in _INT_BOUNDS:
        return []  # the bounds of int64/int32 say nothing a reader needs
    lo = c.minimum if c.minimum is not None else c.exclusive_minimum
    hi = c.maximum if c.maximum is not None else c.exclusive_maximum
    lo_x = c.minimum is None and c.exclusive_minimum is not None
    hi_x = c.maximum is None and c.exclusive_maximum is not None
    if lo is not None and hi is not None and not lo_x and not hi_x:
        return [f"{num(lo)}..{num(hi)}"]
    bits = []
    if lo is not None:
        bits.append(f"min {num(lo)}" + (" exclusive" if lo_x else ""))
    if hi is not None:
        bits.append(f"max {num(hi)}" + (" exclusive" if hi_x else ""))
    return bits


def _length(lo: int | None, hi: int | None, unit: str) -> list[str]:
    if lo is None and hi is None:
        return []
    if lo is not None and hi is not None:
        if lo == hi:
            return [f"exactly {lo} {unit}{'s' if lo != 1 else ''}"]
        return [f"{lo}..{hi} {unit}s"]
    if lo is not None:
        return [f"min {lo} {unit}{'s' if lo != 1 else ''}"]
    return [f"max {hi} {unit}{'s' if hi != 1 else ''}"]
