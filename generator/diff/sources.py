"""Spec arguments as IRs: a path, or `git:REV:path` materialized from git with its folder's
YAML/JSON files (so relative `$ref`s resolve), loaded and normalized (no validation)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Iterator

from ..diagnostics import Diagnostics, UsageError
from ..model import ir


@contextmanager
def open_spec(spec: str, cwd: Path | None = None) -> Iterator[Path]:
    """A spec argument as a file: a path, or `git:REV:path` materialized in a temporary folder
    with every YAML/JSON file of the spec's folder at that revision (so relative $refs resolve)."""
    cwd = cwd or Path.cwd()
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
        raise UsageError(f"{spec}: write git:REV:path, e.g. git:HEAD~1:specs/api.yaml")
    top = _git(["rev-parse", "--show-toplevel"], cwd).decode().strip()
    if rel.startswith(("./", "../")):
        rel = os.path.relpath((cwd / rel).resolve(), Path(top).resolve())
    rel = PurePosixPath(rel.replace(os.sep, "/")).as_posix()
    folder = str(PurePosixPath(rel).parent)
    listing = _git(["ls-tree", "-r", "-z", "--name-only", rev, "--", "." if folder == "." else folder + "/"], Path(top))
    names = [n for n in listing.decode().split("\0") if n]
    if rel not in names:
        raise UsageError(f"{spec}: {rel} does not exist at {rev}")
    wanted = [n for n in names if n == rel or n.lower().endswith((".yaml", ".yml", ".json"))]
    tmp = Path(tempfile.mkdtemp(prefix="specgen-diff-"))
    try:
        blobs = _git(["cat-file", "--batch"], Path(top), "".join(f"{rev}:{n}\n" for n in wanted).encode())
        buf = io.BytesIO(blobs)
        for n in wanted:
            header = buf.readline().decode().split()
            if len(header) < 3 or header[1] != "blob":
                continue
            data = buf.read(int(header[2]))
            buf.read(1)  # the newline after each object
            target = tmp / n
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        yield tmp / rel
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    try:
        res = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, timeout=120)
    except FileNotFoundError:
        raise UsageError("git:REV:path needs git, which is not installed") from None
    if res.returncode != 0:
        msg = res.stderr.decode(errors="replace").strip().splitlines()
        raise UsageError(f"git {' '.join(args[:2])} failed: {msg[-1] if msg else 'exit ' + str(res.returncode)}")
    return res.stdout


def load_api(path: Path, use_cache: bool = True) -> ir.Api:
    """Load and normalize one spec (no validation: it says nothing about change)."""
    from ..spec.load import load
    from ..model.normalize import normalize

    diags = Diagnostics()
    return normalize(load(path, diags, use_cache=use_cache), diags)
