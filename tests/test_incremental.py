"""Rendering only what changed (generator/output/incremental.py): a warm run reuses the pages
whose fingerprint did not move, and its files equal a render from scratch byte for byte.

The oracles are renders from scratch (no page cache) of the same input; the inputs are real
specs (specs/ and ../shared/corpus) edited one field at a time, and the prose of every
definition of a spec changed one definition at a time (the one kind of change a page's
fingerprint tracks per definition; every other change moves the structure hash of all).
"""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import yaml

from specgen.artifacts import render_artifact, renderers
from specgen.diagnostics import Diagnostics
from specgen.model import ir
from specgen.model.normalize import normalize
from specgen.options import Options
from specgen.output.incremental import Fingerprints, PageCache
from specgen.output.render import RenderContext
from specgen.pipeline import build, generate
from specgen.spec.load import load
from support import SPECS, corpus

# ---------------------------------------------------------------- the IR, prose changed


def _reprose(value: Any, mark: str) -> Any:
    """`value` with every description and summary inside it begun with `mark` (at the start,
    so a first sentence or a cell cut at its length changes too)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            v = getattr(value, f.name)
            if f.name in ("description", "summary"):
                changes[f.name] = f"{mark} {v}"
            else:
                nv = _reprose(v, mark)
                if nv is not v:
                    changes[f.name] = nv
        return dataclasses.replace(value, **changes) if changes else value
    if isinstance(value, tuple):
        items = tuple(_reprose(v, mark) for v in value)
        return items if any(a is not b for a, b in zip(items, value)) else value
    return value


def _definitions(api: ir.Api) -> Iterator[tuple[str, str, int]]:
    for attr in ("models", "unions", "enums", "operations", "hooks"):
        for i in range(len(getattr(api, attr))):
            yield attr, f"{attr}[{i}]", i


def _with_prose_changed(api: ir.Api, attr: str, i: int) -> ir.Api:
    items = list(getattr(api, attr))
    items[i] = _reprose(items[i], "Changed here.")
    return dataclasses.replace(api, **{attr: tuple(items)})


def _ctx() -> RenderContext:
    return RenderContext(package="pkg", target="target", spec_label="spec.yaml", spec_sha256="0" * 64, api_key_env="PKG_API_KEY")


def _render(api: ir.Api, folder: Path | None) -> tuple[dict[str, str], dict[str, int]]:
    """Every artifact's files, through the page cache of `folder` (None: from scratch)."""
    ctx = _ctx()
    if folder is not None:
        ctx.pages = PageCache(folder, Fingerprints(api, b"test", ctx.spec_sha256))
    files: dict[str, str] = {}
    for render, _ in renderers():
        files.update(render_artifact(render, api, ctx))
    return files, (ctx.pages.counts() if ctx.pages is not None else {})


@pytest.fixture(scope="module")
def chat_api() -> ir.Api:
    diags = Diagnostics()
    return normalize(load(SPECS / "openai-chat-3.2.yaml", diags, use_cache=False), diags)


@pytest.mark.slow
def test_changing_the_prose_of_any_one_definition_rerenders_every_page_that_shows_it(chat_api: ir.Api, tmp_path: Path) -> None:
    """For each model, union, enum, operation and webhook in turn: its prose (and that of its
    fields, parameters, responses...) changed, a warm render equals a render from scratch (the
    cache as the edit before left it: that definition's prose back as it was, this one's new)."""
    api = chat_api
    scratch_before, _ = _render(api, None)
    changed_somewhere = 0
    folder = tmp_path / "out"
    _render(api, folder)
    for attr, label, i in _definitions(api):
        edited = _with_prose_changed(api, attr, i)
        warm, counts = _render(edited, folder)
        scratch, _ = _render(edited, None)
        assert warm == scratch, f"{label}: stale pages {sorted(p for p in scratch if warm.get(p) != scratch[p])[:5]}"
        assert counts["reused"] > 0, label
        changed_somewhere += scratch != scratch_before
    assert changed_somewhere >= len(list(_definitions(api))) // 2  # the edits show in the output


def _reprose_inside(value: Any, mark: str) -> Any:
    """`value` (a definition) with the prose of everything inside it changed (its fields,
    parameters, responses...), its own summary and description left as they are."""
    changes = {f.name: _reprose(getattr(value, f.name), mark) for f in dataclasses.fields(value) if f.name not in ("description", "summary")}
    return dataclasses.replace(value, **{k: v for k, v in changes.items() if v is not getattr(value, k)})


@pytest.mark.slow
def test_prose_inside_a_definition_rerenders_its_pages_but_not_the_index(chat_api: ir.Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The docs' index and the table of who uses each definition read each definition's own
    summary and description only (`HEADS`): an edit of a field's or a parameter's prose renders
    again the pages that show it, equal to a render from scratch, and reuses the index."""
    from specgen.artifacts import docs

    made: list[str] = []
    for name in ("index_page", "used_by"):
        monkeypatch.setattr(docs, name, lambda site, name=name, real=getattr(docs, name): made.append(name) or real(site))
    api = chat_api
    folder = tmp_path / "out"
    first, _ = _render(api, folder)
    index = "docs/README.md"
    edited_some = 0
    for attr, label, i in _definitions(api):
        items = list(getattr(api, attr))
        changed = _reprose_inside(items[i], "Changed inside.")
        if changed is items[i]:
            continue  # no prose inside this one
        items[i] = changed
        edited = dataclasses.replace(api, **{attr: tuple(items)})
        ctx = _ctx()
        ctx.pages = PageCache(folder, Fingerprints(edited, b"test", ctx.spec_sha256))
        warm: dict[str, str] = {}
        made.clear()
        for render, _ in renderers():
            warm.update(render_artifact(render, edited, ctx))
        assert made == [], f"{label}: {made} made again"
        scratch, _ = _render(edited, None)
        assert warm == scratch, f"{label}: stale pages {sorted(p for p in scratch if warm.get(p) != scratch[p])[:5]}"
        assert warm[index] == first[index], label
        edited_some += 1
        _render(api, folder)  # the cache as it was before this edit
    assert edited_some >= 10


def test_an_unchanged_api_renders_no_page_again(chat_api: ir.Api, tmp_path: Path) -> None:
    first, counts = _render(chat_api, tmp_path / "out")
    assert counts["reused"] == 0 and counts["rendered"] > 0
    again, counts2 = _render(chat_api, tmp_path / "out")
    assert again == first
    assert counts2 == {"rendered": 0, "reused": counts["rendered"]}


# ---------------------------------------------------------------- real specs, one field edited


def _schemas(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["components"]["schemas"]  # type: ignore[no-any-return]


def _first(doc: dict[str, Any], pick: Callable[[str, dict[str, Any]], bool]) -> tuple[str, dict[str, Any]]:
    for name, s in _schemas(doc).items():
        if isinstance(s, dict) and pick(name, s):
            return name, s
    raise LookupError("no schema fits the edit")


def _props(s: dict[str, Any]) -> dict[str, Any]:
    p = s.get("properties")
    return p if isinstance(p, dict) else {}


def _refs_to(doc: dict[str, Any], name: str) -> int:
    return json.dumps(doc, default=str).count(f'"#/components/schemas/{name}"')


def _edit_description(doc: dict[str, Any]) -> None:
    _, s = _first(doc, lambda n, s: any(isinstance(p, dict) and isinstance(p.get("description"), str) for p in _props(s).values()))
    p = next(p for p in _props(s).values() if isinstance(p, dict) and isinstance(p.get("description"), str))
    p["description"] = "Edited. " + p["description"]


def _edit_type(doc: dict[str, Any]) -> None:
    _, s = _first(doc, lambda n, s: any(isinstance(p, dict) and p.get("type") == "string" and "enum" not in p for p in _props(s).values()))
    p = next(p for p in _props(s).values() if isinstance(p, dict) and p.get("type") == "string" and "enum" not in p)
    p.clear()
    p["type"] = "integer"


def _edit_enum(doc: dict[str, Any]) -> None:
    def has_enum(s: dict[str, Any]) -> bool:
        return isinstance(s.get("enum"), list) and all(isinstance(v, str) for v in s["enum"]) and len(s["enum"]) > 1

    for s in _schemas(doc).values():
        for p in [s, *_props(s).values()] if isinstance(s, dict) else []:
            if isinstance(p, dict) and has_enum(p):
                p["enum"] = [*p["enum"], "zz_added_value"]
                return
    raise LookupError("no enum")


def _edit_required(doc: dict[str, Any]) -> None:
    _, s = _first(doc, lambda n, s: isinstance(s.get("required"), list) and len(s["required"]) > 1)
    s["required"] = s["required"][1:]


def _edit_referenced(doc: dict[str, Any]) -> None:
    _, s = _first(doc, lambda n, s: bool(_props(s)) and _refs_to(doc, n) > 1)
    s["properties"]["zz_added_field"] = {"type": "string", "description": "Added to a schema others refer to."}


def _operations(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for item in doc.get("paths", {}).values():
        for method, op in item.items():
            if method in ("get", "put", "post", "delete", "patch") and isinstance(op, dict):
                yield op


def _parameters(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Parameters written in operations, then those under components (where some specs keep all)."""
    for op in _operations(doc):
        for p in op.get("parameters", []):
            if isinstance(p, dict) and "$ref" not in p:
                yield p
    for p in doc.get("components", {}).get("parameters", {}).values():
        if isinstance(p, dict) and "$ref" not in p:
            yield p


def _edit_parameter(doc: dict[str, Any]) -> None:
    p = next(p for p in _parameters(doc) if p.get("in") == "query")
    p["required"] = not p.get("required", False)


def _edit_parameter_description(doc: dict[str, Any]) -> None:
    p = next(_parameters(doc))
    # its own description, or its schema's where only the schema has one (spotify's)
    where = p if isinstance(p.get("description"), str) or not isinstance(p.get("schema"), dict) else p["schema"]
    where["description"] = "Edited. " + str(where.get("description", ""))


def _edit_rename(doc: dict[str, Any]) -> None:
    name, _ = _first(doc, lambda n, s: _refs_to(doc, n) > 0 and bool(_props(s)))
    text = json.dumps(doc, default=str).replace(f'"#/components/schemas/{name}"', f'"#/components/schemas/{name}Renamed"')
    new = json.loads(text)
    _schemas(new)[name + "Renamed"] = _schemas(new).pop(name)
    doc.clear()
    doc.update(new)


EDITS: dict[str, Callable[[dict[str, Any]], None]] = {
    "description": _edit_description,
    "type": _edit_type,
    "enum value": _edit_enum,
    "required": _edit_required,
    "referenced schema": _edit_referenced,
    "operation parameter": _edit_parameter,
    "parameter description": _edit_parameter_description,
    "rename": _edit_rename,
}
PROSE_EDITS = {"description", "parameter description"}


def _build(spec: Path, out: Path | None) -> tuple[dict[str, str], dict[str, int]]:
    built = build(spec, Options(validate=False, formatter="none", use_cache=out is not None), Diagnostics(), out=out)
    return built.files, built.pages


def _edits_equal_scratch(source: Path, tmp_path: Path) -> dict[str, dict[str, int]]:
    original = yaml.load(source.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    spec, out = tmp_path / "spec.json", tmp_path / "out"
    seen: dict[str, dict[str, int]] = {}
    for what, edit in EDITS.items():
        spec.write_text(json.dumps(original, default=str))
        _build(spec, out)  # the cache as the unedited spec leaves it
        doc = copy.deepcopy(original)
        edit(doc)
        spec.write_text(json.dumps(doc, default=str))
        warm, counts = _build(spec, out)
        scratch, _ = _build(spec, None)
        assert warm == scratch, f"{what}: stale {sorted(p for p in scratch.keys() | warm.keys() if warm.get(p) != scratch.get(p))[:5]}"
        seen[what] = counts
    for what in PROSE_EDITS:
        assert seen[what]["reused"] > seen[what]["rendered"], (what, seen[what])
    return seen


def test_one_field_edits_of_a_chat_spec_equal_a_render_from_scratch(tmp_path: Path) -> None:
    _edits_equal_scratch(SPECS / "openai-chat-2025.yaml", tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["real/spotify.yaml", "real/twilio-messaging-v1.yaml"])
def test_one_field_edits_of_real_specs_equal_a_render_from_scratch(name: str, tmp_path: Path) -> None:
    _edits_equal_scratch(corpus(name), tmp_path)


@pytest.mark.slow
def test_the_bench_edit_on_openai_rerenders_a_handful_of_pages(tmp_path: Path) -> None:
    """The warm edit bench/run.py times (a property description) renders a few pages again,
    reuses the rest, and writes what `generate` from scratch writes."""
    source = corpus("openai-2026-08-21.yaml")
    spec = tmp_path / "openai.yaml"
    text = source.read_text(encoding="utf-8")
    spec.write_text(text)
    opts = Options(validate=False, formatter="none", quiet=True)
    first = generate(spec, tmp_path / "out", opts, Diagnostics())
    assert first.pages["reused"] == 0
    line = "description: The object type, which is always `organization.admin_api_key`"
    assert text.count(line) == 1
    spec.write_text(text.replace(line, line + " (edited)"))
    warm = generate(spec, tmp_path / "out", opts, Diagnostics())
    assert 0 < warm.pages["rendered"] <= 20 and warm.pages["reused"] > 2000, warm.pages
    generate(spec, tmp_path / "scratch", dataclasses.replace(opts, use_cache=False), Diagnostics())
    for p in sorted((tmp_path / "scratch").rglob("*")):
        if p.is_file():
            assert (tmp_path / "out" / p.relative_to(tmp_path / "scratch")).read_bytes() == p.read_bytes(), p
