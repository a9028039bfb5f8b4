"""The cold parse's two shortcuts give what PyYAML's constructor gives: chunks of plain tags are
built straight from libyaml's nodes (`load._construct_clean`), and two processes parse the
chunks from either end until they meet (`yamlchunks.parse_all`)."""

from __future__ import annotations

import math
import multiprocessing
from pathlib import Path
from typing import Any

import pytest

from support import CORPUS, SEED_SPECS
from specgen.spec import yamlchunks
from specgen.spec.load import _construct, _construct_clean


def _same(a: Any, b: Any) -> bool:
    """Equal with the same types all the way down (1, 1.0 and True are == in Python)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return [(type(k), k) for k in a] == [(type(k), k) for k in b] and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _constructor(text: str) -> tuple[str, Any]:
    """What the constructor makes of a chunk, as `_construct_clean` must answer: the data, or
    the duplicate keys that send the caller to a whole parse, or the error's type."""
    try:
        data, dups = _construct(text)
    except Exception as e:
        return "error", type(e).__name__
    return ("duplicates", None) if dups else ("data", data)


def _builder(text: str) -> tuple[str, Any]:
    try:
        return "data", _construct_clean(text)
    except ValueError as e:
        if "duplicate" in str(e):
            return "duplicates", None
        return "error", type(e).__name__
    except Exception as e:
        return "error", type(e).__name__


_TRICKY = [
    "a: 1\nb: 0x1F\nc: 0o17\nd: 1_000\ne: -.inf\nf: .NaN\ng: 1:20\nh: 1.5e3\ni: +12\n",
    "a: yes\nb: no\nc: on\nd: True\ne: FALSE\nf: ~\ng: null\nh:\ni: ''\nj: '1'\n",
    "base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n",
    "a:\n  <<: {x: 1}\n  y: 2\n",
    "=: 1\nb: 2\n",
    "a: =\n",
    "1: a\n'1': b\n",
    "true: a\n1: b\n",
    "a: 1\na: 2\n",
    "a:\n  b: 1\n  b: 1\n",
    "? [a, b]\n: c\n",
    "a: !!binary aGVsbG8=\n",
    "a: !!set {x, y}\n",
    "a: 2001-12-14t21:59:43.10-05:00\nb: 2002-12-14\n",
    "a: !!str 1\nb: !!int '2'\nc: !!float '3'\n",
    "a: !custom x\n",
    "a: [1, [2, [3, {b: c}]]]\n",
    "a: " + "[" * 1500 + "]" * 1500 + "\n",
    "- 1\n- two\n",
    "plain\n",
    "",
    "a: |\n  text\n  more\nb: >-\n  folded\n  text\n",
    "~: x\nnull: y\n",
    "a: &x 1\nb: *x\n",
    "a: [1, 2\n",
]


@pytest.mark.parametrize("text", _TRICKY, ids=range(len(_TRICKY)))
def test_a_chunk_is_built_as_the_constructor_builds_it(text: str) -> None:
    want, got = _constructor(text), _builder(text)
    assert want[0] == got[0]
    assert _same(want[1], got[1]) if want[0] == "data" else want[1] == got[1]


def test_an_alias_stays_one_shared_object() -> None:
    """The budgets (bounds.py) count an alias as a container reached twice: building it twice
    would hide an alias bomb and expand it in memory."""
    data = _construct_clean("a: &x {k: [1]}\nb: *x\nc: &y [1]\nd: *y\n")
    assert data["a"] is data["b"] and data["c"] is data["d"]


@pytest.mark.parametrize("path", [*SEED_SPECS.values(), CORPUS / "openai-2026-08-21.yaml"], ids=lambda p: Path(p).name)
def test_every_chunk_of_a_real_spec_is_built_as_the_constructor_builds_it(path: Path) -> None:
    if not path.is_file():
        pytest.skip(f"{path} is absent (../shared/corpus is not here)")
    chunks = yamlchunks.split(path.read_text())
    assert len(chunks) > 10
    for _, text in chunks:
        want, got = _constructor(text), _builder(text)
        assert want[0] == got[0] == "data" and _same(want[1], got[1]), text[:80]


def test_two_processes_meeting_in_the_middle_parse_every_text_once_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of very different costs: wherever the two ends meet, each text's value is in
    its place, and no child is left."""
    monkeypatch.setattr(yamlchunks, "PARALLEL_MIN", 0)
    texts = [f"k{i}: " + ("[" + ", ".join(str(j) for j in range(i * 4)) + "]" if i % 7 == 0 else f"v{i}") + "\n" for i in range(400)]
    want = [_construct_clean(t) for t in texts]
    for _ in range(3):
        assert yamlchunks.parse_all(texts, _construct_clean) == want
    assert multiprocessing.active_children() == []


def test_a_text_that_fails_at_either_end_declines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlchunks, "PARALLEL_MIN", 0)
    good = [f"k{i}: v\n" for i in range(300)]
    for bad in (["a: [1\n"] + good, good + ["a: [1\n"]):
        with pytest.raises(yamlchunks.NotSplittable):
            yamlchunks.parse_all(bad, _construct_clean)
    assert multiprocessing.active_children() == []


def test_work_given_to_do_meanwhile_runs_here_and_cannot_spoil_the_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    """load's `meanwhile` (the pipeline imports the fixtures' format checker there) runs in this
    process while the child parses; if it fails, the parse goes on all the same."""
    monkeypatch.setattr(yamlchunks, "PARALLEL_MIN", 0)
    texts = [f"k{i}: v{i}\n" for i in range(300)]
    want = [_construct_clean(t) for t in texts]
    ran: list[int] = []

    def work() -> None:
        import os

        ran.append(os.getpid())
        raise RuntimeError("a head start that fails")

    assert yamlchunks.parse_all(texts, _construct_clean, work) == want
    import os

    assert ran == [os.getpid()]
