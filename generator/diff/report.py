"""The report: `compare()` turns what the comparison found into groups and the client section.

Changes are grouped: the API as a whole, then one group per operation, then one group per
component reached by more than one operation (reported once there instead of once per
operation). Within a group, changes are ordered by field path, and the same message at the
same path is kept once, at its worst severity. In a shared component's group, paths start
with the component's (new) name."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from ..model import ir
from .changes import Acc, Change, PairKey, fingerprint
from .client import ClientChange, client_changes
from .lifecycle import LIFECYCLE_RULES, UNSTABLE
from .operations import Comparison, compare_apis
from .rules import RANK, SEVERITIES

Reach = dict[PairKey, dict[int, str]]  # pair -> {op group index: first path}
Parents = dict[PairKey, set[tuple[PairKey | None, str]]]  # pair -> {(parent, rel path)}


@dataclass
class Group:
    kind: str  # api | operation | shared
    key: str
    method: str | None = None
    path: str | None = None
    call: str | None = None
    operations: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


@dataclass
class SpecInfo:
    label: str
    title: str
    version: str


@dataclass
class Report:
    old: SpecInfo
    new: SpecInfo
    groups: list[Group]
    client: list[ClientChange]
    # what a filter (`--only`, `--ignore`) left out: {"ignored": n, "below": n}
    hidden: dict[str, int] = field(default_factory=dict)

    @property
    def changes(self) -> list[Change]:
        return [c for g in self.groups for c in g.changes]

    def counts(self) -> dict[str, int]:
        c = Counter(ch.severity for ch in self.changes)
        return {s: c.get(s, 0) for s in SEVERITIES}

    def client_counts(self) -> dict[str, int]:
        """The client section's changes by severity: removed, renamed and required symbols
        break code that uses them; retyped ones may stop it type-checking."""
        c = Counter(cc.severity for cc in self.client)
        return {s: c.get(s, 0) for s in SEVERITIES}

    def worst(self) -> str | None:
        """The worst severity in the spec's changes and the client section."""
        sevs = [ch.severity for ch in self.changes] + [cc.severity for cc in self.client]
        return min(sevs, key=lambda s: RANK[s]) if sevs else None

    def semver(self) -> str:
        """The version bump the generated client needs: major when anything breaks, minor when
        its surface grows or changes without breaking (or something is deprecated), patch
        when only what it documents changed, none when nothing did."""
        worst = self.worst()
        if worst is None:
            return "none"
        if worst == "breaking":
            return "major"
        if worst == "warning" or self.client:
            return "minor"
        return "patch"

    def as_dict(self) -> dict[str, Any]:
        counts = self.counts()
        client = self.client_counts()
        return {
            "old": vars(self.old),
            "new": vars(self.new),
            "summary": {**counts, "total": sum(counts.values()), "client": {**client, "total": sum(client.values())}, "semver": self.semver(), **({"hidden": self.hidden} if self.hidden else {})},
            "groups": [
                {
                    "kind": g.kind,
                    "key": g.key,
                    "method": g.method,
                    "path": g.path,
                    "call": g.call,
                    "operations": g.operations,
                    "changes": [
                        {"rule": c.rule, "severity": c.severity, "direction": c.direction, "path": c.path, "message": c.message(), "old": c.old, "new": c.new, "fingerprint": c.fingerprint}
                        for c in g.changes
                    ],
                }
                for g in self.groups
            ],
            "client": [{**vars(c), "severity": c.severity, "rule": c.rule} for c in self.client],
        }

    def filtered(self, only: str | None = None, ignore: frozenset[str] = frozenset()) -> Report:
        """The report without what `--only S` (changes less severe than S) and `--ignore`
        (accepted changes: a fingerprint, or `rule path`, per entry) leave out; what was left
        out is counted in `hidden`."""
        limit = RANK[only] if only else len(RANK)
        hidden = Counter(self.hidden)

        def keep(sev: str, fp: str, rule: str, path: str) -> bool:
            if fp in ignore or f"{rule} {path}" in ignore:
                hidden["ignored"] += 1
                return False
            if RANK[sev] > limit:
                hidden["below"] += 1
                return False
            return True

        groups = []
        for g in self.groups:
            kept = [c for c in g.changes if keep(c.severity, c.fingerprint, c.rule, c.path)]
            if kept:
                groups.append(replace(g, changes=kept))
        client = [c for c in self.client if keep(c.severity, c.fingerprint, c.rule, c.symbol)]
        return Report(self.old, self.new, groups, client, dict(hidden))


def compare(old: ir.Api, new: ir.Api, old_label: str = "old", new_label: str = "new", today: dt.date | None = None) -> Report:
    """Diff two IRs: changes grouped by operation and field path, plus the client's changes.
    `today` (default: the date today) decides whether an x-sunset date has passed."""
    found = compare_apis(old, new, today)
    groups: list[Group] = []
    # the API level first: what webhooks send reaches named pairs as operations do
    every, reach, parents = _operation_groups(found)
    shared = _place(found.pairs.found, every, reach, parents)
    api_group, op_groups = every[0], every[1:]
    if api_group.changes:
        groups.append(api_group)
    for g, (o, n, _) in zip(op_groups, found.op_results):
        op = o if o is not None else n
        was = op.stability if op is not None else None
        if was in UNSTABLE:  # nothing was promised about a draft or alpha operation
            g.changes = [c if c.severity == "info" or c.rule in LIFECYCLE_RULES else replace(c, downgraded=f"x-stability-level: {was}") for c in g.changes]

    op_order = {(op.method, op.path): i for i, op in enumerate(new.operations)}
    op_order_old = {(op.method, op.path): i for i, op in enumerate(old.operations)}

    def op_sort(g: Group) -> tuple[int, int, str]:
        k = ((g.method or "").lower(), g.path or "")
        if k in op_order:
            return (0, op_order[k], g.key)
        return (1, op_order_old.get(k, 0), g.key)

    groups.extend(sorted((g for g in op_groups if g.changes), key=op_sort))
    groups.extend(shared[k] for k in sorted(shared))
    for g in groups:
        g.changes = [replace(c, fingerprint=fingerprint(g.key, c.rule, c.path, c.old, c.new)) for c in _dedupe(g.changes)]
    renames = _renames(old, new, reach)
    client = [replace(c, fingerprint=fingerprint("client", c.rule, c.symbol, c.old, c.new)) for c in client_changes(old, new, [(o, n) for o, n, _ in found.op_results], renames, lambda kind, a, b: found.pairs.identical((kind, a, b, "response")) and found.pairs.identical((kind, a, b, "request")))]
    return Report(
        SpecInfo(old_label, old.title, old.version),
        SpecInfo(new_label, new.title, new.version),
        groups,
        client,
    )


def _operation_groups(found: Comparison) -> tuple[list[Group], Reach, Parents]:
    """The API-level group, then one group per operation (its own changes), and every named pair
    each one reaches: the first path to it per group, and the (parent pair, relative path) it is
    reached by."""
    op_groups: list[Group] = []
    reach: Reach = {}
    parents: Parents = {}
    sources: list[tuple[Group, Acc]] = [(Group("api", "api", changes=list(found.api_changes.changes)), found.api_changes)]
    for o, n, acc in found.op_results:
        op = n or o
        assert op is not None
        sources.append((Group("operation", _op_label(op), op.method.upper(), op.path, op.call, changes=list(acc.changes)), acc))
    for g, acc in sources:
        idx = len(op_groups)
        op_groups.append(g)
        # breadth first, so each pair is placed at the shortest path that reaches it
        queue: list[tuple[str, PairKey, PairKey | None, str]] = [(p, k, None, p) for p, k in acc.children]
        seen: set[PairKey] = set()
        i = 0
        while i < len(queue):
            path, key, parent, rel_from_parent = queue[i]
            i += 1
            if key in seen:
                continue
            seen.add(key)
            reach.setdefault(key, {})[idx] = path
            parents.setdefault(key, set()).add((parent, rel_from_parent))
            for rel, child in found.pairs.found[key].children:
                if child not in seen:
                    queue.append((_join(path, rel), child, key, rel))
    return op_groups, reach, parents


def _op_label(op: ir.Operation) -> str:
    return f"{op.method.upper()} {op.path}"


def _place(pairs: dict[PairKey, Acc], op_groups: list[Group], reach: Reach, parents: Parents) -> dict[str, Group]:
    """Each reached pair's changes: into its one operation's group (extended in place), or
    into a shared group; returns the shared groups by key."""

    def home(key: PairKey, depth: int = 0) -> tuple[PairKey, str]:
        """Where a shared pair's changes go: into the shared pair that is the only way every
        operation reaches it (with the path from there), else its own group."""
        via = parents.get(key, set())
        if len(via) == 1 and depth < 50:
            (parent, rel), = via
            if parent is not None and set(reach[parent]) == set(reach[key]):
                top, prefix = home(parent, depth + 1)
                return top, prefix + rel
        return key, ""

    shared: dict[str, Group] = {}
    for key, where in reach.items():
        changes = pairs[key].changes
        if not changes:
            continue
        if len(where) == 1:
            (idx, path), = where.items()
            op_groups[idx].changes.extend(c.with_path(_join(path, c.path)) for c in changes)
            continue
        top, prefix = home(key)
        kind, oname, nname, _ = top
        gkey = f"{kind} {nname}"
        if gkey not in shared:
            shared[gkey] = Group("shared", gkey)
        g = shared[gkey]
        calls = [op_groups[i].call or op_groups[i].key for i in sorted(where)]
        g.operations = sorted(set(g.operations) | set(calls))
        g.changes.extend(c.with_path(_join(nname + prefix, c.path)) for c in changes)
    return shared


def _join(prefix: str, rel: str) -> str:
    if not rel:
        return prefix
    if not prefix:
        return rel[1:] if rel.startswith(".") else rel
    return prefix + rel


def _dedupe(changes: list[Change]) -> list[Change]:
    """Each fact once: the same message at the same path (a component seen from both the
    request and the response side, say) is kept at its worst severity only."""
    seen: set[tuple[str, str]] = set()
    out = []
    for c in sorted(changes, key=lambda c: (c.path, RANK[c.severity], c.rule, c.message())):
        k = (c.path, c.message())
        if k not in seen:
            seen.add(k)
            out.append(c)
    return out


def _renames(old: ir.Api, new: ir.Api, reach: Reach) -> dict[str, dict[str, str]]:
    """Old name -> new name per kind, for definitions compared one to one (the same name or not)."""
    names = {
        "model": (set(old.model_map), set(new.model_map)),
        "enum": (set(old.enum_map), set(new.enum_map)),
        "union": (set(old.union_map), set(new.union_map)),
    }
    fwd: dict[str, dict[str, set[str]]] = {k: {} for k in names}
    back: dict[str, dict[str, set[str]]] = {k: {} for k in names}
    for kind, o, n, _ in reach:
        fwd[kind].setdefault(o, set()).add(n)
        back[kind].setdefault(n, set()).add(o)
    out: dict[str, dict[str, str]] = {}
    for kind in names:
        # one to one as compared, even where both names exist on both sides (inline enums
        # numbered `Order3` on each side may be different parameters' enums)
        out[kind] = {o: next(iter(ns)) for o, ns in sorted(fwd[kind].items()) if len(ns) == 1 and len(back[kind][next(iter(ns))]) == 1}
    return out
