"""What a scalar accepts, compared: enum and literal value sets, formats and constraints
(`minimum`, `maxLength`, `pattern`, ...), with the range an integer format implies."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ..model import ir
from .changes import Acc, Vals, vkey
from .rules import SET_WARNS

_UPPER = (
    ("maximum", "max", "maximum"),
    ("exclusive_maximum", "max", "exclusiveMaximum"),
    ("max_length", "max-length", "maxLength"),
    ("max_items", "max-items", "maxItems"),
    ("max_properties", "max-properties", "maxProperties"),
)
_LOWER = (
    ("minimum", "min", "minimum"),
    ("exclusive_minimum", "min", "exclusiveMinimum"),
    ("min_length", "min-length", "minLength"),
    ("min_items", "min-items", "minItems"),
    ("min_properties", "min-properties", "minProperties"),
)
# the range an integer format implies, compared as if it were written as minimum/maximum
_FORMAT_RANGE = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1), "uint32": (0, 2**32 - 1), "uint64": (0, 2**64 - 1)}


@dataclass(frozen=True)
class ValueSet:
    values: tuple[Any, ...]
    open: bool
    vtype: str


def value_set(t: ir.TypeExpr, api: ir.Api) -> ValueSet | None:
    """The values a type accepts: an enum's or literal's list, or open for a bare scalar."""
    if t.kind == "enum" and t.ref in api.enum_map:
        e = api.enum_map[t.ref]
        return ValueSet(e.values, e.open, e.value_type)
    if t.kind == "literal":
        types = {_value_type(v) for v in t.values}
        return ValueSet(t.values, False, types.pop() if len(types) == 1 else "mixed")
    if t.kind in ("string", "integer", "number", "boolean"):
        return ValueSet((), True, t.kind)
    return None


def _value_type(v: Any) -> str:
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    return "mixed"


def compatible(a: str, b: str) -> bool:
    return a == b or "mixed" in (a, b) or {a, b} == {"integer", "number"}


def compare_values(ov: ValueSet, nv: ValueSet, path: str, d: str, acc: Acc) -> None:
    if ov.open != nv.open:
        if nv.open:
            acc.add(f"{d}-enum-opened", path, "accepts any value now" if d == "request" else "may be any value now", old=list(ov.values), new=None, direction=d)
        else:
            acc.add(f"{d}-enum-closed", path, "limited to {0}", Vals(nv.values), old=None, new=list(nv.values), direction=d)
    if not ov.values or not nv.values:
        return
    okeys = {vkey(v) for v in ov.values}
    nkeys = {vkey(v) for v in nv.values}
    if len(okeys) == len(nkeys) == 1 and okeys != nkeys and not ov.open and not nv.open:
        # a constant replaced: nothing valid before is valid now
        acc.add(f"{d}-const-changed", path, "always {0} → always {1}", Vals(ov.values), Vals(nv.values), old=list(ov.values), new=list(nv.values), direction=d)
        return
    removed = [v for v in ov.values if vkey(v) not in nkeys]
    added = [v for v in nv.values if vkey(v) not in okeys]
    if removed:
        if d == "request":
            rule = "request-open-enum-value-removed" if nv.open else "request-enum-value-removed"
        else:
            rule = "response-enum-value-removed"
        acc.add(rule, path, "no longer lists {0}", Vals(removed), old=removed, direction=d)
    if added:
        if d == "request":
            rule = "request-enum-value-added"
        else:
            rule = "response-open-enum-value-added" if ov.open and nv.open else "response-enum-value-added"
        acc.add(rule, path, "gains {0}", Vals(added), new=added, direction=d)


def compare_format(o: ir.TypeExpr, n: ir.TypeExpr, path: str, d: str, acc: Acc) -> None:
    if o.format != n.format:
        acc.add("format-changed", path, "format {0} → {1}", o.format, n.format, old=o.format, new=n.format, direction=d)


def compare_constraints(oc: ir.Constraints, nc: ir.Constraints, path: str, d: str, acc: Acc) -> None:
    if oc == nc:
        return
    for attr, fam, label in _UPPER:
        a, b = getattr(oc, attr), getattr(nc, attr)
        if a != b:
            bound(fam, label, a, b, True, path, d, acc)
    for attr, fam, label in _LOWER:
        a, b = getattr(oc, attr), getattr(nc, attr)
        if a != b:
            bound(fam, label, a, b, False, path, d, acc)
    if oc.pattern != nc.pattern:
        if d == "response":
            rule = "response-pattern-changed"
        else:
            rule = "request-pattern-added" if oc.pattern is None else "request-pattern-removed" if nc.pattern is None else "request-pattern-changed"
        acc.add(rule, path, "pattern {0} → {1}", oc.pattern, nc.pattern, old=oc.pattern, new=nc.pattern, direction=d)
    if oc.multiple_of != nc.multiple_of:
        rule = "response-multiple-of-changed" if d == "response" else "request-multiple-of-removed" if nc.multiple_of is None else "request-multiple-of-changed"
        acc.add(rule, path, "multipleOf {0} → {1}", oc.multiple_of, nc.multiple_of, old=oc.multiple_of, new=nc.multiple_of, direction=d)
    if oc.unique_items != nc.unique_items:
        acc.add(f"{d}-unique-items-{'set' if nc.unique_items else 'unset'}", path, "uniqueItems {0} → {1}", oc.unique_items, nc.unique_items, old=oc.unique_items, new=nc.unique_items, direction=d)


def bound(fam: str, label: str, a: Any, b: Any, upper: bool, path: str, d: str, acc: Acc) -> None:
    """One limit that changed (`upper`: a maximum). Raising a maximum or lowering a minimum
    widens (removing one too); setting one where there was none narrows a request, a warning
    for the limits where the server likely had one already."""
    if a is None and d == "request" and fam in SET_WARNS:
        acc.add(f"request-{fam}-set", path, label + " {0} → {1}", a, b, old=a, new=b, direction=d)
        return
    wider = b is None or (a is not None and (b > a if upper else b < a))
    up = wider if upper else not wider
    acc.add(f"{d}-{fam}-{'increased' if up else 'decreased'}", path, label + " {0} → {1}", a, b, old=a, new=b, direction=d)


def effective(t: ir.TypeExpr) -> ir.Constraints:
    """A number's constraints with the range its format implies folded in."""
    rng = _FORMAT_RANGE.get(t.format or "", (None, None))
    c = t.constraints
    lo = c.minimum if c.minimum is not None else rng[0]
    hi = c.maximum if c.maximum is not None else rng[1]
    # 64-bit limits say "any integer" to a Python client: the same as no limit
    lo = None if lo is not None and lo <= -(2**63) else lo
    hi = None if hi is not None and hi >= 2**63 - 1 else hi
    if (lo, hi) == (c.minimum, c.maximum):
        return c
    return replace(c, minimum=lo, maximum=hi)
