"""The `specgen diff` command: OLD and NEW diffed and printed in the chosen format, the exit
code from `--fail-on`; and the committed reports (generated/diffs/<name>.md) written and
checked."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from pathlib import Path
from typing import Any

from ..diagnostics import UsageError
from ..output.write import compare_trees
from .render import DEFAULT_MAX_CHARS, render_json, render_markdown, render_rules, render_text
from .report import Report, compare
from .rules import RANK, RULE_MAP
from .sources import load_api, open_spec


def diff_specs(old: str, new: str, cwd: Path | None = None, today: dt.date | None = None) -> Report:
    """Diff two spec arguments (files or git:REV:path), labelled as given."""
    with open_spec(old, cwd) as op, open_spec(new, cwd) as np_:
        return compare(load_api(op), load_api(np_), old, new, today)


def read_ignore(path: Path) -> frozenset[str]:
    """An ignore file: one accepted change per line, a fingerprint (12 hex digits) or
    `RULE PATH`; blank lines and `#` comments skipped. A line that is neither is a usage error
    naming it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"{path}: can't read the ignore file ({e.__class__.__name__}: {e})") from None
    out = set()
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        if re.fullmatch(r"[0-9a-f]{12}", line):
            out.add(line)
            continue
        rule, _, where = line.partition(" ")
        if rule not in RULE_MAP:
            raise UsageError(f"{path}:{n}: {rule!r} is neither a fingerprint nor a rule; write a fingerprint (from the report) or `RULE PATH` (`specgen diff --rules` lists the rules)")
        out.add(f"{rule} {where.strip()}")
    return frozenset(out)


def _today(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--today {text!r}: write a date as YYYY-MM-DD") from None


def run(args: argparse.Namespace) -> int:
    """`specgen diff`: print the report; exit 1 when --fail-on finds that severity or worse."""
    fmt = getattr(args, "format", "text") or "text"
    if getattr(args, "rules", False):
        sys.stdout.write(render_rules(fmt))
        return 0
    if not args.old or not args.new:
        raise UsageError("diff needs OLD and NEW (spec files or git:REV:path); `specgen diff --rules` lists the rules")
    max_chars = getattr(args, "max_chars", None)
    if max_chars is not None and max_chars < 0:
        raise UsageError("--max-chars takes a number of characters (0: no limit)")
    ignore = read_ignore(args.ignore) if getattr(args, "ignore", None) else frozenset()
    today = _today(getattr(args, "today", None))
    rep = diff_specs(args.old, args.new, today=today)
    only = getattr(args, "only", None)
    if only or ignore:
        rep = rep.filtered(only, ignore)
    summary = bool(getattr(args, "summary", False))
    if fmt == "json":
        out = render_json(rep, summary=summary)
    elif fmt == "markdown":
        out = render_markdown(rep, max_chars=DEFAULT_MAX_CHARS if max_chars is None else max_chars, summary=summary)
    else:
        mode = getattr(args, "color", "auto") or "auto"
        color = mode == "always" or (mode == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb")
        out = render_text(rep, color=color, summary=summary)
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
        files[f"{name}.md"] = render_markdown(rep, title, max_chars=DEFAULT_MAX_CHARS)
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
