"""Synthesis asks tens of thousands of times whether a value is one of an enum's or a literal's
values; a string is answered by a set lookup (fixtures/conform.py `enum_has` and the literal
path of `conforms`). Those answers are the ones openapi-schema-validator gives on the same
schema, for strings and for the values a string must not be confused with, asked again (the
per-enum sets are built on the first question)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openapi_schema_validator import OAS31Validator
from support import normalize_dict, openapi

from specgen.artifacts.fixtures.conform import conforms, enum_has, same

PROPERTIES: dict[str, dict[str, Any]] = {
    "mixed": {"enum": ["a", "1", 1, 2.5, True, "true", "null"]},  # no type: values of every kind
    "strings": {"type": "string", "enum": ["a", "b", "A"]},
    "word": {"const": "a"},  # a literal
    "words": {"type": "string", "enum": ["a"]},  # a one-value enum: a literal too
}
PROBES: list[Any] = ["a", "A", "b", "1", "a ", "", "true", "True", "null", "2.5", 1, 1.0, 2.5, True, False, 0, None]


@pytest.fixture(scope="module")
def holder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any]]:
    api = normalize_dict(tmp_path_factory.mktemp("lookup"), openapi(schemas={"Holder": {"type": "object", "properties": PROPERTIES}}))
    return api, {f.name: f.type for f in api.model_map["Holder"].fields}


@pytest.mark.parametrize("prop", sorted(PROPERTIES))
def test_enum_and_literal_verdicts_are_the_validators(holder: tuple[Any, dict[str, Any]], prop: str) -> None:
    api, types = holder
    oracle = OAS31Validator(PROPERTIES[prop])
    for asked in range(2):  # the second time from the sets built by the first
        for value in PROBES:
            assert conforms(api, value, types[prop]) == oracle.is_valid(value), (prop, value, asked)


def test_enum_has_answers_as_the_value_by_value_comparison(holder: tuple[Any, dict[str, Any]]) -> None:
    api, types = holder
    for name in ("HolderMixed", "HolderStrings"):
        e = api.enum_map[name]
        for value in PROBES + [[1], {"a": 1}]:
            assert enum_has(api, e, value) == any(same(value, v) for v in e.values), (name, value)
