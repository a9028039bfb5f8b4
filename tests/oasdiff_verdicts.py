"""oasdiff's own verdicts, read from a local snapshot of its repository (never copied here).

oasdiff's checker tests (`checker/*_test.go`) each diff two fixture files from `data/` and
assert which changes come out (`requireChange(t, errs, checker.XId)`, `require.Empty(t, errs)`,
...); `checker/rules.go` gives each change id its level (ERR, WARN, INFO). This module reads
those Go files as text and keeps the tests whose verdict can be known without running Go:
both specs loaded straight from files (no spec edited in Go code), the default diff and
checker configuration (no deprecation policy, stability filter or severity override), and one
diff per test. Everything else is left out, with the reason counted.

A case's verdict is "breaking" when a change the test expects has level ERR; "not breaking"
when the expected changes are WARN/INFO only, or when every check ran and found nothing
(`require.Empty` with all checks). A test that runs one check and finds nothing says nothing
about the other checks, so it gives no verdict and is left out.

Where the snapshot is: `$SPECGEN_OASDIFF_DIR`, else a folder `oasdiff` beside the checkout or
one level further up (`../oasdiff`, `../../oasdiff`), holding `checker/` and `data/` of
github.com/oasdiff/oasdiff.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

_FUNC = re.compile(r"^func (Test\w+)\(t \*testing\.T\) \{\n(.*?)^\}", re.S | re.M)
_CONST = re.compile(r"\b(\w+Id)\s*=\s*\"([^\"]+)\"")
_RULE = re.compile(r"newBackwardCompatibilityRule\(\s*(\w+Id),\s*(ERR|WARN|INFO),\s*\w+,\s*Direction(\w+)")
_FILEFN = re.compile(r"(\w+)\s*=\s*dataFileFn\(\"([^\"]+)\"\)")
_OPEN = re.compile(r"(\w+)(?:,\s*\w+)?\s*:?=\s*open\((\w+\(\"[^\"]+\"\)|\"[^\"]+\")\)")
_NUMBERED = re.compile(r"(\w+)\s*:?=\s*l\(t,\s*(\d+)\)")
_DIFF = re.compile(r"diff\.Get(?:WithOperationsSourcesMap)?\((diff\.NewConfig\(\)),\s*(\w+),\s*(\w+)\)")
_SHORT_DIFF = re.compile(r"\bd\(t,\s*diff\.NewConfig\(\),\s*(\d+),\s*(\d+)\)")
_CHECK = re.compile(r"checker\.(CheckBackwardCompatibility|CheckBackwardCompatibilityUntilLevel)\((.+?),\s*\w+,\s*\w+(?:,\s*checker\.(INFO|WARN|ERR))?\)")
_IDREF = re.compile(r"checker\.(\w+Id)\b")
_NEGATIVE = ("requireNoChange(", "require.False(", "require.NotContains(", "require.Nil(", "require.NotEqual(")
_ENUMERATES = ("requireSingleChange(", "requireSingleApiChange(", "requireApiChanges(", "require.Len(", "require.ElementsMatch(")
# helpers defined in the tests that edit a loaded spec in Go code
_EDITS = ("setResponseBodyType(", "setRequestBodyType(", "responseHeaderSchema(", "deleteParam(", "deleteResponseHeader(", "delete(")
LEVELS = ("ERR", "WARN", "INFO")


@dataclass(frozen=True)
class Case:
    """One test with a verdict: the fixture pair (base, revision) and what oasdiff expects."""

    test: str  # file:TestName
    base: Path
    revision: Path
    expected: tuple[tuple[str, str, str], ...]  # (change id, level, side of the wire) the test asserts
    all_checks: bool  # every check ran (else one check only)
    breaking: bool  # oasdiff's verdict
    direction: str | None  # the one check's side of the wire ("request", "response"); None: all
    exhaustive: bool  # the test asserts every change its checks found (else at least these)

    @property
    def expects_change(self) -> bool:
        return bool(self.expected)


@dataclass
class Harvest:
    cases: list[Case] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


def snapshot_dir(root: Path) -> Path | None:
    """The local oasdiff snapshot, or None when there is none."""
    env = os.environ.get("SPECGEN_OASDIFF_DIR")
    candidates = [Path(env)] if env else [root.parent / "oasdiff", root.parent.parent / "oasdiff"]
    for c in candidates:
        if (c / "checker" / "rules.go").is_file() and (c / "data").is_dir():
            return c
    return None


def harvest(snapshot: Path) -> Harvest:
    """Every checker test whose verdict can be read, and why the others were left out."""
    checker = snapshot / "checker"
    names: dict[str, str] = {}
    for go in sorted(checker.glob("*.go")):
        if not go.name.endswith("_test.go"):
            names.update(_CONST.findall(go.read_text(encoding="utf-8")))
    rules = _RULE.findall((checker / "rules.go").read_text(encoding="utf-8"))
    levels = {names[g]: lvl for g, lvl, _ in rules if g in names}
    directions = {names[g]: side.lower() for g, _, side in rules if g in names}
    tests = sorted(checker.glob("*_test.go"))
    filefns: dict[str, str] = {}
    for go in tests:
        filefns.update(_FILEFN.findall(go.read_text(encoding="utf-8")))
    out = Harvest()
    for go in tests:
        text = go.read_text(encoding="utf-8")
        for name, body in _FUNC.findall(text):
            case, reason = _case(f"{go.name}:{name}", body, checker, filefns, names, levels, directions)
            if case is None:
                out.skipped[reason] += 1
            else:
                out.cases.append(case)
    out.cases = _pooled(out.cases)
    return out


def _pooled(cases: list[Case]) -> list[Case]:
    """A test that asserts one change (`requireChange`) does not say the pair has no other:
    several tests often share a fixture pair, each asserting what its check found. A pair's
    verdict (on one side of the wire, for a one-check test) is breaking when any test of that
    pair (or a `...-changed` change of the reversed pair) expects an ERR change there."""
    found: dict[tuple[Path, Path], list[tuple[str, str, str]]] = {}
    for c in cases:
        found.setdefault((c.base, c.revision), []).extend(c.expected)
        # a value that changed from A to B also changed from B to A: the same verdict
        found.setdefault((c.revision, c.base), []).extend(e for e in c.expected if e[0].endswith("-changed"))
    out = []
    for c in cases:
        pool = found[(c.base, c.revision)]
        if c.all_checks and not c.expected:
            breaking = False  # every check ran and found nothing at WARN or above
        else:
            breaking = c.breaking or any(lvl == "ERR" and (c.direction is None or side in (c.direction, "none")) for _, lvl, side in pool)
        out.append(Case(c.test, c.base, c.revision, c.expected, c.all_checks, breaking, c.direction, c.exhaustive))
    return out


def _path(arg: str, checker: Path, filefns: dict[str, str]) -> Path | None:
    m = re.fullmatch(r"(\w+)\(\"([^\"]+)\"\)", arg)
    if m:
        sub = filefns.get(m.group(1))
        return (checker / "../data" / sub / m.group(2)).resolve() if sub else None
    return (checker / arg.strip('"')).resolve()


def _case(test: str, body: str, checker: Path, filefns: dict[str, str], names: dict[str, str], levels: dict[str, str], directions: dict[str, str]) -> tuple[Case | None, str]:
    if ".Spec" in body or any(e in body for e in _EDITS):
        return None, "edits a spec in Go code"
    first_diff = min((m.start() for m in (_DIFF.search(body), _SHORT_DIFF.search(body)) if m is not None), default=len(body))
    if "t.Run(" in body or re.search(r"^\s*for ", body[:first_diff], re.M):
        return None, "table-driven (several fixture pairs)"
    if "checker.With" in body or re.search(r"\bconfig\.\w+\s*=", body) or "allChecksConfig(" in body and re.search(r"allChecksConfig\([^)]", body):
        return None, "non-default checker configuration"
    loads: dict[str, Path] = {}
    for var, arg in _OPEN.findall(body):
        p = _path(arg, checker, filefns)
        if p is None:
            return None, "fixture path not understood"
        loads[var] = p
    for var, n in _NUMBERED.findall(body):
        loads[var] = (checker / f"../data/openapi-test{n}.yaml").resolve()
    diffs = _DIFF.findall(body)
    short = _SHORT_DIFF.findall(body)
    if len(diffs) + len(short) != 1:
        return None, "not exactly one diff"
    if short:
        a, b = short[0]
        base, rev = (checker / f"../data/openapi-test{a}.yaml").resolve(), (checker / f"../data/openapi-test{b}.yaml").resolve()
        threshold, all_checks = "WARN", True
    else:
        _, va, vb = diffs[0]
        if va not in loads or vb not in loads:
            return None, "fixture path not understood"
        base, rev = loads[va], loads[vb]
        checks = _CHECK.findall(body)
        if len(checks) != 1:
            return None, "not exactly one check run"
        fn, cfg, lvl = checks[0]
        threshold = lvl or "WARN" if fn.endswith("UntilLevel") else "WARN"
        cfg = cfg.strip()
        if re.fullmatch(r"singleCheckConfig\(checker\.\w+\)", cfg):
            all_checks = False
        elif cfg == "allChecksConfig()":
            all_checks = True
        elif re.fullmatch(r"\w+", cfg):
            m = re.search(rf"\b{cfg}\s*:?=\s*(singleCheckConfig\(checker\.\w+\)|allChecksConfig\(\))\s*$", body, re.M)
            if m is None:
                return None, "checker configuration not understood"
            all_checks = m.group(1).startswith("all")
        else:
            return None, "checker configuration not understood"
    if not (base.is_file() and rev.is_file()):
        return None, "fixture file absent"
    expected: list[tuple[str, str, str]] = []
    for line in body.splitlines():
        ids = _IDREF.findall(line)
        if not ids or any(n in line for n in _NEGATIVE):
            continue
        for gid in ids:
            if gid.endswith("CheckId"):
                continue
            cid = names.get(gid)
            if cid is None or cid not in levels:
                return None, "expects a change id with no rule level"
            if (cid, levels[cid], directions[cid]) not in expected:
                expected.append((cid, levels[cid], directions[cid]))
    empty = re.search(r"require\.Empty\(t,\s*\w+\)", body) is not None
    if expected and empty:
        return None, "expects changes and none"
    if not expected:
        if not empty:
            return None, "asserts no change id"
        if not all_checks:
            return None, "one check found nothing (says nothing of the others)"
    # with the WARN threshold an INFO expectation never shows up: the test must mean more
    if threshold in ("WARN", "ERR") and any(lvl == "INFO" for _, lvl, _ in expected):
        return None, "expects an INFO change at a WARN threshold"
    breaking = any(lvl == "ERR" for _, lvl, _ in expected)
    # one check judges one side of the wire: compare with what specgen says of that side
    sides = {side for _, _, side in expected}
    direction = sides.pop() if not all_checks and len(sides) == 1 and sides <= {"request", "response"} else None
    exhaustive = empty or any(e in body for e in _ENUMERATES)
    return Case(test, base, rev, tuple(expected), all_checks, breaking, direction, exhaustive), ""
