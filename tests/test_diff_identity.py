"""`specgen diff` reports nothing where nothing changed: a spec against itself (every spec of
the corpus), and against rewrites that mean the same (keys reordered, YAML as JSON, `$ref`s
inlined, 3.0 forms written the 3.1 way). Names in the IR do not follow the document's order."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from rewrites import inline_refs, reorder, to_31
from support import CORPUS_IR, CORPUS, corpus, normalize_dict, normalized_once, openapi

from specgen.diff import Report, compare, load_api

pytestmark = CORPUS_IR  # shares each corpus spec's one normalization (support.CORPUS_IR)

SPECS = ["openai-2023-11-15.yaml", "openai-2025-02-10.yaml", "openai-2026-08-21.yaml"]
REAL = sorted(str(p.relative_to(CORPUS)) for p in (CORPUS / "real").rglob("*") if p.suffix in (".yaml", ".json")) if (CORPUS / "real").is_dir() else []


def nothing(rep: Report) -> list[str]:
    """Everything a report says, spec and client sections (empty when nothing changed)."""
    return [f"{g.key} {c.path} {c.rule}: {c.message()}" for g in rep.groups for c in g.changes] + [f"client {c.kind} {c.symbol} {c.change}" for c in rep.client]


@pytest.mark.parametrize("name", SPECS + REAL)
def test_a_corpus_spec_diffed_with_itself_changes_nothing(name: str) -> None:
    path = corpus(name)
    # two normalizations of the file: the worker's shared one and one made here
    assert nothing(compare(normalized_once(path), load_api(path))) == []


def rewritten(tmp_path: Path, name: str, how: Callable[[dict[str, Any]], dict[str, Any]]) -> tuple[Path, Path]:
    src = corpus(name)
    data = yaml.load(src.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    out = tmp_path / (src.stem + ".json")  # written as JSON: YAML vs JSON is part of every rewrite
    out.write_text(json.dumps(how(data), default=str), encoding="utf-8")
    return src, out


@pytest.mark.parametrize("name", ["openai-2025-02-10.yaml", "openai-2026-08-21.yaml", "real/kratos.json", "real/qdrant.json", "real/box-v2025.json"])
def test_keys_reordered_and_written_as_json_change_nothing(tmp_path: Path, name: str) -> None:
    src, out = rewritten(tmp_path, name, reorder)
    assert nothing(compare(normalized_once(src), load_api(out))) == []


@pytest.mark.parametrize("name", ["openai-2023-11-15.yaml", "openai-2025-02-10.yaml"] + [n for n in REAL if n.startswith("readme-3.0/")])
def test_3_0_forms_written_the_3_1_way_change_nothing(tmp_path: Path, name: str) -> None:
    src, out = rewritten(tmp_path, name, to_31)
    assert nothing(compare(normalized_once(src), load_api(out))) == []


@pytest.mark.parametrize("name", ["openai-2023-11-15.yaml", "openai-2025-02-10.yaml", "real/spotify.yaml", "real/twilio-messaging-v1.yaml", "real/readme-3.0/petstore-expanded.yaml"])
def test_refs_inlined_change_nothing_a_caller_writes(tmp_path: Path, name: str) -> None:
    """Inlined, a schema is named after where it is now written, so generated class names may
    change (listed as renamed or added); the spec section is empty and every method, argument
    and field keeps its name and type."""
    src, out = rewritten(tmp_path, name, inline_refs)
    rep = compare(normalized_once(src), load_api(out))
    assert [c for c in nothing(rep) if not c.startswith(("client model ", "client enum ", "client union ", "client member "))] == []


# ------------------------------------------------------------------ names and key order


def two_listings(order: list[str]) -> dict[str, Any]:
    """Two list operations with the same inline `order` enum parameter, paths in `order`."""
    def listing(op_id: str) -> dict[str, Any]:
        param = {"name": "order", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"]}}
        return {"get": {"operationId": op_id, "parameters": [param], "responses": {"200": {"description": "ok"}}}}

    return openapi({p: listing("list" + p.strip("/").title()) for p in order})


def test_inline_names_do_not_follow_the_order_of_paths(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = normalize_dict(tmp_path / "a", two_listings(["/files", "/batches"]))
    b = normalize_dict(tmp_path / "b", two_listings(["/batches", "/files"]))
    names = {op.path: next(arg.type.ref for arg in op.arguments if arg.py_name == "order") for op in a.operations}
    assert names == {op.path: next(arg.type.ref for arg in op.arguments if arg.py_name == "order") for op in b.operations}
    assert sorted(names.values()) == ["Order", "Order2"]
    assert nothing(compare(a, b)) == []


def test_component_names_keep_the_exact_spelling_whatever_comes_first(tmp_path: Path) -> None:
    def spec(names: list[str]) -> dict[str, Any]:
        return openapi({}, {n: {"type": "object", "properties": {"x": {"type": "string"}}} for n in names})

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = normalize_dict(tmp_path / "a", spec(["foo_bar", "FooBar"]))
    b = normalize_dict(tmp_path / "b", spec(["FooBar", "foo_bar"]))
    assert {m.pointer: m.name for m in a.models} == {m.pointer: m.name for m in b.models}
    assert a.model_map["FooBar"].pointer == "/components/schemas/FooBar"
