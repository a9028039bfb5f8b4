"""The generator itself passes mypy --strict (pyproject's [tool.mypy])."""

from __future__ import annotations

import subprocess
import sys

import pytest

from support import ROOT


@pytest.mark.slow  # a whole mypy run; make test-quick leaves it out
def test_generator_package_passes_mypy_strict() -> None:
    res = subprocess.run([sys.executable, "-m", "mypy", "--strict", "generator"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout[-4000:]
