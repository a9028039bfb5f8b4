"""The mock's pattern evaluation: jsonschema's `pattern`, `patternProperties` and
`additionalProperties` keywords with every regular expression run by `generator/patterns.py` (RE2,
linear time; a timed fallback for lookarounds), so no request can make the mock backtrack for
minutes, and a pattern that is not a regular expression never turns into a 500.

A pattern that cannot be evaluated (invalid, or over its time budget) constrains nothing: the
value is accepted, and the pattern is listed by `unusable_patterns` so the mock can say so at
start-up.
"""

from __future__ import annotations

from typing import Any, Iterator

from jsonschema import validators
from jsonschema.exceptions import ValidationError

from ..model import ir
from ..patterns import PatternError, compile_pattern, search


def _matches(pattern: str, text: str) -> bool:
    """Does `pattern` match `text`? Undecidable within budget (or invalid) counts as a match."""
    return search(pattern, text) is not False


def pattern(validator: Any, patrn: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if isinstance(patrn, str) and validator.is_type(instance, "string") and not _matches(patrn, instance):
        yield ValidationError(f"{instance!r} does not match {patrn!r}")


def pattern_properties(validator: Any, patterns: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object") or not isinstance(patterns, dict):
        return
    for patrn, subschema in patterns.items():
        for key, value in instance.items():
            if _matches(patrn, key):
                yield from validator.descend(value, subschema, path=key, schema_path=patrn)


def additional_properties(validator: Any, extra_schema: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    declared = schema.get("properties", {})
    patterns = [p for p in schema.get("patternProperties", {}) if isinstance(p, str)]
    extras = [k for k in instance if k not in declared and not any(_matches(p, k) for p in patterns)]
    if not extras:
        return
    if validator.is_type(extra_schema, "object"):
        for key in extras:
            yield from validator.descend(instance[key], extra_schema, path=key)
    elif extra_schema is False:
        yield ValidationError(f"Additional properties are not allowed ({', '.join(repr(k) for k in sorted(extras, key=str))} {'was' if len(extras) == 1 else 'were'} unexpected)")


def bounded(cls: Any) -> Any:
    """The validator class `cls` with its pattern keywords evaluated in bounded time."""
    extend: Any = validators.extend  # untyped in jsonschema
    return extend(cls, {"pattern": pattern, "patternProperties": pattern_properties, "additionalProperties": additional_properties})


def unusable_patterns(api: ir.Api) -> list[tuple[str, str]]:
    """(pattern, why) for every `pattern` of the API that cannot be evaluated at all."""
    found: dict[str, str] = {}
    for t in _types(api):
        p = t.constraints.pattern
        if p is not None and p not in found:
            try:
                compile_pattern(p)
                found[p] = ""
            except PatternError as e:
                found[p] = str(e)
    return [(p, why) for p, why in found.items() if why]


def _types(api: ir.Api) -> Iterator[ir.TypeExpr]:
    stack: list[ir.TypeExpr] = [f.type for m in api.models for f in m.fields]
    stack += [v.type for u in api.unions for v in u.variants]
    stack += [p.type for op in api.operations for p in op.parameters]
    while stack:
        t = stack.pop()
        yield t
        stack.extend(t.variants)
        stack.extend(t.prefix)
        if t.item is not None:
            stack.append(t.item)
