"""Regenerating into an OUT specgen wrote updates it in place (output/journal.py): only the files
that change are written, each renamed in whole, and the promise of the tree swap holds: an
error puts the old files back before it is reported, and a run killed at any step of the update
is undone by the next run, so OUT is the old tree or the new one, byte for byte."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import ROOT, run_specgen, SEED_SPECS, specgen_in_process
from specgen.output import journal
from specgen.output.write import recover, write_tree

OLD = {"keep.txt": "same\n", "pkg/changed.py": "x = 1\n", "pkg/gone.py": "y = 2\n", "gone/only.md": "bye\n"}
NEW = {"keep.txt": "same\n", "pkg/changed.py": "x = 3\n", "pkg/added.py": "z = 4\n", "fresh/deep/new.md": "hi\n"}


def _with_manifest(files: dict[str, str]) -> dict[str, str | bytes]:
    listed = {rel: hashlib.sha256(text.encode()).hexdigest() for rel, text in files.items()}
    return {**files, "manifest.json": json.dumps({"generator": "specgen", "files": listed})}


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _folders(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir()}


def _leftovers(out: Path) -> list[str]:
    return [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.specgen-")]


@pytest.fixture
def old_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "out"
    write_tree(out, _with_manifest(OLD))
    return out


def test_an_update_writes_only_the_changed_files_and_keeps_the_rest_untouched(old_tree: Path, tmp_path: Path) -> None:
    kept = os.stat(old_tree / "keep.txt")
    folder = os.stat(old_tree).st_ino
    write_tree(old_tree, _with_manifest(NEW))
    scratch = tmp_path / "scratch"
    write_tree(scratch, _with_manifest(NEW))
    assert _snapshot(old_tree) == _snapshot(scratch)
    assert _folders(old_tree) == _folders(scratch)  # emptied folders removed, new ones made
    now = os.stat(old_tree / "keep.txt")
    assert (now.st_ino, now.st_mtime_ns, now.st_ctime_ns) == (kept.st_ino, kept.st_mtime_ns, kept.st_ctime_ns)
    assert os.stat(old_tree).st_ino == folder and _leftovers(old_tree) == []


@pytest.mark.parametrize("fail_at", range(1 + 2 + 4))  # the plan, 2 removals, 4 files moved in (the manifest last)
def test_an_error_at_any_step_of_the_update_leaves_the_old_tree(fail_at: int, old_tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before, folders = _snapshot(old_tree), _folders(old_tree)
    steps = [0]

    def failing(real):  # type: ignore[no-untyped-def]
        def step(*args, **kwargs):  # type: ignore[no-untyped-def]
            steps[0] += 1
            if steps[0] - 1 == fail_at:  # once: what puts the old files back must work
                raise OSError(errno.ENOSPC, "No space left on device")
            return real(*args, **kwargs)

        return step

    for name in ("rename", "unlink", "replace"):
        monkeypatch.setattr(journal.os, name, failing(getattr(os, name)))
    with pytest.raises(OSError, match="No space left"):
        write_tree(old_tree, _with_manifest(NEW))
    monkeypatch.undo()
    assert _snapshot(old_tree) == before and _folders(old_tree) == folders
    assert _leftovers(old_tree) == []


_KILLED = """
import os, sys
from pathlib import Path
from specgen.output import journal
from specgen.output.write import write_tree
files, at = {new!r}, {at}
steps = [0]
def killing(real):
    def step(*args, **kwargs):
        if steps[0] == at:
            os._exit(9)  # as SIGKILL: no handler, no cleanup
        steps[0] += 1
        return real(*args, **kwargs)
    return step
for name in ("rename", "unlink", "replace"):
    setattr(journal.os, name, killing(getattr(os, name)))
write_tree(Path({out!r}), files)
"""


@pytest.mark.parametrize("kill_at", range(1 + 2 + 4))
def test_a_run_killed_at_any_step_of_the_update_is_undone_by_the_next_run(kill_at: int, old_tree: Path, tmp_path: Path) -> None:
    before, folders = _snapshot(old_tree), _folders(old_tree)
    code = _KILLED.format(new=_with_manifest(NEW), at=kill_at, out=str(old_tree))
    env = {**os.environ, "SPECGEN_CACHE_DIR": str(tmp_path / "cache")}
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert res.returncode == 9, res.stderr
    assert _leftovers(old_tree), "the killed run left no journal"
    recover(old_tree)
    assert _snapshot(old_tree) == before and _folders(old_tree) == folders
    assert _leftovers(old_tree) == []


def test_a_file_where_a_folder_was_is_written_by_a_whole_tree_swap(old_tree: Path, tmp_path: Path) -> None:
    flipped = {"keep.txt/inside.md": "now a folder\n", "pkg": "now a file\n"}
    write_tree(old_tree, _with_manifest(flipped))
    assert _snapshot(old_tree) == {k: v.encode() if isinstance(v, str) else v for k, v in _with_manifest(flipped).items()}


def test_a_hand_edit_that_keeps_size_and_mtime_is_still_repaired(tmp_path: Path) -> None:
    """The stamp spares reading files whose stat it knows, but an edit moves the ctime."""
    out = tmp_path / "out"
    env = {"SPECGEN_CACHE_DIR": str(tmp_path / "cache")}
    args = ("generate", str(SEED_SPECS["xai-chat"]), "-o", str(out), "--formatter", "none", "--quiet")
    assert specgen_in_process(*args, env=env).returncode == 0
    target = next(p for p in sorted(out.rglob("*.md")) if p.stat().st_size > 20)
    st = target.stat()
    good = target.read_bytes()
    target.write_bytes(good[:-2] + (b"X" if good[-2:-1] != b"X" else b"Y") + good[-1:])
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert target.stat().st_size == st.st_size and target.read_bytes() != good
    assert specgen_in_process(*args, env=env).returncode == 0
    assert target.read_bytes() == good


def test_a_foreign_file_in_a_stamped_out_stops_the_run_and_nothing_changes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {"SPECGEN_CACHE_DIR": str(tmp_path / "cache")}
    args = ("generate", str(SEED_SPECS["xai-chat"]), "-o", str(out), "--formatter", "none", "--quiet")
    assert specgen_in_process(*args, env=env).returncode == 0
    (out / "docs" / "mine.md").write_text("my notes\n")
    before = _snapshot(out)
    res = run_specgen(*args, env=env)
    assert res.returncode == 2 and "docs/mine.md" in res.stderr
    assert _snapshot(out) == before and _leftovers(out) == []
