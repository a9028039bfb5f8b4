"""`specgen diff` (built out by issue 6)."""

from __future__ import annotations

import argparse
from typing import Any

from generator.diagnostics import UsageError


def run(args: argparse.Namespace) -> int:
    raise UsageError("specgen diff is not available yet")


def write_reports(project: Any, quiet: bool = False) -> None:
    return None


def check_reports(project: Any) -> dict[str, list[str]]:
    return {}
