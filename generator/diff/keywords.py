"""The JSON Schema keywords the IR keeps aside (`TypeExpr.extra`, `Model.extra`: contains,
dependentRequired, patternProperties, prefixItems, propertyNames, unevaluated*, if/then/else,
not, content*...), compared by what each does to the values a schema accepts. A keyword with
no judgement here is still reported, as an unmodeled change at its pointer: nothing is silent."""

from __future__ import annotations

import json
from typing import Any

from .changes import Acc, Code, Pointer, show
from .scalars import ValueSet, bound, compare_values

Extra = tuple[tuple[str, str], ...]

# present, each narrows what is valid (a request accepts less, a response promises more)
_CONSTRAINTS = frozenset(
    {
        "contains", "propertyNames", "unevaluatedItems", "unevaluatedProperties", "not", "if", "then", "else",
        "contentMediaType", "contentEncoding", "contentSchema", "additionalItems", "const", "required",
    }
)
# maps whose entries each narrow: judged entry by entry
_PER_ENTRY = frozenset({"dependentRequired", "dependentSchemas", "dependencies", "patternProperties", "properties"})
# (rule family, is an upper bound)
_BOUNDS = {
    "minContains": ("min-contains", False),
    "maxContains": ("max-contains", True),
    "minProperties": ("min-properties", False),
    "maxProperties": ("max-properties", True),
    "minItems": ("min-items", False),
    "maxItems": ("max-items", True),
    "minLength": ("min-length", False),
    "maxLength": ("max-length", True),
    "minimum": ("min", False),
    "maximum": ("max", True),
}
# value lists: an `enum` the IR did not type (beside an unknown `type`), `x-extensible-enum`
_VALUES = frozenset({"enum", "x-extensible-enum"})


def compare_extra(old: Extra, new: Extra, path: str, d: str, acc: Acc, where: str) -> None:
    """Compare the keywords kept aside at one place; `where` is the schema's pointer."""
    if old == new:
        return
    o, n = dict(old), dict(new)
    for k in sorted(set(o) | set(n)):
        a, b = o.get(k), n.get(k)
        if a == b:
            continue
        va, vb = _load(a), _load(b)
        if k in _BOUNDS and _number_or_none(va) and _number_or_none(vb):
            fam, upper = _BOUNDS[k]
            bound(fam, k, va, vb, upper, path, d, acc)
        elif k in _VALUES and isinstance(va, (list, type(None))) and isinstance(vb, (list, type(None))) and (va or vb):
            vtype = "string" if all(isinstance(x, str) for x in (va or []) + (vb or [])) else "mixed"
            if (va is None or vb is None) and k == "enum":
                _constraint(k, a, b, path, d, acc)
            elif va is None or vb is None:  # an extensible list added or dropped: any value was and is taken
                _unmodeled(k, a, b, path, d, acc, where)
            else:
                compare_values(ValueSet(tuple(va), False, vtype), ValueSet(tuple(vb), False, vtype), path, d, acc)
        elif k in _PER_ENTRY and isinstance(va, (dict, type(None))) and isinstance(vb, (dict, type(None))):
            ea, eb = va or {}, vb or {}
            for entry in sorted(set(ea) | set(eb)):
                x, y = ea.get(entry), eb.get(entry)
                if x != y:
                    _constraint(f"{k}[{json.dumps(entry)}]", _dump(x), _dump(y), path, d, acc)
        elif k in _CONSTRAINTS:
            _constraint(k, a, b, path, d, acc)
        elif k in ("prefixItems", "items") and isinstance(va, list) and isinstance(vb, list) and len(va) == len(vb) and len(set().union(*(_moves(x, y, 0) for x, y in zip(va, vb)))) == 1:
            _constraint(k, a, b, path, d, acc)  # the same tuple, each item's schema looser (or each tighter)
        elif k in ("prefixItems", "items"):
            acc.add("tuple-items-changed", path, "{0} {1} → {2}", Code(k), _shown(a), _shown(b), old=va, new=vb, direction=d)
        else:
            _unmodeled(k, a, b, path, d, acc, where)


def _unmodeled(k: str, a: str | None, b: str | None, path: str, d: str, acc: Acc, where: str) -> None:
    acc.add("unmodeled-change", path, "unmodeled change at {0}: {1} {2} → {3}", Pointer(f"{where}/{k}"), Code(k), _shown(a), _shown(b), old=_load(a), new=_load(b), direction=d)


# keywords whose schema says what values must NOT be (or only selects): a looser one there
# is not a looser value
_INVERTED = frozenset({"not", "if", "propertyNames"})


def _constraint(label: str, a: str | None, b: str | None, path: str, d: str, acc: Acc) -> None:
    what = "added" if a is None else "removed" if b is None else "changed"
    if what == "changed":
        rel = relation(_load(a), _load(b)) if label.split("[")[0] not in _INVERTED else "changed"
        if rel == "wider":
            what = "removed"  # the same consequence as dropping part of the constraint
        elif rel == "narrower":
            what = "added"
        else:
            acc.add(f"{d}-constraint-changed", path, "{0} {1} → {2}", Code(label), _shown(a), _shown(b), old=_load(a), new=_load(b), direction=d)
            return
        word = "relaxed" if rel == "wider" else "tightened"
        acc.add(f"{d}-constraint-{what}", path, "{0} " + word + ": {1} → {2}", Code(label), _shown(a), _shown(b), old=_load(a), new=_load(b), direction=d)
    else:
        acc.add(f"{d}-constraint-{what}", path, "{0} " + what + ": {1}", Code(label), _shown(a if b is None else b), old=_load(a), new=_load(b), direction=d)


_LOWER_KW = frozenset({"minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties", "minContains"})
_UPPER_KW = frozenset({"maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties", "maxContains"})


def relation(old: Any, new: Any) -> str:
    """How a schema changed, as far as its keywords tell: "same", "wider" (accepts more: a
    property's schema or a keyword dropped, a `required` entry gone, a bound loosened),
    "narrower" (the reverse), or "changed" (both, or anything else)."""
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):  # a tuple of schemas
        moves = set().union(*(_moves(x, y, 0) for x, y in zip(old, new)))
    else:
        moves = _moves(old, new, 0)
    if not moves:
        return "same"
    return moves.pop() if len(moves) == 1 else "changed"


def _moves(a: Any, b: Any, depth: int) -> set[str]:
    if a == b:
        return set()
    if not isinstance(a, dict) or not isinstance(b, dict) or depth > 16:
        return {"wider", "narrower"}
    out: set[str] = set()
    for k in set(a) | set(b):
        x, y = a.get(k), b.get(k)
        if x == y:
            continue
        if x is None:
            out.add("narrower")  # a keyword added constrains more
        elif y is None:
            out.add("wider")
        elif k == "required" and isinstance(x, list) and isinstance(y, list):
            out |= ({"narrower"} if set(y) - set(x) else set()) | ({"wider"} if set(x) - set(y) else set())
        elif k in ("properties", "patternProperties", "dependentSchemas") and isinstance(x, dict) and isinstance(y, dict):
            for name in set(x) | set(y):
                if name not in y:
                    out.add("wider")
                elif name not in x:
                    out.add("narrower")
                else:
                    out |= _moves(x[name], y[name], depth + 1)
        elif k in _LOWER_KW | _UPPER_KW and _number_or_none(x) and _number_or_none(y):
            up = y > x
            out.add("narrower" if up == (k in _LOWER_KW) else "wider")
        elif k in ("prefixItems", "allOf") and isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
            for xi, yi in zip(x, y):
                out |= _moves(xi, yi, depth + 1)
        elif k in ("items", "contains", "additionalProperties", "unevaluatedProperties", "unevaluatedItems", "then", "else", "contentSchema"):
            out |= _moves(x, y, depth + 1)
        else:
            out |= {"wider", "narrower"}
    return out


def _load(v: str | None) -> Any:
    return None if v is None else json.loads(v)


def _dump(v: Any) -> str | None:
    return None if v is None else json.dumps(v, sort_keys=True, separators=(",", ":"))


def _shown(v: str | None) -> Code | None:
    return None if v is None else Code(show(v))


def _number_or_none(v: Any) -> bool:
    return v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))
