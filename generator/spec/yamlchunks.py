"""Incremental YAML loading for big specs: a one-field edit re-parses one schema, not 3 MB.

The text of a block-style OpenAPI document is split at its top-level keys, and inside
`paths`, `webhooks` and each `components` section at every entry. Each entry is parsed on its
own and the results are kept per file (keyed by the entry's text), so the next load of an
edited file parses only the entries whose text changed. Anything this cannot split with
certainty (anchors, aliases, tags, directives, flow style at the top, tabs, a chunk that does
not parse, a key repeated across chunks) makes the caller fall back to a full parse.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import hashlib
import os
import pickle
import re
from pathlib import Path
from typing import Any, Callable, Iterator

from ..children import stop
from ..paths import keep
from .bounds import Facts, facts, within

# anchors and tags where a value starts (an alias needs an anchor; one that crosses chunks
# fails to parse and so falls back): each `&` or `!` is found with str.find, and its line
# checked where one could start a value; then directives, document markers, tab indentation
_MARK_AFTER = re.compile(r"(?:^[ ]*|:[ ]+|-[ ]+)$", re.M)
_LINE_UNSAFE = re.compile(r"\n(?:---|\.\.\.|%)|\n[ ]*\t")
_OPEN = "\0open"  # `where` marker: this chunk is a section header whose entries follow
_SPLIT_INSIDE = {"paths", "webhooks"}
_FORMAT = "specgen-yaml-chunks-2"  # 2: each chunk with its bounds.Facts, keyed by its lines as they stand
PARALLEL_MIN = 1 << 20  # characters to parse at which a second process pays for its fork


class NotSplittable(Exception):
    """The text is not a plain block mapping this module can split safely."""


def _unsafe(text: str) -> bool:
    """Whether the text has anchors, aliases, tags, directives, document markers or tabs
    where indentation is, or CR line ends: anything `split` cannot cut with certainty."""
    if "\r" in text or _LINE_UNSAFE.search("\n" + text):
        return True
    for mark in "&!":
        i = text.find(mark)
        while i >= 0:
            follows = text[i + 1 : i + 2]
            if follows and not follows.isspace() and follows != "=" and (i == 0 or text[i - 1] in " \n"):
                if _MARK_AFTER.search(text, text.rfind("\n", 0, i) + 1, i):
                    return True
            i = text.find(mark, i + 1)
    return False


class _Lines:
    """The significant lines of a text (not blank, not only a comment: after the indentation,
    a character other than `#` and not only whitespace), found by indentation with a regular
    expression over a range of the text rather than line by line in Python (a 3 MB spec has
    87,000 lines; the entries of its sections are 1,600), each with its 0-based line number."""

    def __init__(self, text: str):
        self.text = text
        self._at = (0, 0)  # (offset, its line): lines are counted from the last one asked about

    def line(self, offset: int) -> int:
        at, n = self._at
        n = n + self.text.count("\n", at, offset) if offset >= at else self.text.count("\n", 0, offset)
        self._at = (offset, n)
        return n

    def start(self, line_end: int) -> int:
        """The offset of the line after the one ending at `line_end` (a newline's offset, or -1)."""
        return len(self.text) if line_end < 0 else line_end + 1

    def find(self, begin: int, end: int, lo: int, hi: int | None = None) -> Iterator[tuple[int, int]]:
        """(offset, indentation) of each significant line starting in [begin, end) (`begin` a
        line's start) whose indentation is between lo and hi spaces (hi None: any)."""
        text = self.text
        pattern = _indented(lo, hi)
        # a match is the newline before a line and the line's indentation (a pattern that starts
        # with a newline is searched for as fast as newlines are); the first line has none before it
        first = pattern.match("\n" + text[: text.find("\n") % (len(text) + 1)]) if begin == 0 and end > 0 else None
        lines = itertools.chain(
            ((0, m.end() - 1) for m in [first] if m is not None),
            ((m.start() + 1, m.end()) for m in pattern.finditer(text, max(begin - 1, 0), end)),
        )
        for start, body_at in lines:
            eol = text.find("\n", body_at)
            body = text[body_at : eol if eol >= 0 else len(text)]
            if body[0] != "#" and not body.isspace():
                yield start, body_at - start


@functools.lru_cache(maxsize=64)
def _indented(lo: int, hi: int | None) -> re.Pattern[str]:
    # a newline, lo to hi spaces, then neither a space nor a newline
    return re.compile(rf"\n {{{lo},{'' if hi is None else hi}}}(?=[^ \n])")


def _entries(lines: _Lines, begin: int, end: int, indent: int) -> list[tuple[int, int]]:
    """[start, end) offsets of the mapping entries at `indent` in text[begin:end] (whose first
    significant line is at `indent`), each from its key's line to the next one's."""
    at = list(lines.find(begin, end, min(indent, 1), indent))
    if any(n < indent for _, n in at):
        raise NotSplittable("a line is indented less than its section")
    heads = [o for o, _ in at if lines.text[o + indent] != "-"]
    if not heads or heads[0] != at[0][0]:
        raise NotSplittable("content before the first entry, or no entry at all")
    return [(h, heads[k + 1] if k + 1 < len(heads) else end) for k, h in enumerate(heads)]


def _child_indent(lines: _Lines, begin: int, end: int) -> int | None:
    first = next(lines.find(begin, end, 1), None)
    return None if first is None else first[1]


_Span = tuple[tuple[str, ...], int, int, int]


def split(text: str) -> list[tuple[tuple[str, ...], str]]:
    """[(path of the mapping the entry belongs to, entry text dedented)] in document order."""
    lines, found = layout(text)
    return [(where, _dedent(lines[s:e], indent)) for where, s, e, indent in found]


@functools.lru_cache(maxsize=1)
def layout(text: str) -> tuple[list[str], list[_Span]]:
    """The text's lines and its `spans`, kept for the last text asked about: load splits a spec
    into chunks, and the line numbers of its diagnostics, asked for once the run ends, come
    from the same spans (working them out again cost 0.07 s on a 3 MB spec). Read only."""
    lines = text.split("\n")
    return lines, spans(text, lines)


def spans(text: str, lines: list[str]) -> list[_Span]:
    """[(path of the mapping the entry belongs to, first line, end line, indent)] in document
    order: where each chunk of `split` lies in the text (`lines`: its lines; 0-based, end
    exclusive). Callers ask `layout`, which keeps the answer for the last text."""
    if _unsafe(text):
        raise NotSplittable("anchors, aliases, tags, directives, tabs or CR line ends")
    scan = _Lines(text)
    first = next(scan.find(0, len(text), 0), None)
    if first is None or first[1] != 0:
        raise NotSplittable("the document is not a block mapping")
    top = _entries(scan, 0, len(text), 0)
    if len(top) != sum(1 for _ in scan.find(0, len(text), 0, 0)):
        raise NotSplittable("the document is not a block mapping")  # a sequence item at the top
    out: list[_Span] = []

    def span(where: tuple[str, ...], begin: int, end: int, indent: int) -> None:
        out.append((where, scan.line(begin), scan.line(end) if end < len(text) else len(lines), indent))

    for begin, end in top:
        s = scan.line(begin)
        key = lines[s].split(":", 1)[0].strip().strip("'\"")
        rest = lines[s].split(":", 1)[1].strip() if ":" in lines[s] else ""
        nested = key in _SPLIT_INSIDE or key == "components"
        inside = scan.start(text.find("\n", begin, end))
        indent = _child_indent(scan, inside, end) if nested and not rest else None
        if indent is None:
            span((), begin, end, 0)
            continue
        span((_OPEN,), begin, inside, 0)  # the section key itself; its entries follow
        for cbegin, cend in _entries(scan, inside, end, indent):
            if key != "components":
                span((key,), cbegin, cend, indent)
                continue
            cs = scan.line(cbegin)
            ckey = lines[cs].split(":", 1)[0].strip().strip("'\"")
            crest = lines[cs].split(":", 1)[1].strip() if ":" in lines[cs] else ""
            cinside = scan.start(text.find("\n", cbegin, cend))
            inner = _child_indent(scan, cinside, cend) if not crest else None
            if inner is None:
                span((key,), cbegin, cend, indent)
                continue
            span((key, _OPEN), cbegin, cinside, indent)
            for gbegin, gend in _entries(scan, cinside, cend, inner):
                span((key, ckey), gbegin, gend, inner)
    return out


def entry_text(lines: list[str], start: int, end: int, indent: int) -> str:
    """The text of one span of `spans`, as `split` gives it."""
    return _dedent(lines[start:end], indent)


def is_open(where: tuple[str, ...]) -> bool:
    """Whether a span is a section's own key line (its entries are spans of their own)."""
    return bool(where) and where[-1] == _OPEN


def _dedent(lines: list[str], indent: int) -> str:
    # every chunk ends with a newline, as it does inside the whole text (block scalars keep it)
    return "\n".join(ln[indent:] if ln[:indent].strip() == "" else ln for ln in lines) + "\n"


def parse_all(texts: list[str], parse: Callable[[str], Any], meanwhile: Callable[[], None] | None = None) -> list[Any]:
    """Each text parsed, in order; past PARALLEL_MIN characters a forked child parses from the
    last text backwards while this process parses from the first, until they meet (a cold 3 MB
    spec: about half the time, however the cost per text and the load of each core differ).
    Then `meanwhile` runs here first (work the run needs later, that no text depends on): the
    child parses more texts, so it costs this process about half its time.
    A text that does not parse raises NotSplittable, as does anything odd about the child (the
    caller then parses the whole text itself, which reports problems with their lines)."""
    total = sum(len(t) for t in texts)
    if total < PARALLEL_MIN or (os.cpu_count() or 1) < 2 or not hasattr(os, "fork"):
        return _parse_each(texts, parse)
    import multiprocessing

    mp = multiprocessing.get_context("fork")
    # [texts claimed from the front, first text claimed from the back]: each side publishes its
    # claim before it reads the other's, so a text may be parsed twice, never skipped (no lock
    # that a killed child could leave held)
    ends = mp.RawArray("q", [0, len(texts)])
    mine, theirs = mp.Pipe(duplex=False)
    proc = mp.Process(target=_parse_child, args=(texts, parse, ends, theirs), daemon=True)
    proc.start()
    theirs.close()
    try:
        if meanwhile is not None:
            _meanwhile(meanwhile)
        head: list[Any] = []
        while (i := len(head)) < ends[1]:
            ends[0] = i + 1
            head.append(_parse_one(texts[i], parse))
        try:
            ok, tail = mine.recv()
        except (EOFError, OSError):
            ok, tail = False, "the parsing child ended early"
        proc.join()
    finally:
        # an error or ^C here: the child must not outlive it
        stop(proc)
        mine.close()
    if not ok:
        raise NotSplittable(tail)
    rest = [tail.get(j, _MISSING) for j in range(len(head), len(texts))]
    if any(v is _MISSING for v in rest):
        raise NotSplittable("a text was parsed by neither process")  # cannot happen: see `ends`
    return head + rest


_MISSING = object()


def _meanwhile(work: Callable[[], None]) -> None:
    try:
        work()
    except Exception:
        pass  # only a head start: the run does it again where it needs it, and reports there


def _parse_one(text: str, parse: Callable[[str], Any]) -> Any:
    try:
        return parse(text)
    except Exception as e:  # the full parse reports it with the right line
        raise NotSplittable(str(e)) from None


def _parse_each(texts: list[str], parse: Callable[[str], Any]) -> list[Any]:
    return [_parse_one(text, parse) for text in texts]


def _parse_child(texts: list[str], parse: Callable[[str], Any], ends: Any, conn: Any) -> None:
    try:
        done: dict[int, Any] = {}
        try:
            while (j := ends[1] - 1) >= ends[0]:
                ends[1] = j
                done[j] = _parse_one(texts[j], parse)
            conn.send((True, done))
        except NotSplittable as e:
            conn.send((False, str(e)))
    except BaseException:
        pass  # the parent sees the pipe close and falls back
    finally:
        conn.close()


def _cache_file(cache_dir: Path, name: str) -> Path:
    return cache_dir / "parsed-chunks" / (hashlib.sha256(name.encode()).hexdigest() + ".pickle")


def _read_chunks(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            fmt, chunks = pickle.load(fh)
    except (OSError, pickle.PickleError, EOFError, ValueError, TypeError):
        return {}
    return chunks if fmt == _FORMAT and isinstance(chunks, dict) else {}


def _write_chunks(path: Path, chunks: dict[str, Any]) -> None:
    keep(path, pickle.dumps((_FORMAT, chunks), protocol=pickle.HIGHEST_PROTOCOL))


# the chunks kept per file: a base (every chunk of one load) and the chunks parsed since, kept
# apart while they are few, so that an edit writes its own chunks (rewriting the base: 0.03 s for
# a 3 MB spec); the base is written anew once DELTA_MAX chunks, or a tenth of it, are out of date
DELTA_MAX = 64


def load(text: str, parse: Callable[[str], Any], cache_dir: Path, name: str, meanwhile: Callable[[], None] | None = None, later: list[Callable[[], None]] | None = None) -> Any:
    """Parse `text` chunk by chunk, reusing the chunks parsed last time for `name` (`meanwhile`:
    see `parse_all`; `later`: given, the cache write is appended to it instead of done). Raises
    NotSplittable when the caller should parse the whole text itself."""
    return load_within(text, parse, cache_dir, name, meanwhile, later)[0]


def _parsed(parse: Callable[[str], Any]) -> Callable[[str], tuple[Any, Facts | None]]:
    def both(text: str) -> tuple[Any, Facts | None]:
        value = parse(text)
        return value, facts(value)

    return both


def load_within(text: str, parse: Callable[[str], Any], cache_dir: Path, name: str, meanwhile: Callable[[], None] | None = None, later: list[Callable[[], None]] | None = None) -> tuple[Any, bool]:
    """`load`, and whether the budgets of spec/bounds.py are proved kept from the facts of each
    chunk, worked out where it is parsed and kept with it (`bounds.within`): a one-field edit
    then walks one chunk, not the document (0.04 s on a 3 MB spec). False: walk it whole."""
    lines, found = layout(text)
    previous: dict[str, Any] = {}
    cache_file = _cache_file(cache_dir, name)
    delta_file = cache_file.with_suffix(".delta")
    base = _read_chunks(cache_file)
    previous = {**base, **_read_chunks(delta_file)} if base else {}
    root: dict[str, Any] = {}
    now: dict[str, Any] = {}
    # a chunk is known by its lines as they stand (and their indentation): only those parsed now are dedented
    keys = [hashlib.sha256(b"%d\n%s" % (indent, "\n".join(lines[start:end]).encode())).hexdigest() for _, start, end, indent in found]
    todo = {k: entry_text(lines, start, end, indent) for k, (_, start, end, indent) in zip(keys, found) if k not in previous}
    parsed = dict(zip(todo, parse_all(list(todo.values()), _parsed(parse), meanwhile)))
    parts: list[tuple[int, Facts]] | None = []
    for (where, *_), key in zip(found, keys):
        value, shape = previous[key] if key in previous else parsed[key]
        if key not in previous and (not isinstance(value, dict) or len(value) != 1):
            raise NotSplittable("a chunk is not one mapping entry")
        now[key] = (value, shape)
        (k, v), = value.items()
        opens = bool(where) and where[-1] == _OPEN
        if parts is not None and shape is not None and not opens:
            # the entry's value lies below the root and the sections `where` names; its facts
            # are the chunk's less the one-entry mapping around it
            size, height, refs = shape
            parts.append((len(where), (size - 1, height - 1, refs)))
        elif parts is not None and opens:
            parts.append((len(where) - 1, (1, 1, ())))  # the section's own mapping, filled by the chunks after it
        else:
            parts = None
        target: Any = root
        for part in where[:-1] if opens else where:
            target = target.get(part)
            if not isinstance(target, dict):
                raise NotSplittable("a section is not a mapping")
        if k in target:
            raise NotSplittable("a key is repeated")  # the full parse warns about it
        if opens:
            if v is not None:
                raise NotSplittable("a section header holds a value")
            v = {}
        target[k] = v

    def kept() -> None:
        newer = {k: v for k, v in now.items() if k not in base}
        if newer.keys() == previous.keys() - base.keys():
            return  # every chunk was kept already
        if base and len(newer) <= DELTA_MAX and len(base.keys() - now.keys()) <= max(DELTA_MAX, len(base) // 10):
            _write_chunks(delta_file, newer)
        else:
            _write_chunks(cache_file, now)
            with contextlib.suppress(OSError):
                delta_file.unlink()

    if later is not None:
        later.append(kept)
    else:
        kept()
    return root, parts is not None and within(root, parts)
