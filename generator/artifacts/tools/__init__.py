"""The tools artifact: one function-calling definition per selected operation.

`tools/tools.json` holds the tools in the shape of the chosen profile (`profiles`: generic,
openai-strict, anthropic); `tools/README.md` is the catalog: the tool index (name |
description), each tool's parameter table, and the size of each tool, so a user can see what
a request with these tools costs. Which operations become tools is `select` (by tag, path glob
or operation). The schemas come from `schema.SchemaBuilder`.

Options (RenderContext.options): `tools_profile`, `tools_include`, `tools_exclude`.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Sequence, cast

from ...diagnostics import UsageError
from ...model import ir
from ...output.render import RenderContext, render_template
from ..docs.markdown import cell, code
from ..docs.pages import params
from ..docs.site import Site
from ..docs.tables import Row
from . import profiles
from .profiles import PROFILES, definition
from .schema import SchemaBuilder, description_for, parameters_for, tool_arguments, tool_names, trim
from .select import select

__all__ = ["render", "tools_for", "tool_makers", "tool_names", "tool_arguments", "SchemaBuilder", "PROFILES", "select", "trim", "profiles"]

# OpenAI takes at most this many functions in one request (the `tools` parameter's documented
# limit, also in seed 004); the catalog says when a selection holds more
REQUEST_TOOLS_MAX = 128


def options(ctx: RenderContext) -> tuple[str, Sequence[str], Sequence[str]]:
    """(profile, include, exclude) from the render options, checked."""
    profile = str(ctx.options.get("tools_profile") or "generic")
    if profile not in PROFILES:
        raise UsageError(f"tools profile {profile!r} is unknown; use one of {', '.join(PROFILES)}")
    include = tuple(ctx.options.get("tools_include") or ())
    exclude = tuple(ctx.options.get("tools_exclude") or ())
    return profile, include, exclude


def tools_for(api: ir.Api, target: str, profile: str = "generic", include: Sequence[str] = (), exclude: Sequence[str] = ()) -> list[tuple[ir.Operation, dict[str, Any]]]:
    """(operation, tool definition) for every selected operation, in spec order."""
    return [(op, make()) for op, make in tool_makers(api, target, profile, include, exclude)]


def tool_makers(api: ir.Api, target: str, profile: str = "generic", include: Sequence[str] = (), exclude: Sequence[str] = ()) -> list[tuple[ir.Operation, Callable[[], dict[str, Any]]]]:
    """(operation, what builds its tool definition) for every selected operation, in spec
    order: a unit of the page cache builds a definition only when it renders again, and once per
    Api and selection (the tools and the MCP server both read it; neither changes it)."""
    memo: dict[tuple[Any, ...], Any] = api.__dict__.setdefault("_specgen_tools", {})
    key = (target, profile, tuple(include), tuple(exclude))
    if key not in memo:
        memo[key] = (tool_names(api, target), SchemaBuilder(api), {})
    names, builder, built = memo[key]

    def maker(op: ir.Operation) -> Callable[[], dict[str, Any]]:
        def make() -> dict[str, Any]:
            if op.id not in built:
                built[op.id] = definition(profile, names[op.id], description_for(op), parameters_for(op, builder))
            return cast(dict[str, Any], built[op.id])

        return make

    return [(op, maker(op)) for op in select(api, include, exclude)]


def render(api: ir.Api, ctx: RenderContext) -> dict[str, str]:
    """Files of this artifact, keyed by their path relative to OUT."""
    profile, include, exclude = options(ctx)
    pairs = tool_makers(api, ctx.target, profile, include, exclude)
    site = Site(api, ctx)
    entries = []
    sizes = []
    lines = []
    total = 0
    for op, make in pairs:
        # one tool a line, as sent (no indentation): a third of the indented size, and a change
        # to a tool is a change to its line; a unit of the page cache, rendered from its operation
        line, entry, name = ctx.cached("tools", f"entry/{op.id}", ["op:" + op.id], lambda op=op, make=make: _entry(site, op, make()))  # type: ignore[misc]
        size = len(line.encode())
        total += size
        sizes.append(Row(f"[{code(name)}](#{name.lower()})", str(size), f"~{_tokens(size)}", "", ""))
        entries.append(entry)
        lines.append(line)
    text = "[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n"
    readme = render_template(
        "tools/README.md.j2",
        title=cell(api.title, 200),
        target=code(ctx.target),
        profile=profile,
        shape=_SHAPES[profile],
        selected=len(pairs),
        operations=len(api.operations),
        include=", ".join(code(s) for s in include),
        exclude=", ".join(code(s) for s in exclude),
        entries=entries,
        sizes=sizes,
        total=total,
        total_tokens=_tokens(total),
        over=len(pairs) > REQUEST_TOOLS_MAX,
        request_max=REQUEST_TOOLS_MAX,
    )
    return {"tools/tools.json": text, "tools/README.md": readme}


def _entry(site: Site, op: ir.Operation, tool: dict[str, Any]) -> tuple[str, dict[str, Any], str]:
    """A tool's line of tools.json and its section of the catalog."""
    name = profiles.tool_name(tool)
    description = tool["description"] if "description" in tool else tool["function"]["description"]
    rows: list[Row] = [r for r in params(site, op, "tools", with_body=True) if not r.path.endswith("(header)") and not r.path.endswith("(cookie)")]
    entry = {
        "name": code(name),
        "anchor": name.lower(),
        "description": cell(description) or "—",
        "summary": cell(description) or "—",
        "call": code(f"{op.method.upper()} {op.path}"),
        "doc": f"../docs/{site.op_files[op.id]}",
        "rows": rows,
    }
    return json.dumps(tool, ensure_ascii=False, allow_nan=False, separators=(",", ":")), entry, name


def _tokens(size: int) -> int:
    """A rough token count: JSON runs about 4 bytes a token with the common tokenizers."""
    return (size + 3) // 4


_SHAPES = {
    "generic": 'the chat completions `tools` entry, `{"type": "function", "function": {"name", "description", "parameters"}}`',
    "openai-strict": 'the chat completions `tools` entry with `"strict": true`, its schema lowered to what strict mode accepts: every property required (optional ones accept `null`, meaning "not given"), objects closed, unsupported keywords in the descriptions; maps are lists of `{key, value}` pairs and values of any type are JSON text, as each description says',
    "anthropic": 'the Messages API `tools` entry, `{"name", "description", "input_schema"}`',
}
