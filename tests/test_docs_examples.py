"""The docs' Python examples run as they stand: every example of every operation page of the
seed targets, and of a sample of the 2026 corpus spec, executed against `specgen mock` with only
the API key and base URL in the environment (as a reader would run them)."""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import re
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from support import ROOT, SEED_SPECS, corpus

_BLOCK = re.compile(r"^### (Python[^\n]*)\n\n(`{3,})python\n(.*?)\n\2$", re.M | re.S)


def examples(out: Path) -> list[tuple[str, str, str]]:
    """(page, title, code) of every Python example of OUT's operation pages."""
    found = []
    for page in sorted((out / "docs" / "operations").glob("*.md")):
        for m in _BLOCK.finditer(page.read_text(encoding="utf-8")):
            found.append((page.name, m.group(1), m.group(3)))
    return found


@contextlib.contextmanager
def reader_environment(out: Path, spec: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A mock of the spec on 127.0.0.1, and the environment a reader of the docs would have:
    the client package importable, the API key and the base URL set in the environment."""
    from specgen.mock.server import MockServer

    manifest = json.loads((out / "manifest.json").read_text())
    package = manifest["options"]["package"]
    monkeypatch.syspath_prepend(str(out))
    loaded = sys.modules.get(package)
    # an earlier test may have imported this package already (from the same folder): reuse it,
    # since replacing it would leave that test's classes apart from the ones the client makes
    assert loaded is None or Path(str(loaded.__file__)).resolve().parent.parent == out.resolve(), f"{package} was imported from elsewhere"
    client_module: Any = importlib.import_module(package + "._client")
    with MockServer(spec, fixtures_dir=out / "fixtures") as server:
        monkeypatch.setenv(manifest["options"]["api_key_env"], "test")
        for env in getattr(client_module, "CREDENTIAL_ENV", {}).values():
            monkeypatch.setenv(env, "test")  # every credential the API has (an admin key too)
        monkeypatch.setenv(client_module.BASE_URL_ENV, server.base_url)
        yield


def run_example(code: str, where: str) -> str:
    """Execute one example; what it printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, where, "exec"), {"__name__": "__example__"})
    return printed.getvalue()


@pytest.mark.parametrize("target", sorted(SEED_SPECS))
def test_every_python_example_of_a_seed_target_runs_against_the_mock(target: str, monkeypatch: pytest.MonkeyPatch) -> None:
    out = ROOT / "generated" / target
    found = examples(out)
    pages = {p for p, _, _ in found}
    assert pages == {p.name for p in (out / "docs" / "operations").glob("*.md") if p.name.count(".") == 1}, "an operation page without a Python example"
    titles = {t for _, t, _ in found}
    streams = any("streaming (server-sent events)" in p.read_text() for p in (out / "docs" / "operations").glob("*.md"))
    assert titles >= ({"Python", "Python, streaming", "Python, async streaming"} if streams else {"Python"})
    failures = []
    with reader_environment(out, SEED_SPECS[target], monkeypatch):
        for page, title, code in found:
            try:
                printed = run_example(code, f"{target}/{page}: {title}")
            except Exception as e:  # which example, and why
                failures.append(f"{page} / {title}: {type(e).__name__}: {str(e)[:300]}")
                continue
            if not printed.strip() and "for item in" not in code:
                failures.append(f"{page} / {title}: printed nothing")
    assert not failures, "\n".join(failures)


def test_python_examples_of_the_2026_corpus_spec_run_against_the_mock(generated_once: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    spec = corpus("openai-2026-08-21.yaml")
    out = generated_once(spec, package="oai_2026")
    found = examples(out)
    assert len({p for p, _, _ in found}) == 288
    # every 7th example (all 359 ran when this was written; the whole set takes a minute)
    sample = found[::7]
    failures = []
    with reader_environment(out, spec, monkeypatch):
        for page, title, code in sample:
            try:
                run_example(code, f"openai-2026/{page}: {title}")
            except Exception as e:
                failures.append(f"{page} / {title}: {type(e).__name__}: {str(e)[:200]}")
    assert not failures, "\n".join(failures)
