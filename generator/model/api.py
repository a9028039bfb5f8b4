"""The Api: definitions finished in order with the module each belongs in, servers, security
schemes, and the schema errors come back as."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..diagnostics import join_pointer
from . import ir
from .operations import security_scopes
from .context import Context
from .keywords import text_of
from .naming import Namer, snake


def finish(cx: Context, operations: list[ir.Operation]) -> ir.Api:
    req, resp, groups = usage(cx, operations)
    param_names = Namer(reserved=cx.types.taken)
    models = []
    for name in cx.model_order:
        d = cx.models[name]
        models.append(
            ir.Model(
                name=d.name,
                param_name=param_names.claim(d.name + "Param"),
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
    info: dict[str, Any] = cx.root["info"] if isinstance(cx.root.get("info"), dict) else {}
    title = text_of(info.get("title")) or text_of(cx.root.get("title")) or cx.main.split(".")[0]
    return ir.Api(
        title=title,
        version=text_of(info.get("version")),
        description=text_of(info.get("description")) or (text_of(cx.root.get("description")) if cx.version == "jsonschema" else ""),
        openapi=cx.version,
        servers=servers(cx),
        security_schemes=security_schemes(cx),
        security=tuple(tuple(str(k) for k in r) for r in cx.root.get("security", []) if isinstance(r, dict)) if isinstance(cx.root.get("security"), list) else (),
        operations=tuple(operations),
        models=tuple(models),
        enums=tuple(enums),
        unions=tuple(unions),
        deprecated=tuple(cx.deprecated),
        error_model=error_model(cx, operations),
        security_scopes=security_scopes(cx.root["security"]) if isinstance(cx.root.get("security"), list) else (),
        webhooks=webhooks(cx),
        spec_name=cx.main,
        spec_sha256=cx.docs.main.sha256,
        degraded=tuple(cx.degraded),
    )


def webhooks(cx: Context) -> tuple[tuple[str, str], ...]:
    hooks = cx.root.get("webhooks")
    if not isinstance(hooks, dict):
        return ()
    return tuple(sorted((str(name), cx.canonical_json(item, cx.main, join_pointer("/webhooks", name))) for name, item in hooks.items()))


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


def security_schemes(cx: Context) -> tuple[ir.SecurityScheme, ...]:
    comps = cx.root.get("components")
    raw = comps.get("securitySchemes") if isinstance(comps, dict) else None
    out = []
    if isinstance(raw, dict):
        for name, s in raw.items():
            s, _, _ = cx.deref(s, cx.main, join_pointer("/components/securitySchemes", name))
            if not isinstance(s, dict):
                continue
            typ = s.get("type")
            desc = text_of(s.get("description"))
            if typ == "http" and str(s.get("scheme", "")).lower() == "bearer":
                out.append(ir.SecurityScheme(str(name), "bearer", "header", "Authorization", desc))
            elif typ == "http" and str(s.get("scheme", "")).lower() == "basic":
                out.append(ir.SecurityScheme(str(name), "basic", "header", "Authorization", desc))
            elif typ == "apiKey" and s.get("in") in ("header", "query", "cookie") and isinstance(s.get("name"), str):
                sptr = join_pointer("/components/securitySchemes", name, "name")
                usable = cx.wire_name_ok(s["name"], s["in"], "security scheme", cx.main, sptr)
                # a header or cookie name no HTTP client can send: the client skips the scheme
                out.append(ir.SecurityScheme(str(name), "apiKey" if usable else "other", s["in"], s["name"], desc))
            elif typ in ("oauth2", "openIdConnect"):
                out.append(ir.SecurityScheme(str(name), typ, "header", "Authorization", desc))
            else:
                out.append(ir.SecurityScheme(str(name), "other", "header", "Authorization", desc))
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


def usage(cx: Context, operations: list[ir.Operation]) -> tuple[set[str], set[str], dict[str, str]]:
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
    groups = {name: snake(next(iter(rs)), "shared") for name, rs in roots.items() if len(rs) == 1}
    return req, resp, groups

