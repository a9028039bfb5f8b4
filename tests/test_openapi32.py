"""OpenAPI 3.2: each version checked against its own meta-schema, the `query` method and
`additionalOperations` as operations everywhere, and no path item key lost (generated or
listed as skipped) on every spec this project reads."""

from __future__ import annotations

import functools
import importlib
import json
import sys
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterator
from urllib.parse import unquote

import httpx
import pytest
import yaml

from support import CORPUS, ROOT, SPECS, normalize_dict, openapi, run_specgen, write_spec

SPECS32 = Path(__file__).parent / "specs32"

# the Path Item Object's fixed fields, as OpenAPI 3.2.0 section 4.8.9.1 lists them
_OAS32_METHOD_FIELDS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")
_OAS32_OTHER_FIELDS = ("$ref", "summary", "description", "servers", "parameters", "additionalOperations")


@functools.cache  # read-only: each spec is read once a session, not once per question asked of it
def _read(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _follow(node: Any, file: Path, docs: dict[Path, Any]) -> tuple[Any, Path]:
    """A path item `$ref` followed (local or relative-file), as a reader of the spec would."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 50:
        seen += 1
        target, _, pointer = node["$ref"].partition("#")
        file = (file.parent / target).resolve() if target else file
        if file not in docs:
            docs[file] = _read(file)
        node = docs[file]
        for token in [t for t in pointer.split("/") if t]:
            node = node[unquote(token).replace("~1", "/").replace("~0", "~")]
    return node, file


@contextmanager
def generated_package(spec: Path, out: Path, package: str) -> Iterator[ModuleType]:
    """The client generated from `spec`, imported for the length of the block."""
    res = run_specgen("generate", str(spec), "-o", str(out), "--package", package, "--formatter", "none", "--quiet")
    assert res.returncode == 0, res.stderr
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]


def expected_operations(spec: Path) -> list[tuple[str, str]]:
    """(METHOD, path) of everything a spec's path items hold that is, or may be, an operation:
    every method field, every `additionalOperations` entry and every key OpenAPI does not
    define (extensions aside)."""
    docs: dict[Path, Any] = {spec.resolve(): _read(spec.resolve())}
    root = docs[spec.resolve()]
    out: list[tuple[str, str]] = []
    for path, item in (root.get("paths") or {}).items():
        item, _ = _follow(item, spec.resolve(), docs)
        if not isinstance(item, dict):
            continue
        for key, value in item.items():
            if key in _OAS32_METHOD_FIELDS:
                out.append((key.upper(), path))
            elif key == "additionalOperations" and isinstance(value, dict):
                out.extend((str(k).upper(), path) for k in value)
            elif key == "additionalOperations" or (key not in _OAS32_OTHER_FIELDS and not str(key).startswith("x-")):
                out.append((str(key).upper(), path))
    return out


def _every_spec() -> list[Path]:
    found = sorted(SPECS.rglob("*.yaml")) + sorted(SPECS32.rglob("*.yaml"))
    if CORPUS.is_dir():
        found += sorted(CORPUS.glob("*.yaml")) + sorted(p for p in (CORPUS / "real").rglob("*") if p.suffix in (".yaml", ".json"))
    return [p for p in found if isinstance(_read(p.resolve()), dict) and "openapi" in _read(p.resolve())]


@pytest.mark.corpus
def test_every_path_item_key_of_every_spec_is_generated_or_skipped(normalized: Callable[[Path], Any]) -> None:
    specs = _every_spec()
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} is absent: the corpus half of this walk needs it")
    walked = 0
    for spec in specs:
        api = normalized(spec)
        generated = sorted((op.method.upper(), op.path) for op in api.operations)
        skipped = sorted((s["method"], s["path"]) for s in api.skipped)
        expected = sorted(expected_operations(spec))
        assert sorted(generated + skipped) == expected, spec
        assert all(s["reason"] for s in api.skipped), spec
        walked += len(expected)
    assert walked > 700  # the three OpenAI specs alone hold 455 operations


def test_methods_spec_generates_query_and_additional_operations(normalized: Callable[[Path], Any]) -> None:
    api = normalized(SPECS32 / "methods.yaml")
    calls = {(op.method.upper(), op.path): op.call for op in api.operations}
    assert calls == {
        ("GET", "/products"): "client.products.list",
        ("QUERY", "/products"): "client.products.query",
        ("LINK", "/products/{id}"): "client.products.link_product",
        ("PURGE", "/products/{id}"): "client.products.purge_product",
    }
    assert api.skipped == ()


def test_unusable_methods_are_skipped_with_a_reason_and_a_warning(tmp_path: Path) -> None:
    ok = {"responses": {"204": {"description": "done"}}}
    api = normalize_dict(
        tmp_path,
        openapi(
            {"/a": {"GET": ok, "bogus": ok, "x-internal": ok, "additionalOperations": {"POST": ok, "purge": ok, "COPY": ok}}},
            version="3.2.0",
        ),
    )
    assert [(op.method, op.path) for op in api.operations] == [("copy", "/a")]
    reasons = {(s["method"], s["path"]): s["reason"] for s in api.skipped}
    assert set(reasons) == {("GET", "/a"), ("BOGUS", "/a"), ("POST", "/a"), ("PURGE", "/a")}
    assert "lower-case" in reasons[("GET", "/a")] and "upper-case" in reasons[("PURGE", "/a")]
    assert "must not repeat" in reasons[("POST", "/a")]
    warned = [d for d in api.__dict__["_diags"].items if d.code == "skipped-operation"]
    assert len(warned) == 4 and all(d.pointer and d.pointer.startswith("/paths/~1a/") for d in warned)


def test_query_method_sends_its_body_with_the_query_method(tmp_path: Path) -> None:
    out = tmp_path / "out"
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[{"id": "p1", "name": "lamp"}])

    with generated_package(SPECS32 / "methods.yaml", out, "m32_query") as mod:
        client = mod.Client(base_url="https://api.example.com/v1", http_client=httpx.Client(transport=httpx.MockTransport(record)))
        found = client.products.query(text="lamp", limit=5)
    assert seen[0].method == "QUERY" and seen[0].url.path == "/v1/products"
    assert json.loads(seen[0].content) == {"text": "lamp", "limit": 5}
    assert seen[0].headers["content-type"] == "application/json"
    assert [p.name for p in found] == ["lamp"]
    tools = json.loads((out / "mcp" / "operations.json").read_text())["operations"]
    hints = {t["method"]: t["annotations"]["readOnlyHint"] for t in tools}
    assert hints == {"GET": True, "QUERY": True, "LINK": False, "PURGE": False}
    assert "`QUERY /products` · `client.products.query`" in (out / "docs" / "operations" / "search_products.md").read_text()
