"""The tools artifact: one valid, self-contained function-calling definition per operation."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from support import CORPUS_IR, SEED_SPECS, write_spec
from test_docs import api_2026, chat_2025, hostile_spec, link_problems, load_api, render_spec, table_problems
from tool_rules import _meta_schema_problem

pytestmark = CORPUS_IR


def refs_in(schema: Any, where: str = "") -> list[str]:
    """Every `$ref` keyword in a schema (a property *named* `$ref` is not one)."""
    found: list[str] = []
    if isinstance(schema, dict):
        for k, v in schema.items():
            if k == "$ref":
                found.append(where or "/")
            if k in ("properties", "patternProperties", "$defs") and isinstance(v, dict):
                for name, sub in v.items():
                    found += refs_in(sub, f"{where}/{k}/{name}")
            else:
                found += refs_in(v, f"{where}/{k}")
    elif isinstance(schema, list):
        for i, v in enumerate(schema):
            found += refs_in(v, f"{where}/{i}")
    return found


def tool_problems(tools: list[dict[str, Any]]) -> list[str]:
    problems = []
    names = [t["function"]["name"] for t in tools]
    if len(set(names)) != len(names):
        problems.append("duplicate tool names")
    for t in tools:
        fn = t["function"]
        name = fn["name"]
        if t["type"] != "function" or set(fn) != {"name", "description", "parameters"}:
            problems.append(f"{name}: not a function tool")
        if not re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", name):
            problems.append(f"{name}: bad name")
        if len(fn["description"]) > 1024:
            problems.append(f"{name}: description of {len(fn['description'])} chars")
        params = fn["parameters"]
        meta = _meta_schema_problem(json.dumps(params))  # Draft202012Validator.check_schema, once per distinct schema
        if meta is not None:
            problems.append(f"{name}: {meta}")
        if params.get("type") != "object":
            problems.append(f"{name}: parameters is not an object schema")
        if refs_in(params):
            problems.append(f"{name}: $ref at {refs_in(params)[:3]}")
    return problems


def test_chat_2025_tools_are_valid_self_contained_and_named_after_the_target() -> None:
    files = chat_2025()
    tools = json.loads(files["tools/tools.json"])
    assert not tool_problems(tools)
    by_name = {t["function"]["name"]: t["function"] for t in tools}
    create = by_name["openai_chat_2025_create_chat_completion"]
    props = create["parameters"]["properties"]
    assert create["parameters"]["required"] == ["messages", "model"]
    assert props["top_logprobs"]["maximum"] == 20
    assert props["max_tokens"]["deprecated"] is True and "max_completion_tokens" in props["max_tokens"]["description"]
    roles = [v["properties"]["role"]["const"] for v in props["messages"]["items"]["anyOf"]]
    assert roles == ["developer", "system", "user", "assistant", "tool", "function"]
    assert "completion_id" in by_name["openai_chat_2025_get_chat_completion"]["parameters"]["properties"]
    assert len(tools) == 10


def test_tool_catalog_lists_every_tool_with_its_parameters() -> None:
    files = chat_2025()
    readme = files["tools/README.md"]
    tools = json.loads(files["tools/tools.json"])
    for t in tools:
        assert f"| [`{t['function']['name']}`](#{t['function']['name']}) |" in readme
    assert "| `completion_id` (path) | string | Yes |" in readme
    assert not table_problems("tools/README.md", readme)
    assert not link_problems(files)


def test_every_seed_target_gives_valid_tools() -> None:
    for target, spec in SEED_SPECS.items():
        files = render_spec(spec, target)
        tools = json.loads(files["tools/tools.json"])
        assert tools and not tool_problems(tools), target


def test_hostile_names_long_ids_and_recursion_still_give_valid_unique_tools(tmp_path: Path) -> None:
    files = render_spec(write_spec(tmp_path, hostile_spec()), "a-very-long-target-name-that-eats-most-of-the-sixty-four-chars")
    tools = json.loads(files["tools/tools.json"])
    assert len(tools) == 2
    assert not tool_problems(tools)
    # the recursive Node is cut, not expanded forever
    assert "recursive" in json.dumps(tools)


def test_tool_names_stay_unique_when_operation_ids_collide_after_snake_casing(tmp_path: Path) -> None:
    from specgen.artifacts.tools import tool_names

    ok = {"200": {"description": "ok"}}
    paths = {f"/p{i}": {"get": {"operationId": op, "responses": ok}} for i, op in enumerate(["getThing", "get_thing", "get-thing", "GetThing2"])}
    spec = {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": paths}
    api = load_api(write_spec(tmp_path, spec))
    names = tool_names(api, "x" * 80)
    assert len(set(names.values())) == len(names)
    assert all(len(n) <= 64 and re.fullmatch(r"[a-zA-Z0-9_-]+", n) for n in names.values())


def test_corpus_2026_tools_are_valid() -> None:
    from specgen.artifacts import tools as tools_mod
    from specgen.output.render import RenderContext

    api = api_2026()
    ctx = RenderContext(package="openai", target="openai", spec_label="x", spec_sha256="0" * 64, api_key_env="OPENAI_API_KEY")
    tools = json.loads(tools_mod.render(api, ctx)["tools/tools.json"])
    assert len(tools) == 288
    assert not tool_problems(tools)[:20]
