"""Stamps: specgen's own record (in its cache, never in OUT) of what produced an output tree.

`check`'s fast path answers "current" without parsing or rendering only when a stamp vouches
for this very spec (its resolved path), the bytes of every file its `$ref`s reached, the
options, the spec's label and the generator's code, and every file in OUT still holds the
bytes the manifest the stamp saw lists. Nothing in OUT is trusted on its own: a manifest
edited together with the file it describes no longer matches the stamp.

How "still holds the bytes" is known without reading 40 MB (the trust choice, git's index
makes the same one): the stamp remembers each file's size, mtime, ctime and inode as specgen
left it (stat taken after writing it, or before reading it to compare), and `current`
re-hashes only the files whose stat differs now. A user can set a file's mtime back
(`os.utime`), but not its ctime: the kernel sets it from the system clock on every write,
utime, chmod or link, and a replaced file has another inode. A file whose ctime lies within
RACY_NS of the moment its stamp was written is re-hashed every time ("racily clean"): a change
within the same clock tick would keep its ctime. What stays trusted is the system clock (only
root can set it back) and that nobody writes a file in the instant between specgen's write and
its stat (on kernels with multigrain timestamps, 6.13+, a change after a stat always moves ctime).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from .. import __version__
from ..paths import cache_dir, templates_dir
from .owner import DERIVED_DIRS, MANIFEST, derived, read_manifest, sha256_bytes, stat_key

_FORMAT = "specgen-stamp-3"
RACY_NS = 100_000_000  # far longer than any file-time clock tick (1 to 10 ms)


@functools.lru_cache(maxsize=1)
def code_sha256() -> str:
    """A hash of the generator's own code and templates: output is a function of these too."""
    h = hashlib.sha256(__version__.encode())
    roots = [Path(__file__).resolve().parent.parent, templates_dir()]
    for root in roots:
        for p in sorted(root.rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc":
                h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def _file(out: Path) -> Path:
    key = hashlib.sha256(str(out.resolve()).encode()).hexdigest()
    return cache_dir() / "stamps" / f"{key}.json"


def _fingerprint(spec: Path, inputs: dict[str, str], manifest: dict[str, Any]) -> str:
    payload = json.dumps(
        {
            "format": _FORMAT,
            "code": code_sha256(),
            "spec": str(spec.resolve()),
            "inputs": inputs,
            "options": manifest.get("options"),
            "label": manifest.get("spec"),
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _inputs_now(spec: Path, names: Any) -> dict[str, str] | None:
    """The sha256 of each named input as it is on disk now (names relative to the spec's folder)."""
    if not isinstance(names, dict) or spec.name not in names:
        return None
    now: dict[str, str] = {}
    for name in names:
        try:
            now[str(name)] = sha256_bytes((spec.parent / str(name)).read_bytes())
        except OSError:
            return None
    return now


def remember(out: Path, spec: Path, manifest: dict[str, Any], stats: dict[str, list[int]] | None = None) -> None:
    """Record that OUT (just written or fully checked) is what `spec` produces with the
    manifest's options and this code; `stats` are the stat_keys of OUT's files as specgen
    wrote or read them (a file without one is re-hashed by every check)."""
    try:
        data = (out / MANIFEST).read_bytes()
        listed = manifest["files"]
        _write(out, {"fingerprint": _fingerprint(spec, manifest["inputs"], manifest), "manifest_sha256": sha256_bytes(data), "stats": {rel: st for rel, st in (stats or {}).items() if rel in listed and st}})
    except (OSError, KeyError):
        pass  # a read-only cache only costs the next check its fast path


def _write(out: Path, stamp: dict[str, Any]) -> None:
    stamp["written_ns"] = time.time_ns()  # after every stat it holds was taken
    p = _file(out)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(stamp))
    os.replace(tmp, p)


def current(out: Path, spec: Path, opts: Any) -> bool:
    """True only when a stamp vouches for exactly this spec, its inputs, options and code, and
    OUT's files are byte for byte what the stamped manifest lists."""
    if not opts.use_cache:
        return False
    manifest = read_manifest(out)
    try:
        stamp = json.loads(_file(out).read_text())
        manifest_sha = sha256_bytes((out / MANIFEST).read_bytes())
    except (OSError, ValueError):
        return False
    if manifest is None or not isinstance(stamp, dict) or stamp.get("manifest_sha256") != manifest_sha:
        return False
    if not _same_options(manifest, spec, opts):
        return False
    inputs = _inputs_now(spec, manifest.get("inputs"))
    if inputs is None or inputs != manifest["inputs"] or _fingerprint(spec, inputs, manifest) != stamp.get("fingerprint"):
        return False
    hashes = manifest.get("files")
    if not isinstance(hashes, dict):
        return False
    return _files_hold(out, hashes, stamp)


def vouched(out: Path) -> dict[str, list[int]]:
    """The files of OUT the stamp vouches for, with their stat_key then: OUT's manifest is the
    one specgen last wrote or checked there, and each file whose stat is still this one (and
    was not racy) holds the bytes that manifest lists. Nothing when there is no such stamp."""
    try:
        stamp = json.loads(_file(out).read_text())
        manifest_sha = sha256_bytes((out / MANIFEST).read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(stamp, dict) or stamp.get("manifest_sha256") != manifest_sha:
        return {}
    seen, written = stamp.get("stats"), stamp.get("written_ns")
    if not isinstance(seen, dict) or not isinstance(written, int):
        return {}
    return {rel: st for rel, st in seen.items() if isinstance(st, list) and len(st) == 4 and st[2] < written - RACY_NS}


def _same_options(manifest: dict[str, Any], spec: Path, opts: Any) -> bool:
    recorded = manifest.get("options")
    if not isinstance(recorded, dict) or recorded.get("formatter") != opts.formatter:
        return False
    for key in ("package", "target", "api_key_env"):
        wanted = getattr(opts, key)
        if wanted is not None and recorded.get(key) != wanted:
            return False
    if manifest.get("spec") != (opts.spec_label or spec.name):
        return False
    base = ("package", "formatter", "target", "api_key_env")
    # the tools options
    return {k: v for k, v in recorded.items() if k not in base} == {k: v for k, v in opts.recorded("", "").items() if k not in base}


def _files_hold(out: Path, hashes: dict[str, Any], stamp: dict[str, Any]) -> bool:
    """OUT holds exactly the listed files with the listed hashes: a file whose stat is as the
    stamp remembers it (and not racy) is taken as unchanged, any other is read and hashed.
    Files re-hashed and found right are remembered with their new stat for the next check."""
    found = _stat_tree(out)
    if found is None:
        return False
    found.pop(MANIFEST, None)
    if found.keys() != hashes.keys():
        return False
    seen = stamp.get("stats")
    seen = seen if isinstance(seen, dict) else {}
    written = stamp.get("written_ns")
    trusted_before = (written if isinstance(written, int) else 0) - RACY_NS
    fresh: dict[str, list[int]] = {}
    for rel, st in found.items():
        was = seen.get(rel)
        if was == st and st[2] < trusted_before:
            continue
        try:
            with open(out / rel, "rb") as fh:
                fresh[rel] = stat_key(os.fstat(fh.fileno()))  # before the read: a later change moves ctime
                data = fh.read()
        except OSError:
            return False
        if sha256_bytes(data) != hashes[rel]:
            return False
    if fresh:
        try:
            _write(out, {**stamp, "stats": {**seen, **fresh}})
        except OSError:
            pass  # a read-only cache: the next check re-hashes these again
    return True


def _stat_tree(out: Path) -> dict[str, list[int]] | None:
    """Every file under OUT (derived caches left out) -> its stat_key; None when OUT holds
    anything but folders and regular files (a symbolic link is never specgen's)."""
    found: dict[str, list[int]] = {}
    stack = [(str(out), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return None
        for e in entries:
            rel = prefix + e.name
            if e.is_symlink():
                return None
            if e.is_dir(follow_symlinks=False):
                if e.name not in DERIVED_DIRS:
                    stack.append((e.path, rel + "/"))
            elif e.is_file(follow_symlinks=False):
                if not derived(rel):
                    found[rel] = stat_key(e.stat(follow_symlinks=False))
            else:
                return None
    return found
