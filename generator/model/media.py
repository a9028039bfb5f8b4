"""Media: the request body and each response by media type (JSON first), and streaming: which
operations can answer with server-sent events, the field that asks for it, and one event's type."""

from __future__ import annotations

from typing import Any

from ..diagnostics import join_pointer
from . import ir
from .context import At, Context
from .keywords import text_of, examples_of
from .naming import pascal


def media_types(cx: Context, content: Any) -> list[tuple[str, dict[str, Any]]]:
    if not isinstance(content, dict):
        return []
    return [(str(ct), mt if isinstance(mt, dict) else {}) for ct, mt in content.items()]


def body(cx: Context, rb: dict[str, Any], file: str, ptr: str, base: str) -> ir.Body | None:
    media = media_types(cx, rb.get("content"))
    if not media:
        return None

    def rank(ct: str) -> int:
        c = ct.lower()
        if c.startswith("application/json") or c.endswith("+json"):
            return 0
        if c.startswith("multipart/form-data"):
            return 1
        if c.startswith("application/x-www-form-urlencoded"):
            return 2
        if c.startswith("text/"):
            return 4
        return 3

    ct, mt = min(media, key=lambda m: rank(m[0]))
    enc = {0: "json", 1: "multipart", 2: "form", 3: "binary", 4: "text"}[rank(ct)]
    sptr = join_pointer(ptr, "content", ct, "schema")
    schema = mt.get("schema")
    if schema is None:
        t = ir.TypeExpr("binary" if enc == "binary" else "any", pointer=cx.where(file, sptr))
    else:
        t = cx.schema(schema, At(file, sptr, base + "Request"))
    return ir.Body(
        content_type=ct,
        type=t,
        required=rb.get("required") is True,
        encoding=enc,  # type: ignore[arg-type]
        description=text_of(rb.get("description")),
        content_types=tuple(c for c, _ in media),
        pointer=cx.where(file, sptr),
        examples=examples_of(mt),
    )


def response(cx: Context, status: str, resp: dict[str, Any], file: str, ptr: str, base: str) -> tuple[ir.Response, At | None]:
    """The response, and where its `text/event-stream` schema stands when JSON was chosen
    beside it (converted later by `_streaming`, once every response has claimed its names)."""
    media = media_types(cx, resp.get("content"))
    headers = tuple(str(h) for h in resp.get("headers", {})) if isinstance(resp.get("headers"), dict) else ()
    suffix = "Response" if status in ("200", "201") else f"Response{pascal(status, '')}"
    if not media:
        return ir.Response(status, text_of(resp.get("description")), None, None, "none", pointer=cx.where(file, ptr), headers=headers), None

    def rank(ct: str) -> int:
        c = ct.lower()
        if c.startswith("application/json") or c.endswith("+json"):
            return 0
        if c.startswith("text/event-stream"):
            return 1
        if c.startswith("text/"):
            return 2
        return 3

    ordered = sorted(media, key=lambda m: rank(m[0]))
    ct, mt = ordered[0]
    enc = {0: "json", 1: "sse", 2: "text", 3: "binary"}[rank(ct)]
    sptr = join_pointer(ptr, "content", ct, "schema")
    schema = mt.get("schema")
    t = cx.schema(schema, At(file, sptr, base + suffix)) if schema is not None else None
    response = ir.Response(status, text_of(resp.get("description")), ct, t, enc, tuple(c for c, _ in media), pointer=cx.where(file, sptr), examples=examples_of(mt), headers=headers)  # type: ignore[arg-type]
    sse = next(((c, m) for c, m in media if c.lower().startswith("text/event-stream")), None)
    if enc == "sse" or sse is None or not isinstance(sse[1].get("schema"), dict):
        return response, None
    event_base = t.ref if t is not None and t.ref else "Stream"
    return response, At(file, join_pointer(ptr, "content", sse[0], "schema"), event_base + "Event")


def streaming(cx: Context, body_model: str | None, responses: list[ir.Response], sse_schemas: list[At | None]) -> tuple[bool, str | None, ir.TypeExpr | None]:
    stream_param = None
    if body_model is not None:
        m = cx.models[body_model]
        f = next((f for f in m.fields if f.name == "stream"), None)
        if f is not None and f.type.kind == "boolean":
            stream_param = "stream"
    has_sse = any(ct.lower().startswith("text/event-stream") for r in responses for ct in r.content_types)
    if stream_param is None and not has_sse:
        return False, None, None
    sse_type: ir.TypeExpr | None = None
    for r, at in zip(responses, sse_schemas):
        if r.encoding == "sse":
            sse_type = r.type
            break
        if at is not None:
            node, f2, p2 = cx.deref({"$ref": "#" + at.pointer}, at.file, "")
            if isinstance(node, dict):
                sse_type = cx.schema(node, At(f2, p2, at.hint))
                break
    if sse_type is None:
        sse_type = guess_chunk(cx, responses)
    return True, stream_param, sse_type or ir.TypeExpr("any", note="the spec does not say what a stream event holds")


def guess_chunk(cx: Context, responses: list[ir.Response]) -> ir.TypeExpr | None:
    """Specs often declare the chunk schema but do not link it; find it by name."""
    ok = next((r for r in responses if r.status.startswith("2") and r.type is not None and r.type.ref), None)
    if ok is None or ok.type is None or ok.type.ref is None:
        return None
    base = ok.type.ref
    stem = base[: -len("Response")] if base.endswith("Response") else base
    for cand in (f"{stem}StreamResponse", f"{base}Chunk", f"{stem}Chunk", f"{stem}StreamEvent"):
        key = next((k for k, v in cx.component_names.items() if v == cand), None)
        if key is not None:
            node, f2, p2 = cx.deref({"$ref": "#" + key[1]}, key[0], "")
            if isinstance(node, dict):
                return cx.schema(node, At(f2, p2, cand))
    return None

