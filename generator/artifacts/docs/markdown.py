"""Spec text made safe for a Markdown page: one table cell (`cell`), inline code (`code`),
paragraphs (`block`), with HTML neutralized, relative links reduced to their text and the
page's outline kept; and the small formats pages share (slugs, numbers, JSON literals, fences).

Spec text is untrusted: it reaches a page only through `cell`, `block` or `code`.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from ...output.render import to_json

# characters of a description in a table cell; only a hostile spec reaches it (the longest in
# the OpenAI corpus is 1331), and a field's home row (its model page) shows it whole anyway
DESC_LIMIT = 5000
INDEX_LIMIT = 160  # characters of description in index tables

_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_LINK = re.compile(r"(!?)\[([^\]]{0,300})\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"\n]*\")?\s*\)")
_SAFE_URL = re.compile(r"^(https?://|mailto:)", re.I)


def _printable(s: str, keep: str = "") -> str:
    if s.isprintable():
        return s
    out = []
    for c in s:
        if c.isprintable() or c in keep:
            out.append(c)
        else:
            o = ord(c)
            out.append(f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}")
    return "".join(out)


def _delink(text: str) -> str:
    """Spec links to relative URLs (`/docs/guides/x`) cannot resolve in our docs: keep their text.
    Absolute http(s) links stay; anything else (javascript:, data:) becomes text too."""

    def sub(m: re.Match[str]) -> str:
        bang, label, url = m.group(1), m.group(2), m.group(3)
        if not bang and _SAFE_URL.match(url):
            return m.group(0)
        return label

    return _LINK.sub(sub, text)


def _spans(s: str) -> list[tuple[bool, str]]:
    """Split text into (is_code, piece) by CommonMark backtick code spans."""
    out: list[tuple[bool, str]] = []
    n = len(s)
    last = 0
    i = s.find("`")
    while i >= 0:  # str.find jumps between backticks: most of a description has none
        j = i
        while j < n and s[j] == "`":
            j += 1
        run = j - i
        close = -1
        k = s.find("`", j)
        while k >= 0:
            m = k
            while m < n and s[m] == "`":
                m += 1
            if m - k == run:
                close = k
                break
            k = s.find("`", m)
        if close < 0:
            i = s.find("`", j)
            continue
        if i > last:
            out.append((False, s[last:i]))
        out.append((True, s[i : close + run]))
        last = close + run
        i = s.find("`", last)
    if last < n:
        out.append((False, s[last:]))
    return out


def _escape_text(s: str) -> str:
    """Text outside code spans: HTML neutralized, and backticks escaped, since any backtick
    here is unpaired and could otherwise pair with one from a neighbouring fragment."""
    return s.replace("\\", "\\\\").replace("`", "\\`").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell(text: Any, limit: int | None = DESC_LIMIT) -> str:
    """One Markdown table cell from spec text: one line, folded past `limit` (None: never), pipes escaped
    (also inside code spans, as GFM tables require), HTML neutralized outside code spans."""
    return _cell(str(text or ""), limit)


@functools.lru_cache(maxsize=65536)  # a shared schema's descriptions fill a cell on every page that flattens it
def _cell(text: str, limit: int | None) -> str:
    s = _delink(" ".join(_BREAKS.sub(" ", text).split()))
    if limit is not None and len(s) > limit:
        s = s[: limit - 1].rstrip() + "…"
    parts = []
    for is_code, piece in _spans(s):
        parts.append(piece if is_code else _escape_text(piece))
    return _printable("".join(parts).replace("|", "\\|"))


@functools.lru_cache(maxsize=65536)
def _code(s: str) -> str:
    s = " ".join(_BREAKS.sub(" ", s).split()).replace("|", "\\|")
    ticks = max((len(m) for m in re.findall(r"`+", s)), default=0)
    fence = "`" * (ticks + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or not s else ""
    return f"{fence}{pad}{_printable(s)}{pad}{fence}"


def code(text: Any, limit: int = 200) -> str:
    """Inline code from spec text (cells and headings), whatever it holds (as `md_code`)."""
    s = str(text)
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return _code(s)


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_DELIM_ROW = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-*:?\s*)*\|?\s*$")
_BLOCK_START = re.compile(r"^( {0,3})(#{1,6}(\s|$)|>|\[[^\]]*\]:)")


def block(text: Any) -> str:
    """Paragraph text from spec text: HTML neutralized, headings, tables, setext underlines
    and link definitions disarmed (they would change the page's outline and anchors), code
    fences balanced, relative links reduced to their text."""
    lines = _BREAKS.sub("\n", str(text or "").strip()).split("\n")
    lines = _delink_outside_fences(lines)
    out: list[str] = []
    fence: str | None = None
    for line in lines:
        line = line.rstrip()
        m = _FENCE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line[m.end():].strip():
                fence = None
            out.append(_printable(line, keep="\t"))
            continue
        if m:
            fence = m.group(1)
            info = line[m.end():]
            if fence[0] == "`" and "`" in info:
                info = info.replace("`", "")
            out.append(_printable(line[: m.end()] + _escape_text(info), keep="\t"))
            continue
        if _SETEXT.match(line) or (_DELIM_ROW.match(line) and "-" in line and "|" in line):
            line = "\\" + line.lstrip()
        else:
            bm = _BLOCK_START.match(line)
            if bm:
                line = bm.group(1) + "\\" + line[len(bm.group(1)):]
        parts = [p if c else _escape_text(p) for c, p in _spans(line)]
        out.append(_printable("".join(parts), keep="\t"))
    if fence is not None:
        out.append(fence)
    return "\n".join(out)


def _delink_outside_fences(lines: list[str]) -> list[str]:
    """`_delink` over each run of lines outside code fences (a link may span lines)."""
    out: list[str] = []
    run: list[str] = []
    fence: str | None = None

    def flush() -> None:
        if run:
            out.extend(_delink("\n".join(run)).split("\n"))
            run.clear()

    for line in lines:
        m = _FENCE.match(line)
        if fence is None and m:
            flush()
            fence = m.group(1)
            out.append(line)
        elif fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line[m.end():].strip():
                fence = None
            out.append(line)
        else:
            run.append(line)
    flush()
    return out


def first_sentence(text: str, limit: int = INDEX_LIMIT) -> str:
    """The first sentence (or line) of a description, for index tables."""
    s = " ".join(_BREAKS.sub(" ", str(text or "")).split())
    m = re.search(r"(?<=[.!?])\s", s)
    if m and m.start() <= limit:
        s = s[: m.start()]
    return s


def fence_for(text: str) -> str:
    """A code fence longer than any backtick run in the text."""
    runs = [len(r) for r in re.findall(r"`+", text)]
    return "`" * max(3, max(runs, default=0) + 1)


def slug(text: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def num(x: Any) -> str:
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return str(x)


def literal(v: Any) -> str:
    """A JSON value as inline code, for types and defaults."""
    try:
        s = to_json(v, indent=None)
    except (TypeError, ValueError):
        s = str(v)
    return code(s, limit=80)


def comment_safe(text: str) -> str:
    """Spec text on one line, for a comment in an example's Python code."""
    return " ".join(_BREAKS.sub(" ", str(text)).split())
