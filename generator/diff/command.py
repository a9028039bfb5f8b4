"""The `specgen diff` command: OLD and NEW diffed and printed in the chosen format, the exit
code from `--fail-on`; and the committed reports (generated/diffs/<name>.md) written and
checked."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from ..diagnostics import UsageError
from ..output.write import compare_trees
from .render import render_json, render_markdown, render_rules, render_text
from .report import Report, compare
from .rules import RANK
from .sources import load_api, open_spec


def diff_specs(old: str, new: str, cwd: Path | None = None) -> Report:
    """Diff two spec arguments (files or git:REV:path), labelled as given."""
    with open_spec(old, cwd) as op, open_spec(new, cwd) as np_:
        return compare(load_api(op), load_api(np_), old, new)


def run(args: argparse.Namespace) -> int:
    """`specgen diff`: print the report; exit 1 when --fail-on finds that severity or worse."""
    fmt = getattr(args, "format", "text") or "text"
    if getattr(args, "rules", False):
        sys.stdout.write(render_rules(fmt))
        return 0
    if not args.old or not args.new:
        raise UsageError("diff needs OLD and NEW (spec files or git:REV:path); `specgen diff --rules` lists the rules")
    rep = diff_specs(args.old, args.new)
    if fmt == "json":
        out = render_json(rep)
    elif fmt == "markdown":
        out = render_markdown(rep)
    else:
        mode = getattr(args, "color", "auto") or "auto"
        color = mode == "always" or (mode == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb")
        out = render_text(rep, color=color)
    sys.stdout.write(out)
    fail_on = getattr(args, "fail_on", None)
    if fail_on:
        worst = rep.worst()
        if worst is not None and RANK[worst] <= RANK[fail_on]:
            return 1
    return 0


# ------------------------------------------------------------------------------ committed reports

_REPORTS = "diffs"


def _expected_reports(project: Any) -> dict[str, str]:
    files: dict[str, str] = {}
    for name, old, new, title in project.diffs:
        rep = diff_specs(old, new, cwd=project.root)
        files[f"{name}.md"] = render_markdown(rep, title)
    return files


def write_reports(project: Any, quiet: bool = False) -> None:
    """Write generated/diffs/<name>.md for every configured diff, each atomically; drop
    reports that are no longer configured."""
    out = Path(project.output_dir) / _REPORTS
    files = _expected_reports(project)
    out.mkdir(parents=True, exist_ok=True)
    for fname, text in sorted(files.items()):
        target = out / fname
        data = text.encode("utf-8")
        if target.is_file() and target.read_bytes() == data:
            continue
        tmp = out / f".{fname}.tmp{os.getpid()}"
        tmp.write_bytes(data)
        os.replace(tmp, target)
    for extra in sorted(out.glob("*.md")):
        if extra.name not in files:
            extra.unlink()
    if not quiet:
        print(f"specgen: diffs: {len(files)} report(s) in {out.relative_to(project.root) if out.is_relative_to(project.root) else out}")


def check_reports(project: Any) -> dict[str, list[str]]:
    """{"generated/diffs": [problem lines]}: stale, missing or extra reports ([] when current)."""
    out = Path(project.output_dir) / _REPORTS
    key = out.relative_to(project.root).as_posix() if out.is_relative_to(project.root) else str(out)
    expected = _expected_reports(project)
    actual = {p.name: p.read_bytes() for p in sorted(out.glob("*.md"))} if out.is_dir() else {}
    problems = compare_trees({name: text.encode("utf-8") for name, text in expected.items()}, actual)
    return {key: problems}
