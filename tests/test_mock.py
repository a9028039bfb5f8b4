"""`specgen mock` (issue 5): routing by method and path template, 400/422 with the validation
errors, fixture replies, SSE streams, `--fixtures DIR`, start-up time, and 127.0.0.1 only."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import httpx
import pytest
from support import ROOT, SEED_SPECS

from specgen.mock.server import MockServer, iter_sse

SPEC_2025 = SEED_SPECS["openai-chat-2025"]
# the seed specs ask for a bearer token; the mock accepts any of the right form
api = httpx.Client(headers={"Authorization": "Bearer test"}, timeout=30)


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(SPEC_2025) as s:
        yield s


def test_listens_on_127_0_0_1_port_0() -> None:
    # how fast it starts is measured in bench/, not here: a wall-clock limit fails on a busy machine
    with MockServer(SPEC_2025) as s:
        assert s.port > 0
        assert s.origin == f"http://127.0.0.1:{s.port}"
        assert s.base_url.endswith("/v1")
        sock = s._server.servers[0].sockets[0]
        assert sock.getsockname()[0] == "127.0.0.1"
        assert api.get(s.base_url + "/models").status_code == 200


def test_routes_by_method_and_path_template(server: MockServer) -> None:
    r = api.get(server.base_url + "/chat/completions/cmpl_1/messages")
    assert r.status_code == 200 and r.json()["object"] == "list"
    r = api.get(server.base_url + "/chat/completions/cmpl_1")
    assert r.status_code == 200 and r.json()["object"] == "chat.completion"
    r = api.delete(server.base_url + "/chat/completions/cmpl_1")
    assert r.status_code == 200 and r.json()["deleted"] in (True, False)
    # the servers' base path is optional
    assert api.get(server.origin + "/models").status_code == 200


def test_unknown_path_is_404_and_wrong_method_is_405(server: MockServer) -> None:
    assert api.get(server.base_url + "/nowhere").status_code == 404
    r = api.put(server.base_url + "/models")
    assert r.status_code == 405


def test_valid_body_gets_the_response_fixture(server: MockServer) -> None:
    r = api.post(server.base_url + "/chat/completions", json={"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["object"] == "chat.completion"


def test_invalid_body_is_refused_with_the_documented_status_pointer_and_reason(server: MockServer) -> None:
    # the seed spec documents 400 (not 422) for a bad request: the mock answers what it documents
    r = api.post(server.base_url + "/chat/completions", json={"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "temperature": 5})
    assert r.status_code == 400
    errors = r.json()["errors"]
    assert {"in": "body", "pointer": "/temperature", "reason": "maximum"}.items() <= errors[0].items()
    assert r.json()["error"]["param"] == "temperature"


def test_missing_required_field_and_wrong_tag_are_refused_with_pointers(server: MockServer) -> None:
    r = api.post(server.base_url + "/chat/completions", json={"model": "gpt-4o"})
    assert r.status_code == 400 and r.json()["errors"][0]["reason"] == "required"
    assert r.json()["errors"][0]["pointer"] == "/messages"
    r = api.post(server.base_url + "/chat/completions", json={"model": "gpt-4o", "messages": [{"role": "robot", "content": "hi"}]})
    assert r.status_code == 400 and r.json()["errors"][0]["pointer"] == "/messages/0"


def test_bad_json_and_bad_parameters_are_400(server: MockServer) -> None:
    r = api.post(server.base_url + "/chat/completions", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400
    r = api.get(server.base_url + "/chat/completions", params={"limit": "lots"})
    assert r.status_code == 400
    err = r.json()["errors"][0]
    assert err["in"] == "query" and err["pointer"] == "/query/limit" and err["reason"] == "type"
    r = api.get(server.base_url + "/chat/completions", params={"order": "sideways"})
    assert r.status_code == 400 and r.json()["errors"][0]["reason"] == "enum"
    assert api.get(server.base_url + "/chat/completions", params={"limit": "5", "order": "asc", "metadata[k]": "v"}).status_code == 200


def test_stream_true_streams_the_sse_fixture(server: MockServer) -> None:
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "stream": True}
    with api.stream("POST", server.base_url + "/chat/completions", json=body) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        text = "".join(r.iter_text())
    data = list(iter_sse(text))
    assert data[-1] == "[DONE]" and len(data) >= 3
    assert all(json.loads(d)["object"] == "chat.completion.chunk" for d in data[:-1])


def test_fixtures_dir_is_served(tmp_path: Path) -> None:
    from specgen.artifacts.fixtures import all_fixtures, fixture_stems

    with MockServer(SPEC_2025) as s:
        assert s.app is not None
        stem = fixture_stems(s.app.api)["listModels"]
        assert all_fixtures(s.app.api)
    (tmp_path / stem).mkdir()
    (tmp_path / stem / "response.200.json").write_text(json.dumps({"object": "list", "data": [{"id": "from-dir", "object": "model", "created": 1, "owned_by": "me"}]}))
    with MockServer(SPEC_2025, fixtures_dir=tmp_path) as s:
        assert api.get(s.base_url + "/models").json()["data"][0]["id"] == "from-dir"


def test_relative_file_refs_are_validated_too() -> None:
    with MockServer(SEED_SPECS["openai-chat-2023"]) as s:
        ok = api.post(s.base_url + "/chat/completions", json={"model": "gpt-4", "messages": [{"role": "user", "content": "hi"}]})
        assert ok.status_code == 200, ok.text
        bad = api.post(s.base_url + "/chat/completions", json={"model": "gpt-4", "messages": [{"role": "user", "content": "hi"}], "n": 1000})
        assert bad.status_code in (400, 422) and bad.json()["errors"][0]["pointer"] == "/n"


def test_cli_serves_until_interrupted() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "specgen", "mock", str(SPEC_2025), "--port", "0"],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert "http://127.0.0.1:" in line, line
        url = line.split("http://", 1)[1].split()[0]
        assert api.get("http://" + url + "/models", timeout=5).status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_cli_refuses_a_missing_spec() -> None:
    from support import run_specgen

    r = run_specgen("mock", "no/such/spec.yaml", "--port", "0")
    assert r.returncode == 2 and "no such file" in r.stderr




def test_a_query_string_in_the_path_template_routes_to_its_own_operation(tmp_path: Path) -> None:
    """The 2026 corpus has `/responses` and `/responses?beta=true`, each with its own body."""
    from support import openapi, write_spec

    def op(op_id: str, prop: str) -> dict[str, object]:
        schema = {"type": "object", "required": [prop], "properties": {prop: {"type": "string"}}, "additionalProperties": False}
        return {"post": {"operationId": op_id, "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}, "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {"op": {"type": "string", "enum": [op_id]}}, "required": ["op"]}}}}}}}

    spec = write_spec(tmp_path, openapi(paths={"/things": op("plain", "a"), "/things?beta=true": op("beta", "b")}))
    with MockServer(spec) as s:
        assert api.post(s.base_url + "/things", json={"a": "x"}).json() == {"op": "plain"}
        assert api.post(s.base_url + "/things?beta=true", json={"b": "x"}).json() == {"op": "beta"}
        assert api.post(s.base_url + "/things?beta=true", json={"a": "x"}).status_code == 422
