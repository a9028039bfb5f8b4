"""`specgen mock` never answers 500 for anything a client sends or a spec says (issue 20): the
hostile specs of tests/hostile/ whose expected outcome lists `mock` requests are served, and
each request gets its stated status with a message, never a traceback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from support import ROOT

from specgen.mock.server import MockServer

HOSTILE = ROOT / "tests" / "hostile"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load((HOSTILE / "expected.yaml").read_text())
CASES = [(name, i, case) for name, exp in sorted(EXPECTED.items()) for i, case in enumerate(exp.get("mock", []))]


@pytest.fixture(scope="module")
def servers() -> Any:
    started: dict[str, MockServer] = {}
    yield lambda name: started.get(name) or started.setdefault(name, MockServer(HOSTILE / name).start())
    for s in started.values():
        s.stop()


def _request(case: dict[str, Any]) -> dict[str, Any]:
    headers = {"content-type": case.get("content_type", "application/json")}
    if "nest" in case:
        n = int(case["nest"])
        return {"content": b'{"nested": ' + b"[" * n + b"]" * n + b"}", "headers": headers}
    if "json" in case:
        return {"content": json.dumps(case["json"]).encode(), "headers": headers}
    if "body" in case:
        return {"content": str(case["body"]).encode(), "headers": headers}
    return {}


@pytest.mark.parametrize(("name", "index", "case"), CASES, ids=[f"{n}-{i}-{c['method']}-{c['status']}" for n, i, c in CASES])
def test_hostile_request_gets_its_status_never_500(servers: Any, name: str, index: int, case: dict[str, Any]) -> None:
    server = servers(name)
    r = httpx.request(case["method"], server.base_url + case["path"], timeout=60, **_request(case))
    assert r.status_code == case["status"], r.text[:500]
    if r.status_code >= 400:
        body = r.json()
        message = body["error"]["message"]
        assert message and "Traceback" not in r.text and "object at 0x" not in r.text
        if "says" in case:
            assert case["says"] in r.text, r.text[:500]


def test_encoded_slash_in_a_path_parameter_is_routed_then_decoded(servers: Any) -> None:
    server = servers("mock-requests.yaml")
    # the pattern `^[a-z]+/[a-z]+$` holds only for the decoded value
    assert httpx.get(server.base_url + "/items/abc%2Fdef").status_code == 200
    assert httpx.get(server.base_url + "/items/abc%2F1").status_code == 400


@pytest.mark.parametrize("name", sorted(n for n, exp in EXPECTED.items() if exp.get("warns")))
def test_invalid_spec_pattern_is_a_startup_warning(name: str) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "specgen", "mock", str(HOSTILE / name), "--port", "0"], cwd=ROOT, stderr=subprocess.PIPE, text=True, env={**os.environ})
    try:
        assert proc.stderr is not None
        lines = []
        while not lines or "http://127.0.0.1:" not in lines[-1]:
            line = proc.stderr.readline()
            assert line, "".join(lines)
            lines.append(line)
        text = "".join(lines)
        for pattern in EXPECTED[name]["warns"]:
            assert "warning" in text and json.dumps(pattern) in text, text
        assert "Traceback" not in text
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_a_request_nested_at_the_limit_is_still_validated(tmp_path: Path) -> None:
    from specgen.mock.validation import MAX_DEPTH

    spec = tmp_path / "deep.yaml"
    spec.write_text(yaml.safe_dump({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/d": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}}, "responses": {"200": {"description": "ok"}}}}}, "components": {"schemas": {"Node": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}, "leaf": {"type": "integer"}}}}}}))

    def nested(depth: int, leaf: Any) -> Any:
        value: Any = {"leaf": leaf}
        for _ in range(depth - 1):
            value = {"next": value}
        return value

    with MockServer(spec) as s:
        assert httpx.post(s.base_url + "/d", json=nested(MAX_DEPTH, 1)).status_code == 200
        bad = httpx.post(s.base_url + "/d", json=nested(MAX_DEPTH, "x"))
        assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"].endswith("/leaf")
        over = httpx.post(s.base_url + "/d", json=nested(MAX_DEPTH + 1, 1))
        assert over.status_code == 400 and "nested deeper" in over.json()["error"]["message"]
