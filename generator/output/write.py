"""Write: build the new tree beside the old one and swap them in one step.

A failed, interrupted or killed run leaves the previous output exactly as it was: the new
tree is complete before anything replaces the old one, the swap is a single atomic
`renameat2(RENAME_EXCHANGE)` where Linux offers it (two renames with recovery elsewhere),
and no path from the spec can land outside OUT.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import shutil
import stat
from pathlib import Path, PurePosixPath
from typing import Callable

from ..children import deferred, on_interrupt
from .owner import MANIFEST, SYMLINK, Survey, read_manifest, read_tree, refuse_foreign, resolve_out, sha256_bytes, stat_key, survey

__all__ = ["MANIFEST", "SYMLINK", "TreeWriter", "check_relative_path", "compare_trees", "read_manifest", "read_tree", "sha256_bytes", "write_tree"]
_SAFE_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,119}$")
_WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def check_relative_path(rel: str) -> None:
    """Refuse any output path that could escape OUT or misbehave on some filesystem."""
    p = PurePosixPath(rel)
    if p.is_absolute() or not p.parts or len(rel) > 400:
        raise ValueError(f"unsafe output path {rel!r}")
    for part in p.parts:
        if part in (".", "..") or not _SAFE_PART.match(part) or part.split(".")[0].lower() in _WINDOWS_DEVICES:
            raise ValueError(f"unsafe output path {rel!r}")


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    AT_FDCWD, RENAME_EXCHANGE = -100, 2
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = fn(AT_FDCWD, os.fsencode(str(a)), AT_FDCWD, os.fsencode(str(b)), RENAME_EXCHANGE)
    return bool(rc == 0)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover(out: Path) -> None:
    """Undo what an interrupted earlier run left: restore a moved-away tree, drop partial ones."""
    parent = out.parent
    if not parent.is_dir():
        return
    prefix = f".{out.name}.specgen-"
    for entry in sorted(parent.iterdir()):
        if not entry.name.startswith(prefix):
            continue
        kind, _, pid = entry.name[len(prefix):].partition("-")
        if pid.isdigit() and _pid_alive(int(pid)) and int(pid) != os.getpid():
            continue  # another run is working on it right now
        if kind == "old" and not out.exists():
            os.rename(entry, out)  # the swap was cut between its two renames
        else:
            shutil.rmtree(entry, ignore_errors=True)


def write_tree(out: Path, files: dict[str, str | bytes], before_swap: Callable[[], None] | None = None, stats: dict[str, list[int]] | None = None) -> Path:
    """Replace OUT with exactly `files` (relative path -> content), atomically; returns the
    folder written (OUT, or the folder a symbolic link OUT points to). `stats` gets the
    `stat_key` of each file as specgen left it (for stamps; renaming the tree keeps them).

    Before anything is removed, OUT's files are sorted into specgen's and foreign ones
    (`owner.survey`); any foreign file stops the run, naming it."""
    for rel in files:
        check_relative_path(rel)
    with TreeWriter(out, before_swap) as tree:
        for rel in sorted(files):
            tree.put(rel, files[rel])
        tree.swap()
    if stats is not None:
        stats.update(tree.stats)
    return tree.out


def _named(e: OSError, new: Path, out: Path) -> OSError:
    """The error with the path the user knows: OUT's, not the temporary tree's (and a path at
    all where the OS gave none, as a full disk does on write)."""
    name = e.filename if e.filename is not None else new
    shown = str(name).replace(str(new), str(out), 1)
    return OSError(e.errno, e.strerror or str(e), shown)


class TreeWriter:
    """OUT's replacement, built beside it one file at a time and swapped in whole: `write_tree`
    in steps, so the files already rendered are written while others still render. Leaving
    the `with` block without `swap()` (an error, a signal) removes the half-built tree and
    leaves OUT as it was."""

    def __init__(self, out: Path, before_swap: Callable[[], None] | None = None):
        out = resolve_out(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        recover(out)
        found = survey(out)
        refuse_foreign(out, found)
        self.out = out
        self.new = out.parent / f".{out.name}.specgen-new-{os.getpid()}"
        self.before_swap = before_swap
        self.stats: dict[str, list[int]] = {}
        self.written: set[str] = set()
        self.swapped = False
        self._previous = _Previous(out, found)
        self._made: set[Path] = {self.new}
        self._cleanup = on_interrupt(self._remove_new)
        shutil.rmtree(self.new, ignore_errors=True)

    def __enter__(self) -> TreeWriter:
        self._cleanup.__enter__()
        try:
            self.new.mkdir()
        except BaseException:
            self._cleanup.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if not self.swapped:
                self._remove_new()
        finally:
            self._cleanup.__exit__(None, None, None)

    def _remove_new(self) -> None:
        shutil.rmtree(self.new, ignore_errors=True)

    def put(self, rel: str, content: str | bytes) -> None:
        """Write one file of the new tree (hard-linked from OUT when OUT holds it already, specgen's and byte for byte)."""
        check_relative_path(rel)
        target = self.new / rel
        data = content.encode("utf-8") if isinstance(content, str) else content
        self.written.add(rel)
        try:
            if target.parent not in self._made:
                target.parent.mkdir(parents=True, exist_ok=True)
                self._made.add(target.parent)
            linked = self._previous.link(rel, target, data)
            if linked is not None:
                if linked:
                    self.stats[rel] = linked
                return
            try:
                self.stats[rel] = _write_new(target, data)
            except OSError as e:
                raise OSError(e.errno, e.strerror, str(target)) if e.filename is None else e from None
        except OSError as e:
            raise _named(e, self.new, self.out) from None

    def swap(self) -> None:
        """Put the new tree in OUT's place in one step and remove the old one."""
        if self.before_swap is not None:
            self.before_swap()
        out, new = self.out, self.new
        try:
            # a signal here waits until the swap is whole and the old tree is gone
            with deferred():
                if out.exists():
                    if not _exchange(new, out):
                        old = out.parent / f".{out.name}.specgen-old-{os.getpid()}"
                        os.rename(out, old)
                        os.rename(new, out)
                        new = old
                    self.swapped = True
                    shutil.rmtree(new, ignore_errors=True)
                else:
                    os.rename(new, out)
                    self.swapped = True
        except OSError as e:
            raise _named(e, self.new, self.out) from None


def _write_new(target: Path, data: bytes) -> list[int]:
    """Create `target` holding `data`; its stat_key, taken after the last byte is written."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        return stat_key(os.fstat(fd))
    finally:
        os.close(fd)


class _Previous:
    """The tree being replaced: its unchanged files are hard-linked into the new one, so a
    regeneration that changes a few files of thousands costs a few writes. Only files proven
    specgen's are linked, and only when their bytes (read by the survey) are the new ones:
    nothing on disk is trusted."""

    def __init__(self, out: Path, found: Survey):
        self.out = out
        self.data = found.data
        self.stats = found.stats

    def link(self, rel: str, new: Path, data: bytes) -> list[int] | None:
        """None when not linked (write it); else the link's stat_key, or [] when the file's
        size, mtime or inode moved since the survey read it (a stamp must not vouch for it)."""
        if self.data.get(rel) != data:
            return None
        old = self.out / rel
        try:
            if not stat.S_ISREG(os.lstat(old).st_mode):
                return None
            os.link(old, new)
        except OSError:
            return None
        try:
            now = stat_key(os.lstat(new))
        except OSError:
            return []
        seen = self.stats.get(rel)
        # linking moves the ctime itself, so only size, mtime and inode can tell a change since the read
        return now if seen is not None and [seen[0], seen[1], seen[3]] == [now[0], now[1], now[3]] else []


def compare_trees(expected: dict[str, bytes], actual: dict[str, bytes], owned: set[str] | None = None) -> list[str]:
    """`path: why` for every file that is missing, extra or different ([] when identical).
    With `owned`, an extra file outside it is named as foreign (generate refuses, not removes)."""
    problems = []
    for p in sorted(set(expected) | set(actual)):
        if p not in actual:
            problems.append(f"{p}: missing (would be generated)")
        elif actual[p] is SYMLINK:
            problems.append(f"{p}: a symbolic link (specgen writes none; generate refuses to replace it)")
        elif p not in expected:
            if owned is None or p in owned:
                problems.append(f"{p}: extra (would be removed)")
            else:
                problems.append(f"{p}: extra, not written by specgen (generate refuses to run until it is moved out)")
        elif actual[p] != expected[p]:
            problems.append(f"{p}: stale (content differs)")
    return problems
