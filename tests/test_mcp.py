"""The MCP artifact, tested for real: the generated server started over stdio by the official
`mcp` client library, its tools listed, and operations called through the generated client
against `specgen mock`."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import anyio
import pytest

from support import CORPUS_IR, ROOT, SEED_SPECS
from test_docs import api_2026

mcp = pytest.importorskip("mcp", reason="the MCP tests need the official `mcp` SDK (the test extra)")

pytestmark = CORPUS_IR  # shares each corpus spec's one normalization (support.CORPUS_IR)

TARGET = "openai-chat-2025"
OUT = ROOT / "generated" / TARGET


def _manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((OUT / "manifest.json").read_text())
    return data


def run_session(script: Any, *extra: str) -> Any:
    """Start the generated server over stdio against a mock of the target, run `script(session)`."""
    from specgen.mock.server import MockServer

    key_env = _manifest()["options"]["api_key_env"]
    result: dict[str, Any] = {}

    async def main(base_url: str) -> None:
        params = mcp.StdioServerParameters(command=sys.executable, args=[str(OUT / "mcp" / "server.py"), "--base-url", base_url, *extra], env={key_env: "test"})
        async with mcp.stdio_client(params) as (read, write):
            async with mcp.ClientSession(read, write) as session:
                await session.initialize()
                result["value"] = await script(session)

    with MockServer(SEED_SPECS[TARGET], fixtures_dir=OUT / "fixtures") as server:
        anyio.run(main, server.base_url)
    return result["value"]


def test_the_generated_server_lists_one_tool_per_operation_and_calls_them_against_the_mock() -> None:
    tools_json = json.loads((OUT / "tools" / "tools.json").read_text())
    retrieve_fixture = json.loads((OUT / "fixtures" / "retrieve_model" / "response.200.json").read_text())

    async def script(session: Any) -> dict[str, Any]:
        listed = await session.list_tools()
        by_name = {t.name: t for t in listed.tools}
        prefix = "openai_chat_2025_"
        ok = await session.call_tool(prefix + "retrieve_model", {"model": "gpt-4o"})
        created = await session.call_tool(prefix + "create_chat_completion", {"model": "gpt-4o", "messages": [{"role": "user", "content": "Hi"}]})
        missing = await session.call_tool(prefix + "retrieve_model", {})
        unknown = await session.call_tool(prefix + "retrieve_model", {"model": "m", "nope": 1})
        rejected = await session.call_tool(prefix + "create_chat_completion", {"model": "gpt-4o", "messages": "not a list"})
        return {"tools": by_name, "ok": ok, "created": created, "missing": missing, "unknown": unknown, "rejected": rejected}

    got = run_session(script)
    tools = got["tools"]
    assert sorted(tools) == sorted(t["function"]["name"] for t in tools_json)
    assert tools["openai_chat_2025_create_chat_completion"].input_schema == next(t["function"]["parameters"] for t in tools_json if t["function"]["name"] == "openai_chat_2025_create_chat_completion")
    # annotations from the HTTP method
    get, delete, post = (tools[f"openai_chat_2025_{n}"].annotations for n in ("get_chat_completion", "delete_chat_completion", "create_chat_completion"))
    assert get.read_only_hint is True
    assert delete.read_only_hint is False and delete.destructive_hint is True and delete.idempotent_hint is True
    assert post.read_only_hint is False and post.destructive_hint is False
    # results as JSON text: what the mock answered
    assert not got["ok"].is_error and json.loads(got["ok"].content[0].text) == retrieve_fixture
    assert not got["created"].is_error and json.loads(got["created"].content[0].text)["object"] == "chat.completion"
    # errors as MCP tool errors, never a crash of the server
    assert got["missing"].is_error and "model" in got["missing"].content[0].text
    assert got["unknown"].is_error and "takes no argument 'nope'" in got["unknown"].content[0].text
    assert got["rejected"].is_error
    text = got["rejected"].content[0].text
    assert '"status": 4' in text or "bad arguments" in text


def test_search_mode_serves_two_tools_that_find_and_call_operations() -> None:
    async def script(session: Any) -> dict[str, Any]:
        listed = await session.list_tools()
        found = await session.call_tool("search_operations", {"query": "delete a stored chat completion", "limit": 3})
        called = await session.call_tool("call_operation", {"name": "openai_chat_2025_retrieve_model", "arguments": {"model": "gpt-4o"}})
        wrong = await session.call_tool("openai_chat_2025_retrieve_model", {"model": "gpt-4o"})
        return {"names": [t.name for t in listed.tools], "found": found, "called": called, "wrong": wrong}

    got = run_session(script, "--mode", "search")
    assert got["names"] == ["search_operations", "call_operation"]
    found = json.loads(got["found"].content[0].text)
    assert len(found) == 3 and found[0]["name"] == "openai_chat_2025_delete_chat_completion" and found[0]["input_schema"]["required"] == ["completion_id"]
    assert not got["called"].is_error and json.loads(got["called"].content[0].text)["object"] == "model"
    assert got["wrong"].is_error and "search_operations" in got["wrong"].content[0].text


def test_auto_mode_searches_for_large_apis_and_selection_applies_to_the_server() -> None:
    from specgen.artifacts import mcp as mcp_artifact
    from specgen.output.render import RenderContext

    def ctx(**options: Any) -> RenderContext:
        return RenderContext(package="openai", target="openai", spec_label="x", spec_sha256="0" * 64, api_key_env="OPENAI_API_KEY", options=options)

    big = mcp_artifact.operations(api_2026(), ctx())
    assert big["mode"] == "search" and len(big["operations"]) == 288
    chat = mcp_artifact.operations(api_2026(), ctx(tools_include=["path:/chat/*"]))
    assert chat["mode"] == "tools" and {op["path"].split("/")[1] for op in chat["operations"]} == {"chat"}
    assert mcp_artifact.operations(api_2026(), ctx(mcp_mode="tools"))["mode"] == "tools"
    ops = {op["method"]: op["annotations"] for op in big["operations"]}
    assert ops["GET"]["readOnlyHint"] is True and ops["DELETE"]["destructiveHint"] is True and ops["POST"]["readOnlyHint"] is False


def test_the_generated_server_passes_mypy_strict() -> None:
    res = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(ROOT / ".mypy_cache"), "mcp/server.py"], cwd=OUT, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout[-2000:]


def test_a_hostile_spec_gives_a_server_that_compiles_and_data_that_parses(tmp_path: Any) -> None:
    from pathlib import Path

    from specgen.artifacts import mcp as mcp_artifact
    from specgen.output.render import RenderContext
    from support import write_spec
    from test_docs import hostile_spec, load_api

    api = load_api(write_spec(Path(tmp_path), hostile_spec()))
    ctx = RenderContext(package="hostile_pkg", target="hostile|target", spec_label="x\"\"\"y", spec_sha256="0" * 64, api_key_env="HOSTILE_API_KEY")
    files = mcp_artifact.render(api, ctx)
    compile(files["mcp/server.py"], "server.py", "exec")  # spec text stayed inside its literals
    data = json.loads(files["mcp/operations.json"])
    assert len(data["operations"]) == 2
    assert all(all(part.isidentifier() for part in op["call"]) for op in data["operations"])
