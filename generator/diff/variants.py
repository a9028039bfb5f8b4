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
    ovars: list[Var], nvars: list[Var], d: str, odisc: str | None, ndisc: str | None, identical: Callable[[PairKey], bool]
) -> tuple[list[tuple[Var, Var, bool]], list[Var], list[Var]]:
    """(old, new, matched by tag) in the new side's order, then the old and the new variants
    left unmatched. `identical` says whether a named pair compares without change."""
    rem_o, rem_n = list(ovars), list(nvars)
    matched: list[tuple[Var, Var, bool]] = []  # (old, new, matched by tag)

    def take(ov: Var, nv: Var, by_tag: bool = False) -> None:
        matched.append((ov, nv, by_tag))
        rem_o.remove(ov)
        rem_n.remove(nv)

    tagged = bool(odisc) and odisc == ndisc
    if tagged:
        by_tag = {vkey(v.tag): v for v in rem_n if v.tag is not None}
        for ov in list(rem_o):
            nv = by_tag.get(vkey(ov.tag)) if ov.tag is not None else None
            if nv is not None and nv in rem_n:
                take(ov, nv, True)
    for ov in list(rem_o):  # then by title
        if ov.title:
            nv = next((v for v in rem_n if v.title == ov.title), None)
            if nv is not None:
                take(ov, nv)
    for ov in list(rem_o):  # then by the name of the definition
        if ov.type.ref:
            nv = next((v for v in rem_n if v.type.kind == ov.type.kind and v.type.ref == ov.type.ref), None)
            if nv is not None:
                take(ov, nv)
    for ov in list(rem_o):  # then a renamed but identical definition
        if ov.type.ref and ov.type.kind in ("model", "enum", "union"):
            for nv in rem_n:
                if nv.type.kind == ov.type.kind and nv.type.ref and identical((ov.type.kind, ov.type.ref, nv.type.ref, d)):
                    take(ov, nv)
                    break
    # last, for untagged variants only: a shape that occurs once on each side
    untagged_o = [v for v in rem_o if not (tagged and v.tag is not None)]
    untagged_n = [v for v in rem_n if not (tagged and v.tag is not None)]
    oshapes, nshapes = Counter(shape(v.type) for v in untagged_o), Counter(shape(v.type) for v in untagged_n)
    for ov in untagged_o:
        s = shape(ov.type)
        if oshapes[s] == 1 and nshapes.get(s) == 1:
            nv = next(v for v in untagged_n if shape(v.type) == s)
            take(ov, nv)

    order = {id(v): i for i, v in enumerate(nvars)}
    return sorted(matched, key=lambda m: order[id(m[1])]), rem_o, rem_n


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
