"""Names: one sanitizer for every artifact, and nothing generated shadows what it must not.

tests/hostile/reserved-names.yaml names schemas like builtins and typing names (`Warning`,
`Field`, `Optional`), properties and parameters like what a generated body uses (`str`, `cast`,
`self`, `timeout`, `extra_headers`, `object`, `""`), resources like the client's own
attributes (`copy`, `close`, `timeout`, `get`) and a sub-path `with_raw_response`.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from support import openapi, ROOT, run_specgen, specgen_in_process, write_spec

SPEC = ROOT / "tests" / "hostile" / "reserved-names.yaml"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    out = tmp_path_factory.mktemp("names") / "out"
    res = specgen_in_process("generate", str(SPEC), "-o", str(out), "--package", "reserved_names", "--formatter", "none")
    assert res.returncode == 0, res.stderr
    sys.path.insert(0, str(out))
    try:
        yield out, res.stderr
    finally:
        sys.path.remove(str(out))


def _client(handler: Any) -> Any:
    mod = importlib.import_module("reserved_names")
    return mod.Client(http_client=httpx.Client(transport=httpx.MockTransport(handler)), max_retries=0)


def test_reserved_names_get_safe_names_and_a_warning_each(generated: tuple[Path, str]) -> None:
    res = specgen_in_process("validate", str(SPEC), "--format", "json")
    warned = [f"{d['file']}:{d['message']}" for d in json.loads(res.stdout) if d["code"] == "reserved-name"]
    for said in ("'Warning' is called `WarningModel`", "'Field' is called `FieldModel`", "'Optional' is called `OptionalModel`",
                 "property 'str' is the attribute `str_`", "query parameter 'cast' is the argument `query_cast`",
                 "query parameter 'object' is the argument `query_object`", "body field 'timeout' is the argument `body_timeout`"):
        assert any(said in ln for ln in warned), (said, warned)
    assert len(warned) == 15 and all(ln.startswith("reserved-names.yaml:") for ln in warned), warned
    # a builtin's name is kept where its class spells no type with it (OpenAI's `TopLogprob.bytes`)
    types = importlib.import_module("reserved_names.types")
    assert {"bytes", "Any_"} <= set(types.OptionalModel.model_fields) and "str_" in types.WarningModel.model_fields


def test_the_client_with_reserved_names_type_checks(generated: tuple[Path, str]) -> None:
    out, _ = generated
    cmd = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(ROOT / ".mypy_cache"), "--no-error-summary", "reserved_names"]
    res = subprocess.run(cmd, cwd=out, capture_output=True, text=True, timeout=240)
    assert res.returncode == 0, res.stdout[-3000:]


def test_reserved_arguments_and_fields_send_and_read_the_right_keys(generated: tuple[Path, str]) -> None:
    seen: list[httpx.Request] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        if req.url.path == "/copy":
            return httpx.Response(200, json={"str": "a", "Optional": 1, "": "empty key", "field": "another key", "model_dump": "m"})
        return httpx.Response(200, json={"cast": "c", "": "e"})

    with _client(handler) as c:
        # `str` is free here (the method answers a model): only what its body uses is renamed
        w = c.copy_.retrieve(query_object="o", str="s", query_cast="c", query_timeout=3, cursor="k", query_extra_headers="h")
        f = c.close_.create(body_cast="x", self_="me", body_timeout=1.5, body_extra_headers="h", field="e")
    assert sorted(seen[0].url.params.multi_items()) == sorted([("object", "o"), ("str", "s"), ("cast", "c"), ("timeout", "3"), ("cursor", "k"), ("extra_headers", "h")])
    assert json.loads(seen[1].content) == {"cast": "x", "self": "me", "timeout": 1.5, "extra_headers": "h", "": "e"}
    # a property named "" reads the key "", not a key named after its attribute
    assert (w.str_, w.Optional_, w.field, w.model_dump_) == ("a", 1, "empty key", "m")
    assert w.model_extra == {"field": "another key"}
    assert (f.cast, f.field) == ("c", "e")


def test_resources_named_like_client_attributes_keep_the_client_working(generated: tuple[Path, str]) -> None:
    paths: list[str] = []

    def handler(req: httpx.Request) -> httpx.Response:
        paths.append(req.url.path)
        return httpx.Response(200, json={}) if req.method != "DELETE" else httpx.Response(204)

    c = _client(handler)
    c.timeout_.retrieve("me")
    c.things.with_raw_response_.list()
    raw = c.things.with_raw_response.list()  # the accessor is not hidden by the sub-path
    c.get_.delete()
    c.global_.retrieve("g")
    assert raw.status_code == 200
    assert paths == ["/timeout/me", "/things/with_raw_response", "/things", "/get", "/global/g"]
    assert callable(c.copy) and c.copy(max_retries=5).max_retries == 5  # `copy` is still with_options
    c.close()  # and `close` still closes


def test_client_docs_manifest_and_tests_name_every_call_alike(generated: tuple[Path, str]) -> None:
    out, _ = generated
    manifest = json.loads((out / "manifest.json").read_text())
    calls = [op["call"] for op in manifest["operations"]]
    assert calls == [
        "client.copy_.retrieve", "client.close_.create", "client.timeout_.retrieve",
        "client.things.with_raw_response_.list", "client.things.list", "client.global_.retrieve", "client.get_.delete",
    ]
    # a resource named like a keyword lives in an importable module
    assert (out / "reserved_names" / "resources" / "global_.py").is_file() and (out / "reserved_names" / "types" / "global_.py").is_file()
    client = _client(lambda req: httpx.Response(200, json={}))
    for call in calls:
        obj = client
        for attr in call.split(".")[1:]:
            obj = getattr(obj, attr)
        assert callable(obj), call
    readme = (out / "docs" / "README.md").read_text()
    assert all(call in readme for call in calls)
    test_calls = []
    for cases in (out / "tests" / "cases").glob("test_*.json"):
        test_calls += [".".join(["client", *op["call"]]) for op in json.loads(cases.read_text())["operations"].values()]
    assert sorted(test_calls) == sorted(calls)


@pytest.mark.parametrize("title, package", [("httpx", "httpx_client"), ("json", "json_client"), ("typing", "typing_client"), ("Enum", "enum_client"), ("Types", "types_client"), ("Docs", "docs_client")])
def test_a_title_that_would_shadow_a_module_gives_a_safe_package_and_a_warning(tmp_path: Path, title: str, package: str) -> None:
    spec = openapi({"/ping": {"get": {"operationId": "ping", "responses": {"200": {"description": "ok"}}}}}, info={"title": title, "version": "1"}, servers=[{"url": "http://h"}])
    res = specgen_in_process("generate", str(write_spec(tmp_path, spec)), "-o", str(tmp_path / "out"), "--formatter", "none", "--no-validate")
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "out" / package / "__init__.py").is_file()
    assert "warning[package-renamed]" in res.stderr and f"`{package}`" in res.stderr


@pytest.mark.parametrize("package", ["class", "tests", "docs", "json", "httpx", "typing_extensions", "Not-A-Name"])
def test_an_unsafe_package_name_is_refused(tmp_path: Path, package: str) -> None:
    spec = write_spec(tmp_path, openapi({}))
    res = run_specgen("generate", str(spec), "-o", str(tmp_path / "out"), "--package", package, "--formatter", "none")
    assert res.returncode == 2, res.stderr
    assert f"--package {package!r}" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "out").exists()


def test_a_name_with_no_usable_character_and_an_empty_fallback_is_a_name_not_a_crash() -> None:
    from specgen.model.naming import pascal, safe_identifier

    # readme's complex-nesting.yaml has a titled variant whose title has no letter or digit
    assert pascal("→ ←", "") == "value" and safe_identifier("", "") == "value"
    assert safe_identifier("2xx", "") == "_2xx" and safe_identifier("", "item") == "item"


def test_a_resource_named_call_leaves_client_call_to_the_generated_methods(tmp_path: Path) -> None:
    """Every generated method sends through `client.call(endpoint, ...)`: a top-level resource
    named `call` must not hide it (it becomes `call_`, as `get` or `copy` do)."""
    spec = openapi({"/call/{id}": {"delete": {"operationId": "deleteCall", "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}], "responses": {"204": {"description": "gone"}}}}}, servers=[{"url": "http://h"}])
    out = tmp_path / "out"
    res = specgen_in_process("generate", str(write_spec(tmp_path, spec)), "-o", str(out), "--package", "calls_api", "--formatter", "none", "--no-validate")
    assert res.returncode == 0, res.stderr
    sys.path.insert(0, str(out))
    try:
        mod = importlib.import_module("calls_api")
        seen: list[str] = []

        def handler(req: httpx.Request) -> httpx.Response:
            seen.append(f"{req.method} {req.url.path}")
            return httpx.Response(204)

        with mod.Client(http_client=httpx.Client(transport=httpx.MockTransport(handler)), max_retries=0) as c:
            assert c.call_.delete("c1") is None
    finally:
        sys.path.remove(str(out))
    assert seen == ["DELETE /call/c1"]
