"""Templates compiled by one run are kept for the next (generator/output/render.py
`keep_compiled`), in `__pycache__` beside the templates as Python keeps compiled modules, or in
specgen's cache where that cannot be written: the output is the same, a damaged file only
compiles again, and a source changed since is never served from it."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import jinja2
import pytest

from specgen.output import render
from specgen.paths import cache_dir


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A cache and a templates folder of this test's own, and the shared environment as it was
    once it ends."""
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "installed").mkdir()
    monkeypatch.setattr(render, "templates_dir", lambda: tmp_path / "installed")
    yield
    render.environment.cache_clear()


def _kept(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "installed" / "__pycache__").rglob("*.cache"))


def _env(folder: Path) -> jinja2.Environment:
    render.environment.cache_clear()
    e = render.environment()
    e.loader = jinja2.FileSystemLoader(str(folder))
    render.keep_compiled()
    return e


def test_a_template_compiled_once_is_read_back_and_renders_the_same(tmp_path: Path) -> None:
    (tmp_path / "t.j2").write_text("{% for x in xs %}{{ x }},{% endfor %}\n")
    first = _env(tmp_path).get_template("t.j2").render(xs=[1, 2])
    assert len(_kept(tmp_path)) == 1
    assert not list((tmp_path / "cache").rglob("*.cache"))  # so a cold run's fresh cache reads them back
    second = _env(tmp_path)

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again")

    second.compile = never  # type: ignore[method-assign, assignment]
    assert second.get_template("t.j2").render(xs=[1, 2]) == first == "1,2,"


def test_a_changed_template_is_compiled_again(tmp_path: Path) -> None:
    (tmp_path / "t.j2").write_text("old {{ x }}\n")
    assert _env(tmp_path).get_template("t.j2").render(x=1) == "old 1\n"
    old = [p.read_bytes() for p in _kept(tmp_path)]
    (tmp_path / "t.j2").write_text("new {{ x }}\n")  # as a template is edited in a worktree
    assert _env(tmp_path).get_template("t.j2").render(x=1) == "new 1\n"
    assert len(old) == 1 and [p.read_bytes() for p in _kept(tmp_path)] != old  # and kept compiled anew
    assert _env(tmp_path).get_template("t.j2").render(x=1) == "new 1\n"


def test_templates_compiled_where_they_cannot_be_kept_beside_them_are_kept_in_the_cache(tmp_path: Path) -> None:
    (tmp_path / "installed" / "__pycache__").write_text("not a folder")  # stands for a read-only install
    (tmp_path / "t.j2").write_text("{{ x }}.\n")
    assert _env(tmp_path).get_template("t.j2").render(x=3) == "3.\n"
    assert len(list((cache_dir() / "templates").rglob("*.cache"))) == 1


def test_a_damaged_compiled_template_only_compiles_again(tmp_path: Path) -> None:
    (tmp_path / "t.j2").write_text("{{ x }}!\n")
    _env(tmp_path).get_template("t.j2")
    for p in _kept(tmp_path):
        p.write_bytes(jinja2.bccache.bc_magic + b"garbage")
    assert _env(tmp_path).get_template("t.j2").render(x=1) == "1!\n"


def test_a_read_only_cache_only_costs_the_compile(tmp_path: Path) -> None:
    (tmp_path / "t.j2").write_text("{{ x }}?\n")
    e = _env(tmp_path)
    folder = Path(e.bytecode_cache.directory)  # type: ignore[union-attr]
    folder.chmod(0o500)
    try:
        assert e.get_template("t.j2").render(x=2) == "2?\n"
    finally:
        folder.chmod(0o700)
