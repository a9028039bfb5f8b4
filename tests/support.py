"""Helpers for specgen's own tests: paths, small specs, running the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
CORPUS = ROOT.parent / "shared" / "corpus"
SEED_SPECS = {
    "openai-chat-2023": SPECS / "openai-chat-2023" / "openapi.yaml",
    "openai-chat-2025": SPECS / "openai-chat-2025.yaml",
    "xai-chat": SPECS / "xai-chat.yaml",
}

# the modules that read the IR of corpus specs, in one xdist group: one worker normalizes each of
# those specs once for all of them (normalized_once), instead of each worker that draws one of the
# modules doing it again; and test_docs, test_tools and test_tool_profiles check each distinct tool
# schema against the meta-schema once (tool_rules._meta_schema_problem; test_tools' generic tools
# are test_tool_profiles' generic ones)
CORPUS_IR = pytest.mark.xdist_group("corpus-ir")


def corpus(name: str) -> Path:
    """A corpus spec, or skip with the reason when ../shared/corpus is absent."""
    p = CORPUS / name
    if not p.is_file():
        pytest.skip(f"corpus spec {p} is absent (../shared/corpus is only beside developer and CI checkouts)")
    return p


def write_spec(tmp_path: Path, spec: dict[str, Any], name: str = "spec.yaml") -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(spec, sort_keys=False) if name.endswith((".yaml", ".yml")) else json.dumps(spec, indent=2))
    return p


def openapi(paths: dict[str, Any] | None = None, schemas: dict[str, Any] | None = None, version: str = "3.1.0", **extra: Any) -> dict[str, Any]:
    """A small valid OpenAPI document around the given paths and component schemas."""
    doc: dict[str, Any] = {"openapi": version, "info": {"title": "Test API", "version": "1.0.0"}, "paths": paths or {}}
    if schemas:
        doc["components"] = {"schemas": schemas}
    doc.update(extra)
    return doc


def run_specgen(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a subprocess, as a user would."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("FORCE_COLOR", None)
    return subprocess.run([sys.executable, "-m", "specgen", *args], cwd=cwd or ROOT, env=full_env, capture_output=True, text=True, timeout=timeout)


def specgen_in_process(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI's own entry point (`specgen.cli.main`) in this process, with `env` set for the call:
    for a test's setup, or a test that judges only what the command writes or prints, where a
    child Python's start-up (~0.3 s of CPU each: specgen's imports) buys nothing. A test of what
    the process does (its exit code as the point of the test, signals, pipes, what outlives it,
    rlimits) keeps `run_specgen`."""
    import contextlib
    import io

    from specgen.cli import main

    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        for k, v in (env or {}).items():
            mp.setenv(k, v)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = main(list(args))
    return subprocess.CompletedProcess(["specgen", *args], rc, out.getvalue(), err.getvalue())


# A generated suite needs pytest and pytest-asyncio, nothing else (as in a user's checkout): the
# other plugins installed here (hypothesis, schemathesis, typeguard, anyio, xdist) cost about 2 s
# of CPU to load in every child. Run `generated_suite(...)` with GENERATED_SUITE_ENV in its env.
GENERATED_SUITE_ENV = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}


def generated_suite(*args: str) -> list[str]:
    """The command line of a pytest child that runs a generated test suite: `pytest -q ARGS`."""
    return [sys.executable, "-m", "pytest", "-p", "asyncio", "-q", "-p", "no:cacheprovider", *args]


_NORMALIZED: dict[Path, Any] = {}


def normalized_once(spec: Path) -> Any:
    """The spec's IR (`ir.Api`), loaded and normalized once per process (per xdist worker) for
    every test that reads it: the `normalized` fixture, and helpers outside a test's arguments.
    Read-only (edit through `dataclasses.replace`). Diagnostics of that run are on
    `api.__dict__["_diags"]`."""
    from specgen.diagnostics import Diagnostics
    from specgen.model.normalize import normalize
    from specgen.spec.load import load

    key = spec.resolve()
    if key not in _NORMALIZED:
        diags = Diagnostics()
        api = normalize(load(key, diags), diags)
        api.__dict__["_diags"] = diags
        _NORMALIZED[key] = api
    return _NORMALIZED[key]


def normalize_dict(tmp_path: Path, spec: dict[str, Any]) -> Any:
    """Spec dict -> IR through the real load and normalize stages."""
    from specgen.diagnostics import Diagnostics
    from specgen.spec.load import load
    from specgen.model.normalize import normalize

    diags = Diagnostics()
    api = normalize(load(write_spec(tmp_path, spec), diags, use_cache=False), diags)
    api.__dict__["_diags"] = diags
    return api


def prose_edited(doc: dict[str, Any]) -> dict[str, Any]:
    """`doc` with " (edited)" after the first plain one-line property description (a prose edit:
    the IR keeps its shape)."""
    for schema in doc["components"]["schemas"].values():
        for prop in (schema.get("properties") or {}).values():
            text = prop.get("description") if isinstance(prop, dict) else None
            if isinstance(text, str) and text and "\n" not in text and text == text.strip() and '"' not in text and "\\" not in text:
                prop["description"] = text + " (edited)"
                return doc
    raise AssertionError("no plain property description in the seed")
