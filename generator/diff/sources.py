"""Spec arguments as IRs: a path, or `git:REV:path` materialized from git with its folder's
YAML/JSON files (so relative `$ref`s resolve), loaded and normalized (no validation).

A revision is data from someone else: its tree entries are written only as plain files inside
a fresh temporary folder, never through or as a symbolic link that leaves it, and never under
an absolute name or one with `..`. Every git failure is one specgen line."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Iterator

from ..children import on_interrupt, process_group
from ..diagnostics import Diagnostics, UsageError
from ..model import ir
from ..spec.sources import refuse_url

_SPEC_SUFFIXES = (".yaml", ".yml", ".json")


@contextmanager
def open_spec(spec: str, cwd: Path | None = None) -> Iterator[Path]:
    """A spec argument as a file: a path, or `git:REV:path` materialized in a temporary folder
    with every YAML/JSON file of the spec's folder at that revision (so relative $refs resolve).
    Paths in `git:REV:path` are taken as git takes them: `./` and `../` from `cwd`, anything
    else from the repository's top."""
    cwd = cwd or Path.cwd()
    refuse_url(spec)
    if not spec.startswith("git:"):
        p = Path(spec)
        p = p if p.is_absolute() else cwd / p
        if not p.exists():
            raise UsageError(f"{spec}: no such file")
        if p.is_dir():
            raise UsageError(f"{spec} is a folder; give the path of a spec file")
        yield p
        return
    rev, sep, rel = spec[4:].partition(":")
    if not sep or not rev or not rel:
        raise UsageError(f"{spec}: write git:REV:path, e.g. git:HEAD~1:specs/api.yaml or git:HEAD~1:./api.yaml")
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd, spec, "is not inside a git repository; run specgen from the repository's folder").decode().strip())
    _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], top, spec, f"{rev!r} names no commit in this repository")
    rel = _repo_path(rel, cwd, top, spec)
    folder = str(PurePosixPath(rel).parent)
    entries = _tree(rev, "." if folder == "." else folder + "/", top, spec)
    if rel not in entries:
        raise UsageError(f"{spec}: {rel} does not exist at {rev}")
    wanted = {n: entries[n] for n in entries if n == rel or n.lower().endswith(_SPEC_SUFFIXES)}
    tmp = Path(tempfile.mkdtemp(prefix="specgen-diff-"))
    try:
        with on_interrupt(lambda: shutil.rmtree(tmp, ignore_errors=True)):
            _materialize(rev, wanted, top, tmp, spec)
            yield tmp / rel
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _repo_path(rel: str, cwd: Path, top: Path, spec: str) -> str:
    """`path` of git:REV:path relative to the repository's top, as git reads it."""
    rel = rel.replace(os.sep, "/")
    if rel.startswith(("./", "../")) or rel in (".", ".."):
        joined = os.path.normpath(os.path.join(os.path.realpath(cwd), rel))
        real_top = os.path.realpath(top)
        if joined != real_top and not joined.startswith(real_top + os.sep):
            raise UsageError(f"{spec}: {rel} is outside the repository at {top}")
        rel = os.path.relpath(joined, real_top).replace(os.sep, "/")
    if PurePosixPath(rel).is_absolute() or ".." in PurePosixPath(rel).parts:
        raise UsageError(f"{spec}: give the path inside the repository (relative to its top, or starting with ./)")
    return PurePosixPath(rel).as_posix()


def _tree(rev: str, prefix: str, top: Path, spec: str) -> dict[str, tuple[str, str]]:
    """{path: (mode, object)} of the blobs under `prefix` at `rev`."""
    listing = _git(["ls-tree", "-r", "-z", "--full-tree", rev, "--", prefix], top, spec, f"cannot list {prefix} at {rev}")
    entries: dict[str, tuple[str, str]] = {}
    for record in listing.decode("utf-8", "surrogateescape").split("\0"):
        if not record:
            continue
        meta, _, name = record.partition("\t")
        mode, kind, obj = (meta.split() + ["", "", ""])[:3]
        if kind == "blob":
            entries[name] = (mode, obj)
    return entries


def _safe_entry(name: str, spec: str) -> PurePosixPath:
    p = PurePosixPath(name)
    if p.is_absolute() or not p.parts or any(part in ("", ".", "..") for part in p.parts) or "\\" in name or "\0" in name:
        raise UsageError(f"{spec}: the revision holds an entry named {name!r}, which would land outside its folder; refusing to read it")
    return p


def _materialize(rev: str, wanted: dict[str, tuple[str, str]], top: Path, tmp: Path, spec: str) -> None:
    """Write the wanted blobs under `tmp`: regular files first, then the symbolic links whose
    target stays inside `tmp`; nothing is ever written through a link."""
    names = sorted(wanted)
    for n in names:
        _safe_entry(n, spec)
    blobs = _git(["cat-file", "--batch"], top, spec, "cannot read the files", "".join(f"{wanted[n][1]}\n" for n in names).encode())
    buf = io.BytesIO(blobs)
    links: list[tuple[str, bytes]] = []
    real_tmp = os.path.realpath(tmp)
    for n in names:
        header = buf.readline().decode().split()
        if len(header) < 3 or header[1] != "blob":
            raise UsageError(f"{spec}: git could not read {n} at {rev}")
        data = buf.read(int(header[2]))
        buf.read(1)  # the newline after each object
        if wanted[n][0] == "120000":
            links.append((n, data))
            continue
        _write_inside(tmp, real_tmp, n, data, spec)
    for n, target in links:
        dest = os.path.normpath(os.path.join(real_tmp, os.path.dirname(n), os.fsdecode(target)))
        if os.path.isabs(os.fsdecode(target)) or not dest.startswith(real_tmp + os.sep):
            raise UsageError(f"{spec}: {n} at {rev} is a symbolic link to {os.fsdecode(target)!r}, outside the spec's folder; refusing to follow it")
        link = tmp / n
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(os.fsdecode(target), link)


def _write_inside(tmp: Path, real_tmp: str, name: str, data: bytes, spec: str) -> None:
    target = tmp / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if not os.path.realpath(target.parent).startswith(real_tmp):
        raise UsageError(f"{spec}: {name} would be written outside the temporary folder; refusing")
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _git(args: list[str], cwd: Path, spec: str, what: str, stdin: bytes | None = None) -> bytes:
    """Run git; a failure is one line naming the spec argument and what went wrong."""
    try:
        res = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, timeout=120, process_group=process_group())
    except FileNotFoundError:
        raise UsageError(f"{spec}: git:REV:path needs git, which is not installed") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"{spec}: git did not answer within 120 s") from None
    if res.returncode != 0:
        lines = [ln.strip() for ln in res.stderr.decode(errors="replace").splitlines() if ln.strip()]
        said = f" (git: {lines[-1].removeprefix('fatal: ').removeprefix('error: ')})" if lines else ""
        raise UsageError(f"{spec}: {what}{said}")
    return res.stdout


def load_api(path: Path, use_cache: bool = True) -> ir.Api:
    """Load and normalize one spec (no validation: it says nothing about change)."""
    from ..spec.load import load
    from ..model.normalize import normalize

    diags = Diagnostics()
    return normalize(load(path, diags, use_cache=use_cache), diags)
