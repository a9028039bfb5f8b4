"""`specgen generate` on small specs written to exercise the client generator: hostile text,
every auth scheme, deprecated operations, unions, uploads, SSE-only and odd field names."""

from __future__ import annotations

import ast
import importlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from support import ROOT, openapi, specgen_in_process, write_spec

HOSTILE = 'Ends with a quote" and """triple""" \\ backslash \\n \r\n CR \x00 NUL \u2028 LS {{ jinja }} {% raw %} \'single\''

SCHEMAS: dict[str, Any] = {
    "Thing": {
        "type": "object",
        "description": HOSTILE,
        "required": ["id", "kind", "class"],
        "properties": {
            "id": {"type": "string", "description": HOSTILE},
            "kind": {"type": "string", "enum": ["thing"]},
            "class": {"type": "string", "description": "a keyword as a field name"},
            "x-weird name": {"type": "integer", "nullable": True},
            "mode": {"anyOf": [{"type": "string"}, {"type": "string", "enum": ['a"b', "c\\d"]}]},
            "tags": {"type": "array", "items": {"type": "string"}},
            "shape": {"$ref": "#/components/schemas/Shape"},
            "parent": {"$ref": "#/components/schemas/Thing"},
        },
    },
    "Circle": {"type": "object", "required": ["type", "r"], "properties": {"type": {"type": "string", "enum": ["circle"]}, "r": {"type": "number"}}},
    "Square": {"type": "object", "required": ["type", "side"], "properties": {"type": {"type": "string", "enum": ["square"]}, "side": {"type": "number"}}},
    "Shape": {"oneOf": [{"$ref": "#/components/schemas/Circle"}, {"$ref": "#/components/schemas/Square"}], "discriminator": {"propertyName": "type"}},
    "NewThing": {
        "type": "object",
        "required": ["name", "shape"],
        "properties": {
            "name": {"type": "string", "description": HOSTILE},
            "shape": {"$ref": "#/components/schemas/Shape"},
            "old": {"type": "string", "deprecated": True, "description": "Deprecated in favor of `name`."},
            "for": {"type": "string"},
            "a-b": {"type": "integer"},
        },
    },
    "Problem": {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "string"}}},
    "Event": {"type": "object", "properties": {"n": {"type": "integer"}}},
}

PROBLEM = {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _spec(auth: dict[str, Any]) -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/things": {
            "post": {
                "operationId": "createThing",
                "summary": HOSTILE,
                "description": HOSTILE,
                "parameters": [
                    {"name": "X-Request-Tag", "in": "header", "schema": {"type": "string"}},
                    {"name": "dry-run", "in": "query", "schema": {"type": "boolean"}},
                ],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewThing"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}, "default": PROBLEM},
            },
        },
        "/things/{thing_id}": {
            "get": {
                "operationId": "getThing",
                "deprecated": True,
                "description": "Deprecated in favor of `things.fetch`.",
                "parameters": [{"name": "thing_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}, "404": PROBLEM},
            },
        },
        "/events": {
            "get": {
                "operationId": "streamEvents",
                "responses": {"200": {"description": "events", "content": {"text/event-stream": {"schema": {"$ref": "#/components/schemas/Event"}}}}},
            },
        },
        "/files": {
            "post": {
                "operationId": "uploadFile",
                "requestBody": {
                    "required": True,
                    "content": {"multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}, "purpose": {"type": "string"}}}}},
                },
                "responses": {"200": {"description": "ok", "content": {"text/plain": {"schema": {"type": "string"}}}}},
            },
        },
        "/batch": {
            "put": {
                "operationId": "putBatch",
                "requestBody": {"content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/NewThing"}}}}},
                "responses": {"204": {"description": "done"}},
            },
        },
    }
    doc = openapi(paths, SCHEMAS, info={"title": HOSTILE, "version": '1.0"', "description": HOSTILE}, servers=[{"url": "http://127.0.0.1:1/base"}])
    doc["components"]["securitySchemes"] = {"auth": auth}
    doc["security"] = [{"auth": []}]
    return doc


AUTHS = {
    "bearer": {"type": "http", "scheme": "bearer"},
    "basic": {"type": "http", "scheme": "basic"},
    "header": {"type": "apiKey", "in": "header", "name": "X-Api-'Key"},
    "query": {"type": "apiKey", "in": "query", "name": "api key"},
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One package per auth scheme, generated into a temporary folder."""
    root = tmp_path_factory.mktemp("clients")
    for name, auth in AUTHS.items():
        spec = write_spec(root, _spec(auth), f"{name}.yaml")
        res = specgen_in_process("generate", str(spec), "-o", str(root / name), "--package", f"hostile_{name}", "--quiet", "--no-validate")
        assert res.returncode == 0, res.stderr
    return root


def _load(generated: Path, name: str) -> ModuleType:
    path = str(generated / name)
    if path not in sys.path:
        sys.path.insert(0, path)
    return importlib.import_module(f"hostile_{name}")


def _client(mod: ModuleType, handler: Any, **kw: Any) -> Any:
    # basic auth takes a user name and a password, the key schemes one key
    creds = {"username": "user", "password": "secret", "api_key": "user:secret"}
    accepted = {k: v for k, v in creds.items() if k in mod._client.CREDENTIAL_ENV}
    return mod.Client(**accepted, http_client=httpx.Client(transport=httpx.MockTransport(handler)), max_retries=0, **kw)


def test_hostile_text_stays_inside_strings_and_docstrings(generated: Path) -> None:
    pkg = generated / "bearer" / "hostile_bearer"
    for py in pkg.rglob("*.py"):
        text = py.read_text(encoding="utf-8")
        ast.parse(text)  # nothing broke out into code
        assert "\x00" not in text and "\u2028" not in text and "\r" not in text, py
        assert text.startswith("# generated by specgen "), py
        assert text.splitlines()[0].endswith(", do not edit") and "sha256" not in text.splitlines()[0]  # the hash is in SPEC_SHA256 only
    mod = _load(generated, "bearer")
    assert mod.__version__ == '1.0"'
    assert '"""triple"""' in (mod.__doc__ or "")
    assert "{{ jinja }}" in (mod.types.Thing.__doc__ or "")


def test_generated_small_clients_pass_mypy_strict(generated: Path) -> None:
    pkgs = [str(generated / n / f"hostile_{n}") for n in AUTHS]
    usage = generated / "usage_deprecated.py"
    usage.write_text(
        "from hostile_bearer import Client\n"
        "c = Client()\n"
        "c.things.retrieve('x')\n"  # a deprecated operation: the type checker says so
        "c.things.create(name='n', shape={'type': 'circle', 'r': 1.0}, for_='f', a_b=1)\n"
    )
    env = {**os.environ, "MYPYPATH": str(generated / "bearer")}
    cmd = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(ROOT / ".mypy_cache"), "--no-error-summary"]
    res = subprocess.run(cmd + pkgs, cwd=generated, capture_output=True, text=True, timeout=240)
    assert res.returncode == 0, res.stdout + res.stderr
    res = subprocess.run(cmd + ["--enable-error-code", "deprecated", str(usage)], cwd=generated, env=env, capture_output=True, text=True, timeout=240)
    errors = [ln for ln in res.stdout.splitlines() if "usage_deprecated.py" in ln]
    assert len(errors) == 1 and ":3:" in errors[0] and "deprecated" in errors[0] and "things.fetch" in errors[0], res.stdout


@pytest.mark.parametrize(
    "name, check",
    [
        ("bearer", lambda r: r.headers["authorization"] == "Bearer user:secret"),
        ("basic", lambda r: r.headers["authorization"] == "Basic dXNlcjpzZWNyZXQ="),
        ("header", lambda r: r.headers["x-api-'key"] == "user:secret" and "authorization" not in r.headers),
        ("query", lambda r: r.url.params["api key"] == "user:secret"),
    ],
)
def test_auth_follows_the_security_scheme(generated: Path, name: str, check: Any) -> None:
    mod = _load(generated, name)
    seen: list[httpx.Request] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return httpx.Response(200, json={"id": "t1", "kind": "thing", "class": "c"})

    with _client(mod, handler) as c:
        thing = c.things.create(name="n", shape={"type": "square", "side": 2})
    assert check(seen[0])
    assert str(seen[0].url).startswith("http://127.0.0.1:1/base/things")
    assert thing.class_ == "c"


def test_body_params_headers_and_discriminated_union(generated: Path) -> None:
    mod = _load(generated, "bearer")
    seen: list[httpx.Request] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return httpx.Response(200, json={"id": "t1", "kind": "thing", "class": "c", "x-weird name": None, "mode": "unknown-mode", "shape": {"type": "circle", "r": 2}, "parent": {"id": "p", "kind": "thing", "class": "k"}})

    with _client(mod, handler) as c:
        with pytest.warns(DeprecationWarning, match="`name`"):
            t = c.things.create(name="n", shape={"type": "circle", "r": 1.0}, for_="x", a_b=3, old="o", x_request_tag="tag", dry_run=True)
    body = json.loads(seen[0].content)
    assert body == {"name": "n", "shape": {"type": "circle", "r": 1.0}, "for": "x", "a-b": 3, "old": "o"}
    assert seen[0].headers["x-request-tag"] == "tag" and seen[0].url.params["dry-run"] == "true"
    assert isinstance(t.shape, mod.types.Circle) and t.shape.r == 2
    assert t.mode == "unknown-mode"  # open enum
    assert t.x_weird_name is None and t.parent is not None and t.parent.class_ == "k"
    import pydantic

    with pytest.raises(pydantic.ValidationError):  # no variant has that tag
        mod.types.Thing.model_validate({"id": "t", "kind": "thing", "class": "c", "shape": {"type": "hexagon"}})


def test_deprecated_operation_warns_with_its_replacement_and_error_model(generated: Path) -> None:
    mod = _load(generated, "bearer")

    def handler(req: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"detail": "no such thing"})

    with _client(mod, handler) as c:
        with pytest.warns(DeprecationWarning, match="things.fetch"), pytest.raises(mod.NotFoundError) as info:
            c.things.retrieve("a/b")
    # the spec's Problem schema keeps its message in `detail`: `.message` reads it, `.body` is the JSON
    assert info.value.body == {"detail": "no such thing"} and info.value.message == "no such thing"
    assert info.value.request.url.raw_path == b"/base/things/a%2Fb"


def test_sse_only_operation_always_streams_and_uploads_are_multipart(generated: Path) -> None:
    mod = _load(generated, "bearer")
    seen: list[httpx.Request] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        if req.url.path.endswith("/events"):
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=b'data: {"n": 1}\n\ndata: {"n": 2}\n\n')
        if req.url.path.endswith("/files"):
            return httpx.Response(200, text="stored")
        return httpx.Response(204)

    with _client(mod, handler) as c:
        assert [e.n for e in c.events.list()] == [1, 2]  # ends with the body when no [DONE] comes
        assert c.files.create(file=b"abc", purpose="test") == "stored"
        assert c.batch.update(body=[{"name": "a", "shape": {"type": "square", "side": 1}}]) is None
    upload = seen[1]
    assert upload.headers["content-type"].startswith("multipart/form-data")
    assert b'name="file"' in upload.content and b"abc" in upload.content and b'name="purpose"' in upload.content
    assert json.loads(seen[2].content) == [{"name": "a", "shape": {"type": "square", "side": 1}}]


def test_no_server_means_base_url_is_required(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, openapi({"/ping": {"get": {"operationId": "ping", "responses": {"200": {"description": "ok"}}}}}))
    res = specgen_in_process("generate", str(spec), "-o", str(tmp_path / "out"), "--package", "noserver_client", "--quiet")
    assert res.returncode == 0, res.stderr
    script = (
        "import noserver_client as p\n"
        "try:\n    p.Client()\nexcept ValueError as e:\n    print('needs', e)\n"
        "print(p.Client(base_url='http://h').base_url)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=tmp_path / "out", capture_output=True, text=True, timeout=60, env={**os.environ, "NOSERVER_CLIENT_BASE_URL": ""})
    assert out.returncode == 0, out.stderr
    assert "needs" in out.stdout and "http://h" in out.stdout


def test_recursive_union_of_a_bare_json_schema_validates_and_type_checks(tmp_path: Path) -> None:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Order",
        "type": "object",
        "properties": {"id": {"type": "string"}, "line": {"$ref": "#/$defs/Line"}, "extra": {"$ref": "#/$defs/Json"}},
        "$defs": {
            "Line": {"type": "object", "properties": {"qty": {"type": "integer"}, "sub": {"$ref": "#/$defs/Line"}}},
            "Json": {"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "array", "items": {"$ref": "#/$defs/Json"}}, {"type": "object", "additionalProperties": {"$ref": "#/$defs/Json"}}]},
        },
    }
    spec = write_spec(tmp_path, schema, "order.json")
    res = specgen_in_process("generate", str(spec), "-o", str(tmp_path / "out"), "--package", "recursive_order", "--quiet")
    assert res.returncode == 0, res.stderr
    script = (
        "import recursive_order as p\n"
        "o = p.types.Order.model_validate({'id': '1', 'line': {'qty': 2, 'sub': {'qty': 1}}, 'extra': {'a': [1, 'x', {'b': [2]}]}})\n"
        "assert o.line is not None and o.line.sub is not None and o.line.sub.qty == 1\n"
        "print(o.extra)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=tmp_path / "out", capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "'b': [2.0]" in out.stdout, out.stderr
    cmd = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(ROOT / ".mypy_cache"), "--no-error-summary", "recursive_order"]
    checked = subprocess.run(cmd, cwd=tmp_path / "out", capture_output=True, text=True, timeout=240)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_response_that_breaks_the_spec_is_kept_unless_the_client_is_strict(generated: Path) -> None:
    mod = _load(generated, "bearer")

    def handler(req: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"id": "t1", "kind": "not-a-thing", "class": "c"})

    with _client(mod, handler) as c:
        thing = c.things.create(name="n", shape={"type": "square", "side": 2})
        assert isinstance(thing, mod.types.Thing) and thing.kind == "not-a-thing" and thing.class_ == "c"
    with _client(mod, handler, strict_response_validation=True) as c, pytest.raises(mod.APIResponseValidationError) as info:
        c.things.create(name="n", shape={"type": "square", "side": 2})
    assert info.value.status_code == 200 and info.value.body == {"id": "t1", "kind": "not-a-thing", "class": "c"}
    assert isinstance(info.value, mod.APIError)


# ------------------------------------------------------------------ regressions found by the generated tests


def test_a_path_keys_fixed_query_is_sent_merged_with_the_call_query(tmp_path: Path) -> None:
    """`/things?beta=true` (the 2026 OpenAI spec has such keys): httpx replaces a URL's query
    when params are given, so the fixed query lives in the IR and is sent as params too."""
    from support import normalize_dict

    ok = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {"v": {"type": "string"}}}}}}}
    limit = {"name": "limit", "in": "query", "schema": {"type": "integer"}}
    spec = openapi(
        {
            "/things": {"get": {"operationId": "listThings", "parameters": [limit], "responses": ok}},
            "/things?beta=true": {"get": {"operationId": "listBetaThings", "parameters": [limit], "responses": ok}},
            "/things/{thing_id}?beta=true&flag=": {
                "get": {"operationId": "getBetaThing", "parameters": [{"name": "thing_id", "in": "path", "required": True, "schema": {"type": "string"}}], "responses": ok}
            },
        },
        servers=[{"url": "http://127.0.0.1:1/base"}],
    )
    api = normalize_dict(tmp_path, spec)
    ops = {op.id: op for op in api.operations}
    assert ops["listThings"].fixed_query == () and ops["listThings"].url_path == "/things"
    beta = ops["listBetaThings"]
    assert beta.path == "/things?beta=true" and beta.url_path == "/things" and beta.fixed_query == (("beta", "true"),)
    assert ops["getBetaThing"].fixed_query == (("beta", "true"), ("flag", ""))

    res = specgen_in_process("generate", str(write_spec(tmp_path, spec)), "-o", str(tmp_path / "out"), "--package", "fixed_query_client", "--quiet", "--formatter", "none")
    assert res.returncode == 0, res.stderr
    sys.path.insert(0, str(tmp_path / "out"))
    try:
        mod = importlib.import_module("fixed_query_client")
    finally:
        sys.path.remove(str(tmp_path / "out"))
    seen: list[httpx.Request] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return httpx.Response(200, json={"v": "x"})

    calls = {op.id: op.call.split(".")[1:] for op in api.operations}

    def method(c: Any, op_id: str) -> Any:
        obj = c
        for attr in calls[op_id]:
            obj = getattr(obj, attr)
        return obj

    with _client(mod, handler) as c:
        method(c, "listBetaThings")(limit=3, extra_query={"x": "1"})
        method(c, "listBetaThings")()
        method(c, "listBetaThings")(extra_query={"beta": "false"})  # the caller's own value wins
        method(c, "listThings")(limit=3)
        method(c, "getBetaThing")("t 1")
    assert [(r.url.path, r.url.params.multi_items()) for r in seen] == [
        ("/base/things", [("beta", "true"), ("limit", "3"), ("x", "1")]),
        ("/base/things", [("beta", "true")]),
        ("/base/things", [("beta", "false")]),
        ("/base/things", [("limit", "3")]),
        ("/base/things/t 1", [("beta", "true"), ("flag", "")]),
    ]

    async def run_async() -> httpx.Request:
        async_seen: list[httpx.Request] = []

        async def ahandler(req: httpx.Request) -> httpx.Response:
            async_seen.append(req)
            return httpx.Response(200, json={"v": "x"})

        async with mod.AsyncClient(http_client=httpx.AsyncClient(transport=httpx.MockTransport(ahandler)), max_retries=0) as ac:
            await method(ac, "listBetaThings")(limit=1)
        return async_seen[0]

    import asyncio

    assert asyncio.run(run_async()).url.params.multi_items() == [("beta", "true"), ("limit", "1")]


_BAD = "X-Key\r\n\x00\u2028 \"quoted\""


def test_header_and_cookie_names_that_are_not_tokens_are_left_out_with_a_warning(tmp_path: Path) -> None:
    """No client can send such a header: normalize warns (file:line, pointer, hint) and leaves the
    parameter or apiKey scheme out; the client works and falls back to the next scheme. A query
    name with control characters is kept, warned about, and sent percent-encoded."""
    spec = openapi(
        {
            "/items": {
                "get": {
                    "operationId": "listItems",
                    "parameters": [
                        {"name": _BAD, "in": "header", "required": True, "schema": {"type": "string"}},
                        {"name": "c d", "in": "cookie", "schema": {"type": "string"}},
                        {"name": "X-Good", "in": "header", "schema": {"type": "string"}},
                        {"name": "q\x01", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}},
                }
            }
        },
        servers=[{"url": "http://127.0.0.1:1"}],
    )
    spec["components"] = {"securitySchemes": {"bad": {"type": "apiKey", "in": "header", "name": _BAD}, "token": {"type": "http", "scheme": "bearer"}}}
    spec["security"] = [{"bad": []}, {"token": []}]
    path = write_spec(tmp_path, spec, "names.json")
    res = specgen_in_process("generate", str(path), "-o", str(tmp_path / "out"), "--package", "wire_names_client", "--formatter", "none", "--no-validate")
    assert res.returncode == 0, res.stderr
    warned = [ln for ln in res.stderr.splitlines() if "warning[bad-wire-name]" in ln]
    assert len(warned) == 4, res.stderr
    assert all(ln.startswith("names.json:") for ln in warned), warned
    pointers = {ln.rsplit("(at ", 1)[1].rstrip(")") for ln in warned}
    assert pointers == {
        "/paths/~1items/get/parameters/0/name",
        "/paths/~1items/get/parameters/1/name",
        "/paths/~1items/get/parameters/3/name",
        "/components/securitySchemes/bad/name",
    }
    assert "hint:" in res.stderr and "\r" not in res.stderr and "\x00" not in res.stderr
    for p in (tmp_path / "out" / "wire_names_client").rglob("*.py"):
        text = p.read_text()
        assert "X-Key" not in text and "'c d'" not in text, p
    sys.path.insert(0, str(tmp_path / "out"))
    try:
        mod = importlib.import_module("wire_names_client")
    finally:
        sys.path.remove(str(tmp_path / "out"))
    seen: list[httpx.Request] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return httpx.Response(200, json={})

    with _client(mod, handler) as c:
        c.items.list(x_good="g", q="v\x02")
    req = seen[0]
    assert req.headers["authorization"] == "Bearer user:secret" and req.headers["x-good"] == "g"
    assert "cookie" not in req.headers
    assert req.url.query == b"q%01=v%02"


def test_the_hostile_injection_spec_gives_a_usable_client(tmp_path: Path) -> None:
    """tests/hostile/injection.yaml names its apiKey header and a header parameter with control
    characters; the client used to send them and httpx raised UnicodeEncodeError."""
    spec = ROOT / "tests" / "hostile" / "injection.yaml"
    res = specgen_in_process("generate", str(spec), "-o", str(tmp_path / "out"), "--package", "hostile_injection", "--formatter", "none")
    assert res.returncode == 0, res.stderr
    assert res.stderr.count("warning[bad-wire-name]") == 2, res.stderr
    sys.path.insert(0, str(tmp_path / "out"))
    try:
        mod = importlib.import_module("hostile_injection")
    finally:
        sys.path.remove(str(tmp_path / "out"))
    seen: list[httpx.Request] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return httpx.Response(200, json={"kind": "a'b", "nested": {"type": "two"}})

    with mod.Client(base_url="http://127.0.0.1:1", http_client=httpx.Client(transport=httpx.MockTransport(handler)), max_retries=0) as c:
        with pytest.warns(DeprecationWarning):
            out = c.items.update("i 1", kind="a'b", nested={"type": "two"})
    assert out.kind == "a'b" and seen[0].url.path == "/items/i 1" and json.loads(seen[0].content)["nested"] == {"type": "two"}
    assert all(k.isascii() and k.isprintable() for k in seen[0].headers.keys())


def test_deeply_nested_models_import_and_validate_without_recursion_error(tmp_path: Path) -> None:
    """tests/hostile/deep-nesting.json: 150 inline object levels, one model each. Building a lazily
    built model used to build all 150 nested ones in one recursion (RecursionError); they are
    now built innermost first, at the default recursion limit."""
    spec = ROOT / "tests" / "hostile" / "deep-nesting.json"
    res = specgen_in_process("generate", str(spec), "-o", str(tmp_path / "out"), "--package", "deep_client", "--quiet", "--formatter", "none")
    assert res.returncode == 0, res.stderr
    assert not any("setrecursionlimit" in p.read_text() for p in (tmp_path / "out" / "deep_client").rglob("*.py"))
    script = textwrap.dedent(
        """
        import asyncio, sys, httpx
        import deep_client
        from deep_client import types

        def nest(n):
            d = {"leaf": "x"}
            for _ in range(n):
                d = {"child": [d]}
            return d

        def depth(m):
            n = 0
            while getattr(m, "child", None):
                m, n = m.child[0], n + 1
            return n, m.leaf

        assert sys.getrecursionlimit() == 1000
        payload = nest(150)
        assert depth(types.Deep.model_validate(payload)) == (150, "x")
        transport = httpx.MockTransport(lambda req: httpx.Response(200, json=payload))
        with deep_client.Client(base_url="http://h", http_client=httpx.Client(transport=transport)) as c:
            assert depth(c.deep.create(child=[nest(10)])) == (150, "x")

        async def main():
            async with deep_client.AsyncClient(base_url="http://h", http_client=httpx.AsyncClient(transport=transport)) as c:
                return await c.deep.create()

        assert depth(asyncio.run(main())) == (150, "x")
        # a model deep inside, used on its own first
        inner = [getattr(types, n) for n in types.__all__ if not n.endswith("Param")]
        inner.sort(key=lambda cls: len(cls.__name__))
        assert depth(inner[75].model_validate(nest(75))) == (75, "x")
        print("ok")
        """
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=tmp_path / "out", capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-3000:]
