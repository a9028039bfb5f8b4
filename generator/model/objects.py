"""Objects: properties and `required` (with `allOf` parts merged in order), additionalProperties,
fields with their defaults, examples, deprecations and readOnly/writeOnly, and required-only
alternatives (`anyOf: [{required: [a]}, {required: [b]}]`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..diagnostics import join_pointer
from . import ir
from .context import At, Context, ModelDraft
from .keywords import DOC_KEYS, alternatives_part, deprecation_of, text_of, examples_of, constraints_of, field_py_name, required_alternatives, wrapped_parts, deprecation_in_parts, stability_of, sunset_of, unmodeled_keys, sdk_computed
from .naming import ANNOTATION_NAMES, BUILTIN_TYPE_NAMES, MODEL_RESERVED, PY_RESERVED, Namer, pascal


def object_parts(cx: Context, node: dict[str, Any], file: str, pointer: str, depth: int = 0) -> tuple[list[tuple[str, Any, str, str]], set[str], tuple[Any, str, str] | None, dict[str, Any]]:
    """Properties (name, schema, file, pointer), required names, additionalProperties and
    other keywords of an object schema, with allOf parts merged in order."""
    props: list[tuple[str, Any, str, str]] = []
    required: set[str] = set()
    additional: tuple[Any, str, str] | None = None
    extra: dict[str, Any] = {}
    if depth > 32:
        return props, required, additional, extra
    parts: list[Any] = node["allOf"] if isinstance(node.get("allOf"), list) else []
    for i, part in enumerate(parts):
        target, pfile, pptr = cx.deref(part, file, join_pointer(pointer, "allOf", i))
        if not isinstance(target, dict):
            continue
        p, r, a, e = object_parts(cx, target, pfile, pptr, depth + 1)
        props.extend(p)
        required |= r
        if a is not None:
            additional = a
        for k, v in e.items():
            extra.setdefault(k, v)
    own = node.get("properties")
    if isinstance(own, dict):
        for name, sub in own.items():
            props.append((str(name), sub, file, join_pointer(pointer, "properties", name)))
    req = node.get("required")
    if isinstance(req, list):
        required |= {str(r) for r in req}
    if "additionalProperties" in node:
        additional = (node["additionalProperties"], file, pointer + "/additionalProperties")
    for k in ("description", "title", "example", "examples"):
        if k in node and k not in extra:
            extra[k] = node[k]
    return props, required, additional, extra


def all_of(cx: Context, node: dict[str, Any], at: At, nullable: bool) -> ir.TypeExpr:
    parts = node["allOf"] if isinstance(node["allOf"], list) else []
    if "enum" in node or "const" in node:
        return _constrained(cx, node, parts, at, nullable)
    adds_required = isinstance(node.get("required"), list) and bool(node["required"])
    own_shape = adds_required or any(k in node for k in ("properties", "additionalProperties", "oneOf", "anyOf", "items"))
    if len(parts) == 1 and not own_shape:
        # `allOf: [$ref]` is how 3.0 specs attach a description or nullable to a reference
        t = cx.schema(parts[0], At(at.file, at.pointer + "/allOf/0", at.hint))
        return t.with_nullable() if nullable and not t.nullable else t
    resolved = [cx.deref(p, at.file, join_pointer(at.pointer, "allOf", i))[0] for i, p in enumerate(parts)]
    hoisted = [(i, kw) for i, r in enumerate(resolved) if (kw := alternatives_part(r)) is not None]
    if len(hoisted) == 1 and not any(k in node for k in ("oneOf", "anyOf")) and len(parts) > 1:
        # a part that only says which fields are required (`anyOf: [{required: [a]}, ...]`):
        # the object's own alternatives (see object_type), the other parts its fields (the part
        # left as `{}`, so that the others keep their places)
        i, kw = hoisted[0]
        node = {**{k: v for k, v in node.items() if k != "allOf"}, "allOf": [*parts[:i], {}, *parts[i + 1 :]], kw: resolved[i][kw]}
        parts, resolved = node["allOf"], [*resolved[:i], {}, *resolved[i + 1 :]]
    objecty = all(
        isinstance(r, dict) and (r.get("type") in (None, "object") or "properties" in r) and not any(k in r for k in ("oneOf", "anyOf", "enum"))
        for r in resolved
    )
    if not objecty:
        clash = _type_clash(resolved)
        for i, r in enumerate(resolved):
            if isinstance(r, dict) and (r.get("type") not in (None, "object") or "enum" in r):
                t = cx.schema(parts[i], At(at.file, join_pointer(at.pointer, "allOf", i), at.hint))
                if clash is not None:
                    t = replace(t, unsatisfiable=clash)
                return cx.note_partial(t, at, "allOf of non-object schemas: only the first typed part is used")
        for i, r in enumerate(resolved):
            if isinstance(r, dict) and any(k in r for k in ("oneOf", "anyOf")):
                t = cx.schema(parts[i], At(at.file, join_pointer(at.pointer, "allOf", i), at.hint))
                return cx.note_partial(t, at, "allOf with a union part: the union is used, other parts' fields are left to the union")
    return object_type(cx, node, at, nullable)


def _constrained(cx: Context, node: dict[str, Any], parts: list[Any], at: At, nullable: bool) -> ir.TypeExpr:
    """`allOf` beside `enum`/`const`: the values restrict what the parts describe (their
    type and format are kept; the enum becomes the type)."""
    merged: dict[str, Any] = {}
    for i, part in enumerate(parts):
        target, _, _ = cx.deref(part, at.file, join_pointer(at.pointer, "allOf", i))
        if isinstance(target, dict):
            for k in ("type", "format", "description", "nullable"):
                if k in target:
                    merged.setdefault(k, target[k])
    merged.update({k: v for k, v in node.items() if k != "allOf"})
    t = cx.convert(cx, merged, at)
    return t.with_nullable() if nullable and not t.nullable else t


def _type_clash(resolved: list[Any]) -> str | None:
    """Why `allOf` parts can never hold together: two of them allow no JSON type in common."""
    seen: list[tuple[int, set[str]]] = []
    for i, r in enumerate(resolved):
        t = r.get("type") if isinstance(r, dict) else None
        types = {t} if isinstance(t, str) else {x for x in t if isinstance(x, str)} if isinstance(t, list) else None
        if types is None:
            continue
        if "number" in types:
            types.add("integer")
        for j, other in seen:
            if not types & other:
                return f"allOf parts {j} and {i} allow no type in common ({'/'.join(sorted(other))} and {'/'.join(sorted(types))})"
        seen.append((i, types))
    return None


def object_type(cx: Context, node: dict[str, Any], at: At, nullable: bool) -> ir.TypeExpr:
    key = (at.file, at.pointer)
    where = cx.where(at.file, at.pointer)
    props, required, additional, extra = object_parts(cx, node, at.file, at.pointer)
    if not props:
        # a free-form object: a map
        if additional is None or additional[0] is True or additional[0] == {}:
            value = ir.TypeExpr("any", pointer=where)
        elif additional[0] is False:
            # no properties and none allowed: only the empty object
            value = ir.TypeExpr("any", pointer=where)
            cons = replace(constraints_of(node, cx.version), max_properties=0)
            return ir.TypeExpr("map", item=value, nullable=nullable, constraints=cons, pointer=where)
        else:
            value = cx.schema(additional[0], At(additional[1], additional[2], at.hint + "Value"))
        cons = constraints_of(node, cx.version)
        if additional is not None and additional[0] is False and not isinstance(node.get("patternProperties"), dict):
            # a closed object with no properties: only `{}` is valid
            cons = replace(cons, max_properties=0)
        unsat = f"{', '.join(sorted(required))} required, but no property may be present" if required and cons.max_properties == 0 else None
        return ir.TypeExpr("map", item=value, nullable=nullable, constraints=cons, pointer=where, unsatisfiable=unsat)
    name = cx.name_for(key, node, at.hint)
    ref = ir.TypeExpr("model", ref=name, nullable=False, pointer=where)
    cx.register(key, ref)
    dep = deprecation_of(node)
    cx.note_deprecated("schema", name, at.file, at.pointer, dep)
    draft = ModelDraft(name, where, description=text_of(extra.get("description")), title=text_of(extra.get("title")) or None, deprecated=dep, examples=examples_of(extra))
    draft.closed = additional is not None and additional[0] is False
    for kw in ("oneOf", "anyOf"):
        alts = required_alternatives(node, kw)
        if alts is not None:
            # `not: {required: [a, b]}` beside `anyOf` makes the sets exclusive too
            nots = node.get("not")
            every = {n for alt in alts for n in alt}
            exclusive = kw == "oneOf" or (isinstance(nots, dict) and set(nots) == {"required"} and isinstance(nots["required"], list) and set(map(str, nots["required"])) == every)
            draft.alternatives, draft.alternatives_exclusive = alts, exclusive
            break
    draft.extra = model_extra(cx, node, at, draft.alternatives != ())
    cx.models[name] = draft
    cx.model_order.append(name)
    fnames = Namer(reserved=MODEL_RESERVED | PY_RESERVED)
    # Python names claimed, and property schemas converted (naming inline ones), in an order
    # of their own: the same names however the document orders the properties
    py_names = fnames.claim_all([(pname, field_py_name(pname)) for pname, _, _, _ in props])
    converted: dict[int, ir.Field] = {}
    for i in sorted(range(len(props)), key=lambda i: (props[i][0], i)):
        pname, sub, pfile, pptr = props[i]
        converted[i] = field(cx, pname, sub, pfile, pptr, name, pname in required, py_names[pname])
    by_name: dict[str, int] = {}
    for i in range(len(props)):
        f = converted[i]
        if f.name in by_name:  # allOf parts redefining a property: the later one wins
            draft.fields[by_name[f.name]] = f
        else:
            by_name[f.name] = len(draft.fields)
            draft.fields.append(f)
    missing = sorted(required - set(by_name))
    draft.allowed = closed_parts(cx, node, at.file, at.pointer)
    if draft.allowed is not None:
        draft.closed = True
        shut = sorted(set(required) - set(draft.allowed))
        if shut:
            draft.unsatisfiable = f"{', '.join(repr(n) for n in shut)} required, but an allOf part with additionalProperties: false does not declare {'them' if len(shut) > 1 else 'it'}"
    if missing and additional is not None and additional[0] is False:
        draft.unsatisfiable = f"{', '.join(repr(m) for m in missing)} required but not declared, and additionalProperties is false"
        cx.diags.warning(
            "unsatisfiable-required",
            f"{', '.join(repr(m) for m in missing)} required but not declared, and additionalProperties is false: no object can satisfy this schema",
            hint="declare the property under `properties`, or remove it from `required`",
            file=at.file,
            pointer=at.pointer + "/required",
        )
    if missing and additional is None:
        # `required` naming properties that are not declared: keep them, typed any
        for pname in missing:
            draft.fields.append(ir.Field(pname, fnames.claim(field_py_name(pname)), ir.TypeExpr("any", pointer=where), True, pointer=where))
    if additional is not None and additional[0] is not False:
        if additional[0] is True or additional[0] == {}:
            draft.additional = ir.TypeExpr("any", pointer=where)
        else:
            draft.additional = cx.schema(additional[0], At(additional[1], additional[2], name + "Value"))
    return ref.with_nullable(nullable) if nullable else ref


def model_extra(cx: Context, node: dict[str, Any], at: At, has_alternatives: bool) -> tuple[tuple[str, str], ...]:
    """The object keywords a model does not carry, its allOf parts' included (the same keyword
    in several parts: the sorted list of their values)."""
    found: dict[str, list[str]] = {}
    # required-only alternatives (and the `not` that makes them exclusive) are the model's
    modeled = frozenset({"allOf"}) | (frozenset({"oneOf", "anyOf", "not"}) if has_alternatives else frozenset())

    def visit(n: dict[str, Any], file: str, pointer: str, depth: int) -> None:
        for k, v in cx.extra(n, unmodeled_keys(n, ["model"], False, modeled), file, pointer):
            found.setdefault(k, []).append(v)
        parts = n.get("allOf")
        if isinstance(parts, list) and depth < 32:
            for i, part in enumerate(parts):
                target, pfile, pptr = cx.deref(part, file, join_pointer(pointer, "allOf", i))
                if isinstance(target, dict):
                    visit(target, pfile, pptr, depth + 1)

    visit(node, at.file, at.pointer, 0)
    return tuple((k, vs[0] if len(vs) == 1 else "[" + ",".join(sorted(vs)) + "]") for k, vs in sorted(found.items()))


def documentation(cx: Context, site: Any, file: str, pointer: str) -> dict[str, Any]:
    """The documentation keywords of a property's schema (DOC_KEYS): its own first, then those
    of the schema it wraps, through `$ref`s, nullable unions and `allOf` wrappers, the nearer
    one winning. Past a `$ref`, `deprecated` and `title` belong to the referenced schema, not
    to the property, and are not taken."""
    out: dict[str, Any] = {}
    node, crossed = site, False
    for _ in range(32):  # a bound: wrappers of wrappers are rare, cycles are possible
        if not isinstance(node, dict):
            break
        inner, notes = (None, []) if "$ref" in node else wrapped_parts(node, lambda p: cx.deref(p, file, pointer)[0])
        for src in [node, *notes]:
            for k in DOC_KEYS:
                if k in src and k not in out and not (crossed and k in ("deprecated", "title")):
                    if k in ("example", "examples") and ("example" in out or "examples" in out):
                        continue
                    out[k] = src[k]
        if "$ref" in node:
            node, file, pointer = cx.deref(node, file, pointer)
            crossed = True
        elif inner is not None:
            node = inner
        else:
            break
    return out


def closed_parts(cx: Context, node: dict[str, Any], file: str, pointer: str, depth: int = 0) -> tuple[str, ...] | None:
    """The property names an object may hold when `allOf` parts close it: each part with
    `additionalProperties: false` allows only its own properties (JSON Schema does not merge
    `allOf` parts), so only names every closed part declares may appear. None when no part is
    closed (the object's own `additionalProperties` is `Model.closed`)."""
    parts: list[Any] = node["allOf"] if isinstance(node.get("allOf"), list) else []
    allowed: set[str] | None = None
    if depth > 32:
        return None
    for i, part in enumerate(parts):
        target, pfile, pptr = cx.deref(part, file, join_pointer(pointer, "allOf", i))
        if not isinstance(target, dict):
            continue
        names: set[str] | None = None
        if target.get("additionalProperties") is False and not isinstance(target.get("patternProperties"), dict):
            own = target.get("properties")
            names = {str(n) for n in own} if isinstance(own, dict) else set()
        inner = closed_parts(cx, target, pfile, pptr, depth + 1)
        if inner is not None:
            names = set(inner) if names is None else names & set(inner)
        if names is not None:
            allowed = names if allowed is None else allowed & names
    if parts and node.get("additionalProperties") is False and not isinstance(node.get("patternProperties"), dict):
        # closed beside its allOf: the parts' properties are "additional" to it
        own = {str(n) for n in node["properties"]} if isinstance(node.get("properties"), dict) else set()
        allowed = own if allowed is None else allowed & own
    return tuple(sorted(allowed)) if allowed is not None else None


def field(cx: Context, pname: str, sub: Any, pfile: str, pptr: str, model: str, required: bool, py_name: str) -> ir.Field:
    doc = documentation(cx, sub, pfile, pptr)
    description = text_of(doc.get("description"))
    dep = deprecation_of(doc, description) or (deprecation_in_parts(sub, description) if isinstance(sub, dict) else None)
    if dep is not None and dep.sunset is None:  # x-sunset is not documentation: read where it is written
        target = cx.deref(sub, pfile, pptr)[0]
        dep = replace(dep, sunset=next((sunset_of(n) for n in (sub, target) if isinstance(n, dict) and "x-sunset" in n), None))
    # noted before the schema is converted: an inline schema's deprecation is the property's
    cx.note_deprecated("property", pname, pfile, pptr, dep)
    t = cx.schema(sub, At(pfile, pptr, model + pascal(pname, "Field")))
    if pname.isidentifier() and pname in ANNOTATION_NAMES and pname not in BUILTIN_TYPE_NAMES:
        cx.diags.warning(
            "reserved-name",
            f"the property {pname!r} is the attribute `{py_name}` in the client (its wire name stays {pname!r}): `{pname}` is a name the generated models use",
            hint="nothing to do unless you prefer another name",
            file=pfile,
            pointer=pptr,
        )
    site = sub if isinstance(sub, dict) else {}
    target = cx.deref(site, pfile, pptr)[0] if "$ref" in site else site
    return ir.Field(
        name=pname,
        py_name=py_name,
        type=t,
        required=required,
        description=description,
        title=text_of(doc.get("title")) or None,
        default=doc.get("default"),
        has_default="default" in doc,
        deprecated=dep,
        read_only=doc.get("readOnly") is True,
        write_only=doc.get("writeOnly") is True,
        examples=examples_of(doc),
        pointer=cx.where(pfile, pptr),
        stability=stability_of(sub) or stability_of(cx.deref(sub, pfile, pptr)[0]),
        sdk_computed=sdk_computed(site) or sdk_computed(target if isinstance(target, dict) else {}),
    )
