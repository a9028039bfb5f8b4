"""`specgen check` is exact: it fails whenever the output differs from what the given spec,
options and code produce, with a warm cache (the fast path) or a cold one, via --spec or via
[tool.specgen]; a missing spec is an error; nothing on disk (a tampered manifest) fools it."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from support import SEED_SPECS, run_specgen, specgen_in_process

XAI = SEED_SPECS["xai-chat"]
RACY_S = 0.15  # past stamps.RACY_NS: a stamp written after this trusts the stat of files written before


def _cache(tmp_path: Path, warm: bool) -> dict[str, str]:
    """A cache that saw the generation (warm) or a fresh one (cold: no stamp, nothing reused)."""
    return {"SPECGEN_CACHE_DIR": str(tmp_path / "cache" if warm else tmp_path / "cold-cache")}


@pytest.fixture
def made(tmp_path: Path) -> tuple[Path, Path]:
    """(spec, out): xai-chat copied into tmp_path and generated into tmp_path/out."""
    spec = tmp_path / "api.yaml"
    shutil.copy(XAI, spec)
    out = tmp_path / "out"
    res = specgen_in_process("generate", str(spec), "-o", str(out), "--formatter", "none", "--quiet", env=_cache(tmp_path, True))
    assert res.returncode == 0, res.stderr
    return spec, out


@pytest.mark.parametrize("warm", [True, False], ids=["warm", "cold"])
def test_check_spec_is_current_right_after_generate(made: tuple[Path, Path], tmp_path: Path, warm: bool) -> None:
    spec, out = made
    res = run_specgen("check", "--spec", str(spec), "-o", str(out), env=_cache(tmp_path, warm))
    assert res.returncode == 0, res.stdout + res.stderr
    assert "1 output folder(s) current" in res.stdout


@pytest.mark.parametrize("warm", [True, False], ids=["warm", "cold"])
def test_check_spec_fails_after_the_spec_changed(made: tuple[Path, Path], tmp_path: Path, warm: bool) -> None:
    spec, out = made
    spec.write_text(spec.read_text().replace("operationId: tokenizeText", "operationId: tokenizeTextV2"))
    res = run_specgen("check", "--spec", str(spec), "-o", str(out), env=_cache(tmp_path, warm))
    assert res.returncode == 1, res.stdout
    assert f"{out}/manifest.json: stale (content differs)" in res.stdout.splitlines()


@pytest.mark.parametrize("where", ["new.yaml", "other/api.yaml"], ids=["beside", "same-name-elsewhere"])
@pytest.mark.parametrize("warm", [True, False], ids=["warm", "cold"])
def test_check_spec_judges_the_spec_given_not_the_one_recorded(made: tuple[Path, Path], tmp_path: Path, warm: bool, where: str) -> None:
    """The issue's defect: another spec given to check must be compared, not the recorded one
    (which, beside it, is unchanged)."""
    _, out = made
    other = tmp_path / where
    other.parent.mkdir(exist_ok=True)
    shutil.copy(SEED_SPECS["openai-chat-2025"], other)
    res = run_specgen("check", "--spec", str(other), "-o", str(out), env=_cache(tmp_path, warm))
    assert res.returncode == 1, res.stdout
    assert any(ln.endswith("missing (would be generated)") for ln in res.stdout.splitlines())


def test_check_spec_with_a_same_content_copy_elsewhere_is_current(made: tuple[Path, Path], tmp_path: Path) -> None:
    spec, out = made
    twin = tmp_path / "twin" / "api.yaml"
    twin.parent.mkdir()
    shutil.copy(spec, twin)
    res = run_specgen("check", "--spec", str(twin), "-o", str(out), env=_cache(tmp_path, True))
    assert res.returncode == 0, res.stdout


@pytest.mark.parametrize("warm", [True, False], ids=["warm", "cold"])
def test_check_spec_that_does_not_exist_is_an_error_naming_it(made: tuple[Path, Path], tmp_path: Path, warm: bool) -> None:
    _, out = made
    res = run_specgen("check", "--spec", str(tmp_path / "gone.yaml"), "-o", str(out), env=_cache(tmp_path, warm))
    assert res.returncode == 1
    assert "gone.yaml: no such file" in res.stderr and "current" not in res.stdout


@pytest.mark.parametrize("warm", [True, False], ids=["warm", "cold"])
def test_check_spec_reuses_the_options_recorded_in_the_manifest(tmp_path: Path, warm: bool) -> None:
    out = tmp_path / "out"
    res = specgen_in_process("generate", str(XAI), "-o", str(out), "--formatter", "ruff", "--package", "xai", "--quiet", env=_cache(tmp_path, True))
    assert res.returncode == 0, res.stderr
    same = run_specgen("check", "--spec", str(XAI), "-o", str(out), env=_cache(tmp_path, warm))
    assert same.returncode == 0, same.stdout
    other = run_specgen("check", "--spec", str(XAI), "-o", str(out), "--formatter", "none", env=_cache(tmp_path, warm))
    assert other.returncode == 1 and "xai/_client.py: stale (content differs)" in other.stdout


@pytest.mark.parametrize("warm", [True, False], ids=["warm", "cold"])
def test_a_hand_edit_with_its_hash_forged_in_the_manifest_is_still_stale(made: tuple[Path, Path], tmp_path: Path, warm: bool) -> None:
    spec, out = made
    manifest = json.loads((out / "manifest.json").read_text())
    target = next(p for p in manifest["files"] if p.endswith("/_client.py"))
    edited = (out / target).read_text() + "\nimport os  # added by hand\n"
    (out / target).write_text(edited)
    import hashlib

    manifest["files"][target] = hashlib.sha256(edited.encode()).hexdigest()
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    res = run_specgen("check", "--spec", str(spec), "-o", str(out), env=_cache(tmp_path, warm))
    assert res.returncode == 1
    assert f"{out}/{target}: stale (content differs)" in res.stdout.splitlines()
    # and regeneration repairs it instead of keeping the edited file
    assert specgen_in_process("generate", str(spec), "-o", str(out), "--formatter", "none", "--quiet", env=_cache(tmp_path, warm)).returncode == 0
    assert "added by hand" not in (out / target).read_text()
    assert run_specgen("check", "--spec", str(spec), "-o", str(out), env=_cache(tmp_path, warm)).returncode == 0


def test_check_outside_a_project_names_the_generate_command(made: tuple[Path, Path], tmp_path: Path) -> None:
    spec, out = made
    spec.write_text(spec.read_text().replace("operationId: tokenizeText", "operationId: tokenize"))
    res = run_specgen("check", "--spec", str(spec), "-o", str(out), cwd=tmp_path)
    assert res.returncode == 1
    assert f"run `specgen generate {spec} -o {out}" in res.stderr and "make regenerate" not in res.stderr


def test_check_format_github_prints_error_annotations(made: tuple[Path, Path], tmp_path: Path) -> None:
    spec, out = made
    spec.write_text(spec.read_text().replace("operationId: tokenizeText", "operationId: tokenize"))
    res = run_specgen("check", "--spec", str(spec), "-o", str(out), "--format", "github", cwd=tmp_path)
    assert res.returncode == 1
    lines = res.stdout.splitlines()
    assert lines and all(ln.startswith("::error file=") and ",title=specgen check::" in ln for ln in lines)
    assert any(ln.startswith(f"::error file={str(out).replace(':', '%3A')}/manifest.json,") and "stale (content differs)" in ln for ln in lines)


# ------------------------------------------------------------------ [tool.specgen] targets


def _project(tmp_path: Path, spec: str = "specs/api.yaml", extra: str = "") -> Path:
    root = tmp_path / "proj"
    (root / "specs").mkdir(parents=True, exist_ok=True)
    shutil.copy(XAI, root / "specs" / "api.yaml")
    (root / "pyproject.toml").write_text(
        f'[tool.specgen]\n[[tool.specgen.targets]]\nname = "api"\nspec = "{spec}"\npackage = "api"\nformatter = "none"\n{extra}'
    )
    return root


@pytest.mark.parametrize("warm", [True, False], ids=["warm", "cold"])
def test_project_check_fails_after_the_spec_changed_and_when_the_target_points_elsewhere(tmp_path: Path, warm: bool) -> None:
    root = _project(tmp_path)
    assert run_specgen("regenerate", "--quiet", cwd=root, env=_cache(tmp_path, True)).returncode == 0
    current = run_specgen("check", cwd=root, env=_cache(tmp_path, warm))
    assert current.returncode == 0, current.stdout + current.stderr
    # the target's spec now points at another file
    shutil.copy(SEED_SPECS["openai-chat-2025"], root / "specs" / "other.yaml")
    _project(tmp_path, spec="specs/other.yaml")
    moved = run_specgen("check", cwd=root, env=_cache(tmp_path, warm))
    assert moved.returncode == 1 and "generated/api/manifest.json: stale (content differs)" in moved.stdout
    # back, then the spec itself changes
    _project(tmp_path)
    assert run_specgen("check", cwd=root, env=_cache(tmp_path, warm)).returncode == 0
    spec = root / "specs" / "api.yaml"
    spec.write_text(spec.read_text().replace("operationId: tokenizeText", "operationId: tokenize"))
    edited = run_specgen("check", cwd=root, env=_cache(tmp_path, warm))
    assert edited.returncode == 1 and "make regenerate" not in edited.stderr and "specgen regenerate" in edited.stderr


@pytest.mark.parametrize("warm", [True, False], ids=["warm", "cold"])
def test_project_check_with_a_missing_spec_is_an_error_naming_it(tmp_path: Path, warm: bool) -> None:
    root = _project(tmp_path)
    assert run_specgen("regenerate", "--quiet", cwd=root, env=_cache(tmp_path, True)).returncode == 0
    _project(tmp_path, spec="specs/gone.yaml")
    res = run_specgen("check", cwd=root, env=_cache(tmp_path, warm))
    assert res.returncode == 1
    assert "specs/gone.yaml: no such file (the spec of target 'api'" in res.stderr and "current" not in res.stdout
    regen = run_specgen("regenerate", cwd=root, env=_cache(tmp_path, warm))
    assert regen.returncode == 1 and "specs/gone.yaml: no such file" in regen.stderr


# ------------------------------------------------------------------ the stat-based fast path (stamps.py)


def _same_size_edit(path: Path, restore_mtime: bool = True) -> None:
    """Change one byte of a file in place (same size), then set its mtime back as it was:
    only its ctime, which no user can set, still tells the change."""
    before = path.stat()
    data = path.read_bytes()
    i = data.index(b"def ") if b"def " in data else 0
    path.write_bytes(data[:i] + (b"X" if data[i:i + 1] != b"X" else b"Y") + data[i + 1:])
    if restore_mtime:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size


def _fast_path_reads(spec: Path, out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[bool, list[str]]:
    """stamps.current in this process with the test's warm cache: its verdict and the files of
    OUT it had to open (everything it did not open, it trusted by stat)."""
    import builtins

    from specgen.options import Options
    from specgen.output import stamps

    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path / "cache"))
    opened: list[str] = []
    real_open = builtins.open

    def spy(file: Any, *args: Any, **kwargs: Any) -> Any:
        p = Path(file) if isinstance(file, (str, os.PathLike)) else None
        if p is not None and p.is_relative_to(out) and p.name != "manifest.json":
            opened.append(p.relative_to(out).as_posix())
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    try:
        verdict = stamps.current(out.resolve(), spec, Options(formatter="none"))
    finally:
        monkeypatch.setattr(builtins, "open", real_open)
    return verdict, opened


def test_no_op_check_reads_no_generated_file_once_their_stat_is_trusted(made: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec, out = made
    time.sleep(RACY_S)  # every file is now older than the racy window of the next stamp
    first = specgen_in_process("check", "--spec", str(spec), "-o", str(out), env=_cache(tmp_path, True))  # the stamp this test reads
    assert first.returncode == 0, first.stdout + first.stderr
    verdict, opened = _fast_path_reads(spec, out, tmp_path, monkeypatch)
    assert verdict is True and opened == []


def test_a_same_size_edit_with_its_mtime_set_back_is_caught_by_its_ctime(made: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec, out = made
    time.sleep(RACY_S)
    assert specgen_in_process("check", "--spec", str(spec), "-o", str(out), env=_cache(tmp_path, True)).returncode == 0  # setup: the stamp
    target = next(p for p in json.loads((out / "manifest.json").read_text())["files"] if p.endswith("/_client.py"))
    _same_size_edit(out / target)
    verdict, opened = _fast_path_reads(spec, out, tmp_path, monkeypatch)
    assert verdict is False and opened == [target]  # only the file whose ctime moved was re-read
    res = run_specgen("check", "--spec", str(spec), "-o", str(out), env=_cache(tmp_path, True))
    assert res.returncode == 1 and f"{out}/{target}: stale (content differs)" in res.stdout.splitlines()


def test_a_file_replaced_by_another_of_the_same_size_and_mtime_is_caught(made: tuple[Path, Path], tmp_path: Path) -> None:
    spec, out = made
    time.sleep(RACY_S)
    assert specgen_in_process("check", "--spec", str(spec), "-o", str(out), env=_cache(tmp_path, True)).returncode == 0  # setup: the stamp
    target = out / "tools" / "tools.json"
    before = target.stat()
    twin = target.with_name("twin.tmp")
    data = target.read_bytes()
    twin.write_bytes(data.replace(b'"', b"'", 1))
    os.utime(twin, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(twin, target)
    res = run_specgen("check", "--spec", str(spec), "-o", str(out), env=_cache(tmp_path, True))
    assert res.returncode == 1 and f"{out}/tools/tools.json: stale (content differs)" in res.stdout.splitlines()


@pytest.mark.parametrize("change", ["added", "removed"])
def test_a_file_added_or_removed_after_a_fast_check_is_reported(made: tuple[Path, Path], tmp_path: Path, change: str) -> None:
    spec, out = made
    assert specgen_in_process("check", "--spec", str(spec), "-o", str(out), env=_cache(tmp_path, True)).returncode == 0  # setup: the stamp
    if change == "added":
        (out / "docs" / "notes.md").write_text("mine\n")
        expected = f"{out}/docs/notes.md: extra, not written by specgen (generate refuses to run until it is moved out)"
    else:
        (out / "tools" / "tools.json").unlink()
        expected = f"{out}/tools/tools.json: missing (would be generated)"
    res = run_specgen("check", "--spec", str(spec), "-o", str(out), env=_cache(tmp_path, True))
    assert res.returncode == 1 and expected in res.stdout.splitlines()


def test_a_touched_file_with_the_same_bytes_is_still_current_and_rehashed_once(made: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec, out = made
    time.sleep(RACY_S)
    assert specgen_in_process("check", "--spec", str(spec), "-o", str(out), env=_cache(tmp_path, True)).returncode == 0  # setup: the stamp
    (out / "tools" / "tools.json").touch()
    time.sleep(RACY_S)
    verdict, opened = _fast_path_reads(spec, out, tmp_path, monkeypatch)
    assert verdict is True and opened == ["tools/tools.json"]
    verdict, opened = _fast_path_reads(spec, out, tmp_path, monkeypatch)
    assert verdict is True and opened == []  # its new stat was remembered
