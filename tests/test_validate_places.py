"""A validation finding about a schema's `default` names that `default`, not the document's root.

openapi-spec-validator checks each default against its own schema, so the error's path is
relative to the value (empty when the default itself is wrong); it used to be reported at `/`,
line 1. Both engines (the reference and its Rust port) are asked, as validate.py asks them."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import openapi, specgen_in_process, write_spec
from specgen.diagnostics import Diagnostics
from specgen.spec import engines
from specgen.spec.load import load
from specgen.spec.validate import _Finder

# two schemas with the same wrong default (null for an object): each finding names its own
# schema's default (the first in document order would be A's for both); a string enum with a
# list as default; and a right default that gives no finding
SCHEMAS = {
    "A": {"type": "object", "description": "first", "default": None, "properties": {"x": {"type": "string"}}},
    "B": {"type": "object", "description": "second", "default": None, "properties": {"y": {"type": "string"}}},
    "C": {"type": "object", "properties": {"mode": {"type": "string", "enum": ["auto"], "default": ["auto"]}}},
    "D": {"type": "string", "enum": ["a", "b"], "default": "a"},
}


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    return write_spec(tmp_path, openapi({}, SCHEMAS, version="3.1.0"))


@pytest.mark.parametrize("engine", ["reference", "fast"])
def test_a_wrong_default_is_found_at_its_own_default(spec: Path, engine: str) -> None:
    docs = load(spec, Diagnostics(), use_cache=False)
    data = docs.main.data
    locate = _Finder(data).find
    found = engines.reference(data, docs, locate) if engine == "reference" else engines.fast(data, docs, locate)
    assert found is not None, "the fast engine declined a plain 3.1 spec"
    places = sorted({f["pointer"] for f in found})
    assert places == ["/components/schemas/A/default", "/components/schemas/B/default", "/components/schemas/C/properties/mode/default"], found


def test_the_cli_reports_a_wrong_default_at_its_line(spec: Path) -> None:
    res = specgen_in_process("validate", str(spec))
    lines = spec.read_text().splitlines()
    reported = [line for line in res.stdout.splitlines() + res.stderr.splitlines() if "warning[invalid-openapi]" in line]
    assert reported and not any("(at /)" in line for line in reported), reported
    for line in reported:
        number = int(line.split(":")[1])
        assert lines[number - 1].strip().startswith("default:"), (line, lines[number - 1])
