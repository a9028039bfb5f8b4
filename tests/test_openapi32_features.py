"""The OpenAPI 3.2 features, one small spec each in tests/specs32, through the whole pipeline:
validated clean against the 3.2 meta-schema (both engines agreeing), generated, imported,
`mypy --strict`, the generated tests against `specgen mock`, docs, and a change in each feature
reported by `specgen diff`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote, unquote

import httpx
import pytest
import yaml

from support import generated_suite, GENERATED_SUITE_ENV, normalize_dict, openapi, ROOT, run_specgen, specgen_in_process, write_spec
from test_openapi32 import SPECS32, generated_package

# feature -> (spec, client package)
FEATURES = {
    "methods": (SPECS32 / "methods.yaml", "m32_methods"),
    "self": (SPECS32 / "self" / "openapi.yaml", "m32_self"),
    "default_mapping": (SPECS32 / "default-mapping.yaml", "m32_default_mapping"),
    "tags": (SPECS32 / "tags.yaml", "m32_tags"),
    "querystring": (SPECS32 / "querystring.yaml", "m32_querystring"),
}


def _edit(spec: Path, tmp: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of the spec's folder with the main document changed."""
    folder = tmp / "edited"
    shutil.copytree(spec.parent, folder)
    doc = yaml.safe_load(spec.read_text())
    change(doc)
    (folder / spec.name).write_text(yaml.safe_dump(doc, sort_keys=False))
    return folder / spec.name


def _schema(doc: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = doc["components"]["schemas"][name]
    return found


# feature -> (a change in what is new in 3.2, text the diff must show)
CHANGES: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "methods": (lambda d: d["paths"]["/products/{id}"]["additionalOperations"].pop("PURGE"), "client.products.purge_product"),
    "self": (lambda d: d["paths"]["/pets/{id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"].update({"$ref": "https://api.example.com/specs/v1/shared/owner.yaml#/Owner"}), "response"),
    "default_mapping": (lambda d: _schema(d, "Pet")["discriminator"].update({"defaultMapping": "Dog"}), "union-default-variant-changed"),
    "tags": (lambda d: d["tags"][2].update({"parent": "store"}), "tag-changed"),
    "querystring": (lambda d: _schema(d, "Filter")["required"].append("page"), "page"),
}


@pytest.mark.parametrize("feature", sorted(FEATURES))
def test_each_32_spec_validates_clean_and_both_engines_agree(feature: str) -> None:
    from specgen.diagnostics import Diagnostics
    from specgen.spec import engines
    from specgen.spec.load import load

    spec = FEATURES[feature][0]
    res = specgen_in_process("validate", "--strict", str(spec), "--format", "json")
    assert res.returncode == 0, res.stdout + res.stderr
    docs = load(spec, Diagnostics(), use_cache=False)
    assert engines.version_of(docs.main.data) == "3.2"
    broken = json.loads(json.dumps(docs.main.data))
    broken["tags"] = [{"name": "a", "kind": 5}]
    fast = engines.fast(broken, docs)
    assert fast is not None and [f["pointer"] for f in fast] == [f["pointer"] for f in engines.reference(broken, docs)] == ["/tags/0/kind"]


@pytest.mark.parametrize(
    ("version", "flagged"),
    [("3.0.3", True), ("3.1.1", True), ("3.2.0", False)],
)
def test_each_version_is_checked_against_its_own_meta_schema(tmp_path: Path, version: str, flagged: bool) -> None:
    ok = {"responses": {"200": {"description": "ok"}}}
    spec = write_spec(tmp_path, openapi({"/a": {"get": ok, "query": ok}}, version=version))
    res = specgen_in_process("validate", str(spec), "--format", "json")
    findings = [d for d in json.loads(res.stdout) if d["code"] == "invalid-openapi"]
    assert bool(findings) == flagged, findings
    assert all("3.2" not in d["message"] or version != "3.2.0" for d in findings)


@pytest.mark.slow
def test_32_specs_generate_typecheck_and_pass_their_tests_against_the_mock(tmp_path: Path) -> None:
    outs: list[Path] = []
    for feature, (spec, package) in sorted(FEATURES.items()):
        out = tmp_path / feature
        res = specgen_in_process("generate", str(spec), "-o", str(out), "--package", package, "--formatter", "black", "--quiet")
        assert res.returncode == 0, res.stderr
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["operations"] and manifest["skipped"] == [], feature
        assert (out / "docs" / "README.md").is_file() and (out / "tools" / "tools.json").is_file() and (out / "mcp" / "server.py").is_file()
        outs.append(out / package)
        env = {**os.environ, "SPECGEN_MOCK_SPEC": str(spec), **GENERATED_SUITE_ENV}
        ran = subprocess.run(
            generated_suite("--import-mode=importlib", "-o", "asyncio_default_fixture_loop_scope=function", str(out / "tests")),
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
        )
        assert ran.returncode == 0 and " passed" in ran.stdout and "skipped" not in ran.stdout, ran.stdout[-3000:]
    env = {**os.environ, "MYPYPATH": os.pathsep.join(str(p.parent) for p in outs)}
    cmd = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(ROOT / ".mypy_cache"), "--no-error-summary"]
    typed = subprocess.run(cmd + [str(p) for p in outs], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert typed.returncode == 0, typed.stdout + typed.stderr


@pytest.mark.parametrize("feature", sorted(FEATURES))
def test_a_change_in_each_32_feature_shows_in_the_diff(tmp_path: Path, feature: str) -> None:
    spec = FEATURES[feature][0]
    change, shown = CHANGES[feature]
    res = specgen_in_process("diff", str(spec), str(_edit(spec, tmp_path, change)), "--format", "json")
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert report["summary"]["total"] + report["summary"]["client"]["total"] > 0 and shown in json.dumps(report), res.stdout[-2000:]


def test_query_string_parameter_is_the_whole_query_on_the_wire_and_in_the_mock(tmp_path: Path) -> None:
    from specgen.mock.app import MockApp

    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=["hit"])

    with generated_package(FEATURES["querystring"][0], tmp_path / "out", "m32_qs_wire") as mod:
        client = mod.Client(base_url="https://api.example.com/v1", http_client=httpx.Client(transport=httpx.MockTransport(record)))
        assert client.search.list(filter={"q": "a b", "page": 2, "tags": ["x", "y"]}) == ["hit"]
    assert seen[0].url.path == "/v1/search" and seen[0].url.query == b"q=a%20b&page=2&tags=x&tags=y"
    assert "| `filter` (the whole query string) |" in (tmp_path / "out" / "docs" / "operations" / "search.md").read_text()
    mock = MockApp(FEATURES["querystring"][0])
    assert mock.respond("GET", "/v1/search", seen[0].url.query.decode(), {}, b"")[0].status == 200
    refused = mock.respond("GET", "/v1/search", "page=zero&q=a", {}, b"")[0]
    assert refused.status == 400 and b"filter/page" in refused.body


def test_query_string_in_json_is_the_whole_percent_encoded_query(tmp_path: Path) -> None:
    from specgen.mock.app import MockApp

    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=["lamp"])

    with generated_package(FEATURES["querystring"][0], tmp_path / "out", "m32_qs_json") as mod:
        client = mod.Client(base_url="https://api.example.com/v1", http_client=httpx.Client(transport=httpx.MockTransport(record)))
        assert client.find.list(selector={"name": "a&b=c", "max": 2}) == ["lamp"]
    sent = seen[0].url.query.decode()
    assert "&" not in sent and "=" not in sent and json.loads(unquote(sent)) == {"name": "a&b=c", "max": 2}
    mock = MockApp(FEATURES["querystring"][0])
    assert mock.respond("GET", "/v1/find", sent, {}, b"")[0].status == 200
    refused = mock.respond("GET", "/v1/find", quote(json.dumps({"max": 0})), {}, b"")[0]
    assert refused.status == 400 and b"selector" in refused.body


def test_query_string_in_another_media_type_is_skipped_with_the_reason(tmp_path: Path) -> None:
    param = {"name": "f", "in": "querystring", "content": {"application/xml": {"schema": {"type": "object"}}}}
    api = normalize_dict(tmp_path, openapi({"/s": {"get": {"parameters": [param], "responses": {"204": {"description": "ok"}}}}}, version="3.2.0"))
    assert api.operations == () and [s["method"] for s in api.skipped] == ["GET"]
    assert "application/xml" in api.skipped[0]["reason"]


def test_default_mapping_reads_an_unlisted_tag_as_the_default_variant(tmp_path: Path) -> None:
    with generated_package(FEATURES["default_mapping"][0], tmp_path / "out", "m32_default_read") as mod:
        from importlib import import_module

        models = import_module("m32_default_read._models")
        for strict in (True, False):
            read = [type(models.validate_as(mod.types.Pet, {"kind": k, "name": "n"}, strict=strict)).__name__ for k in ("cat", "dog", "parrot")]
            assert read == ["Cat", "Dog", "OtherPet"]
    docs = (tmp_path / "out" / "docs" / "models" / "Pet.md").read_text()
    assert "is not listed is `OtherPet`" in docs


def test_default_mapping_that_names_no_variant_is_reported(tmp_path: Path) -> None:
    union = {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}], "discriminator": {"propertyName": "t", "defaultMapping": "C"}}
    obj = lambda t: {"type": "object", "required": ["t"], "properties": {"t": {"const": t}}}  # noqa: E731
    api = normalize_dict(tmp_path, openapi(schemas={"U": union, "A": obj("a"), "B": obj("b"), "C": obj("c")}, version="3.2.0"))
    assert api.union_map["U"].default_variant is None
    assert [d.pointer for d in api.__dict__["_diags"].items if d.code == "bad-default-mapping"] == ["/components/schemas/U/discriminator/defaultMapping"]


def test_self_is_the_base_of_refs_and_a_ref_outside_it_is_refused(tmp_path: Path, normalized: Callable[[Path], Any]) -> None:
    api = normalized(FEATURES["self"][0])
    pet = api.operations[0].success.type
    assert {f.name for f in api.model(pet.ref).fields} == {"id", "name", "owner"}
    assert [p.name for p in api.operations[0].parameters] == ["id"]
    doc = openapi({"/a": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "../other/x.yaml#/X"}}}}}}}}, version="3.2.0")
    doc["$self"] = "https://example.com/api/v1/openapi.yaml"
    res = run_specgen("generate", str(write_spec(tmp_path, doc)), "-o", str(tmp_path / "out"))
    assert res.returncode == 1 and "remote-ref" in res.stderr and "https://example.com/api/other/x.yaml" in res.stderr
    assert "Traceback" not in res.stderr


def test_tag_parents_nest_resources_where_paths_do_not_and_shape_the_docs(tmp_path: Path, normalized: Callable[[Path], Any]) -> None:
    api = normalized(FEATURES["tags"][0])
    assert {op.id: op.call for op in api.operations} == {"storeStatus": "client.store.retrieve", "stockLevel": "client.store.inventory.stock_levels.retrieve"}
    res = specgen_in_process("generate", str(FEATURES["tags"][0]), "-o", str(tmp_path / "out"), "--formatter", "none", "--quiet")
    assert res.returncode == 0, res.stderr
    index = (tmp_path / "out" / "docs" / "README.md").read_text()
    tree = index.split("## Operations by tag", 1)[1].split("\n## ", 1)[0].strip().splitlines()
    assert [ln.split(" (")[0] for ln in tree] == ["- **Store**", "  - **Inventory**", "    - **Stock levels**", "- **Beta**"]


def test_tag_parent_cycles_and_unknown_parents_are_reported(tmp_path: Path) -> None:
    tags = [{"name": "a", "parent": "b"}, {"name": "b", "parent": "a"}, {"name": "c", "parent": "nowhere"}]
    api = normalize_dict(tmp_path, openapi({"/": {"get": {"tags": ["a"], "responses": {"204": {"description": "ok"}}}}}, version="3.2.0", tags=tags))
    codes = sorted(d.code for d in api.__dict__["_diags"].items if d.code.startswith("tag-parent"))
    assert codes == ["tag-parent", "tag-parent-cycle"]
    assert api.operations[0].call.startswith("client.")
