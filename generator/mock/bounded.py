"""The mock's pattern evaluation: jsonschema's `pattern` and `patternProperties` keywords with
every regular expression run through `_matches`, the one place a pattern is evaluated (so a
time-bounded engine can replace it), and a pattern that is not a regular expression never
turns into a 500: it constrains nothing, and `unusable_patterns` lists it for a start-up
warning.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Iterator

from jsonschema import validators
from jsonschema.exceptions import ValidationError

from ..model import ir


@functools.lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except (re.error, RecursionError, OverflowError, ValueError):
        return None


def _matches(pattern: str, text: str) -> bool:
    """Does `pattern` match somewhere in `text`? An invalid pattern counts as a match."""
    rx = _compiled(pattern)
    return rx is None or rx.search(text) is not None


def pattern(validator: Any, patrn: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if isinstance(patrn, str) and validator.is_type(instance, "string") and not _matches(patrn, instance):
        yield ValidationError(f"{instance!r} does not match {patrn!r}")


def pattern_properties(validator: Any, patterns: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object") or not isinstance(patterns, dict):
        return
    for patrn, subschema in patterns.items():
        for key, value in instance.items():
            if isinstance(patrn, str) and _matches(patrn, key):
                yield from validator.descend(value, subschema, path=key, schema_path=patrn)


def bounded(cls: Any) -> Any:
    """The validator class `cls` with its pattern keywords evaluated by `_matches`."""
    extend: Any = validators.extend  # untyped in jsonschema
    return extend(cls, {"pattern": pattern, "patternProperties": pattern_properties})


def unusable_patterns(api: ir.Api) -> list[tuple[str, str]]:
    """(pattern, why) for every `pattern` of the API that is not a regular expression."""
    found: dict[str, str] = {}
    for t in _types(api):
        p = t.constraints.pattern
        if p is not None and p not in found:
            try:
                re.compile(p)
                found[p] = ""
            except (re.error, RecursionError, OverflowError, ValueError) as e:
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
        if t.item is not None:
            stack.append(t.item)
