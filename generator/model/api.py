"""The Api: definitions finished in order with the module each belongs in, servers, security
schemes, and the schema errors come back as."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ..diagnostics import join_pointer
from . import ir, security
from .operations import security_scopes
from .webhooks import attribute
from .context import Context
from .keywords import text_of
from .naming import Namer, snake


def finish(cx: Context, operations: list[ir.Operation], hooks: tuple[tuple[ir.Webhook, ...], str | None] = ((), None)) -> ir.Api:
    req, resp, groups = usage(cx, operations, hooks[0])
    param_names = Namer(reserved=cx.types.taken)
    params = {name: param_names.claim(cx.models[name].name + "Param") for name in cx.model_order}
    unshadow_fields(cx, param_names.taken)
    models = []
    for name in cx.model_order:
        d = cx.models[name]
        models.append(
            ir.Model(
                name=d.name,
                param_name=params[name],
                fields=tuple(d.fields),
                additional=d.additional,
                description=d.description,
                title=d.title,
                deprecated=d.deprecated,
                pointer=d.pointer,
                group=groups.get(name, "shared"),
                used_in_request=name in req,
                used_in_response=name in resp or not (name in req),
                examples=d.examples,
                closed=d.closed,
                alternatives=d.alternatives,
                alternatives_exclusive=d.alternatives_exclusive,
                extra=d.extra,
                allowed=d.allowed,
                unsatisfiable=d.unsatisfiable,
            )
        )
    enums = [replace(e, group=groups.get(e.name, "shared")) for e in cx.enums.values()]
    unions = [replace(u, group=groups.get(u.name, "shared")) for u in cx.unions.values()]
    # claimed in an order of their own (not the document's): a collision has one winner
    unknown = {name: cx.types.claim("Unknown" + name) for name in sorted(u.name for u in unions if u.discriminator is not None)}
    unions = [replace(u, unknown_name=unknown[u.name]) if u.name in unknown else u for u in unions]
    info: dict[str, Any] = cx.root["info"] if isinstance(cx.root.get("info"), dict) else {}
    title = text_of(info.get("title")) or text_of(cx.root.get("title")) or cx.main.split(".")[0]
    default_security = tuple(tuple(str(k) for k in r) for r in cx.root.get("security", []) if isinstance(r, dict)) if isinstance(cx.root.get("security"), list) else ()
    err = error_model(cx, operations)
    schemes = security.security_schemes(cx, default_security)
    operations = security.unsendable(cx, operations, schemes, default_security)
    return ir.Api(
        title=title,
        version=text_of(info.get("version")),
        description=text_of(info.get("description")) or (text_of(cx.root.get("description")) if cx.version == "jsonschema" else ""),
        openapi=cx.version,
        servers=servers(cx),
        security_schemes=schemes,
        security=default_security,
        operations=tuple(operations),
        models=tuple(models),
        enums=tuple(enums),
        unions=tuple(unions),
        deprecated=tuple(cx.deprecated),
        error_model=err,
        error_shape=error_shape(cx, err),
        request_id_headers=request_id_headers(operations),
        env_prefix=security.api_env_prefix(title),
        security_scopes=security_scopes(cx.root["security"]) if isinstance(cx.root.get("security"), list) else (),
        webhooks=webhooks(cx),
        hooks=hooks[0],
        webhook_discriminator=hooks[1],
        webhooks_attr=attribute(operations),
        spec_name=cx.main,
        spec_sha256=cx.docs.main.sha256,
        degraded=tuple(cx.degraded),
        skipped=tuple(cx.skipped),
        tags=cx.tags,
    )


def webhooks(cx: Context) -> tuple[tuple[str, str], ...]:
    hooks = cx.root.get("webhooks")
    if not isinstance(hooks, dict):
        return ()
    return tuple(sorted((str(name), cx.canonical_json(item, cx.main, join_pointer("/webhooks", name))) for name, item in hooks.items()))


def unshadow_fields(cx: Context, type_names: set[str]) -> None:
    """A field named like a generated type its class spells (`Bar: Optional[Bar]`), or like a
    builtin its class spells a type with (`str: Optional[str]`), would shadow it in its class
    body: it takes a trailing underscore (the wire name stays its alias), with a warning. A type
    of the same name that the class does not spell takes nothing from it: the field keeps its
    name (so a field's name does not follow how other types happen to be named)."""
    for d in cx.models.values():
        roots = [f.type for f in d.fields]
        spelled = builtins_spelled(cx, roots) | (named_spelled(roots) & type_names)
        clash = {f.py_name for f in d.fields if f.py_name in spelled}
        if not clash:
            continue
        names = Namer(reserved={f.py_name for f in d.fields} | type_names | spelled)
        fields = []
        for f in d.fields:
            if f.py_name in clash:
                new = names.claim(f.py_name + "_")
                file, pointer = cx.docs.split_where(f.pointer)
                cx.diags.warning(
                    "reserved-name",
                    f"the property {f.name!r} is the attribute `{new}` in the client (its wire name stays {f.name!r}): `{f.py_name}` is a name its class needs",
                    hint="nothing to do unless you prefer another name",
                    file=file,
                    pointer=pointer,
                )
                f = replace(f, py_name=new)
            fields.append(f)
        d.fields = fields


_SPELLED = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "binary": "bytes"}


def named_spelled(roots: list[ir.TypeExpr]) -> set[str]:
    """The generated type names a class's annotations use: through lists, maps and inline unions,
    not into the definitions named by reference."""
    out: set[str] = set()
    stack = list(roots)
    while stack:
        t = stack.pop()
        if t.ref is not None:
            out.add(t.ref)
        stack.extend(x for x in (t.item, *t.variants) if x is not None)
    return out


def builtins_spelled(cx: Context, roots: list[ir.TypeExpr]) -> set[str]:
    """The builtin type names a class's annotations use (`str` for strings, string enums and
    maps' keys, `bytes` for binaries...): through lists, maps and inline unions, not into the
    definitions named by reference (their own modules spell those)."""
    out: set[str] = set()
    stack = list(roots)
    while stack:
        t = stack.pop()
        if t.kind in _SPELLED:
            out.add(_SPELLED[t.kind])
        elif t.kind == "map":
            out.add("str")
        elif t.kind == "enum" and t.ref in cx.enums:
            e = cx.enums[t.ref]
            out |= {"str"} if e.open or e.value_type in ("string", "mixed") else set()
            out |= {"float"} if e.value_type in ("number", "mixed") else set()
        elif t.kind == "literal":
            out |= {"float"} if any(isinstance(v, float) for v in t.values) else set()
        stack.extend(x for x in (t.item, *t.variants) if x is not None)
    return out


def servers(cx: Context) -> tuple[str, ...]:
    out = []
    servers = cx.root.get("servers")
    if isinstance(servers, list):
        for s in servers:
            if isinstance(s, dict) and isinstance(s.get("url"), str):
                url = s["url"]
                variables: dict[str, Any] = s["variables"] if isinstance(s.get("variables"), dict) else {}
                for k, v in variables.items():
                    if isinstance(v, dict) and "default" in v:
                        url = url.replace("{" + str(k) + "}", str(v["default"]))
                out.append(url)
    return tuple(out)


def error_model(cx: Context, operations: list[ir.Operation]) -> str | None:
    counts: dict[str, int] = {}
    for op in operations:
        for r in op.responses:
            if (r.status.startswith(("4", "5")) or r.status == "default") and r.type is not None and r.type.kind == "model" and r.type.ref:
                counts[r.type.ref] = counts.get(r.type.ref, 0) + 1
    if not counts:
        return None
    return max(sorted(counts), key=lambda k: counts[k])


_MESSAGE_KEYS = ("message", "detail", "error_description", "title", "error_message", "msg", "description")
_CODE_KEYS = ("code", "error_code", "errorcode")
_TYPE_KEYS = ("type", "error_type", "kind")
_PARAM_KEYS = ("param", "parameter", "field")


def error_shape(cx: Context, error: str | None) -> ir.ErrorShape:
    """Where the error schema keeps the message, code, param and type (inside an `error` member
    when it wraps them: `{"error": {"message": ...}}`)."""
    if error is None or error not in cx.models:
        return ir.ErrorShape()
    fields = {f.name: f for f in cx.models[error].fields}
    envelope = None
    inner = fields
    wrap = fields.get("error")
    if wrap is not None and wrap.type.kind == "model" and wrap.type.ref in cx.models:
        envelope = "error"
        inner = {f.name: f for f in cx.models[wrap.type.ref].fields}

    def pick(keys: tuple[str, ...]) -> str | None:
        by_lower = {n.lower(): n for n, f in inner.items() if f.type.kind not in ("model", "array", "map")}
        return next((by_lower[k] for k in keys if k in by_lower), None)

    return ir.ErrorShape(envelope, pick(_MESSAGE_KEYS), pick(_CODE_KEYS), pick(_PARAM_KEYS), pick(_TYPE_KEYS))


_REQUEST_ID = re.compile(r"(^|[-_])(x-)?(amzn-)?request-?id$", re.IGNORECASE)


def request_id_headers(operations: list[ir.Operation]) -> tuple[str, ...]:
    """The response headers the spec declares for request ids (`x-request-id` where it declares none)."""
    found: list[str] = []
    for op in operations:
        for r in op.responses:
            for h in r.headers:
                if _REQUEST_ID.search(h) and h.lower() not in found:
                    found.append(h.lower())
    return tuple(found) or ("x-request-id",)


def usage(cx: Context, operations: list[ir.Operation], hooks: tuple[ir.Webhook, ...] = ()) -> tuple[set[str], set[str], dict[str, str]]:
    """Which definitions requests and responses reach, and the module each belongs in."""
    req: set[str] = set()
    resp: set[str] = set()
    roots: dict[str, set[str]] = {}

    def walk(t: ir.TypeExpr | None, acc: set[str], root: str) -> None:
        stack = [t]
        while stack:
            cur = stack.pop()
            if cur is None:
                continue
            if cur.ref is not None:
                roots.setdefault(cur.ref, set()).add(root)
                if cur.ref in acc:
                    continue
                acc.add(cur.ref)
                if cur.kind == "model" and cur.ref in cx.models:
                    d = cx.models[cur.ref]
                    stack.extend(f.type for f in d.fields)
                    stack.append(d.additional)
                elif cur.kind == "union" and cur.ref in cx.unions:
                    stack.extend(v.type for v in cx.unions[cur.ref].variants)
            stack.append(cur.item)
            stack.extend(cur.variants)

    for op in operations:
        root = op.resource[0] if op.resource else "default"
        seen_req: set[str] = set()
        for p in op.parameters:
            walk(p.type, seen_req, root)
        if op.body is not None:
            walk(op.body.type, seen_req, root)
        req |= seen_req
        seen_resp: set[str] = set()
        for r in op.responses:
            walk(r.type, seen_resp, root)
        walk(op.stream_type, seen_resp, root)
        resp |= seen_resp
    for h in hooks:
        # a payload is parsed like an answer (`unwrap`), and lives with the other webhooks'
        walk(h.payload, resp, "webhooks")
    groups = {name: snake(next(iter(rs)), "shared") for name, rs in roots.items() if len(rs) == 1}
    return req, resp, groups

