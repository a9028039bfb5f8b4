"""`specgen mock` (built out by issue 5)."""

from __future__ import annotations

import argparse

from generator.diagnostics import UsageError


def run(args: argparse.Namespace) -> int:
    raise UsageError("specgen mock is not available yet")
