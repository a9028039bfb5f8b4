"""pytest fixtures shared by specgen's own tests (helpers live in support.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test shares one throwaway cache, never the user's."""
    cache = tmp_path_factory.getbasetemp() / "specgen-cache"
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(cache))
