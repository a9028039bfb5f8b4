"""Loading: the chunked YAML loader gives exactly what a whole parse gives, and reuses chunks."""

from __future__ import annotations

import glob
import re
from pathlib import Path

import pytest

from support import CORPUS, ROOT, SEED_SPECS
from specgen.spec import yamlchunks
from specgen.spec.load import _construct


def _parse(text: str) -> object:
    return _construct(text)[0]


_FILES = [str(p) for p in SEED_SPECS.values()] + sorted(glob.glob(str(ROOT / "tests/hostile/*.yaml"))) + sorted(glob.glob(str(CORPUS / "*.yaml")))


@pytest.mark.parametrize("path", _FILES, ids=lambda p: Path(p).name)
def test_chunked_load_equals_a_whole_parse_or_declines(path: str, tmp_path: Path) -> None:
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    try:
        whole: object = _parse(text)
    except Exception:
        whole = None
    try:
        first = yamlchunks.load(text, _parse, tmp_path, "spec")
    except yamlchunks.NotSplittable:
        return  # declining is always allowed: the caller parses the whole text
    assert whole is not None and first == whole
    assert yamlchunks.load(text, _parse, tmp_path, "spec") == whole  # from the chunk cache


def test_an_edit_reparses_only_its_chunk(tmp_path: Path) -> None:
    text = SEED_SPECS["openai-chat-2025"].read_text()
    calls: list[str] = []

    def counting(chunk: str) -> object:
        calls.append(chunk)
        return _parse(chunk)

    yamlchunks.load(text, counting, tmp_path, "spec")
    n = len(calls)
    assert n > 50
    calls.clear()
    edited = text.replace("Number between -2.0 and 2.0", "A number from -2 to 2", 1)
    assert yamlchunks.load(edited, counting, tmp_path, "spec") == _parse(edited)
    assert len(calls) == 1


def test_two_process_parse_equals_a_whole_parse(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Past PARALLEL_MIN a forked child parses the second half of the chunks: same data."""
    monkeypatch.setattr(yamlchunks, "PARALLEL_MIN", 0)
    text = SEED_SPECS["openai-chat-2025"].read_text()
    assert yamlchunks.load(text, _parse, tmp_path, "spec") == _parse(text)


def test_a_chunk_the_child_cannot_parse_declines(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A chunk that fails in the child's half (the last entry, unbalanced flow) is declined, so
    the caller's whole parse reports it with its line; no child is left behind."""
    monkeypatch.setattr(yamlchunks, "PARALLEL_MIN", 0)
    text = SEED_SPECS["openai-chat-2025"].read_text().rstrip("\n") + "\nzz_last: [1, 2\n"
    with pytest.raises(yamlchunks.NotSplittable):
        yamlchunks.load(text, _parse, tmp_path, "spec")
    import multiprocessing

    assert multiprocessing.active_children() == []


@pytest.mark.parametrize(
    "text",
    ["a: &x 1\nb: *x\n", "- 1\n- 2\n", "", "# c\n", "--- \na: 1\n", "a: !tag 1\n", "paths:\n  /x: 1\n  /x: 2\n", "x: 1\n\tb: 2\n"],
)
def test_unsplittable_texts_are_declined(text: str, tmp_path: Path) -> None:
    with pytest.raises(yamlchunks.NotSplittable):
        yamlchunks.load(text, _parse, tmp_path, "spec")


_UNSAFE_PATTERN = re.compile(r"(^[ ]*|:[ ]+|-[ ]+)[&!][^\s=]|^(---|\.\.\.|%)|^[ ]*\t", re.M)
_SNIPPETS = ["a: &x 1\n", "a:\n  - &x 1\n", "&x a: 1\n", "a: !!str 1\n", "a: b&c\n", 'a: "x !y"\n', "a: 1\n---\nb: 2\n", "a:\n\t b: 1\n", "a: 1\n...\n", "%YAML 1.2\na: 1\n", "a: x&\n", "a: !\n", "a: &=\n", "!x\n", "a:  \t&x\n"]


@pytest.mark.parametrize("path", _FILES + [f"snippet:{i}" for i in range(len(_SNIPPETS))])
def test_chunk_safety_scan_finds_what_the_plain_pattern_finds(path: str) -> None:
    """yamlchunks scans for anchors, tags, markers and tabs with str.find (the plain regex took
    seconds on a 3 MB spec); it must flag exactly the texts the plain pattern flags."""
    text = _SNIPPETS[int(path.split(":")[1])] if path.startswith("snippet:") else Path(path).read_text(encoding="utf-8", errors="replace")
    assert yamlchunks._unsafe(text) == (bool(_UNSAFE_PATTERN.search(text)) or "\r" in text)


@pytest.mark.parametrize("path", [str(p) for p in SEED_SPECS.values()] + [pytest.param(p, marks=pytest.mark.corpus) for p in sorted(glob.glob(str(CORPUS / "*.yaml")))], ids=lambda p: Path(p).name)
def test_line_of_a_pointer_from_its_chunk_is_the_line_of_a_whole_compose(path: str) -> None:
    """Diagnostics' lines come from composing only the chunk that holds the pointer: for every
    node of the document (and a missing child of each, which falls back to its parent) that
    gives PyYAML's line for the whole text, or declines (and the whole text is composed)."""
    from specgen.spec.load import _ChunkLines, _line_map

    text = Path(path).read_text(encoding="utf-8")
    whole = _line_map(text)
    chunks = _ChunkLines(text)
    answered = 0
    for tokens, line in whole.items():
        for probe, expected in ((tokens, line), (tokens + ("no-such-key",), line)):
            got = chunks.line_of(probe)
            if got is not None:
                answered += 1
                assert got == expected, (probe, got, expected)
    assert answered or not chunks.spans or not whole  # a splittable document is answered from its chunks


def test_diagnostic_lines_after_a_chunked_load_come_from_the_load_s_own_spans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The chunks load split the text into answer the diagnostics' line numbers later: the text
    is not split again (0.07 s on a 3 MB spec), and the lines are those of a fresh split."""
    from specgen.diagnostics import Diagnostics
    from specgen.spec.load import _line_map, load

    spec = tmp_path / "spec.yaml"
    spec.write_text(SEED_SPECS["openai-chat-2025"].read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr("specgen.spec.load._CHUNKED_MIN", 0)
    docs = load(spec, Diagnostics(), use_cache=False)
    pointers = ["/paths", "/components/schemas", *(f"/components/schemas/{name}" for name in list(docs.main.data["components"]["schemas"])[:5])]

    def split_again(*args: object) -> None:
        raise AssertionError("the text was split again")

    with monkeypatch.context() as m:
        m.setattr(yamlchunks, "spans", split_again)
        got = [docs.main.line_of(pointer) for pointer in pointers]
    whole = _line_map(docs.main.text)  # PyYAML's lines, from a compose of the whole text
    assert got == [whole[tuple(p.strip("/").split("/"))] for p in pointers]


# ---------------------------------------------------------------- where the chunks lie


def _reference_spans(text: str) -> list[tuple[tuple[str, ...], int, int, int]]:
    """Where the chunks lie, read line by line: what `yamlchunks.spans` finds by indentation
    with regular expressions (lines: 0-based, end exclusive; NotSplittable where it declines)."""
    lines = text.split("\n")
    ind = [len(ln) - len(ln.lstrip(" ")) if ln.lstrip(" ") and ln.lstrip(" ")[0] != "#" and not ln.lstrip(" ").isspace() else -1 for ln in lines]

    def entries(start: int, end: int, indent: int) -> list[tuple[int, int]]:
        if any(0 <= ind[i] < indent for i in range(start, end)):
            raise yamlchunks.NotSplittable("indented less than its section")
        at = [i for i in range(start, end) if ind[i] == indent]
        heads = [i for i in at if lines[i][indent] != "-"]
        if not heads or heads[0] != at[0] or any(ind[i] >= 0 for i in range(start, heads[0])):
            raise yamlchunks.NotSplittable("content before the first entry, or no entry")
        return [(h, heads[k + 1] if k + 1 < len(heads) else end) for k, h in enumerate(heads)]

    def child(start: int, end: int) -> int | None:
        return next((ind[i] for i in range(start, end) if ind[i] >= 0), None)

    def key_rest(line: str) -> tuple[str, str]:
        return line.split(":", 1)[0].strip().strip("'\""), (line.split(":", 1)[1].strip() if ":" in line else "")

    if yamlchunks._unsafe(text):
        raise yamlchunks.NotSplittable("unsafe")
    top = entries(0, len(lines), 0)
    if any(n == 0 for i, n in enumerate(ind) if i not in {s for s, _ in top}):
        raise yamlchunks.NotSplittable("a sequence at the top")
    out: list[tuple[tuple[str, ...], int, int, int]] = []
    opened = yamlchunks._OPEN
    for s, e in top:
        key, rest = key_rest(lines[s])
        indent = child(s + 1, e) if (key in ("paths", "webhooks", "components") and not rest) else None
        if indent is None:
            out.append(((), s, e, 0))
            continue
        out.append(((opened,), s, s + 1, 0))
        for cs, ce in entries(s + 1, e, indent):
            ckey, crest = key_rest(lines[cs])
            inner = child(cs + 1, ce) if key == "components" and not crest else None
            if inner is None:
                out.append(((key,), cs, ce, indent))
                continue
            out.append(((key, opened), cs, cs + 1, indent))
            out += [((key, ckey), gs, ge, inner) for gs, ge in entries(cs + 1, ce, inner)]
    return out


_SHAPES = [
    "a: 1\nb: 2\n", "\na: 1\n", "  a: 1\n", "a: 1\n- x\n", "- x\na: 1\n", "paths:\n  /a:\n    get: {}\n  /b: x\n",
    "paths:\n  - /a\n", "# c\npaths:\n # c\n  /a: 1\n\n  /b: 2\n", "components:\n  schemas:\n    A: 1\n    B:\n      x: 1\n  responses: {}\n",
    "components:\n  schemas:\n   - a\n", "components:\n  schemas:\n    - a\n    - b\n", "paths:\n  /a: 1\n /b: 2\n", "x: 1", "paths:", "paths:\n",
    "a: 1\n\x0c\nb: 2", "\n\n\n", "", "components:\n  schemas:\n    A: 1\n  - b\n", "paths:\n    /a: 1\n  /b: 2\n", "paths: {}\nwebhooks:\n  w:\n    post: 1\n",
    "paths:\n  /a:\n  - 1\n  /b: 2\n", "components:\n  schemas: {}\n  x:\n      deep: 1\n", "   \na: 1\n", "a:\n" + " " * 5000 + "b: 1\n",
]


@pytest.mark.parametrize("path", _FILES + sorted(glob.glob(str(CORPUS / "real/**/*.yaml"), recursive=True)) + [f"shape:{i}" for i in range(len(_SHAPES))], ids=lambda p: Path(p).name)
def test_spans_found_by_indentation_are_those_a_line_by_line_reading_finds(path: str) -> None:
    text = _SHAPES[int(path.split(":")[1])] if path.startswith("shape:") else Path(path).read_text(encoding="utf-8", errors="replace")
    lines = text.split("\n")
    try:
        expected: object = _reference_spans(text)
    except yamlchunks.NotSplittable:
        expected = yamlchunks.NotSplittable
    try:
        found: object = yamlchunks.spans(text, lines)
    except yamlchunks.NotSplittable:
        found = yamlchunks.NotSplittable
    assert found == expected


@pytest.mark.parametrize("text", ["paths:\n  - /a\n  - /b\n", "components:\n  schemas:\n    - A\n"])
def test_a_section_that_holds_a_sequence_is_declined_not_emptied(text: str, tmp_path: Path) -> None:
    """A section whose value is a list (invalid OpenAPI, which validation must see as it is)
    sends the caller to a whole parse: cut in chunks, the list was lost."""
    with pytest.raises(yamlchunks.NotSplittable):
        yamlchunks.load(text, _parse, tmp_path, "spec")


def test_an_edit_keeps_its_chunks_beside_the_others_until_they_are_many(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The chunks of a file are kept whole once (the base) and the chunks an edit parsed beside
    them (the delta), so an edit writes a few chunks, not 3 MB; past DELTA_MAX changed chunks the
    base is written anew. Whatever is kept, a load gives what a whole parse gives."""
    monkeypatch.setattr(yamlchunks, "DELTA_MAX", 3)
    text = SEED_SPECS["openai-chat-2025"].read_text()
    calls: list[str] = []

    def counting(chunk: str) -> object:
        calls.append(chunk)
        return _parse(chunk)

    base = yamlchunks._cache_file(tmp_path, "spec")
    delta = base.with_suffix(".delta")
    assert yamlchunks.load(text, counting, tmp_path, "spec") == _parse(text)
    kept = base.read_bytes()
    assert not delta.exists()
    # a description in each of several chunks
    _, spans = yamlchunks.layout(text)
    starts = {text.count("\n", 0, m.start()): m.start() for m in reversed(list(re.finditer(r"description: [A-Z]", text)))}
    descriptions = sorted({next(starts[n] for n in range(s, e) if n in starts) for _, s, e, _ in spans if any(n in starts for n in range(s, e))})
    assert len(descriptions) > 10
    edited = text

    def edit(i: int, mark: str) -> None:
        nonlocal edited, descriptions
        at = descriptions[i] + len("description: ")
        edited = edited[:at] + mark + edited[at:]
        descriptions = [d + len(mark) if d > at else d for d in descriptions]

    for i in range(3):  # three edits of three chunks: kept beside the base
        edit(i, "Edited. ")
        calls.clear()
        assert yamlchunks.load(edited, counting, tmp_path, "spec") == _parse(edited)
        assert len(calls) <= 1 and base.read_bytes() == kept and delta.exists()
    calls.clear()
    assert yamlchunks.load(edited, counting, tmp_path, "spec") == _parse(edited) and calls == []  # all kept
    for i in range(3, 6):  # more changed chunks than DELTA_MAX: the base is written anew
        edit(i, "Again. ")
    assert yamlchunks.load(edited, counting, tmp_path, "spec") == _parse(edited)
    assert base.read_bytes() != kept and not delta.exists()
    calls.clear()
    assert yamlchunks.load(edited, counting, tmp_path, "spec") == _parse(edited) and calls == []
    delta.write_bytes(b"not a pickle")  # a damaged delta only costs its chunks
    assert yamlchunks.load(text, counting, tmp_path, "spec") == _parse(text)
