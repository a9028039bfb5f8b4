"""Write: build the new tree beside the old one and swap them in one step.

A failed, interrupted or killed run leaves the previous output exactly as it was: the new
tree is complete before anything replaces the old one, the swap is a single atomic
`renameat2(RENAME_EXCHANGE)` where Linux offers it (two renames with recovery elsewhere),
and no path from the spec can land outside OUT.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import os
import re
import shutil
from pathlib import Path, PurePosixPath
from typing import Any

from ..diagnostics import UsageError

MANIFEST = "manifest.json"
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


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(out: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) and data.get("generator") == "specgen" else None
    except (OSError, ValueError):
        return None


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


def ensure_ours(out: Path) -> dict[str, Any]:
    """Refuse to replace a folder that specgen did not generate; its manifest ({} when new)."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder; choose another output folder")
    manifest = read_manifest(out) if out.is_dir() else None
    if manifest is None and out.is_dir() and any(out.iterdir()):
        raise UsageError(
            f"{out} is not empty and has no specgen manifest.json; refusing to replace it. "
            "Choose an empty or new folder, or one that specgen generated before."
        )
    return manifest or {}


def write_tree(out: Path, files: dict[str, str | bytes]) -> None:
    """Replace OUT with exactly `files` (relative path -> content), atomically."""
    for rel in files:
        check_relative_path(rel)
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out)
    manifest = ensure_ours(out)
    new = out.parent / f".{out.name}.specgen-new-{os.getpid()}"
    shutil.rmtree(new, ignore_errors=True)
    previous = _Previous(out, manifest)
    try:
        new.mkdir()
        made: set[Path] = {new}
        # the manifest last: every other file is older than it, which _Previous relies on
        for rel in sorted(files, key=lambda r: (r == MANIFEST, r)):
            target = new / rel
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            content = files[rel]
            data = content.encode("utf-8") if isinstance(content, str) else content
            if not previous.link(rel, target, data):
                with open(target, "wb") as fh:
                    fh.write(data)
        if out.exists():
            if not _exchange(new, out):
                old = out.parent / f".{out.name}.specgen-old-{os.getpid()}"
                os.rename(out, old)
                os.rename(new, out)
                new = old
            shutil.rmtree(new, ignore_errors=True)
        else:
            os.rename(new, out)
    except BaseException:
        if new.exists() and new != out:
            shutil.rmtree(new, ignore_errors=True)
        raise


class _Previous:
    """The tree being replaced: which of its files can be hard-linked into the new one, so a
    regeneration that changes a few files of thousands costs a few writes."""

    def __init__(self, out: Path, manifest: dict[str, Any]):
        self.out = out
        self.hashes: dict[str, str] = manifest.get("files", {}) if isinstance(manifest.get("files"), dict) else {}
        try:
            self.written_ns = (out / MANIFEST).stat().st_mtime_ns
        except OSError:
            self.written_ns = -1

    def link(self, rel: str, new: Path, data: bytes) -> bool:
        old = self.out / rel
        try:
            st = old.stat()
            if st.st_size != len(data):
                return False
            # untouched since it was generated (not newer than the manifest): its recorded hash
            # is its content; anything touched since is compared byte for byte
            trusted = st.st_mtime_ns <= self.written_ns and self.hashes.get(rel) == sha256_bytes(data)
            if not trusted and old.read_bytes() != data:
                return False
            os.link(old, new)
            return True
        except OSError:
            return False


def read_tree(out: Path) -> dict[str, bytes]:
    """Every file under OUT (relative posix path -> bytes), for check and tests."""
    files: dict[str, bytes] = {}
    if not out.is_dir():
        return files
    for root, dirs, names in os.walk(out):
        dirs[:] = [d for d in dirs if d not in ("__pycache__", ".pytest_cache", ".mypy_cache")]
        for n in names:
            if n.endswith(".pyc"):
                continue
            p = Path(root) / n
            files[p.relative_to(out).as_posix()] = p.read_bytes()
    return files


def compare_trees(expected: dict[str, bytes], actual: dict[str, bytes]) -> list[str]:
    """`path: why` for every file that is missing, extra or different ([] when identical)."""
    problems = []
    for p in sorted(set(expected) | set(actual)):
        if p not in actual:
            problems.append(f"{p}: missing (would be generated)")
        elif p not in expected:
            problems.append(f"{p}: extra (would be removed)")
        elif actual[p] != expected[p]:
            problems.append(f"{p}: stale (content differs)")
    return problems
