"""Validation: cached, incremental (only what changed since the last full run), and in the
background; every path gives the findings a full run gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from support import SEED_SPECS
from specgen.diagnostics import Diagnostics
from specgen.spec.load import load
from specgen.spec.validate import Validation, _findings


def _findings_via(spec: Path, strict: bool = False) -> tuple[list[dict[str, object]], bool]:
    v = Validation(load(spec, Diagnostics()), use_cache=True, background=False, strict=strict)
    found = v.result()
    return sorted(found, key=lambda f: (str(f["pointer"]), str(f["message"]))), v.full


def _full(spec: Path) -> list[dict[str, object]]:
    return sorted(_findings(load(spec, Diagnostics(), use_cache=False)), key=lambda f: (str(f["pointer"]), str(f["message"])))


def test_incremental_validation_matches_a_full_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path / "cache"))
    spec = tmp_path / "spec.yaml"
    shutil.copy(SEED_SPECS["openai-chat-2025"], spec)
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
