"""Schemas compared: the types found at one place, and named models (their fields), enums and
unions (their variants). Each named (kind, old name, new name, direction) pair is compared
once, in `Pairs`, so a renamed but identical component gives no change and `$ref` cycles end;
a type comparison records the named pairs it meets instead of entering them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..model import ir
from .changes import Acc, Code, PairKey, Vals, canon, seg, show, vkey
from .client import pytype
from .keywords import compare_extra
from .lifecycle import compare_sunset, compare_stability, removal
from .scalars import ValueSet, compare_constraints, compare_format, compare_values, compatible, effective, value_set
from .variants import Var, pair_variants, shape, union_vars, vargs, vars_of, vseg, vtemplate

_PRIMITIVES = ("string", "integer", "number", "boolean", "binary", "any", "null")
_VALUE_KINDS = ("enum", "literal")
_KIND_WORD = {"model": "object", "enum": "enum", "union": "union"}


class Pairs:
    """The two IRs and every named pair compared so far (`found`), each computed once."""

    def __init__(self, old: ir.Api, new: ir.Api, today: dt.date | None = None):
        self.old, self.new = old, new
        self.today = today or dt.date.today()
        self.found: dict[PairKey, Acc] = {}
        self._todo: list[PairKey] = []

    def child(self, acc: Acc, path: str, key: PairKey) -> None:
        acc.children.append((path, key))
        if key not in self.found:
            self._todo.append(key)

    def compute(self, key: PairKey) -> Acc:
        """The comparison of one named pair, computed once (a placeholder first: cycles end)."""
        acc = self.found.get(key)
        if acc is not None:
            return acc
        acc = Acc()
        self.found[key] = acc
        kind, o, n, d = key
        if kind == "model":
            _model(self, o, n, d, acc)
        elif kind == "enum":
            _enum(self, o, n, d, acc)
        else:
            _union(self, o, n, d, acc)
        return acc

    def drain(self) -> None:
        while self._todo:
            self.compute(self._todo.pop())

    def fields(self, is_old: bool, t: ir.TypeExpr) -> frozenset[str] | None:
        """An object variant's property names (None for anything else)."""
        api = self.old if is_old else self.new
        m = api.model_map.get(t.ref or "") if t.kind == "model" else None
        return frozenset(m.field_map) if m is not None else None

    def identical(self, key: PairKey) -> bool:
        """No change in the pair nor anywhere below it (a cycle counts as identical)."""
        stack, seen = [key], set()
        while stack:
            k = stack.pop()
            if k in seen:
                continue
            seen.add(k)
            acc = self.compute(k)
            if acc.changes:
                return False
            stack.extend(c for _, c in acc.children)
        return True


# ------------------------------------------------------------------------------ definitions


def _deprecation(od: ir.Deprecation | None, nd: ir.Deprecation | None, path: str, acc: Acc, what: str, d: str) -> None:
    if (od is None) == (nd is None):
        return
    if nd is not None:
        if nd.replacement:
            acc.add(f"{what}-deprecated", path, "deprecated in favor of {0}", Code(nd.replacement), new=nd.replacement, direction=d)
        else:
            acc.add(f"{what}-deprecated", path, "deprecated", direction=d)
    else:
        acc.add(f"{what}-undeprecated", path, "no longer deprecated", direction=d)


def _model(pairs: Pairs, oname: str, nname: str, d: str, acc: Acc) -> None:
    om, nm = pairs.old.model_map.get(oname), pairs.new.model_map.get(nname)
    if om is None or nm is None:
        return
    _deprecation(om.deprecated, nm.deprecated, "", acc, "schema", d)
    compare_extra(om.extra, nm.extra, "", d, acc, nm.pointer or om.pointer)
    if om.closed != nm.closed:
        what = "closed" if nm.closed else "opened"
        acc.add(f"{d}-additional-properties-{what}", "", "other properties " + ("no longer accepted" if nm.closed else "accepted now"), old=not om.closed, new=not nm.closed, direction=d)
    hidden = "read_only" if d == "request" else "write_only"
    ofs = {f.name: f for f in om.fields if not getattr(f, hidden)}
    nfs = {f.name: f for f in nm.fields if not getattr(f, hidden)}
    for name, of in ofs.items():
        nf = nfs.get(name)
        p = seg(name)
        if nf is None:
            optional = d == "response" and not of.required and of.deprecated is None
            rule, why = removal("response-optional-property-removed" if optional else f"{d}-property-removed", of.deprecated, pairs.today)
            acc.add(rule, p, ("deprecated " if of.deprecated else "") + "property removed" + why, old=pytype(of.type), direction=d)
        else:
            _field(pairs, of, nf, p, d, acc)
    for name, nf in nfs.items():
        if name in ofs:
            continue
        p = seg(name)
        req = "required" if nf.required else "optional"
        if d == "request" and nf.required:
            acc.add("request-required-property-added", p, "required property added: {0}", Code(pytype(nf.type)), new=pytype(nf.type), direction=d)
        else:
            acc.add(f"{d}-property-added", p, req + " property added: {0}", Code(pytype(nf.type)), new=pytype(nf.type), direction=d)
    if om.additional is not None and nm.additional is not None:
        compare_type(pairs, om.additional, nm.additional, "{}", d, acc)


def _field(pairs: Pairs, of: ir.Field, nf: ir.Field, p: str, d: str, acc: Acc) -> None:
    if of.required != nf.required:
        if nf.required:
            acc.add(f"{d}-property-became-required", p, "became required", old=False, new=True, direction=d)
        else:
            acc.add(f"{d}-property-became-optional", p, "became optional", old=True, new=False, direction=d)
    _deprecation(of.deprecated, nf.deprecated, p, acc, "property", d)
    compare_sunset(of.deprecated, nf.deprecated, p, d, acc)
    compare_stability(of.stability, nf.stability, p, d, acc)
    compare_default(of.has_default, of.default, nf.has_default, nf.default, p, d, acc)
    compare_type(pairs, of.type, nf.type, p, d, acc)


def compare_default(oh: bool, ov: Any, nh: bool, nv: Any, p: str, d: str, acc: Acc, parameter: bool = False) -> None:
    """A property's or parameter's default (`oh`/`nh`: whether there is one)."""
    if (oh, canon(ov) if oh else None) == (nh, canon(nv) if nh else None):
        return
    rule = "request-parameter-default-changed" if parameter else f"{d}-default-changed"
    acc.add(rule, p, "default {0} → {1}", Code(show(ov)) if oh else None, Code(show(nv)) if nh else None, old=ov if oh else None, new=nv if nh else None, direction=d)


def _enum(pairs: Pairs, oname: str, nname: str, d: str, acc: Acc) -> None:
    oe, ne = pairs.old.enum_map.get(oname), pairs.new.enum_map.get(nname)
    if oe is None or ne is None:
        return
    _deprecation(oe.deprecated, ne.deprecated, "", acc, "schema", d)
    compare_values(ValueSet(oe.values, oe.open, oe.value_type), ValueSet(ne.values, ne.open, ne.value_type), "", d, acc)


def _union(pairs: Pairs, oname: str, nname: str, d: str, acc: Acc) -> None:
    ou, nu = pairs.old.union_map.get(oname), pairs.new.union_map.get(nname)
    if ou is None or nu is None:
        return
    _deprecation(ou.deprecated, nu.deprecated, "", acc, "schema", d)
    if ou.discriminator and nu.discriminator and ou.discriminator != nu.discriminator:
        acc.add("union-discriminator-changed", "", "discriminator {0} → {1}", ou.discriminator, nu.discriminator, old=ou.discriminator, new=nu.discriminator, direction=d)
    elif (ou.discriminator and not ou.inferred) != (nu.discriminator and not nu.inferred):
        # written where it was only inferred (or not found), or the other way round
        if nu.discriminator and not nu.inferred:
            acc.add("union-discriminator-added", "", "discriminator {0} written", nu.discriminator, new=nu.discriminator, direction=d)
        else:
            acc.add("union-discriminator-removed", "", "discriminator {0} no longer written", ou.discriminator, old=ou.discriminator, direction=d)
    if ou.default_variant != nu.default_variant:
        shown = [Code(v) if v is not None else "none" for v in (ou.default_variant, nu.default_variant)]
        acc.add("union-default-variant-changed", "", "default variant {0} → {1}", *shown, old=ou.default_variant, new=nu.default_variant, direction=d)
    _variants(pairs, vars_of(ou), vars_of(nu), "", d, acc, ou.discriminator, nu.discriminator)


# ------------------------------------------------------------------------------ types


def compare_type(pairs: Pairs, o: ir.TypeExpr, n: ir.TypeExpr, path: str, d: str, acc: Acc) -> None:
    """Compare two types found at the same place; named pairs are recorded, not entered."""
    if o.extra or n.extra:
        compare_extra(o.extra, n.extra, path, d, acc, n.pointer or o.pointer)
    if o.nullable != n.nullable and "null" not in (o.kind, n.kind):
        if n.nullable:
            acc.add(f"{d}-became-nullable", path, "accepts null now" if d == "request" else "may be null now", old=False, new=True, direction=d)
        else:
            acc.add(f"{d}-became-not-nullable", path, "no longer accepts null" if d == "request" else "is never null now", old=True, new=False, direction=d)
    ok, nk = o.kind, n.kind
    if ok in _VALUE_KINDS or nk in _VALUE_KINDS:
        ov, nv = value_set(o, pairs.old), value_set(n, pairs.new)
        if ov is not None and nv is not None and compatible(ov.vtype, nv.vtype):
            if ok == nk == "enum" and o.ref and n.ref:
                pairs.child(acc, path, ("enum", o.ref, n.ref, d))
            else:
                compare_values(ov, nv, path, d, acc)
            return
    elif ok == nk:
        if ok in _PRIMITIVES:
            if ok in ("integer", "number"):
                # int32/int64 are ranges; float/double are all `float` to a Python client
                compare_constraints(effective(o), effective(n), path, d, acc)
            else:
                compare_format(o, n, path, d, acc)
                compare_constraints(o.constraints, n.constraints, path, d, acc)
            return
        if ok in ("array", "map"):
            compare_constraints(o.constraints, n.constraints, path, d, acc)
            if o.item is not None and n.item is not None:
                compare_type(pairs, o.item, n.item, path + ("[]" if ok == "array" else "{}"), d, acc)
            return
        if ok == "model" and o.ref and n.ref:
            pairs.child(acc, path, ("model", o.ref, n.ref, d))
            return
        if ok == "union":
            if o.ref and n.ref:
                pairs.child(acc, path, ("union", o.ref, n.ref, d))
                return
            ovars, odisc = union_vars(o, pairs.old)
            nvars, ndisc = union_vars(n, pairs.new)
            _variants(pairs, ovars, nvars, path, d, acc, odisc, ndisc)
            return
    _kind_change(pairs, o, n, path, d, acc)


def _kind_change(pairs: Pairs, o: ir.TypeExpr, n: ir.TypeExpr, path: str, d: str, acc: Acc) -> None:
    # a definition that became one variant of a union, or the other way round: variants
    # added or removed (deprecation-aware), not a change of type
    if n.kind == "union" and o.kind != "union" and o.ref:
        nvars, ndisc = union_vars(n, pairs.new)
        if any(v.type.kind == o.kind and v.type.ref == o.ref for v in nvars):
            _variants(pairs, [Var(o.ref, o.with_nullable(False))], nvars, path, d, acc, None, ndisc)
            return
    if o.kind == "union" and n.kind != "union" and n.ref:
        ovars, odisc = union_vars(o, pairs.old)
        if any(v.type.kind == n.kind and v.type.ref == n.ref for v in ovars):
            _variants(pairs, ovars, [Var(n.ref, n.with_nullable(False))], path, d, acc, odisc, None)
            return
    if d == "request" and o.kind == "model" and n.kind == "union":
        many = _overlapping(pairs, o, n)
        if len(many) > 1:
            acc.add("request-oneof-overlaps", path, "now a oneOf: a value valid before matches {0}, and oneOf takes exactly one", Vals(many), new=many, direction=d)
            return
    before, after = pytype(o.with_nullable(False)), pytype(n.with_nullable(False))
    if before == after:  # same name, another kind of definition
        before, after = f"{_KIND_WORD.get(o.kind, o.kind)} {before}", f"{_KIND_WORD.get(n.kind, n.kind)} {after}"
    wide = _covers(pairs, n, pairs.new, o, pairs.old, d)
    if wide is not None:
        acc.add(f"{d}-type-widened", path, "type widened: {0} → {1}", Code(before), Code(after), old=before, new=after, direction=d)
        if isinstance(wide, ir.TypeExpr):
            compare_type(pairs, o, wide.with_nullable(o.nullable), path, d, acc)
        return
    if _covers(pairs, o, pairs.old, n, pairs.new, d) is not None:
        acc.add(f"{d}-type-narrowed", path, "type narrowed: {0} → {1}", Code(before), Code(after), old=before, new=after, direction=d)
        return
    acc.add(f"{d}-type-changed", path, "type changed: {0} → {1}", Code(before), Code(after), old=before, new=after, direction=d)


def _overlapping(pairs: Pairs, o: ir.TypeExpr, n: ir.TypeExpr) -> list[str]:
    """The object variants of the oneOf `n` that every value of the old object `o` satisfies
    (each requires no more than `o` always has, and takes all it may have); more than one
    means those values are now rejected."""
    om = pairs.old.model_map.get(o.ref or "")
    u = pairs.new.union_map.get(n.ref or "")
    if om is None or u is None or u.keyword != "oneOf" or u.discriminator:
        return []
    always = {f.name for f in om.fields if f.required}
    out = []
    for v in u.variants:
        vm = pairs.new.model_map.get(v.type.ref or "") if v.type.kind == "model" else None
        if vm is None:
            continue
        needs = {f.name for f in vm.fields if f.required}
        if needs <= always and (not vm.closed or set(om.field_map) <= set(vm.field_map)):
            out.append(v.name)
    return out


def _covers(pairs: Pairs, wide: ir.TypeExpr, wapi: ir.Api, narrow: ir.TypeExpr, napi: ir.Api, d: str) -> ir.TypeExpr | bool | None:
    """Does every value of `narrow` fit `wide`? The matching variant when `wide` is a union."""
    if wide.kind == "any":
        return True
    if wide.kind == "number" and narrow.kind == "integer":
        return True
    if wide.kind == "map" and narrow.kind == "model" and wide.item is not None and wide.item.kind == "any":
        return True  # a free-form object takes any object
    if wide.kind != "union":
        if wide.kind == "string" and narrow.kind in _VALUE_KINDS:
            vs = value_set(narrow, napi)
            return True if vs is not None and vs.vtype == "string" else None
        return None
    variants, disc = union_vars(wide, wapi)
    narrow_shape = shape(narrow)
    for v in variants:
        if shape(v.type) == narrow_shape and (v.type.ref == narrow.ref or narrow.ref is None):
            return v.type
    same = [v.type for v in variants if shape(v.type) == narrow_shape]
    if len(same) == 1 and narrow.kind != "model":
        return same[0]  # the one variant of that shape (an enum that became enum-or-object)
    if narrow.kind == "model" and narrow.ref in napi.model_map and narrow.ref:
        if disc:
            # one object split into a union told apart by one of its properties
            f = napi.model_map[narrow.ref].field_map.get(disc)
            tags = {vkey(v.tag) for v in variants if v.tag is not None}
            vs = value_set(f.type, napi) if f is not None else None
            if vs is not None and vs.values and not vs.open and {vkey(x) for x in vs.values} <= tags:
                return True
        # an object that became one of several: compare it with the closest object variant
        return _closest_model(pairs, narrow.ref, [v.type for v in variants], wapi is pairs.new, d)
    return None


def _closest_model(pairs: Pairs, name: str, candidates: list[ir.TypeExpr], old_is_narrow: bool, d: str) -> ir.TypeExpr | None:
    """The model among `candidates` sharing properties with `name` and differing least."""
    napi, wapi = (pairs.old, pairs.new) if old_is_narrow else (pairs.new, pairs.old)
    own = set(napi.model_map[name].field_map)
    best: tuple[int, int, ir.TypeExpr] | None = None
    for i, t in enumerate(candidates):
        if t.kind != "model" or t.ref not in wapi.model_map or not own & set(wapi.model_map[t.ref].field_map):
            continue
        key: PairKey = ("model", name, t.ref, d) if old_is_narrow else ("model", t.ref, name, d)
        score = len(pairs.compute(key).changes)
        if best is None or score < best[0]:
            best = (score, i, t)
    return best[2] if best is not None else None


# ------------------------------------------------------------------------------ union variants


def _variants(pairs: Pairs, ovars: list[Var], nvars: list[Var], path: str, d: str, acc: Acc, odisc: str | None, ndisc: str | None) -> None:
    matched, rem_o, rem_n = pair_variants(ovars, nvars, d, odisc, ndisc, pairs.identical, pairs.fields)
    for ov, nv, tag_matched in matched:
        p = path + vseg(nv, ndisc)
        if not tag_matched and ov.tag is not None and nv.tag is not None and vkey(ov.tag) != vkey(nv.tag):
            acc.add("union-variant-tag-changed", p, "tag {0} → {1}", Code(show(ov.tag)), Code(show(nv.tag)), old=ov.tag, new=nv.tag, direction=d)
        if (ov.deprecated is None) != (nv.deprecated is None):
            if nv.deprecated is not None:
                rep = nv.deprecated.replacement
                acc.add("union-variant-deprecated", p, "variant deprecated" + (" in favor of {0}" if rep else ""), *([Code(rep)] if rep else []), new=rep, direction=d)
            else:
                acc.add("union-variant-undeprecated", p, "variant no longer deprecated", direction=d)
        compare_type(pairs, ov.type, nv.type, p, d, acc)
    for ov in rem_o:
        p = path + vseg(ov, odisc)
        if d == "request":
            rule = "request-union-variant-removed-after-deprecation" if ov.deprecated is not None else "request-union-variant-removed"
        else:
            rule = "response-union-variant-removed"
        acc.add(rule, p, "variant " + vtemplate(ov) + " removed", *vargs(ov), old=ov.name, direction=d)
    for nv in rem_n:
        p = path + vseg(nv, ndisc)
        acc.add(f"{d}-union-variant-added", p, "variant " + vtemplate(nv) + " added", *vargs(nv), new=nv.name, direction=d)
