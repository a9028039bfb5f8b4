"""Validation: the fast engine where it agrees with the reference, cached, incremental (only
what changed since the last full run, where the fast engine declines), and in the background;
every path gives the findings a full run of the reference gives (tests/test_validate_corpus.py
proves the fast engine's agreement on the real specs)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from support import ROOT, SEED_SPECS
from specgen.diagnostics import Diagnostics
from specgen.spec.load import load
from specgen.spec import engines
from specgen.spec.validate import Validation, _findings


def _findings_via(spec: Path, strict: bool = False) -> tuple[list[dict[str, object]], bool]:
    v = Validation(load(spec, Diagnostics()), use_cache=True, background=False, strict=strict)
    found = v.result()
    return sorted(found, key=lambda f: (str(f["pointer"]), str(f["message"]))), v.full


def _full(spec: Path) -> list[dict[str, object]]:
    return sorted(_findings(load(spec, Diagnostics(), use_cache=False), strict=True), key=lambda f: (str(f["pointer"]), str(f["message"])))


# a schema the fast engine leaves to the reference (it does not check idn-hostname values)
_DECLINED = "    IdnHost:\n      type: string\n      format: idn-hostname\n"


def test_incremental_validation_matches_a_full_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path / "cache"))
    spec = tmp_path / "spec.yaml"
    text = SEED_SPECS["openai-chat-2025"].read_text()
    spec.write_text(text.replace("  schemas:\n", "  schemas:\n" + _DECLINED, 1))
    first, full = _findings_via(spec)
    assert full and first == []
    text = spec.read_text()
    # break one component: a finding must appear, found by re-validating that part only
    broken = text.replace("    ChatCompletionDeleted:\n      type: object", "    ChatCompletionDeleted:\n      type: objekt", 1)
    assert broken != text
    spec.write_text(broken)
    found, full = _findings_via(spec)
    assert not full and found == _full(spec) and len(found) >= 1
    assert any(str(f["pointer"]).startswith("/components/schemas/ChatCompletionDeleted") or f["pointer"] is None for f in found)
    # mend it: the finding goes away again
    spec.write_text(text)
    found, full = _findings_via(spec)
    assert found == [] == _full(spec)


def test_strict_always_validates_in_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path / "cache"))
    spec = tmp_path / "spec.yaml"
    shutil.copy(SEED_SPECS["xai-chat"], spec)
    _findings_via(spec)
    spec.write_text(spec.read_text().replace("tokenizeText", "tokenizeTextRenamed"))
    _, full = _findings_via(spec, strict=True)
    assert full


def test_background_validation_gives_the_same_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path / "cache"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses: {}\n")
    v = Validation(load(bad, Diagnostics()), use_cache=False, background=True)
    assert v.result() == _findings(load(bad, Diagnostics(), use_cache=False)) != []


def _docs(tmp_path: Path, text: str, name: str = "spec.yaml") -> object:
    p = tmp_path / name
    p.write_text(text)
    return load(p, Diagnostics(), use_cache=False)


_BROKEN = """openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things/{id}:
    get:
      operationId: same
      parameters:
        - {name: limit, in: query, schema: {type: integer, default: many}}
      responses: {}
  /other:
    post:
      operationId: same
      responses:
        '200': {description: ok}
components:
  schemas:
    Thing:
      type: objekt
      required: [a, a]
      properties: {a: {type: string, format: date, default: 'not a date'}}
"""


def test_fast_engine_gives_the_reference_findings_in_order(tmp_path: Path) -> None:
    docs = _docs(tmp_path, _BROKEN)
    data = docs.main.data  # type: ignore[attr-defined]
    fast = engines.fast(data, docs)  # type: ignore[arg-type]
    reference = engines.reference(data, docs)  # type: ignore[arg-type]
    assert fast is not None and len(reference) >= 4
    assert fast == reference


def test_strict_takes_the_reference_even_over_a_cached_fast_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path / "cache"))
    spec = tmp_path / "spec.yaml"
    spec.write_text(_BROKEN)
    first = Validation(load(spec, Diagnostics()), background=False)
    first.result()
    assert first.source == "fast"
    assert Validation(load(spec, Diagnostics()), background=False).source == "cache"
    strict = Validation(load(spec, Diagnostics()), background=False, strict=True)
    assert strict.source is None
    assert strict.result() == first.findings and strict.source == "reference"
    # now the reference's findings are cached: --strict may take them
    assert Validation(load(spec, Diagnostics()), background=False, strict=True).source == "cache"


def test_idn_hostname_is_left_to_the_reference(tmp_path: Path) -> None:
    text = _BROKEN.replace("properties: {a:", "properties: {h: {type: string, format: idn-hostname, default: Bücher.example}, a:")
    docs = _docs(tmp_path, text)
    data = docs.main.data  # type: ignore[attr-defined]
    assert "idn-hostname" in (engines.declines(data, docs) or "")  # type: ignore[arg-type]
    found, engine = engines.findings(data, docs)  # type: ignore[arg-type]
    assert engine == "reference"
    assert any("idn-hostname" in f["message"] for f in found)


def test_an_aborted_fast_run_is_left_to_the_reference(tmp_path: Path) -> None:
    # a $ref to nothing stops both validators; the reference keeps what it found before
    text = _BROKEN + "    Broken:\n      $ref: '#/components/schemas/Nowhere'\n"
    docs = _docs(tmp_path, text)
    data = docs.main.data  # type: ignore[attr-defined]
    assert engines.fast(data, docs) is None  # type: ignore[arg-type]
    found, engine = engines.findings(data, docs)  # type: ignore[arg-type]
    assert engine == "reference" and "stopped early" in found[-1]["message"]


def test_neither_engine_fetches_a_remote_ref(tmp_path: Path) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    text = f"openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    Far:\n      $ref: 'http://127.0.0.1:{port}/far.yaml'\n"
    docs = _docs(tmp_path, text)
    data = docs.main.data  # type: ignore[attr-defined]
    try:
        assert engines.fast(data, docs) is None  # type: ignore[arg-type]
        found = engines.reference(data, docs)  # type: ignore[arg-type]
        with pytest.raises(socket.timeout):
            server.accept()
    finally:
        server.close()
    assert "stopped early" in found[-1]["message"]


_BACKEND_FIRST = r"""
import sys
from pathlib import Path
import openapi_spec_validator as osv
from specgen.diagnostics import Diagnostics
from specgen.spec import engines
from specgen.spec.load import load

# another caller in the process uses the library first, with its default ("auto": jsonschema-rs)
assert osv.schemas.get_validator_backend() == "jsonschema-rs"
list(osv.OpenAPIV30SpecValidator({"openapi": "3.0.3", "info": {}, "paths": {}}).iter_errors())
docs = load(Path(sys.argv[1]), Diagnostics(), use_cache=False)
fast, reference = engines.fast(docs.main.data, docs), engines.reference(docs.main.data, docs)
print(fast == reference)
print(reference[:2])
"""


def test_the_reference_keeps_its_backend_after_the_library_was_used_with_another(tmp_path: Path) -> None:
    """openapi-spec-validator builds its meta-schema validator once per process, with the backend
    chosen at its first use; the reference must not inherit jsonschema-rs from an earlier caller
    (under xdist this made the reference's messages depend on which tests shared a worker)."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(_BROKEN)
    env = {k: v for k, v in os.environ.items() if k != "OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND"}
    run = subprocess.run([sys.executable, "-c", _BACKEND_FIRST, str(spec)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "True", run.stdout


def test_response_codes_yaml_reads_as_numbers_are_validated_as_json_carries_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`200:` unquoted (Asana's spec, 1,527 times) is a YAML integer key; the validators take
    JSON and stopped at the first one ("the validator stopped early"), so nothing after it was
    checked. They now read the spec as JSON carries it: a real problem elsewhere is found, by
    the fast engine, the reference and an incremental run alike."""
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path / "cache"))
    spec = tmp_path / "spec.yaml"
    ok = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200:\n          description: ok\n        404:\n          description: no\n"
    spec.write_text(ok + "components:\n  schemas:\n    A:\n      type: objekt\n")
    found, _ = _findings_via(spec)
    assert found and not any("stopped early" in str(f["message"]) for f in found)
    assert any(str(f["pointer"]).startswith("/components/schemas/A") for f in found)
    assert [f["message"] for f in found] == [f["message"] for f in _full(spec)]
    # and once, where the first such key is, that OpenAPI wants them quoted
    notes = [f for f in found if "must be quoted" in str(f["message"])]
    assert len(notes) == 1 and str(notes[0]["message"]).startswith("2 mapping keys") and notes[0]["pointer"] == "/paths/~1a/get/responses/200"
    spec.write_text(ok + "components:\n  schemas:\n    A:\n      type: object\n")
    again, _ = _findings_via(spec)
    assert [f["message"] for f in again] == [notes[0]["message"]] == [f["message"] for f in _full(spec)]
    spec.write_text(ok.replace("404:", "'404':") + "components:\n  schemas:\n    A:\n      type: object\n")
    assert [str(f["message"])[:14] for f in _findings_via(spec)[0]] == ["1 mapping key "]
