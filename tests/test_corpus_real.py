"""Every real spec of ../shared/corpus/real (the readme-3.0 and readme-3.1 feature suites and the
real APIs) generates, imports, passes `mypy --strict`, and its generated test suite passes
against `specgen mock`.

One generation per spec, shared by the checks (`specgen generate` for each, in one interpreter);
one mypy run over every package; one pytest run over every generated suite. The generated
suites find their spec the way a user's checkout does: next to the output folder, by name and
sha256 (each spec is linked beside its output, never copied into the repo).

A generated suite's failures that come from its fixtures, not from the wire, would be listed in
FIXTURE_GAPS with the reason; none remain (issue 15): where a spec is unsatisfiable or ambiguous as
written, the generated suite skips that case itself, saying why. Any failure fails this test.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from support import CORPUS, ROOT

pytestmark = pytest.mark.corpus

REAL = CORPUS / "real"
SPECS = sorted(p for p in REAL.rglob("*") if p.suffix in (".yaml", ".yml", ".json")) if REAL.is_dir() else []


def _slug(spec: Path) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(spec.relative_to(REAL)).rsplit(".", 1)[0].lower()).strip("_")


# generated-suite failures that are fixture synthesis, not the wire: (spec slug, test id part) -> why
FIXTURE_GAPS: dict[tuple[str, str], str] = {}  # none left

DRIVER = """
import contextlib, io, json, sys
from specgen.cli import main
out = []
for spec, dest, package in json.loads(sys.argv[1]):
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        rc = main(["generate", spec, "-o", dest, "--package", package, "--formatter", "none", "--no-validate", "--quiet"])
    out.append({"rc": rc, "stderr": err.getvalue()[-3000:]})
print(json.dumps(out))
"""


@dataclass
class Generated:
    spec: Path
    slug: str
    out: Path
    rc: int
    stderr: str


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Generated]:
    if not SPECS:
        pytest.skip(f"{REAL} is absent (../shared/corpus is only beside developer and CI checkouts)")
    root = tmp_path_factory.mktemp("corpus")
    jobs = []
    for spec in SPECS:
        slug = _slug(spec)
        home = root / slug
        home.mkdir()
        (home / spec.name).symlink_to(spec)  # where the generated conftest looks for its spec
        jobs.append((str(spec), str(home / "out"), f"corpus_{slug}"))
    res = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(jobs)], capture_output=True, text=True, timeout=1200, cwd=root)
    assert res.returncode == 0, res.stderr[-3000:]
    results = json.loads(res.stdout.strip().splitlines()[-1])
    return {_slug(s): Generated(s, _slug(s), Path(j[1]), r["rc"], r["stderr"]) for s, j, r in zip(SPECS, jobs, results)}


@pytest.mark.parametrize("spec", SPECS, ids=_slug)
def test_real_spec_generates(generated: dict[str, Generated], spec: Path) -> None:
    g = generated[_slug(spec)]
    assert g.rc == 0, g.stderr
    assert "internal error" not in g.stderr and "Traceback" not in g.stderr, g.stderr
    assert (g.out / f"corpus_{g.slug}" / "_client.py").is_file()


def test_real_clients_import_and_pass_mypy_strict(generated: dict[str, Generated]) -> None:
    built = [g for g in generated.values() if g.rc == 0]
    packages = [g.out / f"corpus_{g.slug}" for g in built]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(g.out) for g in built)}
    imported = subprocess.run([sys.executable, "-c", "import importlib, sys\nfor n in sys.argv[1:]: importlib.import_module(n)", *(p.name for p in packages)], capture_output=True, text=True, timeout=600, env=env)
    assert imported.returncode == 0, imported.stderr[-3000:]
    cmd = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(ROOT / ".mypy_cache"), "--no-error-summary", *map(str, packages)]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=1200)
    assert res.returncode == 0, res.stdout[-6000:] + res.stderr[-2000:]


def test_real_generated_suites_pass_against_the_mock(generated: dict[str, Generated]) -> None:
    suites = [g for g in generated.values() if g.rc == 0 and (g.out / "tests").is_dir()]
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--import-mode=importlib", "-o", "asyncio_default_fixture_loop_scope=function", "-rf", "--tb=line", "-W", "ignore::DeprecationWarning"]
    env = {k: v for k, v in os.environ.items() if k != "SPECGEN_MOCK_SPEC"}
    res = subprocess.run(args + [str(g.out / "tests") for g in suites], capture_output=True, text=True, timeout=3000, env=env, cwd=suites[0].out.parent.parent)
    failed = re.findall(r"^FAILED (\S+)", res.stdout, re.MULTILINE)
    unexplained = []
    by_slug: dict[str, int] = {}
    for test_id in failed:
        slug = next((g.slug for g in suites if f"/{g.slug}/out/" in "/" + test_id or test_id.startswith(f"{g.slug}/")), "?")
        by_slug[slug] = by_slug.get(slug, 0) + 1
        if not any(s == slug and part in test_id for (s, part) in FIXTURE_GAPS):
            unexplained.append(test_id)
    summary = res.stdout.strip().splitlines()[-1] if res.stdout.strip() else res.stderr[-500:]
    print(f"\ngenerated suites of {len(suites)} real specs: {summary}; fixture gaps by spec: {by_slug}")
    assert "error" not in summary or "errors" not in summary, res.stdout[-4000:]
    assert not unexplained, "\n".join(unexplained[:40]) + "\n" + res.stdout[-3000:]
    assert " passed" in summary
