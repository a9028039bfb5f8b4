"""Docs that lose nothing: every description the spec gives a property is on the page (the
corpus counted), one table per concern, long enums whole in a collapsible list."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt

from support import CORPUS_IR, openapi, write_spec, corpus, normalized_once
from test_docs import chat_2025, page_rows, render_spec, split_cells, tokens

pytestmark = CORPUS_IR  # shares each corpus spec's one normalization (support.CORPUS_IR)

_MD = MarkdownIt("commonmark")


def plain(text: str) -> str:
    """What a reader sees of Markdown text: its words, markup and links reduced to their text."""
    out = []
    for tok in _MD.parseInline(text):
        for c in tok.children or []:
            if c.type in ("text", "code_inline"):
                out.append(c.content)
            elif c.type in ("softbreak", "hardbreak"):
                out.append(" ")
    return " ".join("".join(out).split())


def spec_description(doc: Any, node: Any, depth: int = 0) -> str | None:
    """The description a reader of the spec sees for a property: its own, else that of what it
    wraps (a local `$ref`, the non-null branch of a nullable union, a one-part `allOf`).
    Written from the OpenAPI/JSON Schema texts, apart from specgen's normalizer."""
    if not isinstance(node, dict) or depth > 20:
        return None
    if isinstance(node.get("description"), str) and node["description"].strip():
        return str(node["description"])
    if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        return spec_description(doc, at(doc, node["$ref"][1:]), depth + 1)
    for kw in ("anyOf", "oneOf"):
        if isinstance(node.get(kw), list):
            live = [p for p in node[kw] if not (isinstance(p, dict) and p.get("type") == "null")]
            return spec_description(doc, live[0], depth + 1) if len(live) == 1 else None
    if isinstance(node.get("allOf"), list) and len(node["allOf"]) == 1:
        return spec_description(doc, node["allOf"][0], depth + 1)
    return None


def at(doc: Any, pointer: str) -> Any:
    node = doc
    for part in pointer.lstrip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


@functools.lru_cache(maxsize=None)
def _unshown(name: str) -> tuple[int, tuple[str, ...]]:
    from specgen.artifacts import docs
    from specgen.artifacts.docs.site import Site
    from specgen.output.render import RenderContext

    spec = corpus(name)
    doc = yaml.load(spec.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    api = normalized_once(spec)
    ctx = RenderContext(package="p", target="t", spec_label=name, spec_sha256="0" * 64, api_key_env="P_API_KEY")
    files = docs.render(api, ctx)
    site = Site(api, ctx)
    counted, missing = 0, []
    for m in api.models:
        rows: dict[str, list[str]] = {}
        for line in files["docs/" + site.def_files[m.name]].split("\n"):
            if line.startswith("| `"):
                cells = split_cells(line)
                rows.setdefault(cells[0].strip(), cells)
        for f in m.fields:
            if not f.pointer.startswith("/") or "/properties/" not in f.pointer:
                continue  # a property of another file, or one `required` names without declaring
            text = spec_description(doc, at(doc, f.pointer))
            if not text:
                continue
            counted += 1
            row = rows.get(f"`{f.name}`")
            if row is None or plain(text) not in plain(row[-1].strip()):
                missing.append(f"{m.name}.{f.name}: {plain(text)[:80]!r}")
    return counted, tuple(missing)


@pytest.mark.parametrize("name", ["openai-2026-08-21.yaml", "openai-2025-02-10.yaml", "openai-2023-11-15.yaml"])
def test_every_property_description_of_the_corpus_is_shown_whole_on_its_model_page(name: str) -> None:
    counted, missing = _unshown(name)
    assert counted > 400
    assert not missing, f"{len(missing)} of {counted}:\n" + "\n".join(missing[:20])


def test_nullable_union_properties_show_their_description_and_default(tmp_path: Path) -> None:
    schemas = {"Req": {"type": "object", "properties": {"temperature": {"anyOf": [{"type": "number", "description": "Sampling temperature.", "default": 1}, {"type": "null"}]}}}}
    paths = {"/x": {"post": {"operationId": "make", "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Req"}}}}, "responses": {"200": {"description": "ok"}}}}}
    files = render_spec(write_spec(tmp_path, openapi(paths, schemas)))
    for page, heading in (("docs/models/Req.md", "## Fields"), ("docs/operations/make.md", "## Request body")):
        row = page_rows(files[page], heading)["`temperature`"]
        assert row[3] == "`1`" and "Sampling temperature." in row[4], (page, row)


def test_an_operation_page_has_one_table_per_concern() -> None:
    files = chat_2025()
    create = files["docs/operations/create_chat_completion.md"]
    params = create[create.index("## Parameters") : create.index("## Request body")]
    assert "| `" not in params and "the arguments are the request body's fields" in params
    body = page_rows(create, "## Request body")
    assert "`messages`" in body and "`temperature`" in body
    get = files["docs/operations/get_chat_completion.md"]
    assert page_rows(get, "## Parameters")["`completion_id` (path)"][2] == "Yes"
    update = files["docs/operations/update_chat_completion.md"]
    param_names = {k.split(" ")[0] for k in page_rows(update, "## Parameters") if k.startswith("`")}
    assert param_names == {"`completion_id`"} and "`metadata`" in page_rows(update, "## Request body")
    # the tools catalog still lists a tool's every argument in one table (seed 003's form)
    catalog = files["tools/README.md"]
    section = catalog[catalog.index("### `openai_chat_2025_update_chat_completion`") :]
    assert "| `completion_id` (path) |" in section and "| `metadata` |" in section.split("\n### ")[0]


def test_long_enums_are_listed_whole_in_a_collapsible_list() -> None:
    page = chat_2025()["docs/operations/create_chat_completion.md"]
    model = page_rows(page, "## Request body")["`model`"]
    assert "<details><summary>" in model[4] and model[4].endswith("</details>")
    values = yaml.safe_load(Path(__file__).resolve().parent.parent.joinpath("specs/openai-chat-2025.yaml").read_text())
    enum = next(v for v in _walk(values) if isinstance(v, dict) and "gpt-4o" in (v.get("enum") or []))["enum"]
    assert all(f'`"{v}"`' in model[4] for v in enum) and f"Known values ({len(enum)};" in model[4]
    assert '`"gpt-4o"`' not in model[1]  # the type cell stays short


def _walk(node: Any) -> Any:
    yield node
    if isinstance(node, dict):
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def test_a_hostile_long_enum_keeps_the_only_html_ours(tmp_path: Path) -> None:
    values = ["</details>", "<script>x</script>", "a|b", "`tick`", "<summary>", "x\ny", "seven", "eight"]
    schemas = {"Req": {"type": "object", "properties": {"kind": {"type": "string", "enum": values, "description": "</details><b>bold</b>"}}}}
    paths = {"/x": {"post": {"operationId": "make", "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Req"}}}}, "responses": {"200": {"description": "ok"}}}}}
    files = render_spec(write_spec(tmp_path, openapi(paths, schemas)))
    for name in ("docs/models/Req.md", "docs/operations/make.md"):
        toks = tokens(files[name])
        raw = [c.content for t in toks for c in (t.children or []) if c.type == "html_inline"] + [t.content for t in toks if t.type == "html_block"]
        assert raw == ["<details>", "<summary>", "</summary>", "</details>"], (name, raw)


def test_seed_004_fields_defaults_and_values_are_on_the_2026_corpus_chat_page() -> None:
    import json

    from specgen.artifacts import docs
    from specgen.output.render import RenderContext
    from test_docs import api_2026, seed_004_fields

    ctx = RenderContext(package="openai", target="openai", spec_label="x", spec_sha256="0" * 64, api_key_env="OPENAI_API_KEY")
    page = docs.render(api_2026(), ctx)["docs/operations/create_chat_completion.md"]
    body = page[page.index("## Request body") : page.index("## Responses")]
    rows: dict[str, list[str]] = {}
    for line in body.split("\n"):  # the body table and its variant sections (`tools[]` is a union in 2026)
        if line.startswith("| `"):
            cells = [c.strip() for c in split_cells(line)]
            rows.setdefault(cells[0], cells)
    missing = []
    for f in seed_004_fields():
        cells = rows.get(f"`{f['name'].removesuffix('[]')}`")
        if cells is None:
            missing.append(f"{f['name']}: no row")
            continue
        if f["default"] is not None and (cells[3] == "—" or json.loads(cells[3].strip("`")) != f["default"]):
            missing.append(f"{f['name']}: default {cells[3]}, seed {f['default']!r}")
        missing += [f"{f['name']}: value {v!r}" for v in f["values"] if f"`{json.dumps(v)}`" not in cells[1] + cells[4]]
    assert not missing, "\n".join(missing)
