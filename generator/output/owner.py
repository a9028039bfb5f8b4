"""Ownership of OUT: which files specgen may replace, proven by their content.

A `manifest.json` alone proves nothing (anyone can write `{"generator": "specgen"}`). A file
is specgen's when the manifest lists it and the file still holds the bytes the manifest's
sha256 names, which nobody gives a file by accident; once one such file proves the manifest
genuine, the files it lists that were edited by hand since are specgen's to repair. Every
other file (user code, notes, `.git`, a symbolic link) is foreign: a run that would remove
it refuses instead, naming it. Caches that tools write beside generated code
(`__pycache__`, `.pytest_cache`...) are derived, so dropping them loses nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import UsageError

MANIFEST = "manifest.json"
DERIVED_DIRS = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis"})
SYMLINK = b"\x00specgen: a symbolic link, which specgen never writes\x00"
_NAMED_AT_MOST = 12


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stat_key(st: os.stat_result) -> list[int]:
    """What a stamp remembers of a file to know it unchanged: size, mtime, ctime and inode
    (see stamps.py for why that is enough)."""
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def read_manifest(out: Path) -> dict[str, Any] | None:
    """OUT's manifest when it says it is specgen's (a claim, not a proof: see `survey`)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) and data.get("generator") == "specgen" else None
    except (OSError, ValueError):
        return None


def derived(rel: str) -> bool:
    """A cache file a tool made beside the generated code (safe to drop, never compared)."""
    parts = rel.split("/")
    return any(p in DERIVED_DIRS for p in parts[:-1]) or rel.endswith(".pyc")


def read_tree(out: Path, stats: dict[str, list[int]] | None = None) -> dict[str, bytes]:
    """Every file under OUT (relative posix path -> bytes), derived caches left out; a
    symbolic link (to a file or a folder) reads as SYMLINK, never as what it points to.
    `stats` gets each file's `stat_key`, taken before its bytes are read (so a change after
    the read shows as a new ctime)."""
    files: dict[str, bytes] = {}
    if not out.is_dir():
        return files
    for root, dirs, names in os.walk(out):
        base = Path(root)
        for d in list(dirs):
            if (base / d).is_symlink():
                files[(base / d).relative_to(out).as_posix()] = SYMLINK
        dirs[:] = [d for d in dirs if d not in DERIVED_DIRS and not (base / d).is_symlink()]
        for n in names:
            p = base / n
            rel = p.relative_to(out).as_posix()
            if derived(rel):
                continue
            if p.is_symlink():
                files[rel] = SYMLINK
                continue
            with open(p, "rb") as fh:
                if stats is not None:
                    stats[rel] = stat_key(os.fstat(fh.fileno()))
                files[rel] = fh.read()
    return files


@dataclass
class Survey:
    """What OUT holds: the files specgen may replace, and the foreign ones it must keep."""

    manifest: dict[str, Any] = field(default_factory=dict)
    owned: set[str] = field(default_factory=set)
    foreign: list[str] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)  # the sha256 of each owned file's bytes now
    stats: dict[str, list[int]] = field(default_factory=dict)  # their stat_key, taken before the read


def resolve_out(out: Path) -> Path:
    """OUT as the folder to write: a symbolic link is followed to its folder (the link stays),
    never replaced; a dangling one, or OUT that is a file, is refused."""
    out = out.absolute()
    if out.is_symlink():
        target = out.resolve()
        if not target.exists():
            raise UsageError(f"{out} is a symbolic link to {target}, which does not exist; create that folder or choose another output folder")
        out = target
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder; choose another output folder")
    return out


def survey(out: Path, tree: dict[str, bytes] | None = None, vouched: dict[str, list[int]] | None = None) -> Survey:
    """Sort OUT's files into specgen's and foreign ones (see the module's docstring); `tree`
    is OUT as the caller just read it. Without it only the files the manifest lists are read,
    and of those not the ones `vouched` names with their stat_key now: specgen's stamp
    (stamps.vouched) says they hold the bytes the manifest lists, as `check` trusts it."""
    if not out.is_dir():
        return Survey()
    manifest = read_manifest(out) or {}
    listed = manifest.get("files") if isinstance(manifest.get("files"), dict) else {}
    assert isinstance(listed, dict)
    stats: dict[str, list[int]] = {}
    hashes: dict[str, str] = {}
    if tree is not None:
        for rel, data in tree.items():
            if data is not SYMLINK and isinstance(listed.get(rel), str):
                hashes[rel] = sha256_bytes(data)
        names = set(tree)
        links = {rel for rel, data in tree.items() if data is SYMLINK}
    else:
        names, links = _hash_listed(out, listed, vouched or {}, hashes, stats)
    proven = {rel for rel, sha in hashes.items() if listed.get(rel) == sha}
    if proven:
        # scandir saw each file's type already; a tree read elsewhere is asked again
        owned = {rel for rel in hashes if tree is None or _regular(out / rel)}
        if MANIFEST in names and MANIFEST not in links and _regular(out / MANIFEST):
            owned.add(MANIFEST)
    else:
        manifest, owned = {}, set()
    foreign = sorted(rel for rel in names if rel not in owned)
    return Survey(manifest, owned, foreign, {rel: hashes[rel] for rel in owned if rel in hashes}, {rel: stats[rel] for rel in owned if rel in stats})


def _hash_listed(out: Path, listed: dict[str, Any], vouched: dict[str, list[int]], hashes: dict[str, str], stats: dict[str, list[int]]) -> tuple[set[str], set[str]]:
    """Every file under OUT (derived caches left out) and the symbolic links among them; fills
    `hashes` and `stats` for the listed regular files: a vouched one's hash is the listed one,
    any other is read and hashed (its stat taken before the read)."""
    names: set[str] = set()
    links: set[str] = set()
    stack = [(str(out), "")]
    while stack:
        folder, prefix = stack.pop()
        for e in os.scandir(folder):
            rel = prefix + e.name
            if e.is_symlink():
                names.add(rel)
                links.add(rel)
            elif e.is_dir(follow_symlinks=False):
                if e.name not in DERIVED_DIRS:
                    stack.append((e.path, rel + "/"))
            elif not derived(rel):
                names.add(rel)
                want = listed.get(rel)
                if not isinstance(want, str) or not e.is_file(follow_symlinks=False):
                    continue  # foreign whatever it holds: not read
                st = stat_key(e.stat(follow_symlinks=False))
                if vouched.get(rel) == st:
                    hashes[rel], stats[rel] = want, st
                    continue
                with open(e.path, "rb") as fh:
                    stats[rel] = stat_key(os.fstat(fh.fileno()))
                    hashes[rel] = sha256_bytes(fh.read())
    return names, links


def _regular(p: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(p).st_mode)
    except OSError:
        return False


def refuse_foreign(out: Path, found: Survey) -> None:
    """Stop before anything is removed when OUT holds files specgen did not write."""
    if not found.foreign:
        return
    named = _compact(found.foreign, found.owned)
    shown = ", ".join(named[:_NAMED_AT_MOST]) + (f" and {len(named) - _NAMED_AT_MOST} more" if len(named) > _NAMED_AT_MOST else "")
    what = "files specgen did not write" if found.owned else "files and no proof that specgen wrote any of them (no manifest.json whose hashes match)"
    raise UsageError(
        f"{out} holds {what}: {shown}; refusing to replace it. "
        "Move them out of the folder (specgen owns its output folder whole), or choose an empty or new folder."
    )


def _compact(foreign: list[str], owned: set[str]) -> list[str]:
    """Foreign paths, a folder holding nothing of specgen's named once as `folder/`."""
    owned_dirs = {"/".join(p.split("/")[:i]) for p in owned for i in range(1, p.count("/") + 1)}
    out: list[str] = []
    for rel in foreign:
        parts = rel.split("/")
        top = next((i for i in range(1, len(parts)) if "/".join(parts[:i]) not in owned_dirs), None)
        name = "/".join(parts[:top]) + "/" if top is not None else rel
        if name not in out:
            out.append(name)
    return out
