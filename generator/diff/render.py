"""Reports rendered: text for a terminal (colored on request), Markdown for a pull-request
comment, JSON for tools; and the rule table (`specgen diff --rules`).

`--format json` prints one object:

    {
      "old": {"label": str, "title": str, "version": str},
      "new": {"label": str, "title": str, "version": str},
      "summary": {"breaking": int, "warning": int, "info": int, "total": int},
      "groups": [
        {
          "kind": "api" | "operation" | "shared",
          "key": str,                 # "api", "POST /chat/completions", "model Error"
          "method": str | null,       # operation groups
          "path": str | null,         # operation groups
          "call": str | null,         # operation groups: client.chat.completions.create
          "operations": [str],        # shared groups: the client calls that reach it
          "changes": [
            {"rule": str, "severity": "breaking" | "warning" | "info",
             "direction": "request" | "response" | "both",
             "path": str, "message": str, "old": any, "new": any}
          ]
        }
      ],
      "client": [
        {"kind": "method" | "argument" | "model" | "field" | "enum" | "member" | "union",
         "symbol": str, "change": "added" | "removed" | "renamed" | "retyped"
                                  | "now required" | "now optional",
         "old": str | null, "new": str | null}
      ]
    }

`specgen diff --rules --format json` prints the rule table as
`[{"id", "severity", "direction", "description"}]`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Callable

from .changes import plain_code
from .report import Group, Report
from .rules import RULES, SEVERITIES

_EMOJI = {"breaking": "🔴", "warning": "🟡", "info": "🔵"}
_COLORS = {"breaking": "\x1b[1;31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def _md_code(s: str) -> str:
    """A Markdown code span safe inside a table cell, whatever the spec put in `s`."""
    s = s.replace("|", "\\|")
    longest = max((len(m) for m in re.findall(r"`+", s)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or not s.strip() else ""
    return f"{fence}{pad}{s}{pad}{fence}"



def _group_title(g: Group, code: Callable[[str], str]) -> str:
    if g.kind == "api":
        return "The API as a whole"
    if g.kind == "operation":
        return f"{code(g.key)} · {code(g.call or '')}"
    kind, _, name = g.key.partition(" ")
    n = len(g.operations)
    return f"Shared {kind} {code(name)} (used by {n} operations)"


def _summary_line(rep: Report) -> str:
    c = rep.counts()
    ops = sum(1 for g in rep.groups if g.kind == "operation")
    return f"{c['breaking']} breaking, {c['warning']} warning, {c['info']} info in {ops} operation{'s' if ops != 1 else ''}"


def render_markdown(rep: Report, title: str | None = None) -> str:
    """A report ready to paste in a pull-request comment."""
    md = _md_code
    c = rep.counts()
    lines = [f"## {_md_text(title) if title else 'API changes'}", ""]
    lines.append(f"{md(rep.old.label)} ({md(rep.old.title + ' ' + rep.old.version)}) → {md(rep.new.label)} ({md(rep.new.title + ' ' + rep.new.version)})")
    lines.append("")
    lines.append(f"**{_summary_line(rep)}**")
    lines.append("")
    lines.append("| Severity | Changes |")
    lines.append("|---|---:|")
    for s in SEVERITIES:
        lines.append(f"| {_EMOJI[s]} {s} | {c[s]} |")
    lines.append("")
    if not rep.groups:
        lines.append("No changes.")
        lines.append("")
    for g in rep.groups:
        lines.append(f"### {_group_title(g, md)}")
        lines.append("")
        if g.kind == "shared":
            shown = ", ".join(md(x) for x in g.operations[:8])
            more = f" and {len(g.operations) - 8} more" if len(g.operations) > 8 else ""
            lines.append(f"Reached from {shown}{more}.")
            lines.append("")
        lines.append("| | Where | Change | Rule |")
        lines.append("|---|---|---|---|")
        for ch in g.changes:
            where = md(ch.path) if ch.path else "(operation)"
            lines.append(f"| {_EMOJI[ch.severity]} {ch.severity} | {where} | {ch.message(md)} | {md(ch.rule)} |")
        lines.append("")
    lines.append("## What it does to your client")
    lines.append("")
    if not rep.client:
        lines.append("No generated symbol changes.")
        lines.append("")
    else:
        counts = Counter(cc.change for cc in rep.client)
        summary = ", ".join(f"{counts[k]} {k}" for k in ("added", "removed", "renamed", "retyped", "now required", "now optional") if counts.get(k))
        big = len(rep.client) > 40
        if big:
            lines.append(f"<details><summary>{len(rep.client)} generated symbols change ({summary})</summary>")
            lines.append("")
        else:
            lines.append(f"{len(rep.client)} generated symbols change ({summary}).")
            lines.append("")
        lines.append("| Kind | Symbol | Change | Before | After |")
        lines.append("|---|---|---|---|---|")
        for cc in rep.client:
            before = md(cc.old) if cc.old else ""
            after = md(cc.new) if cc.new else ""
            lines.append(f"| {cc.kind} | {md(cc.symbol)} | {cc.change} | {before} | {after} |")
        lines.append("")
        if big:
            lines.append("</details>")
            lines.append("")
    lines.append("<sub>Generated by `specgen diff`; `specgen diff --rules` explains each rule.</sub>")
    return "\n".join(lines) + "\n"


def _md_text(s: str) -> str:
    """Plain text from config or spec, made inert in Markdown."""
    s = " ".join(s.split())
    return re.sub(r"([\\`*_\[\]<|~])", r"\\\1", s)


def render_text(rep: Report, color: bool = False) -> str:
    def paint(s: str, style: str) -> str:
        return f"{style}{s}{_RESET}" if color else s

    def code(s: str) -> str:
        return plain_code(s)

    c = rep.counts()
    lines = [f"specgen diff: {rep.old.label} ({rep.old.title} {rep.old.version}) → {rep.new.label} ({rep.new.title} {rep.new.version})"]
    lines.append(", ".join(paint(f"{c[s]} {s}", _COLORS[s]) if c[s] else f"{c[s]} {s}" for s in SEVERITIES) + f" in {sum(1 for g in rep.groups if g.kind == 'operation')} operations")
    for g in rep.groups:
        lines.append("")
        title = _group_title(g, lambda s: s)
        lines.append(paint(title, _BOLD))
        if g.kind == "shared":
            lines.append(paint("  reached from " + ", ".join(g.operations[:8]) + (f" and {len(g.operations) - 8} more" if len(g.operations) > 8 else ""), _DIM))
        last = None
        for ch in g.changes:
            if ch.path != last:
                lines.append(f"  {ch.path or '(operation)'}")
                last = ch.path
            sev = paint(f"{ch.severity:<8}", _COLORS[ch.severity])
            lines.append(f"    {sev}  {ch.message(code)}  " + paint(f"[{ch.rule}]", _DIM))
    if rep.client:
        lines.append("")
        lines.append(paint("What it does to your client", _BOLD))
        for cc in rep.client:
            detail = ""
            if cc.old and cc.new:
                detail = f": {cc.old} → {cc.new}"
            elif cc.old or cc.new:
                detail = f": {cc.old or cc.new}"
            lines.append(f"  {cc.kind:<8} {cc.symbol} {cc.change}{detail}")
    return "\n".join(lines) + "\n"


def render_json(rep: Report) -> str:
    return json.dumps(rep.as_dict(), indent=2, ensure_ascii=False) + "\n"


def render_rules(fmt: str) -> str:
    if fmt == "json":
        return json.dumps([vars(r) for r in RULES], indent=2) + "\n"
    if fmt == "markdown":
        lines = ["| Rule | Severity | Direction | Description |", "|---|---|---|---|"]
        lines += [f"| `{r.id}` | {r.severity} | {r.direction} | {r.description} |" for r in RULES]
        return "\n".join(lines) + "\n"
    width = max(len(r.id) for r in RULES)
    lines = [f"{r.id:<{width}}  {r.severity:<8}  {r.direction:<8}  {r.description}" for r in RULES]
    lines.append(f"{len(RULES)} rules")
    return "\n".join(lines) + "\n"
