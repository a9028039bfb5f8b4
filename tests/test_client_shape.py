"""The generated client says each thing once: an operation's `Endpoint` is shared by its sync
method and async twin, and a lazy package's table of names is the same list its type checkers
import (checked on the committed openai-chat-2025 client)."""

from __future__ import annotations

import ast
import asyncio
import sys
from typing import Any

import httpx

from support import ROOT

PKG_DIR = ROOT / "generated" / "openai-chat-2025"
sys.path.insert(0, str(PKG_DIR))

import openai_chat_2025 as sdk  # noqa: E402
from openai_chat_2025 import _base_client  # noqa: E402


def _answer(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/models"):
        return httpx.Response(200, json={"object": "list", "data": [{"id": "m", "object": "model", "created": 1, "owned_by": "o"}]})
    return httpx.Response(200, json={"id": "m", "object": "model", "created": 1, "owned_by": "o"})


def test_a_method_and_its_async_twin_send_the_same_endpoint_with_their_own_values() -> None:
    seen: list[tuple[str, _base_client.Endpoint, dict[str, Any]]] = []
    sync_call, async_call = _base_client.SyncAPIClient.call, _base_client.AsyncAPIClient.call

    def record_sync(self: Any, endpoint: _base_client.Endpoint, **values: Any) -> Any:
        seen.append(("sync", endpoint, values))
        return sync_call(self, endpoint, **values)

    async def record_async(self: Any, endpoint: _base_client.Endpoint, **values: Any) -> Any:
        seen.append(("async", endpoint, values))
        return await async_call(self, endpoint, **values)

    _base_client.SyncAPIClient.call = record_sync  # type: ignore[method-assign]
    _base_client.AsyncAPIClient.call = record_async  # type: ignore[method-assign]
    try:
        with sdk.Client(api_key="k", base_url="http://t/v1", http_client=httpx.Client(transport=httpx.MockTransport(_answer))) as c:
            assert c.models.retrieve("gpt-x").id == "m"
            assert [m.id for m in c.models.list()] == ["m"]

        async def twin() -> None:
            transport = httpx.MockTransport(_answer)
            async with sdk.AsyncClient(api_key="k", base_url="http://t/v1", http_client=httpx.AsyncClient(transport=transport)) as a:
                assert (await a.models.retrieve("gpt-x")).id == "m"
                assert [m.id async for m in await a.models.list()] == ["m"]

        asyncio.run(twin())
    finally:
        _base_client.SyncAPIClient.call = sync_call  # type: ignore[method-assign]
        _base_client.AsyncAPIClient.call = async_call  # type: ignore[method-assign]
    (_, retrieve, values), (_, listing, _), (_, a_retrieve, a_values), (_, a_listing, _) = seen
    assert retrieve is a_retrieve and listing is a_listing  # one description per operation
    assert (retrieve.method, retrieve.path, listing.page is not None) == ("get", "/models/{model}", True)
    assert values["path_params"] == a_values["path_params"] == {"model": "gpt-x"}


def _checker_imports(init: str) -> dict[str, str]:
    """{name: module} of the `from .m import X as X` lines under `if TYPE_CHECKING`."""
    found: dict[str, str] = {}
    for node in ast.parse(init).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test) and not isinstance(node.test, ast.UnaryOp):
            for imp in node.body:
                if isinstance(imp, ast.ImportFrom):
                    for alias in imp.names:
                        assert alias.asname == alias.name  # an explicit re-export
                        found[alias.name] = str(imp.module)
    return found


def test_the_lazy_table_names_what_type_checkers_import_and_each_name_loads() -> None:
    for sub in ("types", "resources"):
        module = __import__(f"openai_chat_2025.{sub}", fromlist=["_"])
        imported = _checker_imports((PKG_DIR / "openai_chat_2025" / sub / "__init__.py").read_text())
        assert imported and module._MODULE_OF == imported
        assert module.__all__ == list(imported)
        for name, stem in imported.items():
            value = getattr(module, name)  # loads its module
            if isinstance(value, type):
                assert value.__module__ == f"openai_chat_2025.{sub}.{stem}", name
