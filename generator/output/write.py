"""Write: the new files are written beside OUT, then put in its place in one step.

A failed, interrupted or killed run leaves the previous output exactly as it was. Into a new
or empty OUT the new tree is renamed whole. Into an OUT specgen wrote, only the files whose
bytes change are written; they replace the old ones under a journal (journal.py: each file
renamed in whole, undone on any error, and by the next run after a SIGKILL), so regenerating
after a small edit writes a few files, not a copy of the tree. A tree that cannot be updated
that way (a file where a folder was) is completed from OUT by hard links and swapped in by
one atomic `renameat2(RENAME_EXCHANGE)` where Linux offers it (two renames with recovery
elsewhere). No path from the spec can land outside OUT.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import re
import shutil
from pathlib import Path
from typing import Any, Callable

from ..children import deferred, on_interrupt, stop
from ..diagnostics import UsageError
from . import journal, stamps
from .owner import MANIFEST, SYMLINK, Survey, read_manifest, read_tree, refuse_foreign, resolve_out, sha256_bytes, stat_key, survey

__all__ = ["MANIFEST", "SYMLINK", "TreeWriter", "check_relative_path", "compare_trees", "read_manifest", "read_tree", "sha256_bytes", "write_tree"]
_SAFE_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,119}$")
_WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def check_relative_path(rel: str) -> None:
    """Refuse any output path that could escape OUT or misbehave on some filesystem."""
    # split by hand: no "", "." or "//" is folded away, so each refuses the path
    if not rel or len(rel) > 400 or not all(map(_safe_part, rel.split("/"))):
        raise ValueError(f"unsafe output path {rel!r}")


@functools.lru_cache(maxsize=4096)
def _safe_part(part: str) -> bool:
    """One part of an output path is safe (folders repeat across thousands of paths: asked once)."""
    return part not in (".", "..") and _SAFE_PART.match(part) is not None and part.split(".")[0].lower() not in _WINDOWS_DEVICES


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


def recover(out: Path) -> bool:
    """Undo what an interrupted earlier run left: restore a moved-away tree, drop partial ones.
    Whether there was anything to undo."""
    parent = out.parent
    if not parent.is_dir():
        return False
    prefix = f".{out.name}.specgen-"
    found = False
    for entry in sorted(parent.iterdir()):
        if not entry.name.startswith(prefix):
            continue
        kind, _, pid = entry.name[len(prefix):].partition("-")
        if pid.isdigit() and _pid_alive(int(pid)) and int(pid) != os.getpid():
            continue  # another run is working on it right now
        found = True
        if kind == "old" and not out.exists():
            os.rename(entry, out)  # the swap was cut between its two renames
        else:
            if kind == "new":
                journal.rollback(out, entry)  # an update in place was cut half-way

            shutil.rmtree(entry, ignore_errors=True)
    return found


class SurveyAhead:
    """OUT's survey (`owner.survey`, after `recover`), taken by a forked child while this process
    loads and normalizes the spec: on a warm run, reading the stats of OUT's thousands of files
    is the writer's start-up cost, and the other core is idle then. `TreeWriter` takes it when
    it is whole and still true (nothing recovered since); without it (no fork, the child failed,
    an OUT that `resolve_out` refuses, which the writer reports in its turn) the writer surveys
    OUT itself, as it always did."""

    def __init__(self, out: Path):
        self.out: Path | None = None
        self._job: tuple[Any, Any] | None = None
        if (os.cpu_count() or 1) < 2 or not hasattr(os, "fork"):
            return
        try:
            target = resolve_out(out)
            if not target.is_dir():
                return  # nothing to survey
            recover(target)
        except (UsageError, OSError):
            return  # the writer meets it again and reports it, after any problem with the spec
        import multiprocessing

        mp = multiprocessing.get_context("fork")
        mine, theirs = mp.Pipe(duplex=False)
        proc = mp.Process(target=_survey_child, args=(target, theirs), daemon=True)
        try:
            proc.start()
        except OSError:  # no memory or processes left for a child: the writer surveys
            mine.close()
            return
        finally:
            theirs.close()
        self.out, self._job = target, (proc, mine)

    def take(self, out: Path) -> Survey | None:
        """The survey of `out` (resolved), or None (then survey it here)."""
        job, self._job = self._job, None
        if job is None:
            return None
        proc, conn = job
        try:
            found = conn.recv() if out == self.out else None
        except (EOFError, OSError):
            found = None  # the child died: nothing lost but its time
        finally:
            _end(proc, conn)
        return found if isinstance(found, Survey) else None

    def close(self) -> None:
        """Stop the child (when the run ends before its writer took the survey)."""
        job, self._job = self._job, None
        if job is not None:
            _end(*job)


def _end(proc: Any, conn: Any) -> None:
    stop(proc)
    conn.close()


def _survey_child(out: Path, conn: Any) -> None:
    try:
        conn.send(survey(out, vouched=stamps.vouched(out)))
    except BaseException:
        pass  # the parent sees the pipe close and surveys OUT itself
    finally:
        conn.close()


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


class Unsent(Exception):
    """A file was given by its hash alone, and OUT does not hold it with that hash: the caller
    must give its text."""


class TreeWriter:
    """OUT's replacement, written beside it one file at a time and put in place whole: `write_tree`
    in steps, so the files already rendered are written while others still render. A file
    OUT holds already, byte for byte and specgen's, is not written again. Leaving the `with`
    block without `swap()` (an error, a signal) removes what was written and leaves OUT as it was."""

    def __init__(self, out: Path, before_swap: Callable[[], None] | None = None, ahead: SurveyAhead | None = None):
        out = resolve_out(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        recovered = recover(out)
        found = ahead.take(out) if ahead is not None and not recovered else None
        if ahead is not None:
            ahead.close()
        if found is None:
            # the stamp spares reading the files it vouches for (the trust `check` has in it)
            found = survey(out, vouched=stamps.vouched(out))
        refuse_foreign(out, found)
        self.out = out
        self.new = out.parent / f".{out.name}.specgen-new-{os.getpid()}"
        self.before_swap = before_swap
        self.stats: dict[str, list[int]] = {}
        self.hashes: dict[str, str] = {}  # the sha256 of every file put
        self.written: set[str] = set()
        self.staged: set[str] = set()  # the files written under `new` (the others OUT holds)
        self.swapped = False
        self._found = found
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

    def put(self, rel: str, content: str | bytes | None, sha256: str | None = None) -> None:
        """One file of the new tree (`sha256`: its bytes' hash, when the caller has it). Content
        None: the file as OUT holds it, which must then have that hash (else `Unsent`)."""
        check_relative_path(rel)
        if content is None and (sha256 is None or self._found.hashes.get(rel) != sha256):
            raise Unsent(rel)
        data: bytes | None = None  # encoded only when it is hashed or written
        if sha256 is None:
            assert content is not None  # checked above: a file without its text comes with its hash
            data = content.encode("utf-8") if isinstance(content, str) else content
            sha256 = sha256_bytes(data)
        sha = sha256
        if rel in self.written and self.hashes[rel] == sha:
            return  # given again (an artifact rendered again here when its child's copy lacked a text)
        self.written.add(rel)
        self.hashes[rel] = sha
        if self._found.hashes.get(rel) == sha:
            seen = self._found.stats.get(rel)
            if seen is not None:
                self.stats[rel] = seen
            return
        if data is None:
            assert content is not None  # checked above: OUT holds it
            data = content.encode("utf-8") if isinstance(content, str) else content
        self._stage(rel, data)

    def _stage(self, rel: str, data: bytes) -> None:
        target = self.new / rel
        self.staged.add(rel)
        try:
            if target.parent not in self._made:
                target.parent.mkdir(parents=True, exist_ok=True)
                self._made.add(target.parent)
            try:
                self.stats[rel] = _write_new(target, data)
            except OSError as e:
                raise OSError(e.errno, e.strerror, str(target)) if e.filename is None else e from None
        except OSError as e:
            raise _named(e, self.new, self.out) from None

    def swap(self) -> None:
        """Put the new tree in OUT's place: in place (journal.py) when OUT is specgen's, else whole."""
        if self.before_swap is not None:
            self.before_swap()
        removed = sorted(self._found.owned - self.written)
        in_place = bool(self._found.owned) and not _conflicts(self.out, self.staged)
        if not in_place:
            self._complete()
        try:
            # a signal here waits until OUT is whole again, and the rest is removed
            with deferred():
                if in_place:
                    self.stats.update(journal.apply(self.out, self.new, sorted(self.staged), removed))
                    self.swapped = True
                    shutil.rmtree(self.new, ignore_errors=True)
                else:
                    self._exchange()
        except OSError as e:
            raise _named(e, self.new, self.out) from None

    def _complete(self) -> None:
        """Hard-link into the new tree the files OUT holds already, so it can replace OUT whole."""
        for rel in sorted(self.written - self.staged):
            target = self.new / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(self.out / rel, target, follow_symlinks=False)
            except OSError:
                self.stats.pop(rel, None)
                data = (self.out / rel).read_bytes()
                if sha256_bytes(data) != self.hashes[rel]:
                    raise OSError(f"{rel} changed while specgen was writing; run again") from None
                self._stage(rel, data)
                continue
            now = stat_key(os.lstat(target))
            seen = self.stats.get(rel)
            # linking moves the ctime itself, so only size, mtime and inode can tell a change since the survey
            if seen is None or [seen[0], seen[1], seen[3]] != [now[0], now[1], now[3]]:
                self.stats.pop(rel, None)
            else:
                self.stats[rel] = now

    def _exchange(self) -> None:
        out, new = self.out, self.new
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


def _conflicts(out: Path, staged: set[str]) -> bool:
    """Whether a staged file would land where OUT has a folder, or under one of OUT's files."""
    for rel in staged:
        if (out / rel).is_dir():
            return True
        parts = rel.split("/")
        for i in range(1, len(parts)):
            p = out.joinpath(*parts[:i])
            if p.exists() and not p.is_dir():
                return True
    return False


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
