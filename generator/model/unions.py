"""Unions: oneOf/anyOf variants, open enums (`anyOf [string, enum]`), and discriminators, explicit
or inferred from a required single-value `enum`/`const` property that differs per variant."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..diagnostics import join_pointer
from . import enums, ir
from .context import At, Context
from .keywords import deprecation_of, text_of, variant_name, shape_suffix, is_null_schema, open_enum_values
from .naming import Namer, pascal


_DISCRIMINATOR_PREFERENCE = ("type", "role", "object", "kind", "event", "status")


def union(cx: Context, node: dict[str, Any], kw: str, at: At, nullable: bool) -> ir.TypeExpr:
    where = cx.where(at.file, at.pointer)
    subs: list[tuple[Any, str, str, Any]] = []  # (site, file, pointer, resolved target)
    loose: str | None = None  # why the schema as written accepts more than the type says
    for i, sub in enumerate(node[kw]):
        sptr = join_pointer(at.pointer, kw, i)
        target, tfile, tptr = cx.deref(sub, at.file, sptr)
        if is_null_schema(target):
            nullable = True
            if isinstance(target, dict) and "type" not in target and "enum" not in target:
                loose = "as written the branch `{nullable: true}` (no type) accepts any value"
            continue
        subs.append((sub, at.file, sptr, target))
    if not subs:
        return ir.TypeExpr("null", nullable=True, pointer=where)
    # anyOf/oneOf [string, enum of strings] -> an open enum
    open_values = open_enum_values(node, [s[3] for s in subs])
    if open_values is not None:
        return _loosen(enums.enum_type(cx, node, open_values, at, nullable, is_open=True), loose)
    if len(subs) == 1:
        key = (at.file, at.pointer)
        sub_key = (subs[0][1], subs[0][2])
        if key in cx.component_names and sub_key not in cx.component_names and not (isinstance(subs[0][0], dict) and "$ref" in subs[0][0]):
            # `Name: anyOf [{inline object}, null]`: the inline object is `Name`
            cx.component_names[sub_key] = cx.component_names[key]
        t = cx.schema(subs[0][0], At(subs[0][1], subs[0][2], at.hint))
        return _loosen(t.with_nullable() if nullable and not t.nullable else t, loose)
    key = (at.file, at.pointer)
    name = cx.name_for(key, node, at.hint)
    ref = ir.TypeExpr("union", ref=name, pointer=where)
    cx.register(key, ref)
    variants: list[ir.Variant] = []
    for i, (sub, sfile, sptr, target) in enumerate(subs):
        title = text_of(target.get("title")) if isinstance(target, dict) else ""
        dep = deprecation_of(target) if isinstance(target, dict) else None
        if dep is None and isinstance(sub, dict) and "$ref" in sub:
            dep = deprecation_of(sub)
        if isinstance(sub, dict) and "$ref" not in sub:
            # an inline variant's deprecation is the variant's, not a schema's
            cx.note_deprecated("variant", title or f"variant {i + 1}", sfile, sptr, dep)
        vt = cx.schema(sub, At(sfile, sptr, name + (pascal(title, shape_suffix(target)) if title else shape_suffix(target))))
        variants.append(ir.Variant(name=variant_name(vt, title, i), type=vt, title=title or None, deprecated=dep, pointer=cx.where(sfile, sptr)))
    disc, inferred, tags = discriminate(cx, node, variants, at)
    if disc is None:
        # a oneOf of oneOfs (`AssistantStreamEvent`) means the same as one flat oneOf: flattened,
        # its members may share a tag property that the nested form hides
        flat = flatten(cx, variants)
        if flat is not None:
            fdisc, finferred, ftags = discriminate(cx, node, flat, at)
            if fdisc is not None:
                variants, disc, inferred, tags = flat, fdisc, finferred, ftags
    wire = wire_tags(cx, node, variants, at) if disc is not None and not inferred else [()] * len(variants)
    final: list[ir.Variant] = []
    vnames = Namer()
    for v, tag, accepted in zip(variants, tags, wire):
        vname = v.name
        if tag is not None and v.type.kind != "model":
            vname = str(tag)
        v = replace(v, tag=tag, name=vnames.claim(vname), wire_tags=accepted)
        cx.note_deprecated("variant", v.name, *cx.docs.split_where(v.pointer), v.deprecated)
        final.append(v)
    dep = deprecation_of(node)
    cx.note_deprecated("schema", name, at.file, at.pointer, dep)
    default = default_variant(cx, node, final, at) if disc is not None and not inferred else None
    cx.unions[name] = ir.Union(
        name=name,
        variants=tuple(final),
        discriminator=disc,
        inferred=inferred,
        keyword=kw,  # type: ignore[arg-type]
        description=text_of(node.get("description")),
        deprecated=dep,
        pointer=where,
        default_variant=default,
    )
    return _loosen(ref.with_nullable(nullable) if nullable else ref, loose)


def default_variant(cx: Context, node: dict[str, Any], variants: list[ir.Variant], at: At) -> str | None:
    """The variant `discriminator.defaultMapping` (3.2) names: a schema name or a reference, read
    as `mapping` values are; a target that is not one of the variants is reported and ignored."""
    disc = node.get("discriminator")
    target = disc.get("defaultMapping") if isinstance(disc, dict) else None
    if target is None:
        return None
    dptr = at.pointer + "/discriminator/defaultMapping"
    where: str | None = None
    if isinstance(target, str) and ("#" in target or "/" in target):
        res = cx.docs.resolve(target, at.file, dptr)
        where = cx.where(res.file, res.pointer) if res is not None else None
    elif isinstance(target, str):
        where = join_pointer("/components/schemas", target)
    for v in variants:
        if where is not None and v.type.pointer == where:
            return v.name
    cx.diags.warning(
        "bad-default-mapping",
        f"defaultMapping {str(target)[:80]!r} is not one of the union's variants; a value with an unlisted tag reads as an unknown variant",
        hint="name one of the oneOf/anyOf schemas (by name or $ref) in defaultMapping",
        file=at.file,
        pointer=dptr,
    )
    return None


def _loosen(t: ir.TypeExpr, loose: str | None) -> ir.TypeExpr:
    return replace(t, note=loose) if loose is not None and t.note is None else t


def wire_tags(cx: Context, node: dict[str, Any], variants: list[ir.Variant], at: At) -> list[tuple[Any, ...]]:
    """Per variant, the discriminator values that select it as OpenAPI 3.0 reads an explicit
    `discriminator` (and openapi-schema-validator checks it), most widely understood first: the
    `mapping` keys whose target is a reference, the name of the component schema it is (the
    implicit mapping), then `mapping` keys whose target is a bare schema name (which some
    validators cannot resolve)."""
    disc = node.get("discriminator")
    mapping: dict[str, Any] = disc["mapping"] if isinstance(disc, dict) and isinstance(disc.get("mapping"), dict) else {}
    by_ref: dict[str, list[Any]] = {}
    by_name: dict[str, list[Any]] = {}
    for key, target in mapping.items():
        if isinstance(target, str) and ("#" in target or "/" in target):
            # `discriminate` resolved (and reported) it already: this lookup only finds it again
            res = cx.docs.resolve(target, at.file, at.pointer + "/discriminator/mapping")
            if res is not None:
                by_ref.setdefault(cx.where(res.file, res.pointer), []).append(key)
        elif isinstance(target, str):
            by_name.setdefault(join_pointer("/components/schemas", target), []).append(key)
    out: list[tuple[Any, ...]] = []
    for v in variants:
        keys = list(by_ref.get(v.type.pointer, []))
        name = v.type.pointer.rsplit("/", 1)[-1] if v.type.pointer.startswith("/components/schemas/") and v.type.pointer.count("/") == 3 else None
        if name is not None and name not in mapping:
            keys.append(name.replace("~1", "/").replace("~0", "~"))  # a key of `mapping` names its own target
        keys.extend(by_name.get(v.type.pointer, []))
        out.append(tuple(keys))
    return out


def flatten(cx: Context, variants: list[ir.Variant]) -> list[ir.Variant] | None:
    """The variants with nested (finished, non-nullable) unions replaced by their own variants;
    None when there is nothing to flatten."""
    if not any(v.type.kind == "union" and v.type.ref in cx.unions for v in variants):
        return None
    out: list[ir.Variant] = []
    for v in variants:
        if v.type.kind == "union" and v.type.ref in cx.unions and not v.type.nullable:
            nested = cx.unions[v.type.ref].variants
            out.extend(replace(n, tag=None) for n in nested)
        elif v.type.kind == "union" and v.type.ref is not None:
            return None  # still being converted (recursion): keep the nested form
        else:
            out.append(v)
    return out


def discriminate(cx: Context, node: dict[str, Any], variants: list[ir.Variant], at: At) -> tuple[str | None, bool, list[Any]]:
    """(property, inferred?, tag per variant). Explicit discriminators win; otherwise infer."""
    none: list[Any] = [None] * len(variants)
    models = [cx.models.get(v.type.ref or "") if v.type.kind == "model" else None for v in variants]
    disc = node.get("discriminator")
    if isinstance(disc, dict) and isinstance(disc.get("propertyName"), str):
        prop = disc["propertyName"]
        mapping: dict[str, Any] = disc["mapping"] if isinstance(disc.get("mapping"), dict) else {}
        by_target: dict[str, Any] = {}
        tag: Any
        for tag, target in sorted(mapping.items(), key=lambda kv: str(kv[0])):
            res = cx.docs.resolve(target, at.file, at.pointer + "/discriminator/mapping") if isinstance(target, str) and ("#" in target or "/" in target) else None
            if res is not None:
                by_target[cx.where(res.file, res.pointer)] = tag
            elif isinstance(target, str):
                by_target[target] = tag
        tags: list[Any] = []
        for v, m in zip(variants, models):
            tag = by_target.get(v.type.pointer)
            if tag is None and m is not None:
                tag = by_target.get(m.name)
            if tag is None and m is not None:
                f = next((f for f in m.fields if f.name == prop), None)
                if f is not None and f.type.kind == "literal" and len(f.type.values) == 1:
                    tag = f.type.values[0]
                elif f is not None and f.type.kind == "enum" and f.type.ref in cx.enums and len(cx.enums[f.type.ref].members) == 1:
                    tag = cx.enums[f.type.ref].members[0].value
            if tag is None and m is not None and v.type.pointer.startswith("/components/schemas/"):
                tag = v.type.pointer.rsplit("/", 1)[-1]
            tags.append(tag)
        return prop, False, tags
    if any(m is None for m in models):
        return None, False, none
    candidates: list[str] | None = None
    per_variant: list[dict[str, Any]] = []
    for m in models:
        assert m is not None
        lits = {
            f.name: f.type.values[0]
            for f in m.fields
            if f.required and f.type.kind == "literal" and len(f.type.values) == 1 and not f.type.nullable and isinstance(f.type.values[0], (str, int))
        }
        per_variant.append(lits)
        names = [n for n in (f.name for f in m.fields) if n in lits]
        candidates = names if candidates is None else [n for n in candidates if n in lits]
    if not candidates:
        return None, False, none
    ordered = [p for p in _DISCRIMINATOR_PREFERENCE if p in candidates] + [p for p in candidates if p not in _DISCRIMINATOR_PREFERENCE]
    for prop in ordered:
        tags = [pv[prop] for pv in per_variant]
        if len({(type(t), t) for t in tags}) == len(tags):
            return prop, True, tags
    return None, False, none

