"""Fixture validity and coverage on every spec of ../shared/corpus (issue 15 items 2-3).

Validity is judged by tests/fixture_oracle.py (openapi-schema-validator with format checks, 3.0
or 3.1 semantics per spec, over the raw documents): valid fixtures that pass and invalid ones
that fail at their stated pointer, per kind (request per media type, response, stream event,
invalid per media type). Coverage is the fixture report's summary: enum values and union variants
reachable vs covered, per spec and in total. Usage: `.venv/bin/python bench/fixture_counts.py
[--json OUT]`; the floors are asserted in tests (test_fixtures.py), these are the numbers.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fixture_oracle import check_all  # noqa: E402

from specgen.artifacts import fixtures  # noqa: E402
from specgen.diagnostics import Diagnostics  # noqa: E402
from specgen.model.normalize import normalize  # noqa: E402
from specgen.spec.load import load  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_specs() -> list[Path]:
    """Every spec of the shared corpus: the OpenAI ones, then real/ (the readme suites file by file)."""
    real = CORPUS / "real"
    return sorted(CORPUS.glob("*.yaml")) + sorted(p for p in real.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))


def measure(spec: Path) -> dict[str, object]:
    """One spec's verdict by kind and its coverage summary."""
    diags = Diagnostics()
    docs = load(spec, diags, use_cache=False)
    api = normalize(docs, diags)
    verdict = check_all(api, docs)
    summary = fixtures.fixture_report(api)["summary"]
    return {
        "spec": str(spec.relative_to(CORPUS)),
        "openapi": api.openapi,
        "by_kind": verdict.by_kind,
        "problems": verdict.problems,
        "skipped": summary["skipped"],
        "enum_values": summary["enum_values"],
        "variants": summary["variants"],
    }


def pct(covered: int, reachable: int) -> str:
    return f"{100 * covered / reachable:.1f}%" if reachable else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, help="write every number here as JSON")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"{CORPUS} is absent: nothing to measure")
        return 0
    rows = [measure(spec) for spec in corpus_specs()]
    kinds: dict[str, list[int]] = {}
    cover = {"enum_values": [0, 0], "variants": [0, 0]}
    print("| spec | oas | fixtures checked | failing | skipped | enum values covered | variants covered |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        by_kind: dict[str, list[int]] = r["by_kind"]  # type: ignore[assignment]
        for kind, (checked, failed) in by_kind.items():
            total = kinds.setdefault(kind, [0, 0])
            total[0] += checked
            total[1] += failed
        ev, va = r["enum_values"], r["variants"]  # type: ignore[misc]
        for key, val in (("enum_values", ev), ("variants", va)):
            cover[key][0] += val["reachable"]  # type: ignore[index]
            cover[key][1] += val["covered"]  # type: ignore[index]
        checked = sum(c for c, _ in by_kind.values())
        failed = sum(f for _, f in by_kind.values())
        print(f"| {r['spec']} | {r['openapi']} | {checked} | {failed} | {r['skipped']} | {ev['covered']}/{ev['reachable']} {pct(ev['covered'], ev['reachable'])} | {va['covered']}/{va['reachable']} {pct(va['covered'], va['reachable'])} |")  # type: ignore[index]
    print("\n| kind | checked | passing as stated | failing |\n|---|---|---|---|")
    for kind, (checked, failed) in sorted(kinds.items()):
        print(f"| {kind} | {checked} | {checked - failed} | {failed} |")
    for key, (reach, covered) in cover.items():
        print(f"\ntotal {key}: {covered}/{reach} covered ({pct(covered, reach)})")
    problems = [f"{r['spec']}: {p}" for r in rows for p in r["problems"]]  # type: ignore[attr-defined]
    for p in problems[:40]:
        print("PROBLEM", p)
    if args.json:
        args.json.write_text(json.dumps({"specs": rows, "kinds": kinds, "coverage": cover}, indent=1, default=str))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
