"""Reports rendered: text for a terminal (colored on request), Markdown for a pull-request
comment, JSON for tools; and the rule table (`specgen diff --rules`).

`--format json` prints one object:

    {
      "old": {"label": str, "title": str, "version": str},
      "new": {"label": str, "title": str, "version": str},
      "summary": {"breaking": int, "warning": int, "info": int, "total": int,
                  "client": {"breaking": int, "warning": int, "info": int, "total": int},
                  "semver": "major" | "minor" | "patch" | "none",
                  "hidden": {"ignored": int, "below": int}},   # only after --ignore / --only
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
             "path": str, "message": str, "old": any, "new": any,
             "fingerprint": str}          # 12 hex digits, stable from run to run
          ]
        }
      ],
      "client": [
        {"kind": "method" | "argument" | "model" | "field" | "enum" | "member" | "union",
         "symbol": str, "change": "added" | "removed" | "renamed" | "retyped"
                                  | "now required" | "now optional",
         "old": str | null, "new": str | null, "fingerprint": str,
         "severity": "breaking" | "warning" | "info", "rule": str}
      ]
    }

With `--summary`: {"old", "new", "summary", "rules": [{"rule", "severity", "count"}],
"groups": [{"key", "breaking", "warning", "info"}]}.

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
from .rules import RANK, RULES, SEVERITIES

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
    line = f"{c['breaking']} breaking, {c['warning']} warning, {c['info']} info in {ops} operation{'s' if ops != 1 else ''}"
    cc = rep.client_counts()
    if rep.client:
        line += f"; client: {cc['breaking']} breaking, {cc['warning']} warning, {cc['info']} info"
    return line + f"; semver: {rep.semver()}"


def _hidden_line(rep: Report) -> str | None:
    parts = []
    if rep.hidden.get("ignored"):
        parts.append(f"{rep.hidden['ignored']} accepted in the ignore file")
    if rep.hidden.get("below"):
        parts.append(f"{rep.hidden['below']} below the --only severity")
    return ("Not shown: " + ", ".join(parts) + ".") if parts else None


# a row's place in the order rows are cut to fit (`--max-chars`): least severe first, the
# client section's before the spec's, later groups before earlier ones
Row = tuple[int, int, int]  # (severity rank, 0 client / 1 spec, position)
DEFAULT_MAX_CHARS = 60_000


def render_markdown(rep: Report, title: str | None = None, max_chars: int | None = None, summary: bool = False) -> str:
    """A report ready to paste in a pull-request comment. With `max_chars`, rows are cut to
    fit, least severe first (client info, spec info, client warnings, spec warnings; breaking
    changes last and only when they alone do not fit), and the report says what was cut."""
    if summary:
        return _md_summary(rep, title)
    full = _md(rep, title, frozenset())
    if not max_chars or len(full) <= max_chars:
        return full
    rows = _cut_order(rep)
    lo, hi = 1, len(rows)  # the fewest rows cut that fits: more cut is never longer
    while lo < hi:
        mid = (lo + hi) // 2
        if len(_md(rep, title, frozenset(rows[:mid]), max_chars)) <= max_chars:
            hi = mid
        else:
            lo = mid + 1
    return _md(rep, title, frozenset(rows[:lo]), max_chars)


def _cut_order(rep: Report) -> list[Row]:
    rows: list[Row] = [(RANK[cc.severity], 0, i) for i, cc in enumerate(rep.client)]
    rows += [(RANK[ch.severity], 1, i) for i, ch in enumerate(rep.changes)]
    return sorted(rows, key=lambda r: (-r[0], r[1], -r[2]))


def _md(rep: Report, title: str | None, cut: frozenset[Row], limit: int | None = None) -> str:
    md = _md_code
    c = rep.counts()
    lines = [f"## {_md_text(title) if title else 'API changes'}", ""]
    lines.append(f"{md(rep.old.label)} ({md(rep.old.title + ' ' + rep.old.version)}) → {md(rep.new.label)} ({md(rep.new.title + ' ' + rep.new.version)})")
    lines.append("")
    lines.append(f"**{_summary_line(rep)}**")
    lines.append("")
    cc = rep.client_counts()
    lines.append("| Severity | Changes | Client symbols |")
    lines.append("|---|---:|---:|")
    for s in SEVERITIES:
        lines.append(f"| {_EMOJI[s]} {s} | {c[s]} | {cc[s]} |")
    lines.append("")
    hidden = _hidden_line(rep)
    if hidden:
        lines += [hidden, ""]
    if cut:
        lines += [_cut_note(rep, cut, limit), ""]
    if not rep.groups:
        lines.append("No changes.")
        lines.append("")
    i = 0
    for g in rep.groups:
        shown = [ch for k, ch in enumerate(g.changes, i) if (RANK[ch.severity], 1, k) not in cut]
        i += len(g.changes)
        if not shown:
            continue
        lines.append(f"### {_group_title(g, md)}")
        lines.append("")
        if g.kind == "shared":
            ops = ", ".join(md(x) for x in g.operations[:8])
            more = f" and {len(g.operations) - 8} more" if len(g.operations) > 8 else ""
            lines.append(f"Reached from {ops}{more}.")
            lines.append("")
        if len(shown) < len(g.changes):
            lines.append(f"_{len(g.changes) - len(shown)} of {len(g.changes)} changes cut to fit._")
            lines.append("")
        lines.append("| | Where | Change | Rule |")
        lines.append("|---|---|---|---|")
        for ch in shown:
            where = md(ch.path) if ch.path else "(operation)"
            note = f" ({_md_text(ch.downgraded)})" if ch.downgraded else ""
            lines.append(f"| {_EMOJI[ch.severity]} {ch.severity} | {where} | {ch.message(md)}{note} | {md(ch.rule)} <sub>{ch.fingerprint}</sub> |")
        lines.append("")
    lines.append("## What it does to your client")
    lines.append("")
    client = [x for k, x in enumerate(rep.client) if (RANK[x.severity], 0, k) not in cut]
    if not rep.client:
        lines.append("No generated symbol changes.")
        lines.append("")
    else:
        counts = Counter(x.change for x in rep.client)
        summary = ", ".join(f"{counts[k]} {k}" for k in ("added", "removed", "renamed", "retyped", "now required", "now optional") if counts.get(k))
        big = len(client) > 40
        head = f"{len(rep.client)} generated symbols change ({summary})" + (f"; {len(rep.client) - len(client)} cut to fit" if len(client) < len(rep.client) else "")
        if big:
            lines.append(f"<details><summary>{head}</summary>")
        else:
            lines.append(head + ".")
        lines.append("")
        if client:
            lines.append("| | Kind | Symbol | Change | Before | After |")
            lines.append("|---|---|---|---|---|---|")
            for x in client:
                before = md(x.old) if x.old else ""
                after = md(x.new) if x.new else ""
                lines.append(f"| {_EMOJI[x.severity]} | {x.kind} | {md(x.symbol)} | {x.change} | {before} | {after} |")
            lines.append("")
        if big:
            lines.append("</details>")
            lines.append("")
    lines.append("<sub>Generated by `specgen diff`; `specgen diff --rules` explains each rule; the small code after a rule is the change's fingerprint (for `--ignore`).</sub>")
    return "\n".join(lines) + "\n"


def _cut_note(rep: Report, cut: frozenset[Row], limit: int | None) -> str:
    spec = Counter(SEVERITIES[r[0]] for r in cut if r[1] == 1)
    client = Counter(SEVERITIES[r[0]] for r in cut if r[1] == 0)
    parts = [f"{spec[s]} {s} changes" for s in reversed(SEVERITIES) if spec[s]]
    parts += [f"{client[s]} {s} client symbols" for s in reversed(SEVERITIES) if client[s]]
    size = f" {limit:,} characters" if limit else ""
    return f"> ✂️ Cut to fit{size}, least severe first: {', '.join(parts)} not shown. `specgen diff --format json` (or `--only`, `--summary`) shows them."


def _md_summary(rep: Report, title: str | None) -> str:
    """Counts per rule and per operation, no rows."""
    md = _md_code
    lines = [f"## {_md_text(title) if title else 'API changes'} (summary)", ""]
    lines.append(f"{md(rep.old.label)} → {md(rep.new.label)}")
    lines.append("")
    lines.append(f"**{_summary_line(rep)}**")
    lines.append("")
    hidden = _hidden_line(rep)
    if hidden:
        lines += [hidden, ""]
    by_rule, by_group = summary_counts(rep)
    lines += ["| Rule | Severity | Count |", "|---|---|---:|"]
    lines += [f"| {md(r)} | {_EMOJI[sev]} {sev} | {n} |" for r, sev, n in by_rule]
    lines.append("")
    lines += ["| Where | 🔴 | 🟡 | 🔵 |", "|---|---:|---:|---:|"]
    lines += [f"| {md(key)} | {n['breaking']} | {n['warning']} | {n['info']} |" for key, n in by_group]
    return "\n".join(lines) + "\n"


def summary_counts(rep: Report) -> tuple[list[tuple[str, str, int]], list[tuple[str, dict[str, int]]]]:
    """(rule, severity, count) worst first, and per group (operation, shared component,
    `client`) the count by severity."""
    rules = Counter((ch.rule, ch.severity) for ch in rep.changes) + Counter((cc.rule, cc.severity) for cc in rep.client)
    by_rule = sorted(((r, sev, n) for (r, sev), n in rules.items()), key=lambda x: (RANK[x[1]], -x[2], x[0]))
    groups = [(g.key, Counter(ch.severity for ch in g.changes)) for g in rep.groups]
    if rep.client:
        groups.append(("client", Counter(cc.severity for cc in rep.client)))
    return by_rule, [(key, {s: n.get(s, 0) for s in SEVERITIES}) for key, n in groups]


def _md_text(s: str) -> str:
    """Plain text from config or spec, made inert in Markdown."""
    s = " ".join(s.split())
    return re.sub(r"([\\`*_\[\]<|~])", r"\\\1", s)


def render_text(rep: Report, color: bool = False, summary: bool = False) -> str:
    def paint(s: str, style: str) -> str:
        return f"{style}{s}{_RESET}" if color else s

    def code(s: str) -> str:
        return plain_code(s)

    c = rep.counts()
    lines = [f"specgen diff: {rep.old.label} ({rep.old.title} {rep.old.version}) → {rep.new.label} ({rep.new.title} {rep.new.version})"]
    line = ", ".join(paint(f"{c[s]} {s}", _COLORS[s]) if c[s] else f"{c[s]} {s}" for s in SEVERITIES) + f" in {sum(1 for g in rep.groups if g.kind == 'operation')} operations"
    if rep.client:
        cc = rep.client_counts()
        line += "; client: " + ", ".join(paint(f"{cc[s]} {s}", _COLORS[s]) if cc[s] else f"{cc[s]} {s}" for s in SEVERITIES)
    lines.append(line + f"; semver: {rep.semver()}")
    hidden = _hidden_line(rep)
    if hidden:
        lines.append(hidden)
    if summary:
        by_rule, by_group = summary_counts(rep)
        lines.append("")
        lines += [f"  {n:>6}  {sev:<8}  {r}" for r, sev, n in by_rule]
        lines.append("")
        lines += [f"  {n['breaking']:>4} {n['warning']:>4} {n['info']:>4}  {key}" for key, n in by_group]
        return "\n".join(lines) + "\n"
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
            note = f" ({ch.downgraded})" if ch.downgraded else ""
            lines.append(f"    {sev}  {ch.message(code)}{note}  " + paint(f"[{ch.rule} {ch.fingerprint}]", _DIM))
    if rep.client:
        lines.append("")
        lines.append(paint("What it does to your client", _BOLD))
        for cc_ in rep.client:
            detail = ""
            if cc_.old and cc_.new:
                detail = f": {cc_.old} → {cc_.new}"
            elif cc_.old or cc_.new:
                detail = f": {cc_.old or cc_.new}"
            sev = paint(f"{cc_.severity:<8}", _COLORS[cc_.severity])
            lines.append(f"  {sev} {cc_.kind:<8} {cc_.symbol} {cc_.change}{detail}  " + paint(f"[{cc_.fingerprint}]", _DIM))
    return "\n".join(lines) + "\n"


def render_json(rep: Report, summary: bool = False) -> str:
    data = rep.as_dict()
    if summary:
        by_rule, by_group = summary_counts(rep)
        data = {
            "old": data["old"],
            "new": data["new"],
            "summary": data["summary"],
            "rules": [{"rule": r, "severity": sev, "count": n} for r, sev, n in by_rule],
            "groups": [{"key": key, **n} for key, n in by_group],
        }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


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
