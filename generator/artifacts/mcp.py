"""The MCP artifact: a Model Context Protocol server per API, built on the generated client.

`OUT/mcp/server.py` runs over stdio on the official `mcp` Python SDK (its low-level `Server`)
and calls the API through the generated client package beside it (`OUT/<package>/`), which
stays free of `mcp`: auth and base URL come from the client's own environment variables (or
`--base-url`). `OUT/mcp/operations.json` holds what the server serves, decided here from the IR:
one tool per selected operation (the tools artifact's schema and selection, the generic
profile), its MCP annotations from the HTTP method (read-only for GET, HEAD and OPTIONS;
destructive for DELETE; idempotent for PUT and DELETE), and how each argument reaches the
client method (its Python name, and whether it is a file). For large APIs the server offers
two tools instead, `search_operations` and `call_operation`, so a model's context holds two
definitions, not hundreds (`--mode`, default from `mcp_mode`: auto is `search` past
SEARCH_MODE_FROM tools).
"""

from __future__ import annotations

import json
from typing import Any

from ..model import ir
from ..output.render import RenderContext, render_template
from .tools import options as tools_options
from .tools import tool_arguments, tool_makers
from .tools.profiles import input_schema, tool_name

SEARCH_MODE_FROM = 64  # selected tools past which `auto` serves search_operations + call_operation
_READ_ONLY = ("get", "head", "options", "query")  # QUERY is safe and idempotent (httpbis-safe-method-w-body)


def tool_annotations(op: ir.Operation) -> dict[str, Any]:
    """MCP tool annotations (hints) from the HTTP method's semantics (RFC 9110 9.2)."""
    read_only = op.method in _READ_ONLY
    out: dict[str, Any] = {"title": op.summary or op.id, "readOnlyHint": read_only, "openWorldHint": True}
    if not read_only:
        out["destructiveHint"] = op.method == "delete" or op.method == "put"
        out["idempotentHint"] = op.method in ("put", "delete")
    return out


def operations(api: ir.Api, ctx: RenderContext) -> dict[str, Any]:
    """What the generated server serves: the default mode and one entry per selected operation."""
    mode, lines = _served(api, ctx)
    return {"mode": mode, "operations": [json.loads(line) for line in lines]}


def _served(api: ir.Api, ctx: RenderContext) -> tuple[str, list[str]]:
    """The default mode, and each selected operation's entry as its line of operations.json (a
    unit of the page cache, rendered from its operation)."""
    _, include, exclude = tools_options(ctx)
    lines = [ctx.cached("mcp", f"line/{op.id}", ["op:" + op.id], lambda op=op, make=make: _line(_entry(op, make()))) for op, make in tool_makers(api, ctx.target, "generic", include, exclude)]  # type: ignore[misc]
    mode = str(ctx.options.get("mcp_mode") or "auto")
    if mode == "auto":
        mode = "search" if len(lines) > SEARCH_MODE_FROM else "tools"
    return mode, lines


def _line(entry: dict[str, Any]) -> str:
    return json.dumps(entry, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _entry(op: ir.Operation, tool: dict[str, Any]) -> dict[str, Any]:
    """One operation as the server serves it."""
    return {
        "name": tool_name(tool),
        "description": tool["function"]["description"],
        "inputSchema": input_schema(tool),
        "annotations": tool_annotations(op),
        "method": op.method.upper(),
        "path": op.path,
        "tags": list(op.tags),
        "call": [*op.resource, op.py_name],
        "args": {key: [a.py_name, a.source] for key, a in tool_arguments(op)},
        "files": [a.py_name for _, a in tool_arguments(op) if a.type.kind == "binary" or (a.type.kind == "array" and a.type.item is not None and a.type.item.kind == "binary")],
    }


def render(api: ir.Api, ctx: RenderContext) -> dict[str, str]:
    """Files of this artifact, keyed by their path relative to OUT."""
    mode, lines = _served(api, ctx)
    values = {
        "ctx": ctx,
        "title": api.title,
        "version": api.version,
        "mode": mode,
        "count": len(lines),
        "operations": len(api.operations),
        "mode_env": ctx.package.upper() + "_MCP_MODE",
    }
    return {
        "mcp/server.py": render_template("mcp/server.py.j2", **values),
        "mcp/operations.json": _one_a_line(mode, lines),
        "mcp/README.md": render_template("mcp/README.md.j2", **values),
    }


def _one_a_line(mode: str, lines: list[str]) -> str:
    """The server's data as JSON with one operation a line: compact, and diffs stay per operation."""
    return '{"mode": ' + json.dumps(mode) + ', "operations": [\n' + ",\n".join(lines) + "\n]}\n"
