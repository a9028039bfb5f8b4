"""The committed generated/ tree is exactly what the specs produce now."""

from __future__ import annotations

from support import ROOT, run_specgen


def test_committed_generated_tree_is_current() -> None:
    res = run_specgen("check")
    assert res.returncode == 0, f"generated/ is stale; run `make regenerate`:\n{res.stdout}\n{res.stderr}"
