"""`specgen inspect`: the normalized IR as JSON, for people and tests to see what was decided."""

from __future__ import annotations

from typing import Any

from . import ir


def _type(t: ir.TypeExpr | None) -> Any:
    if t is None:
        return None
    out: dict[str, Any] = {"kind": t.kind}
    if t.ref:
        out["ref"] = t.ref
    if t.item is not None:
        out["item"] = _type(t.item)
    if t.variants:
        out["variants"] = [_type(v) for v in t.variants]
    if t.values:
        out["values"] = list(t.values)
    if t.nullable:
        out["nullable"] = True
    if t.note:
        out["note"] = t.note
    return out


def _parameter(p: ir.Parameter) -> dict[str, Any]:
    """How a parameter travels."""
    return {"name": p.name, "in": p.location, "style": p.style, "explode": p.explode, "allow_reserved": p.allow_reserved, "content_type": p.content_type, "required": p.required}


def _media(m: ir.MediaType) -> dict[str, Any]:
    """A request media type with its Encoding Objects."""
    parts = [{"name": e.name, "content_type": e.content_type, "style": e.style, "explode": e.explode, "allow_reserved": e.allow_reserved, "headers": list(e.headers)} for e in m.parts]
    return {"content_type": m.content_type, "kind": m.kind, "type": _type(m.type) if m.type is not None else None, "parts": parts}


def inspect_api(api: ir.Api, diagnostics: list[Any] | None = None) -> dict[str, Any]:
    """The shape `specgen inspect` prints (documented in README)."""
    return {
        "title": api.title,
        "version": api.version,
        "openapi": api.openapi,
        "servers": list(api.servers),
        "operations": [
            {
                "id": op.id,
                "method": op.method,
                "path": op.path,
                "call": op.call,
                "deprecated": op.deprecated is not None,
                "replacement": op.deprecated.replacement if op.deprecated else None,
                "streaming": op.streaming,
                "stream_framing": op.stream_framing,
                "arguments": [{"name": a.py_name, "source": a.source, "required": a.required, "deprecated": a.deprecated is not None} for a in op.arguments],
                "parameters": [_parameter(p) for p in op.parameters],
                "body": [_media(m) for m in op.body.media] if op.body is not None else None,
                "responses": [{"status": r.status, "content_type": r.content_type, "type": _type(r.type), "media": [m.content_type for m in r.media]} for r in op.responses],
                "accept": op.accept,
                "outcomes": [{"kind": o.kind, "content_types": list(o.content_types), "type": _type(o.type) if o.type is not None else None} for o in op.outcomes],
            }
            for op in api.operations
        ],
        "unions": [
            {
                "name": u.name,
                "where": u.pointer,
                "keyword": u.keyword,
                "discriminator": u.discriminator,
                "inferred": u.inferred,
                **({"default_variant": u.default_variant} if u.default_variant else {}),
                "variants": [{"name": v.name, "tag": v.tag, "deprecated": v.deprecated is not None, "type": _type(v.type)} for v in u.variants],
            }
            for u in api.unions
        ],
        "enums": [{"name": e.name, "where": e.pointer, "open": e.open, "values": list(e.values)} for e in api.enums],
        "models": [
            {
                "name": m.name,
                "where": m.pointer,
                "fields": [{"name": f.name, "py_name": f.py_name, "required": f.required, "type": _type(f.type), "deprecated": f.deprecated is not None} for f in m.fields],
            }
            for m in api.models
        ],
        "webhooks": [
            {"name": h.name, "kind": h.kind, "method": h.method, "py_name": h.py_name, "payload": _type(h.payload), "tag": h.tag, "headers": dict(h.headers), "operation": h.operation, "expression": h.expression}
            for h in api.hooks
        ],
        "webhook_discriminator": api.webhook_discriminator,
        "deprecated": [{"where": d.where, "kind": d.kind, "name": d.name, "replacement": d.replacement} for d in api.deprecated],
        "degraded": list(api.degraded),
        "skipped": list(api.skipped),
        "diagnostics": [d.as_dict() for d in diagnostics or []],
    }
