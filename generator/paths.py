"""Where specgen keeps its own files: the cache folder and the templates folder.

Light on purpose (no third-party imports): `specgen check`'s fast path needs both and must not
pay for the YAML parser or Jinja to find them.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """Where parsed documents, stamps and formatted text are cached: $SPECGEN_CACHE_DIR, else ~/.cache/specgen."""
    env = os.environ.get("SPECGEN_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "specgen"


def keep(path: Path, data: bytes) -> bool:
    """Write a cache file whole or not at all (a temporary file beside it, then a rename); False
    when it cannot be written (a read-only cache only costs the next run its speed)."""
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        return False
    return True


def templates_dir() -> Path:
    """templates/ at the repository root (editable installs), or the copy inside a wheel."""
    package = Path(__file__).resolve().parent
    for cand in (package / "_templates", package.parent / "templates"):
        if cand.is_dir():
            return cand
    raise FileNotFoundError("specgen's templates folder is missing from this installation")
