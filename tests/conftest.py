"""pytest fixtures and hooks shared by specgen's own tests (helpers live in support.py).

How the suite stays fast (read before adding a slow test):

- `make test` runs every test, in parallel on `TEST_WORKERS` pytest-xdist workers (the
  machine's cores, at most 4; `make test TEST_WORKERS=0` runs in one process), by xdist group
  (`--dist loadgroup`): a test's group is its module unless it names one
  (`pytest.mark.xdist_group`), so a module-scoped fixture is built once; a module whose tests
  are long and independent per input spreads them (test_corpus_real.py: 8 batches of
  specs of equal cost; test_schemathesis.py: one group per spec, the longest first).
- Markers (registered in pyproject.toml): `corpus` for tests that read ../shared/corpus,
  `slow` for any other test that takes more than a few seconds. A test that calls
  `support.corpus(...)` (directly, in its own body) gets `corpus` automatically. While you
  work, `make test-quick` (`pytest -m "not corpus and not slow"`) skips them; `make test`
  and CI run them all.
- Build expensive inputs once per session, not once per test: the session fixtures below
  (`normalized`, `generated_once`) load, normalize or generate a spec at most once per
  worker and hand every test the same object or folder. Treat what they return as read-only
  (copy a generated tree before editing it).
- Timings never go in tests; they belong in bench/.
- No test may depend on another's side effects or on running alone: each worker has its
  own temporary folder and cache (`_isolated_cache`), servers listen on port 0 of 127.0.0.1.
"""

from __future__ import annotations

import compileall
import fcntl
import hashlib
import os
import shutil
from pathlib import Path
from typing import Any, Callable

import pytest

from specgen.budgets import allow_deep_recursion

# in-process specgen runs as the CLI does (deep specs recurse as deep as they nest), in every
# worker and in any subset of files (test_budgets and test_fuzz set it too, but only when collected)
allow_deep_recursion()


def pytest_configure(config: pytest.Config) -> None:
    """specgen's own modules compiled once, into their __pycache__ (as Python does wherever
    PYTHONDONTWRITEBYTECODE is unset), so that the hundreds of child Pythons (`specgen`,
    generated suites, the mock) read them instead of each compiling specgen anew."""
    if not hasattr(config, "workerinput"):
        compileall.compile_dir(
            Path(__file__).resolve().parent.parent / "generator", quiet=2
        )


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test shares one throwaway cache (one per xdist worker), never the user's."""
    cache = tmp_path_factory.getbasetemp() / "specgen-cache"
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(cache))


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `corpus` every test whose own body calls support.corpus(), and put every test
    without an xdist group of its own in its module's group."""
    for item in items:
        fn = getattr(item, "function", None)
        code = getattr(fn, "__code__", None)
        if (
            code is not None
            and "corpus" in code.co_names
            and item.get_closest_marker("corpus") is None
        ):
            item.add_marker(pytest.mark.corpus)
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))
    items[:] = _heaviest_groups_first(items)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Under `--dist loadgroup` (make test) pytest-xdist tells each test's group by a suffix of
    its nodeid; on a pytest where that suffix does not take (pytest-xdist#1386) every group's
    tests would be spread over all workers, each building the group's fixtures again. Say so.
    """
    if (
        getattr(session.config.option, "loadgroup", False)
        and session.items
        and "@" not in session.items[0].nodeid
    ):
        raise pytest.UsageError(
            "pytest-xdist's --dist loadgroup does not take effect with this pytest (pytest-xdist#1386): install pytest<9.2 (make install)"
        )


# a slow or corpus test costs about as much as this many ordinary ones (seconds against a tenth)
SLOW_TEST_SIZE = 30


def _heaviest_groups_first(items: list[pytest.Item]) -> list[pytest.Item]:
    """Groups that say their `weight` (xdist_group(name, weight=...): the long per-spec corpus
    groups) first, heaviest first, then the others by their size (a test counts 1, a `slow`,
    `corpus` or Hypothesis one SLOW_TEST_SIZE), so that no long group starts last and keeps one worker busy
    after the others are done (`make test` runs xdist with --no-loadscope-reorder to keep this
    order); a module of one or two slow tests would otherwise start last."""
    groups: dict[str, list[pytest.Item]] = {}
    weights: dict[str, float] = {}
    sizes: dict[str, int] = {}
    for item in items:
        mark = item.get_closest_marker("xdist_group")
        assert mark is not None
        name = str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
        groups.setdefault(name, []).append(item)
        slow = item.get_closest_marker("slow") or item.get_closest_marker("corpus") or getattr(getattr(item, "function", None), "is_hypothesis_test", False)
        sizes[name] = sizes.get(name, 0) + (SLOW_TEST_SIZE if slow else 1)
        if "weight" in mark.kwargs:
            weights[name] = float(mark.kwargs["weight"])
    order = sorted(
        groups, key=lambda g: (g not in weights, -weights.get(g, 0.0), -sizes[g])
    )
    return [item for g in order for item in groups[g]]


@pytest.fixture(scope="session")
def normalized() -> Callable[[Path], Any]:
    """`normalized(spec)`: the spec's IR (`ir.Api`), loaded and normalized once per session
    (`support.normalized_once`, which helpers outside a test's arguments call directly).

    Diagnostics of that run are on `api.__dict__["_diags"]`."""
    from support import normalized_once

    return normalized_once


@pytest.fixture(scope="session")
def generated_once(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """`generated_once(spec, formatter="none", package=None, validate=False)`: the folder that
    `specgen generate` writes for these arguments, generated once per session (read-only): by
    whichever xdist worker asks first, the others waiting for it (generation is deterministic).
    """
    from specgen.diagnostics import Diagnostics
    from specgen.pipeline import Options, generate

    base = tmp_path_factory.getbasetemp()
    # the run's folder that all its workers share (a worker's basetemp is popen-gwN inside it)
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "generated-once"
    shared.mkdir(exist_ok=True)
    done: dict[tuple[Path, str, str | None, bool], Path] = {}

    def get(
        spec: Path,
        formatter: str = "none",
        package: str | None = None,
        validate: bool = False,
    ) -> Path:
        key = (spec.resolve(), formatter, package, validate)
        if key not in done:
            name = hashlib.sha256(repr(key).encode()).hexdigest()[:16]
            out = shared / f"{spec.stem}-{name}"
            with open(shared / f"{name}.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
                if not (shared / f"{name}.done").is_file():
                    shutil.rmtree(out, ignore_errors=True)  # a worker that failed midway
                    opts = Options(package=package, formatter=formatter, validate=validate, quiet=True)  # type: ignore[arg-type]
                    generate(key[0], out, opts, Diagnostics())
                    (shared / f"{name}.done").touch()
            done[key] = out
        return done[key]

    return get
