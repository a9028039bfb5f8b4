"""The distribution installs the import package `specgen` (from the repository folder `generator/`)
with its templates, and nothing named `generator`.

The wheel is built from this checkout (no network: the build uses this environment's setuptools)
and run from an unpacked copy with `python -I`, so neither the checkout nor the editable install
can stand in for it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from support import ROOT, SEED_SPECS



@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    # built from a copy of what the distribution reads: setuptools leaves build/ in the folder it
    # builds, and a stale build/lib would ship files the checkout no longer has
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    for folder in ("generator", "templates"):
        shutil.copytree(ROOT / folder, src / folder, ignore=shutil.ignore_patterns("__pycache__"))
    res = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(src)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    (whl,) = dist.glob("specgen-*.whl")
    return whl


def test_every_subpackage_of_generator_is_listed_in_pyproject() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(("specgen",) + p.parent.relative_to(ROOT / "generator").parts)
        for p in (ROOT / "generator").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert on_disk - listed == set(), "add these to [tool.setuptools] packages"
    assert listed - on_disk == {"specgen._templates"}


def test_wheel_holds_specgen_and_its_templates_and_nothing_named_generator(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert tops == {"specgen"}
    templates = {n for n in names if n.startswith("specgen/_templates/")}
    on_disk = {"specgen/_templates/" + p.relative_to(ROOT / "templates").as_posix() for p in (ROOT / "templates").rglob("*.j2")}
    assert templates == on_disk
    entry = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "specgen = specgen.cli:entry" in zipfile.ZipFile(wheel).read(entry).decode()


def test_unpacked_wheel_imports_as_specgen_and_generates(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    out = tmp_path / "out"
    # -I: no current folder, no PYTHONPATH; the unpacked wheel comes first on sys.path
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import specgen, specgen.output.render as r;"
        "assert specgen.__file__.startswith(sys.argv[1]), specgen.__file__;"
        "assert str(r.templates_dir()).startswith(sys.argv[1]), r.templates_dir();"
        "import importlib.util; assert importlib.util.find_spec('generator') is None;"
        "from specgen.cli import main; sys.exit(main(['generate', sys.argv[2], '-o', sys.argv[3], '--formatter', 'none', '--quiet', '--no-validate']))"
    )
    res = subprocess.run([sys.executable, "-I", "-c", code, str(site), str(SEED_SPECS["xai-chat"]), str(out)], capture_output=True, text=True, timeout=240, cwd=tmp_path)
    assert res.returncode == 0, res.stderr[-3000:]
    assert (out / "x_ai_chat_completions" / "__init__.py").is_file() and (out / "manifest.json").is_file()
    conftest = (out / "tests" / "conftest.py").read_text()
    assert "specgen.mock" in conftest and "generator" not in conftest.replace("generated", "")


def test_python_dash_m_specgen_works_beside_a_user_package_named_generator(tmp_path: Path) -> None:
    # a user project with its own `generator/` package must not break specgen
    (tmp_path / "generator").mkdir()
    (tmp_path / "generator" / "__init__.py").write_text("raise RuntimeError('the user package, not specgen')\n")
    res = subprocess.run([sys.executable, "-m", "specgen", "--version"], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("specgen ")
