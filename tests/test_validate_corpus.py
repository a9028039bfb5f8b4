"""The fast validation engine agrees with the reference on every spec of ../shared/corpus
(real/ included), the seeds and the hostile specs: finding for finding and in the same order,
or it leaves the spec to the reference for a stated reason (or because the reference stops
early too). The reference takes ~15 s on the 3 MB OpenAI spec, hence the `corpus` marker."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import CORPUS, ROOT, SEED_SPECS
from specgen.diagnostics import Diagnostics, SpecError
from specgen.spec import engines
from specgen.spec.load import load
from specgen.spec.validate import _Finder

_SUFFIXES = (".yaml", ".yml", ".json")
CORPUS_SPECS = sorted(p for p in CORPUS.rglob("*") if p.suffix in _SUFFIXES) if CORPUS.is_dir() else []
OWN_SPECS = sorted(SEED_SPECS.values()) + sorted(p for p in (ROOT / "tests" / "hostile").iterdir() if p.suffix in _SUFFIXES and p.name != "expected.yaml")


def _id(p: Path) -> str:
    return p.relative_to(CORPUS).as_posix() if p.is_relative_to(CORPUS) else p.relative_to(ROOT).as_posix()


# specs on which the reference's order of findings follows set iteration order, and a hash seed
# under which it has given the fast engine's order: tried first, in a child, instead of this
# process's run and the probe of seeds before it (~15 s each on the 3 MB spec). Only an order
# to try: the findings are still compared, and any other seed is still probed if it does not give them.
_SEED_FIRST = {"openai-2026-08-21.yaml": 3}


def _verdicts(spec: Path) -> tuple[list[engines.Finding] | None, list[engines.Finding], str | None]:
    """(fast findings or None, reference findings, why the fast engine declines); the reference's
    in a child under `_SEED_FIRST`'s seed where the spec has one, else in this process."""
    try:
        docs = load(spec, Diagnostics(), use_cache=False)
    except SpecError:
        pytest.skip(f"{spec.name} does not load; validation never sees it")
    data = docs.main.data
    locate = _Finder(data).find  # pointers found as validate.py finds them, for both engines
    seed = _SEED_FIRST.get(spec.name)
    reference = _reference_in_child(spec, seed) if seed is not None else engines.reference(data, docs, locate)
    return engines.fast(data, docs, locate), reference, engines.declines(data, docs)


_REFERENCE_IN_CHILD = """
import json, sys
from pathlib import Path
from specgen.diagnostics import Diagnostics
from specgen.spec import engines
from specgen.spec.load import load
from specgen.spec.validate import _Finder
docs = load(Path(sys.argv[1]), Diagnostics(), use_cache=False)
print(json.dumps(engines.reference(docs.main.data, docs, _Finder(docs.main.data).find)))
"""


def _reference_answers(spec: Path, wanted: list[engines.Finding], first: list[engines.Finding]) -> list[list[engines.Finding]]:
    """The reference's answers: `first` (from `_verdicts`, unlike `wanted`), then its findings under
    fixed hash seeds until one gives `wanted`: on a few specs it reports one of several errors,
    picked by set iteration order (tests/hostile/unknown-type.yaml). Each run of the reference on
    the 3 MB spec costs ~15 s, so no more are made than that takes."""
    out = [first]
    for seed in range(8):
        if wanted in out:
            break
        if seed != _SEED_FIRST.get(spec.name):  # that one gave `first`
            out.append(_reference_in_child(spec, seed))
    return out


def _reference_in_child(spec: Path, seed: int) -> list[engines.Finding]:
    """The reference's findings in a child Python under a fixed hash seed."""
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    run = subprocess.run([sys.executable, "-c", _REFERENCE_IN_CHILD, str(spec)], env=env, capture_output=True, text=True, timeout=300, check=True)
    return list(json.loads(run.stdout))


def _agrees(spec: Path) -> None:
    fast, reference, declined = _verdicts(spec)
    if fast is None:
        stopped = bool(reference) and reference[-1]["pointer"] is None and reference[-1]["message"].startswith(("the validator stopped early", "the validator gave up"))
        assert declined is not None or stopped, "the fast engine declined a spec the reference validates to the end"
        return
    if fast != reference:
        answers = _reference_answers(spec, fast, reference)
        assert len({json.dumps(a) for a in answers}) > 1, "the reference answers the same every time, and differently"
        assert fast in answers


@pytest.mark.corpus
@pytest.mark.parametrize("spec", CORPUS_SPECS, ids=_id)
def test_fast_engine_agrees_with_the_reference_on_the_corpus(spec: Path) -> None:
    _agrees(spec)


@pytest.mark.parametrize("spec", OWN_SPECS, ids=_id)
def test_fast_engine_agrees_with_the_reference_on_our_specs(spec: Path) -> None:
    _agrees(spec)


def test_fast_engine_decides_almost_every_corpus_spec() -> None:
    if not CORPUS_SPECS:
        pytest.skip(f"{CORPUS} is absent (it is only beside developer and CI checkouts)")
    declined = []
    for spec in CORPUS_SPECS:
        docs = load(spec, Diagnostics())
        if engines.fast(docs.main.data, docs) is None:
            declined.append(_id(spec))
    # today: the two readme examples that give an idn-hostname default
    assert len(declined) <= 3, declined
