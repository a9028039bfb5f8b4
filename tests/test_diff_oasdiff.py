"""`specgen diff` judged by an oracle nobody here wrote: oasdiff's verdicts on its own fixtures.

The fixtures and the expectations come from a local snapshot of the oasdiff repository (see
`oasdiff_verdicts.py` for where it is looked for and how its Go tests are read); nothing of it
is copied into this repository. Without the snapshot these tests skip, saying so.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from oasdiff_verdicts import Case, harvest, snapshot_dir
from support import ROOT

from specgen.diagnostics import SpecError
from specgen.diff import compare, load_api
from specgen.model import ir

SNAPSHOT = snapshot_dir(ROOT)
TABLE = ROOT / "generator" / "diff" / "DISAGREEMENTS.md"
pytestmark = pytest.mark.skipif(
    SNAPSHOT is None,
    reason="no oasdiff snapshot: set SPECGEN_OASDIFF_DIR to a checkout of github.com/oasdiff/oasdiff (checker/ and data/), or put one at ../oasdiff",
)


def specgen_verdict(case: Case, apis: dict[Path, ir.Api]) -> str | None:
    """specgen's worst severity for the pair, on the side of the wire the case's check judges."""
    for p in (case.base, case.revision):
        if p not in apis:
            apis[p] = load_api(p)
    rep = compare(apis[case.base], apis[case.revision])
    sevs = {c.severity for c in rep.changes if case.direction is None or c.direction in (case.direction, "both")}
    return next((s for s in ("breaking", "warning", "info") if s in sevs), None)


@pytest.fixture(scope="module")
def verdicts() -> list[tuple[Case, str | None]]:
    assert SNAPSHOT is not None
    found = harvest(SNAPSHOT)
    apis: dict[Path, ir.Api] = {}
    out = []
    for case in found.cases:
        try:
            out.append((case, specgen_verdict(case, apis)))
        except SpecError as e:  # a fixture specgen refuses: its verdict is "can't tell"
            out.append((case, f"error: {e}"))
    return out


def test_the_snapshot_yields_enough_verdicts_to_judge_by(verdicts: list[tuple[Case, str | None]]) -> None:
    assert len(verdicts) >= 250, f"only {len(verdicts)} oasdiff tests could be read: has the snapshot's layout changed?"
    assert sum(c.breaking for c, _ in verdicts) >= 100 and sum(not c.breaking for c, _ in verdicts) >= 100


def test_specgen_agrees_with_oasdiff_on_at_least_90_percent_of_its_verdicts(verdicts: list[tuple[Case, str | None]]) -> None:
    disagree = [(c, v) for c, v in verdicts if (v == "breaking") != c.breaking]
    agreement = 1 - len(disagree) / len(verdicts)
    shown = "\n".join(f"  {c.test}: oasdiff {'breaking' if c.breaking else 'not breaking'}, specgen {v}" for c, v in disagree)
    assert agreement >= 0.90, f"agreement {agreement:.1%} over {len(verdicts)} verdicts; disagreements:\n{shown}"


def test_every_disagreement_with_oasdiff_is_explained_in_the_table(verdicts: list[tuple[Case, str | None]]) -> None:
    table = TABLE.read_text(encoding="utf-8")
    unexplained = [c.test for c, v in verdicts if (v == "breaking") != c.breaking and f"| {c.test.split(':')[1]} |" not in table]
    assert not unexplained, f"explain these in {TABLE.relative_to(ROOT)}: {unexplained}"


def test_no_fixture_is_refused(verdicts: list[tuple[Case, str | None]]) -> None:
    refused = [(c.test, v) for c, v in verdicts if v is not None and v.startswith("error")]
    assert not refused
