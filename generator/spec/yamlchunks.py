"""Incremental YAML loading for big specs: a one-field edit re-parses one schema, not 3 MB.

The text of a block-style OpenAPI document is split at its top-level keys, and inside
`paths`, `webhooks` and each `components` section at every entry. Each entry is parsed on its
own and the results are kept per file (keyed by the entry's text), so the next load of an
edited file parses only the entries whose text changed. Anything this cannot split with
certainty (anchors, aliases, tags, directives, flow style at the top, tabs, a chunk that does
not parse, a key repeated across chunks) makes the caller fall back to a full parse.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
from pathlib import Path
from typing import Any, Callable

from ..children import stop

# anchors and tags where a value starts (an alias needs an anchor; one that crosses chunks
# fails to parse and so falls back): each `&` or `!` is found with str.find, and its line
# checked where one could start a value; then directives, document markers, tab indentation
_MARK_AFTER = re.compile(r"(?:^[ ]*|:[ ]+|-[ ]+)$", re.M)
_LINE_UNSAFE = re.compile(r"\n(?:---|\.\.\.|%)|\n[ ]*\t")
_OPEN = "\0open"  # `where` marker: this chunk is a section header whose entries follow
_SPLIT_INSIDE = {"paths", "webhooks"}
_FORMAT = "specgen-yaml-chunks-1"
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


def _indents(lines: list[str]) -> list[int]:
    """Each line's indentation in spaces, or -1 for a blank or comment line (read once)."""
    return [len(ln) - len(body) if (body := ln.lstrip(" ")) and body[0] != "#" and not body.isspace() else -1 for ln in lines]


def _entries(lines: list[str], ind: list[int], start: int, end: int, indent: int) -> list[tuple[int, int]]:
    """[start, end) line ranges of the mapping entries at `indent` between start and end."""
    heads = []
    for i in range(start, end):
        n = ind[i]
        if n == indent:
            if lines[i][indent] != "-":
                heads.append(i)
        elif 0 <= n < indent:
            raise NotSplittable(f"line {i + 1} is indented less than its section")
    if not heads:
        return []
    if any(ind[j] >= 0 for j in range(start, heads[0])):
        raise NotSplittable("content before the first entry")
    return [(h, heads[k + 1] if k + 1 < len(heads) else end) for k, h in enumerate(heads)]


def _child_indent(ind: list[int], start: int, end: int) -> int | None:
    for i in range(start, end):
        if ind[i] >= 0:
            return ind[i]
    return None


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
    ind = _indents(lines)
    out: list[_Span] = []
    top = _entries(lines, ind, 0, len(lines), 0)
    heads = {s for s, _ in top}
    if not top or any(n == 0 and i not in heads for i, n in enumerate(ind)):
        raise NotSplittable("the document is not a block mapping")
    for s, e in top:
        key = lines[s].split(":", 1)[0].strip().strip("'\"")
        rest = lines[s].split(":", 1)[1].strip() if ":" in lines[s] else ""
        nested = key in _SPLIT_INSIDE or key == "components"
        if not nested or rest:
            out.append(((), s, e, 0))
            continue
        indent = _child_indent(ind, s + 1, e)
        if indent is None:
            out.append(((), s, e, 0))
            continue
        out.append(((_OPEN,), s, s + 1, 0))  # the section key itself; its entries follow
        for cs, ce in _entries(lines, ind, s + 1, e, indent):
            if key == "components":
                ckey = lines[cs].split(":", 1)[0].strip().strip("'\"")
                crest = lines[cs].split(":", 1)[1].strip() if ":" in lines[cs] else ""
                inner = _child_indent(ind, cs + 1, ce)
                if crest or inner is None:
                    out.append(((key,), cs, ce, indent))
                    continue
                out.append(((key, _OPEN), cs, cs + 1, indent))
                for gs, ge in _entries(lines, ind, cs + 1, ce, inner):
                    out.append(((key, ckey), gs, ge, inner))
            else:
                out.append(((key,), cs, ce, indent))
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


def load(text: str, parse: Callable[[str], Any], cache_dir: Path, name: str, meanwhile: Callable[[], None] | None = None, later: list[Callable[[], None]] | None = None) -> Any:
    """Parse `text` chunk by chunk, reusing the chunks parsed last time for `name` (`meanwhile`:
    see `parse_all`; `later`: given, the cache write is appended to it instead of done). Raises
    NotSplittable when the caller should parse the whole text itself."""
    chunks = split(text)
    previous: dict[str, Any] = {}
    cache_file = _cache_file(cache_dir, name)
    try:
        with cache_file.open("rb") as fh:
            fmt, previous = pickle.load(fh)
        if fmt != _FORMAT:
            previous = {}
    except (OSError, pickle.PickleError, EOFError, ValueError, TypeError):
        previous = {}
    root: dict[str, Any] = {}
    now: dict[str, Any] = {}
    keys = [hashlib.sha256(chunk.encode()).hexdigest() for _, chunk in chunks]
    todo = {k: chunk for k, (_, chunk) in zip(keys, chunks) if k not in previous}
    parsed = dict(zip(todo, parse_all(list(todo.values()), parse, meanwhile)))
    for (where, chunk), key in zip(chunks, keys):
        value = previous[key] if key in previous else parsed[key]
        if key not in previous and (not isinstance(value, dict) or len(value) != 1):
            raise NotSplittable("a chunk is not one mapping entry")
        now[key] = value
        (k, v), = value.items()
        opens = bool(where) and where[-1] == _OPEN
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

    def keep() -> None:
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache_file.with_suffix(f".tmp{os.getpid()}")
            with tmp.open("wb") as fh:
                pickle.dump((_FORMAT, now), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, cache_file)
        except OSError:
            pass

    if later is not None:
        later.append(keep)
    else:
        keep()
    return root
