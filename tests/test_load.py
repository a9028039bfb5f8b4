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
