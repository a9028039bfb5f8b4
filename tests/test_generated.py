"""The generated tests (issue 5): OUT/tests calls every operation with every fixture, works for
`specgen generate` output outside this repo, and says why when it cannot run."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path, PurePosixPath
from typing import Any, Callable

from support import CORPUS_IR, GENERATED_SUITE_ENV, SEED_SPECS, corpus, generated_suite, run_specgen

from specgen.artifacts import fixtures

from specgen.artifacts import testgen
from specgen.diagnostics import Diagnostics
from specgen.spec.load import load
from specgen.model.normalize import normalize
from specgen.output.render import RenderContext

pytestmark = CORPUS_IR  # shares each corpus spec's one normalization (support.CORPUS_IR)

CTX = RenderContext("pkg", "target", "spec.yaml", "0" * 64, "PKG_API_KEY")


def _tables(files: dict[str, str], path: str) -> dict[str, Any]:
    """The OPERATIONS / VALID / INVALID / STREAMING tables of a generated test module (its cases
    file, which the module loads)."""
    cases = json.loads(files[f"tests/cases/{PurePosixPath(path).stem}.json"])
    assert f"{PurePosixPath(path).stem}.json" in files[path]  # the module reads this file
    return {name.upper(): cases[name] for name in ("operations", "valid", "invalid", "streaming")}


def _api(spec: Path) -> Any:
    diags = Diagnostics()
    return normalize(load(spec, diags, use_cache=False), diags)


def test_generated_tests_call_every_operation_with_every_fixture() -> None:
    for spec in SEED_SPECS.values():
        api = _api(spec)
        files = testgen.render(api, CTX)
        assert "tests/conftest.py" in files
        tables = [_tables(files, path) for path in files if path.endswith(".py") and path != "tests/conftest.py"]
        ops = {k for t in tables for k in t["OPERATIONS"]}
        assert ops == {op.id for op in api.operations}
        valid = {tuple(c) for t in tables for c in t["VALID"]}
        invalid = {tuple(c) for t in tables for c in t["INVALID"]}
        streaming = {c for t in tables for c in t["STREAMING"]}
        for op, fx in fixtures.all_fixtures(api):
            assert {(op.id, n) for n in fx.requests} <= valid
            assert {(op.id, c.name) for c in fx.invalid} <= invalid
            if op.streaming:
                assert op.id in streaming


def test_one_module_per_resource_root() -> None:
    files = testgen.render(_api(SEED_SPECS["openai-chat-2025"]), CTX)
    modules = ["tests/conftest.py", "tests/test_chat.py", "tests/test_embeddings.py", "tests/test_models.py", "tests/test_moderations.py"]
    assert sorted(files) == sorted([*modules, *(f"tests/cases/{Path(m).stem}.json" for m in modules[1:])])
    chat = _tables(files, "tests/test_chat.py")
    create = chat["OPERATIONS"]["createChatCompletion"]
    assert create["call"] == ["chat", "completions", "create"]
    assert create["args"]["body"]["messages"] == "messages" and create["stream_param"] == "stream"
    assert create["result"] == {"kind": "model", "types": ["CreateChatCompletionResponse"]}
    assert chat["OPERATIONS"]["listChatCompletions"]["result"]["kind"] == "page"


def test_generated_tests_render_for_the_2026_corpus(normalized: Callable[[Path], Any]) -> None:
    api = normalized(corpus("openai-2026-08-21.yaml"))
    # (no time limit asserted here: a wall-clock bound fails on a busy machine; bench/ times renders)
    files = {**fixtures.render(api, CTX), **testgen.render(api, CTX)}
    modules = {p: t for p, t in files.items() if p.startswith("tests/") and p.endswith(".py")}
    ops = set()
    for path, text in modules.items():
        compile(text, path, "exec")
        if path not in ("tests/conftest.py", "tests/test_webhooks.py"):  # the webhooks' module calls no operation
            ops |= set(_tables(files, path)["OPERATIONS"])
    assert len(ops) == 288
    assert "tests/test_webhooks.py" in modules  # the spec's 16 webhooks


def test_generated_tests_pass_outside_the_repo_and_skip_without_the_spec(tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = run_specgen("generate", str(SEED_SPECS["xai-chat"]), "-o", str(out), "--formatter", "none", "--quiet")
    assert res.returncode == 0, res.stderr
    args = generated_suite("--import-mode=importlib", "-o", "asyncio_default_fixture_loop_scope=function", "-rs", str(out / "tests"))
    env = {k: v for k, v in os.environ.items() if k != "SPECGEN_MOCK_SPEC"} | GENERATED_SUITE_ENV
    skipped = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert skipped.returncode == 0 and "skipped" in skipped.stdout and "SPECGEN_MOCK_SPEC" in skipped.stdout, skipped.stdout[-2000:]
    ran = subprocess.run(args, cwd=tmp_path, env={**env, "SPECGEN_MOCK_SPEC": str(SEED_SPECS["xai-chat"])}, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0 and " passed" in ran.stdout and "skipped" not in ran.stdout, ran.stdout[-3000:]


def test_a_list_whose_example_page_is_empty_passes_its_generated_tests(tmp_path: Path) -> None:
    """The generated tests expect a page to hold items only when the fixture's page does: a
    spec's own example of an empty list (DigitalOcean's token list) is what the mock answers."""
    from support import openapi, write_spec

    item = {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}
    page = {"type": "object", "properties": {"tokens": {"type": "array", "items": {"$ref": "#/components/schemas/Token"}}, "meta": {"type": "object", "properties": {"total": {"type": "integer"}}}}, "required": ["tokens"]}
    answer = {"description": "ok", "content": {"application/json": {"schema": page, "example": {"tokens": [], "meta": {"total": 0}}}}}
    params = [{"name": "page", "in": "query", "schema": {"type": "integer"}}, {"name": "per_page", "in": "query", "schema": {"type": "integer"}}]
    spec = write_spec(tmp_path, openapi(paths={"/tokens": {"get": {"operationId": "listTokens", "parameters": params, "responses": {"200": answer}}}}, schemas={"Token": item}))
    api = _api(spec)
    op = api.operations[0]
    assert op.pagination is not None and op.pagination.items_field == "tokens"
    (fx,) = [f for o, f in fixtures.all_fixtures(api) if o.id == op.id]
    assert testgen._page_items(op, fx) == 0
    out = tmp_path / "out"
    res = run_specgen("generate", str(spec), "-o", str(out), "--formatter", "none", "--quiet")
    assert res.returncode == 0, res.stderr
    args = generated_suite("--import-mode=importlib", "-o", "asyncio_default_fixture_loop_scope=function", "-rs", str(out / "tests"))
    env = {k: v for k, v in os.environ.items() if k != "SPECGEN_MOCK_SPEC"} | GENERATED_SUITE_ENV | {"SPECGEN_MOCK_SPEC": str(spec)}
    ran = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0 and " passed" in ran.stdout and "failed" not in ran.stdout, ran.stdout[-3000:]
