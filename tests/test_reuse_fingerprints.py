"""Fingerprints reused with the IR (generator/model/reuse.py, output/incremental.py): after a
prose-only edit, the definitions no replacement touched keep the last run's fingerprint
entries; every fingerprint must equal one computed from scratch over the same IR. The oracle
is `Fingerprints` without reuse, on real specs edited one description at a time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from specgen.diagnostics import Diagnostics
from specgen.model.normalize import normalize
from specgen.model.reuse import Memo
from specgen.output import stamps
from specgen.output.incremental import Fingerprints
from specgen.spec.load import load
from support import SPECS, corpus


def _run(spec: Path) -> tuple[Fingerprints, Fingerprints | None, int]:
    """As the pipeline: (fingerprints with reuse, from scratch when the IR was reused, how many
    definitions kept their entry)."""
    diags = Diagnostics()
    docs = load(spec, diags, use_cache=False)
    memo = Memo(spec, stamps.code_sha256())
    api = memo.reuse(docs, diags)
    if api is None:
        api = normalize(docs, diags)
        memo.keep(docs, api, [])
    known = memo.known()
    prints = Fingerprints(api, b"salt", docs.main.sha256, known)
    scratch = Fingerprints(api, b"salt", docs.main.sha256) if memo.reused else None
    if memo.shape_matches(prints.shape):
        memo.save(docs.main.sha256, prints.shape, prints)
    return prints, scratch, len(known.unchanged) if known is not None else 0


def _descriptions(doc: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            if k == "description" and isinstance(v, str) and "\n" not in v.strip() and v.strip():
                out.append(path + (k,))
            elif k not in ("example", "examples", "default", "enum") and not str(k).startswith("x-"):
                out.extend(_descriptions(v, path + (k,)))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out.extend(_descriptions(v, path + (i,)))
    return out


def _same(a: Fingerprints, b: Fingerprints) -> None:
    assert a.entries == b.entries
    assert (a.shape, a.structure, a.every) == (b.shape, b.structure, b.every)
    assert a.own == b.own and a.edges == b.edges and a.users == b.users and a.aliases == b.aliases
    assert a._reach == b._reach


@pytest.mark.parametrize("name", ["openai-chat-2025.yaml", "openai-2023-11-15.yaml"])
def test_fingerprints_reused_after_prose_edits_equal_fingerprints_from_scratch(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path / "cache"))
    source = SPECS / name if (SPECS / name).is_file() else corpus(name)
    original = yaml.load(source.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    leaves = _descriptions(original)
    assert len(leaves) > 10
    spec = tmp_path / "spec.json"
    doc = json.loads(json.dumps(original, default=str))
    spec.write_text(json.dumps(doc))
    _run(spec)
    kept = 0
    # edits one after another, each from the state the last one left (as a user edits)
    for n, path in enumerate(leaves[:: max(1, len(leaves) // 12)]):
        node = doc
        for t in path[:-1]:
            node = node[t]
        node[path[-1]] = f"{node[path[-1]].strip()} (edit {n})"
        spec.write_text(json.dumps(doc))
        prints, scratch, unchanged = _run(spec)
        if scratch is not None:
            _same(prints, scratch)
            kept += unchanged > 0
    assert kept >= 3  # the shortcut was taken, with entries kept, more than once


def test_a_reused_ir_with_no_entries_stored_computes_every_fingerprint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A memo saved without fingerprints (an older run, a caller without them) reuses none."""
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path / "cache"))
    spec = tmp_path / "spec.yaml"
    text = (SPECS / "openai-chat-2025.yaml").read_text(encoding="utf-8")
    spec.write_text(text)
    diags = Diagnostics()
    docs = load(spec, diags, use_cache=False)
    memo = Memo(spec, stamps.code_sha256())
    api = normalize(docs, diags)
    memo.keep(docs, api, [])
    memo.save(docs.main.sha256, Fingerprints(api, b"salt", docs.main.sha256).shape)
    spec.write_text(text + "\n")  # the same document, other bytes: reused, nothing swapped
    docs = load(spec, Diagnostics(), use_cache=False)
    memo = Memo(spec, stamps.code_sha256())
    again = memo.reuse(docs, Diagnostics())
    assert again is not None and memo.known() is None
