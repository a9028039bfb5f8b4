"""Union variants: how the differ sees one (`Var`, for named unions and inline `type: [a, b]`
alike), how old and new variants are paired (discriminator tag, then title, then name, then a
renamed but identical definition, then a shape found once on each side; never by position)
and how a variant is named in a field path and a message."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable

from ..model import ir
from .changes import Code, PairKey, canon, show, vkey


@dataclass(frozen=True)
class Var:
    """A union variant as the differ sees it (named unions and inline `type: [a, b]` alike)."""

    name: str
    type: ir.TypeExpr
    tag: Any = None
    title: str | None = None
    deprecated: ir.Deprecation | None = None


def vars_of(u: ir.Union) -> list[Var]:
    return [Var(v.name, v.type, v.tag, v.title, v.deprecated) for v in u.variants]


def union_vars(t: ir.TypeExpr, api: ir.Api) -> tuple[list[Var], str | None]:
    """The variants of a union type and its discriminator (none for an inline union)."""
    if t.ref and t.ref in api.union_map:
        u = api.union_map[t.ref]
        return vars_of(u), u.discriminator
    return [Var(shape(v), v) for v in t.variants], None


def shape(t: ir.TypeExpr) -> str:
    """What a variant looks like, without its name: `model`, `array<string>`, `literal:"auto"`."""
    if t.kind == "literal":
        return "literal:" + canon(list(t.values))
    if t.kind in ("array", "map") and t.item is not None:
        return f"{t.kind}<{shape(t.item)}>"
    return t.kind


def pair_variants(
    ovars: list[Var],
    nvars: list[Var],
    d: str,
    odisc: str | None,
    ndisc: str | None,
    identical: Callable[[PairKey], bool],
    fields: Callable[[bool, ir.TypeExpr], frozenset[str] | None],
) -> tuple[list[tuple[Var, Var, bool]], list[Var], list[Var]]:
    """(old, new, matched by tag) in the new side's order, then the old and the new variants
    left unmatched. Pairs by discriminator tag (variants sharing a tag are told apart by what
    follows), then title, then the definition referred to, then a renamed but identical
    definition, then structure: a shape found once on each side, or the object variants
    sharing most properties. `identical` says whether a named pair compares without change;
    `fields(is_old, type)` gives an object variant's property names."""
    rem_o, rem_n = list(ovars), list(nvars)
    matched: list[tuple[Var, Var, bool]] = []  # (old, new, matched by tag)

    def take(ov: Var, nv: Var, by_tag: bool) -> None:
        matched.append((ov, nv, by_tag))
        rem_o.remove(ov)
        rem_n.remove(nv)

    def pair_within(olds: list[Var], news: list[Var], by_tag: bool) -> None:
        """Pair one pool of candidates, never by position."""
        olds, news = list(olds), list(news)

        def take_here(ov: Var, nv: Var) -> None:
            take(ov, nv, by_tag)
            olds.remove(ov)
            news.remove(nv)

        for key in (_ref_key, _title_key):
            ocount, ncount = Counter(key(v) for v in olds), Counter(key(v) for v in news)
            for ov in list(olds):
                k = key(ov)
                if k is not None and ocount[k] == 1 and ncount[k] == 1:
                    take_here(ov, next(v for v in news if key(v) == k))
        for ov in list(olds):  # a renamed but identical definition
            if ov.type.ref and ov.type.kind in ("model", "enum", "union"):
                for nv in news:
                    if nv.type.kind == ov.type.kind and nv.type.ref and identical((ov.type.kind, ov.type.ref, nv.type.ref, d)):
                        take_here(ov, nv)
                        break
        for ov in list(olds):  # the same type written again (interchangeable when repeated)
            same = next((nv for nv in news if _exact(nv.type) == _exact(ov.type)), None)
            if same is not None and ov.type.kind not in ("model", "enum", "union"):
                take_here(ov, same)
        oshapes, nshapes = Counter(shape(v.type) for v in olds), Counter(shape(v.type) for v in news)
        for ov in list(olds):  # a shape that occurs once on each side
            sh = shape(ov.type)
            if sh != "model" and oshapes[sh] == 1 and nshapes.get(sh) == 1:
                take_here(ov, next(v for v in news if shape(v.type) == sh))
        # objects: the pairs sharing most properties (at least half of either's)
        scored = []
        for i, ov in enumerate(olds):
            of = fields(True, ov.type)
            for j, nv in enumerate(news):
                nf = fields(False, nv.type)
                if of is not None and nf is not None and of | nf:
                    score = len(of & nf) / len(of | nf)
                    if score >= 0.5:
                        scored.append((-score, i, j, ov, nv))
        for _, _, _, ov, nv in sorted(scored, key=lambda s: s[:3]):
            if ov in olds and nv in news:
                take_here(ov, nv)
        if by_tag and len(olds) == 1 and len(news) == 1:
            take_here(olds[0], news[0])  # the one left on each side under the same tag

    tagged = bool(odisc) and odisc == ndisc
    if tagged:
        otags = {vkey(v.tag) for v in rem_o if v.tag is not None}
        for t in [vkey(v.tag) for v in nvars if v.tag is not None]:
            if t in otags:
                otags.discard(t)
                pair_within([v for v in rem_o if v.tag is not None and vkey(v.tag) == t], [v for v in rem_n if v.tag is not None and vkey(v.tag) == t], True)
    # the rest: untagged variants, and tagged ones whose tag changed
    pair_within(rem_o, rem_n, False)

    order = {id(v): i for i, v in enumerate(nvars)}
    return sorted(matched, key=lambda m: order[id(m[1])]), rem_o, rem_n


def _exact(t: ir.TypeExpr) -> str:
    """A type as a comparable text, wherever it stands (its pointer left out)."""
    return canon(_without_pointers(t))


def _without_pointers(t: ir.TypeExpr) -> Any:
    return {
        "kind": t.kind,
        "ref": t.ref,
        "item": _without_pointers(t.item) if t.item is not None else None,
        "variants": [_without_pointers(v) for v in t.variants],
        "values": list(t.values),
        "nullable": t.nullable,
        "format": t.format,
        "constraints": vars(t.constraints),
    }


def _ref_key(v: Var) -> tuple[str, str] | None:
    return (v.type.kind, v.type.ref) if v.type.ref else None


def _title_key(v: Var) -> str | None:
    return v.title or None


def vseg(v: Var, disc: str | None) -> str:
    """A variant's field-path step: `<discriminator=tag>` or `<VariantName>`."""
    if v.tag is not None and disc:
        return f"<{disc}={show(v.tag)}>"
    return f"<{v.name}>"


def vtemplate(v: Var) -> str:
    return "{0} ({1})" if v.tag is not None and show(v.tag) != v.name else "{0}"


def vargs(v: Var) -> tuple[Code, ...]:
    if v.tag is not None and show(v.tag) != v.name:
        return (Code(show(v.tag)), Code(v.name))
    return (Code(v.name),)
