"""Format: black (default), ruff or nothing, only for Python files whose rendered text changed.

A formatted result is cached by a hash of the unformatted text (and the formatter's
version); the cache is also seeded from the existing output tree through its manifest, so a
fresh clone of a repo with committed output skips every unchanged file.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Literal

from generator.diagnostics import SpecError, Diagnostic
from generator.load import cache_dir

Formatter = Literal["black", "ruff", "none"]
_PARALLEL_MIN = 24  # below this many files a process pool costs more than it saves


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def formatter_id(formatter: Formatter) -> str:
    """Name and version: part of every cache key, so upgrading a formatter reformats."""
    if formatter == "black":
        import black

        return f"black-{black.__version__}"
    if formatter == "ruff":
        return f"ruff-{_ruff_version()}"
    return "none"


def _ruff_bin() -> str:
    try:
        from ruff.__main__ import find_ruff_bin

        return str(find_ruff_bin())
    except Exception:
        found = shutil.which("ruff")
        if found is None:
            raise SpecError([Diagnostic("error", "no-formatter", "ruff is not installed", "pip install ruff, or use --formatter black")]) from None
        return found


_ruff_ver: str | None = None


def _ruff_version() -> str:
    global _ruff_ver
    if _ruff_ver is None:
        _ruff_ver = subprocess.run([_ruff_bin(), "--version"], capture_output=True, text=True, check=False).stdout.strip().replace(" ", "-")
    return _ruff_ver


def _black_one(item: tuple[str, str]) -> tuple[str, str, str | None]:
    import black

    path, text = item
    try:
        return path, black.format_str(text, mode=black.Mode()), None
    except Exception as e:  # black.InvalidInput and friends: a generator bug, reported by path
        return path, text, f"{type(e).__name__}: {str(e)[:300]}"


def _black_many(items: list[tuple[str, str]], workers: int) -> list[tuple[str, str, str | None]]:
    if len(items) < _PARALLEL_MIN or workers < 2:
        return [_black_one(i) for i in items]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_black_one, items, chunksize=max(1, len(items) // (workers * 4))))


def _ruff_many(items: list[tuple[str, str]]) -> list[tuple[str, str, str | None]]:
    with tempfile.TemporaryDirectory(prefix="specgen-ruff-") as tmp:
        paths = []
        for i, (_, text) in enumerate(items):
            p = Path(tmp) / f"f{i}.py"
            p.write_text(text, encoding="utf-8")
            paths.append(p)
        proc = subprocess.run(
            [_ruff_bin(), "format", "--isolated", "--no-cache", "--quiet", tmp],
            capture_output=True,
            text=True,
            check=False,
        )
        out = []
        for (path, text), p in zip(items, paths):
            err = None if proc.returncode == 0 else (proc.stderr.strip().splitlines() or ["ruff failed"])[-1]
            out.append((path, p.read_text(encoding="utf-8"), err))
        return out


class FormatCache:
    """sha256(formatter id + unformatted text) -> formatted text, in memory and on disk."""

    def __init__(self, formatter: Formatter, use_disk: bool = True):
        self.formatter = formatter
        self.fid = formatter_id(formatter)
        self.dir = cache_dir() / "format" if use_disk else None
        self.memory: dict[str, str] = {}

    def key(self, text: str) -> str:
        return hashlib.sha256((self.fid + "\0" + text).encode("utf-8")).hexdigest()

    def get(self, text: str) -> str | None:
        k = self.key(text)
        if k in self.memory:
            return self.memory[k]
        if self.dir is not None:
            try:
                return (self.dir / k[:2] / k).read_text(encoding="utf-8")
            except OSError:
                return None
        return None

    def put(self, text: str, formatted: str) -> None:
        k = self.key(text)
        self.memory[k] = formatted
        if self.dir is not None:
            try:
                d = self.dir / k[:2]
                d.mkdir(parents=True, exist_ok=True)
                tmp = d / f"{k}.tmp{os.getpid()}"
                tmp.write_text(formatted, encoding="utf-8")
                os.replace(tmp, d / k)
            except OSError:
                pass


def format_files(
    files: dict[str, str],
    formatter: Formatter,
    cache: FormatCache | None = None,
    seed: Callable[[str, str], str | None] | None = None,
    workers: int | None = None,
) -> tuple[dict[str, str], dict[str, str], int]:
    """Format the .py files among `files`.

    Returns (formatted files, {path: sha256 of the unformatted text}, count actually formatted).
    `seed(path, source_sha)` may return the formatted text already on disk for that source."""
    out = dict(files)
    sources = {p: sha256_text(t) for p, t in files.items() if p.endswith(".py")}
    if formatter == "none":
        return out, sources, 0
    cache = cache or FormatCache(formatter)
    todo: list[tuple[str, str]] = []
    for path, src_sha in sources.items():
        text = files[path]
        hit = seed(path, src_sha) if seed is not None else None
        if hit is None:
            hit = cache.get(text)
        if hit is not None:
            out[path] = hit
        else:
            todo.append((path, text))
    if todo:
        workers = workers or os.cpu_count() or 1
        results = _black_many(todo, workers) if formatter == "black" else _ruff_many(todo)
        failures = [(p, err) for p, _, err in results if err]
        if failures:
            raise SpecError(
                [
                    Diagnostic(
                        "error",
                        "internal-format-error",
                        f"specgen produced Python that {formatter} cannot parse in {p}: {err}",
                        "this is a specgen bug; please report it with the spec (or run with --formatter none to inspect the output)",
                    )
                    for p, err in failures[:5]
                ]
            )
        by_path = {p: t for p, t in todo}
        for path, formatted, _ in results:
            out[path] = formatted
            cache.put(by_path[path], formatted)
    return out, sources, len(todo)
