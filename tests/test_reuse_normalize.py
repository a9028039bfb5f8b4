"""Normalization reused across runs (generator/model/reuse.py): a prose-only edit gives the
last run's IR with the text replaced, equal byte for byte (pickled IR and diagnostics) to
normalizing the edited spec from scratch; any other edit, or a prose edit that breaks one of
the module's conditions, normalizes again.

The oracle is `normalize` itself on the edited spec. The inputs are the seed specs and real
specs, with every (or, on the big ones, a spread of) `description` and `summary` edited.
"""

from __future__ import annotations

import copy
import functools
import io
import json
import pickle
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import yaml

from specgen.diagnostics import Diagnostics
from specgen.model.normalize import normalize
from specgen.model.reuse import Memo
from specgen.options import Options
from specgen.output import stamps
from specgen.output.incremental import Fingerprints
from specgen.pipeline import build
from specgen.spec.load import load
from support import SEED_SPECS, corpus

Path_ = tuple[Any, ...]


@functools.cache  # the spec's leaves and its edits read the same file (read-only: edits deep-copy it)
def _read(source: Path) -> Any:
    return yaml.load(source.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _bytes(value: Any) -> bytes:
    """Pickled without a memo: equal values give equal bytes, whichever objects they share."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=3)
    pickler.fast = True
    pickler.dump(value)
    return buffer.getvalue()


def _fresh(spec: Path) -> bytes:
    diags = Diagnostics()
    docs = load(spec, diags, use_cache=False)
    before = len(diags.items)
    api = normalize(docs, diags)
    return _bytes((api, diags.items[before:]))


def _through_memo(spec: Path) -> tuple[bytes, bool]:
    """What the pipeline does: the memo's IR when it proves it current (and its shape holds),
    else a fresh one; the memo is saved for the next call either way."""
    diags = Diagnostics()
    docs = load(spec, diags, use_cache=False)
    memo = Memo(spec, stamps.code_sha256())
    before = len(diags.items)
    api = memo.reuse(docs, diags)
    if api is not None:
        shape = Fingerprints(api, b"t", docs.main.sha256).shape
        if not memo.shape_matches(shape):
            memo.undo(diags)
            api = None
    if api is None:
        api = normalize(docs, diags)
        memo.keep(docs, api, diags.items[before:])
    memo.save(docs.main.sha256, Fingerprints(api, b"t", docs.main.sha256).shape)
    return _bytes((api, diags.items[before:])), memo.reused


def _prose_leaves(doc: Any, path: Path_ = ()) -> Iterator[Path_]:
    if isinstance(doc, dict):
        for k, v in doc.items():
            if k in ("description", "summary") and isinstance(v, str):
                yield path + (k,)
            else:
                yield from _prose_leaves(v, path + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _prose_leaves(v, path + (i,))


def _set(doc: Any, path: Path_, make: Callable[[str], Any]) -> Any:
    doc = copy.deepcopy(doc)
    node = doc
    for t in path[:-1]:
        node = node[t]
    node[path[-1]] = make(node[path[-1]])
    return doc


def _check_edits(source: Path, tmp_path: Path, leaves: list[Path_]) -> dict[str, int]:
    """Each leaf edited on its own, after the unedited spec primed the memo: the IR through the
    memo equals a fresh one. Returns how many edits took the shortcut and how many did not."""
    original = _read(source)
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(original, default=str))
    _through_memo(spec)
    # the memo the unedited spec leaves (it holds no path or time): put back before each edit
    # instead of priming again, which cost a normalization of the spec per edit
    memo = Memo(spec, stamps.code_sha256()).file
    primed = memo.read_bytes()
    seen = {"reused": 0, "normalized": 0}
    for path in leaves:
        memo.write_bytes(primed)
        spec.write_text(json.dumps(_set(original, path, lambda s: s + " (edited)"), default=str))
        got, reused = _through_memo(spec)
        assert got == _fresh(spec), f"IR differs from a fresh normalize after editing {path}"
        seen["reused" if reused else "normalized"] += 1
    return seen


def _seed(name: str) -> Path:
    source = SEED_SPECS[name]
    if any(p.suffix == ".json" for p in source.parent.iterdir() if p != source):
        pytest.skip("a spec of several files: the memo is for one file")
    return source


@pytest.mark.parametrize("name", sorted(SEED_SPECS))
def test_prose_edits_spread_over_a_seed_spec_give_the_ir_normalize_gives(name: str, tmp_path: Path) -> None:
    leaves = list(_prose_leaves(_read(_seed(name))))
    seen = _check_edits(_seed(name), tmp_path, leaves[:: max(1, len(leaves) // 20)])
    # most prose takes the shortcut (the rest breaks a condition, e.g. a multi-line text)
    assert seen["reused"] > seen["normalized"], seen


@pytest.mark.slow
def test_every_prose_edit_of_a_seed_spec_gives_the_ir_normalize_gives(tmp_path: Path) -> None:
    seen = _check_edits(_seed("xai-chat"), tmp_path, list(_prose_leaves(_read(_seed("xai-chat")))))
    assert seen["reused"] > seen["normalized"], seen


@pytest.mark.slow
@pytest.mark.parametrize("name", ["real/spotify.yaml", "real/twilio-messaging-v1.yaml", "openai-2026-08-21.yaml"])
def test_prose_edits_spread_over_a_real_spec_give_the_ir_normalize_gives(name: str, tmp_path: Path) -> None:
    leaves = list(_prose_leaves(_read(corpus(name))))
    step = max(1, len(leaves) // (4 if name.startswith("openai") else 12))
    seen = _check_edits(corpus(name), tmp_path, leaves[::step])
    assert seen["reused"] > 0, seen


def _spec(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Pets", "version": "1", "description": "The pet API."},
        "paths": {
            "/pets": {
                "get": {
                    "operationId": "listPets",
                    "summary": "List the pets",
                    "responses": {"200": {"description": "The pets", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}},
                }
            }
        },
        "components": {
            "schemas": {
                "Pet": {
                    "type": "object",
                    "description": "A pet of the store",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string", "description": "The name of the pet"},
                        "old": {"type": "string", "deprecated": True, "description": "Whether it is old"},
                        "description": {"type": "string", "description": "What it looks like"},
                        "kind": {"type": "string", "enum": ["cat", "dog"], "example": "cat", "description": "Its kind"},
                        "age": {"type": "integer", "minimum": 1, "description": "Age in years"},
                    },
                }
            }
        },
    }
    spec = tmp_path / "pets.json"
    spec.write_text(json.dumps(doc))
    _through_memo(spec)
    return spec, doc


PET = ("components", "schemas", "Pet")
PROPS = PET + ("properties",)


@pytest.mark.parametrize(
    "path, make",
    [
        (PROPS + ("name", "description"), lambda s: s + " (edited)"),
        (PET + ("description",), lambda s: "Edited. " + s),
        (("paths", "/pets", "get", "summary"), lambda s: s + " now"),
        (PROPS + ("description", "description"), lambda s: s + " (edited)"),
        (PROPS + ("name", "description"), lambda s: "Its kind"),  # another's text: its copies stay
    ],
)
def test_a_prose_edit_takes_the_shortcut_and_equals_normalize(tmp_path: Path, path: Path_, make: Callable[[Any], Any]) -> None:
    spec, doc = _spec(tmp_path)
    spec.write_text(json.dumps(_set(doc, path, make)))
    got, reused = _through_memo(spec)
    assert reused
    assert got == _fresh(spec)


@pytest.mark.parametrize(
    "what, path, make",
    [
        ("a type", PROPS + ("name", "type"), lambda s: "integer"),
        ("an enum value", PROPS + ("kind", "enum"), lambda s: ["cat", "bird"]),
        ("an example", PROPS + ("kind", "example"), lambda s: "dog"),
        ("a number to its float", PROPS + ("age", "minimum"), lambda s: 1.0),
        ("a number to a boolean", PROPS + ("age", "minimum"), lambda s: True),
        ("a required list", PET + ("required",), lambda s: []),
        ("a description made two lines", PROPS + ("name", "description"), lambda s: s + "\nand more"),
        ("a description emptied", PROPS + ("name", "description"), lambda s: ""),
        ("a description naming a replacement", PROPS + ("old", "description"), lambda s: "Deprecated in favor of `name`"),
        ("a description with a quote", PROPS + ("name", "description"), lambda s: s + ' "quoted"'),
        ("the operation id", ("paths", "/pets", "get", "operationId"), lambda s: "listAllPets"),
        ("a property named description", PROPS + ("description",), lambda s: {"type": "integer", "description": "What it looks like"}),
    ],
)
def test_any_other_edit_normalizes_again(tmp_path: Path, what: str, path: Path_, make: Callable[[Any], Any]) -> None:
    spec, doc = _spec(tmp_path)
    spec.write_text(json.dumps(_set(doc, path, make)))
    got, reused = _through_memo(spec)
    assert not reused, what
    assert got == _fresh(spec), what


def test_a_description_met_twice_is_not_replaced_in_both_places(tmp_path: Path) -> None:
    spec, doc = _spec(tmp_path)
    doc = _set(doc, PROPS + ("age", "description"), lambda s: "The name of the pet")
    spec.write_text(json.dumps(doc))
    _through_memo(spec)
    spec.write_text(json.dumps(_set(doc, PROPS + ("name", "description"), lambda s: s + " (edited)")))
    got, reused = _through_memo(spec)
    assert not reused
    assert got == _fresh(spec)


def test_a_deprecated_property_description_edit_still_equals_normalize(tmp_path: Path) -> None:
    """Its text is also the deprecation's message (structure, not prose): the shape differs, so
    the pipeline normalizes again."""
    spec, doc = _spec(tmp_path)
    spec.write_text(json.dumps(_set(doc, PROPS + ("old", "description"), lambda s: s + " (edited)")))
    got, reused = _through_memo(spec)
    assert not reused
    assert got == _fresh(spec)


def test_a_prose_edit_through_build_reuses_the_ir_and_renders_what_scratch_renders(tmp_path: Path) -> None:
    spec, doc = _spec(tmp_path)
    out = tmp_path / "out"
    opts = Options(validate=False, formatter="none")
    build(spec, opts, Diagnostics(), out=out)
    spec.write_text(json.dumps(_set(doc, PROPS + ("name", "description"), lambda s: s + " (edited)")))
    warm = build(spec, opts, Diagnostics(), out=out)
    scratch = build(spec, Options(validate=False, formatter="none", use_cache=False), Diagnostics(), out=None)
    assert warm.pages["ir_reused"] == 1
    assert warm.files == scratch.files
    assert "The name of the pet (edited)" in "".join(warm.files.values())


def test_a_damaged_memo_only_means_normalizing(tmp_path: Path) -> None:
    spec, doc = _spec(tmp_path)
    memo = Memo(spec, stamps.code_sha256())
    memo.file.write_bytes(b"not a pickle")
    spec.write_text(json.dumps(_set(doc, PROPS + ("name", "description"), lambda s: s + " (edited)")))
    got, reused = _through_memo(spec)
    assert not reused
    assert got == _fresh(spec)
