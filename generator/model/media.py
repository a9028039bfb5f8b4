"""Media: request bodies and responses by media type, and how a successful answer is read.

- A request body keeps every media type it accepts (JSON first, then as declared), each with
  its schema and, for forms and multipart, one `PartEncoding` per property with the spec's
  defaults decided (`encoding.py`).
- A response keeps its media types as declared; JSON is described first.
- An operation's `outcomes` say how its success answer is read by Content-Type (JSON value,
  SSE or JSON Lines stream, binary, text, nothing), and `accept` what it asks for.
- Streaming: which operations can answer with server-sent events, the field that asks for it,
  and one event's type.

Media type keys that are not `type/subtype` are warned about and left out: they would reach
the Accept and Content-Type headers.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ..diagnostics import join_pointer, pointer_ref
from ..runtime._wire import kind_of
from . import ir
from .context import At, Context
from .encoding import part_encodings
from .keywords import deprecation_of, examples_of, stability_of, text_of
from .naming import pascal
from .streams import sse_item_type

# type "/" subtype, optional parameters: tokens only (RFC 9110 8.3.1), ranges allowed
_MEDIA_TYPE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+/[!#$%&'*+\-.^_`|~0-9A-Za-z]+(\s*;\s*[!#$%&'*+\-.^_`|~0-9A-Za-z]+=(\"[^\"\x00-\x1f\x7f]*\"|[!#$%&'*+\-.^_`|~0-9A-Za-z]+))*")


def media_types(cx: Context, content: Any, file: str, ptr: str) -> list[tuple[str, dict[str, Any]]]:
    """(media type, media type object) of a `content` map, leaving out keys that are not media types."""
    if not isinstance(content, dict):
        return []
    out = []
    for ct, mt in content.items():
        if not isinstance(ct, str) or not _MEDIA_TYPE.fullmatch(ct.strip()):
            cx.diags.warning(
                "bad-media-type",
                f"{str(ct)[:60]!r} is not a media type (type/subtype); it is left out",
                hint="write media types such as application/json or image/png",
                file=file,
                pointer=join_pointer(ptr, "content", str(ct)),
            )
            continue
        out.append((ct.strip(), mt if isinstance(mt, dict) else {}))
    return out


def _request_kind(ct: str) -> ir.MediaKind:
    k = kind_of(ct)
    return "text" if k in ("sse", "jsonl") else k  # type: ignore[return-value]


def _raw_type(cx: Context, kind: str, t: ir.TypeExpr | None, ct: str, at: At) -> ir.TypeExpr:
    """The argument type of a raw (binary or text) body: bytes or files for binary media types,
    str for text; a schema that describes a structure is noted, the content sent as given."""
    where = cx.where(at.file, at.pointer)
    if t is not None and t.kind in ("model", "map", "array", "union", "enum"):
        cx.note_partial(t, at, f"{ct} body with a structured schema: sent as the raw content the caller gives (str, bytes or a file); specgen does not serialize {ct}")
    if kind == "binary" and t is not None and t.kind == "string":
        # a binary media type whose schema is text (base64, say): the text, or bytes and files
        return ir.TypeExpr("union", variants=(ir.TypeExpr("string", pointer=where), ir.TypeExpr("binary", pointer=where)), pointer=where)
    return ir.TypeExpr("binary" if kind == "binary" else "string", pointer=where)


def body(cx: Context, rb: dict[str, Any], file: str, ptr: str, base: str) -> ir.Body | None:
    declared = media_types(cx, rb.get("content"), file, ptr)
    if not declared:
        return None
    converted: dict[str, ir.MediaType] = {}
    # converted in order of name (inline schemas named on the way do not follow the
    # document's order), kept as declared
    for ct, mt in sorted(declared, key=lambda d: d[0]):
        kind = _request_kind(ct)
        sptr = join_pointer(ptr, "content", ct, "schema")
        schema = mt.get("schema")
        at = At(file, sptr, base + "Request")
        t = cx.schema(schema, at) if schema is not None else None
        if kind in ("binary", "text"):
            t = _raw_type(cx, kind, t, ct, at)
        elif t is None:
            t = ir.TypeExpr("any", pointer=cx.where(file, sptr))
        parts = part_encodings(cx, kind, t, mt.get("encoding"), file, join_pointer(ptr, "content", ct)) if kind in ("form", "multipart") else ()
        converted[ct] = ir.MediaType(ct, kind, t, parts, cx.where(file, sptr), examples_of(mt))
    items = [converted[ct] for ct, _ in declared]
    ordered = [m for m in items if m.kind == "json"] + [m for m in items if m.kind != "json"]
    first = ordered[0]
    assert first.type is not None
    return ir.Body(
        content_type=first.content_type,
        type=first.type,
        required=rb.get("required") is True,
        encoding=first.kind,  # type: ignore[arg-type]
        description=text_of(rb.get("description")),
        content_types=tuple(c for c, _ in declared),
        pointer=first.pointer,
        examples=first.examples,
        media=tuple(ordered),
    )


_FIELD_KINDS = ("json", "form", "multipart")


def body_model(body: ir.Body | None) -> str | None:
    """The model whose fields become the method's arguments: the first object media type's."""
    if body is None:
        return None
    return next((m.type.ref for m in body.media if m.kind in _FIELD_KINDS and m.type is not None and m.type.kind == "model" and not m.type.nullable and m.type.ref), None)


def offered_media(cx: Context, body: ir.Body, flattened: bool) -> tuple[ir.MediaType, ...]:
    """The media types a call can send. With arguments made of fields, those of raw media types
    (bytes or text) cannot be: they are left out, and noted."""
    if not flattened:
        return body.media
    out = tuple(m for m in body.media if m.kind in _FIELD_KINDS)
    for m in body.media:
        if m not in out:
            cx.degraded.append({"where": m.pointer, "reason": f"request media type {m.content_type} is not offered: the method's arguments are the fields of {', '.join(o.content_type for o in out)}"})
    return out


def whole_body_type(body: ir.Body) -> ir.TypeExpr:
    """The type of a body passed whole: its media types' types, either of them when they differ."""
    types: list[ir.TypeExpr] = []
    for m in body.media:
        if m.type is not None and m.type not in types:
            types.append(m.type)
    if len(types) <= 1:
        return types[0] if types else body.type
    return ir.TypeExpr("union", variants=tuple(types), pointer=body.pointer)


def body_fields(cx: Context, media: tuple[ir.MediaType, ...]) -> list[ir.Field]:
    """The fields a method takes for a body: the properties of every object media type (JSON
    first), merged by wire name. A field is required only where every one of them requires it;
    a field two media types type differently takes either type."""
    refs = list(dict.fromkeys(m.type.ref for m in media if m.kind in _FIELD_KINDS and m.type is not None and m.type.kind == "model" and m.type.ref in cx.models))
    merged: dict[str, ir.Field] = {}
    everywhere: dict[str, int] = {}
    for ref in refs:
        for f in cx.models[ref].fields:
            everywhere[f.name] = everywhere.get(f.name, 0) + 1
            old = merged.get(f.name)
            if old is None:
                merged[f.name] = f
            elif old.type != f.type:
                variants = (old.type.variants if old.type.kind == "union" and old.type.ref is None else (old.type,)) + (f.type,)
                merged[f.name] = replace(old, type=ir.TypeExpr("union", variants=variants, pointer=old.type.pointer), required=old.required and f.required)
            else:
                merged[f.name] = replace(old, required=old.required and f.required)
    return [replace(f, required=False) if f.required and everywhere[f.name] < len(refs) else f for f in merged.values()]


_RESPONSE_RANK = {"json": 0, "sse": 1, "jsonl": 2, "text": 3, "binary": 4}


def _response_kind(ct: str) -> ir.MediaKind:
    k = kind_of(ct)
    return "binary" if k in ("form", "multipart") else k  # type: ignore[return-value]


def response(cx: Context, status: str, resp: dict[str, Any], file: str, ptr: str, base: str) -> tuple[ir.Response, At | None]:
    """The response, and where its `text/event-stream` schema stands when JSON was chosen
    beside it (converted later by `_streaming`, once every response has claimed its names)."""
    declared = media_types(cx, resp.get("content"), file, ptr)
    headers = tuple(str(h) for h in resp.get("headers", {}) if str(h).lower() != "content-type") if isinstance(resp.get("headers"), dict) else ()
    suffix = "Response" if status in ("200", "201") else f"Response{pascal(status, 'Other')}"
    header_params = response_headers(cx, resp.get("headers"), file, ptr, base + suffix)
    if not declared:
        return ir.Response(status, text_of(resp.get("description")), None, None, "none", pointer=cx.where(file, ptr), headers=headers, header_params=header_params), None
    kinds = [(ct, mt, _response_kind(ct)) for ct, mt in declared]
    ct, mt, kind = min(kinds, key=lambda m: (_RESPONSE_RANK[m[2]], m[0]))  # ties by name, not document order
    key = _schema_key(mt)
    sptr = join_pointer(ptr, "content", ct, key)
    schema = mt.get(key)
    t, framing = _item_or_whole(cx, kind, key, schema, At(file, sptr, base + suffix)) if schema is not None else (None, "data")
    media: list[ir.MediaType] = []
    for c, m, k in kinds:
        mkey = _schema_key(m)
        mptr = join_pointer(ptr, "content", c, mkey)
        mtype, mframing = (t, framing) if c == ct else (None, "data")
        if mtype is None and k == "jsonl" and isinstance(m.get(mkey), dict):
            mtype = cx.schema(m[mkey], At(file, mptr, base + suffix + "Item"))
        structured = k in ("binary", "text") and _structured(m.get(mkey))
        media.append(ir.MediaType(c, k, mtype, (), cx.where(file, mptr), examples_of(m), structured, mkey == "itemSchema", mframing))  # type: ignore[arg-type]
    response = ir.Response(
        status, text_of(resp.get("description")), ct, t, kind, tuple(c for c, _ in declared),  # type: ignore[arg-type]
        pointer=cx.where(file, sptr), examples=examples_of(mt), headers=headers, media=tuple(media), header_params=header_params,
    )
    sse = next(((c, m) for c, m in declared if kind_of(c) == "sse"), None)
    sse_key = "schema" if sse is not None and isinstance(sse[1].get("schema"), dict) else "itemSchema"
    if kind == "sse" or sse is None or not isinstance(sse[1].get(sse_key), dict):
        return response, None
    event_base = t.ref if t is not None and t.ref else "Stream"
    return response, At(file, join_pointer(ptr, "content", sse[0], sse_key), event_base + "Event")


def _schema_key(mt: dict[str, Any]) -> str:
    """OpenAPI 3.2: a stream's `itemSchema` describes one item, as `schema` does the whole."""
    return "itemSchema" if "schema" not in mt and "itemSchema" in mt else "schema"


def _item_or_whole(cx: Context, kind: str, key: str, schema: Any, at: At) -> tuple[ir.TypeExpr, str]:
    """A media type's type and, for a 3.2 event stream's `itemSchema`, how its events are framed."""
    if kind == "sse" and key == "itemSchema":
        t, json_data = sse_item_type(cx, schema, at)
        return t, "data" if json_data is None else "event" if json_data else "event-text"
    return cx.schema(schema, at), "data"


def _structured(schema: Any) -> bool:
    """Does a schema describe a structure (an object, array or composition), not bytes or text?"""
    if not isinstance(schema, dict):
        return False
    return "$ref" in schema or "properties" in schema or schema.get("type") in ("object", "array") or any(k in schema for k in ("allOf", "oneOf", "anyOf"))


def response_headers(cx: Context, headers: Any, file: str, ptr: str, base: str) -> tuple[ir.Parameter, ...]:
    """A response's headers with their schemas (a header's `content` media type's schema when
    it has no `schema`), in order of name."""
    if not isinstance(headers, dict):
        return ()
    out = []
    for name in sorted(headers, key=str):
        hptr = join_pointer(ptr, "headers", name)
        h, hfile, hptr = cx.deref(headers[name], file, hptr)
        if not isinstance(h, dict):
            continue
        schema, sptr = h.get("schema"), hptr + "/schema"
        if schema is None and isinstance(h.get("content"), dict) and h["content"]:
            ct = sorted(h["content"], key=str)[0]
            mt = h["content"][ct]
            schema, sptr = (mt.get("schema") if isinstance(mt, dict) else None), join_pointer(hptr, "content", ct, "schema")
        t = cx.schema(schema, At(hfile, sptr, base + pascal(str(name), "Header"))) if schema is not None else ir.TypeExpr("string", pointer=cx.where(hfile, hptr))
        out.append(
            ir.Parameter(
                name=str(name),
                location="header",
                type=t,
                required=h.get("required") is True,
                description=text_of(h.get("description")),
                deprecated=deprecation_of(h),
                style=h["style"] if isinstance(h.get("style"), str) else "simple",
                explode=h["explode"] if isinstance(h.get("explode"), bool) else False,
                pointer=cx.where(hfile, hptr),
                stability=stability_of(h),
            )
        )
    return tuple(out)


def streaming(cx: Context, body_model: str | None, responses: list[ir.Response], sse_schemas: list[At | None]) -> tuple[bool, str | None, ir.TypeExpr | None, str]:
    """(streams at all, the body field that asks for it, one item's type, how items are framed)."""
    stream_param = None
    if body_model is not None:
        m = cx.models[body_model]
        f = next((f for f in m.fields if f.name == "stream"), None)
        if f is not None and f.type.kind == "boolean":
            stream_param = "stream"
    has_sse = any(kind_of(ct) == "sse" for r in responses for ct in r.content_types)
    if stream_param is None and not has_sse:
        return False, None, None, "data"
    sse_type: ir.TypeExpr | None = None
    framing = "data"
    for r, at in zip(responses, sse_schemas):
        if r.encoding == "sse":
            sse_type = r.type
            framing = next((m.framing for m in r.media if m.kind == "sse" and m.type is r.type), "data")
            break
        if at is not None:
            node, f2, p2 = cx.deref({"$ref": pointer_ref(at.pointer)}, at.file, "")
            if isinstance(node, dict):
                key = "itemSchema" if at.pointer.endswith("/itemSchema") else "schema"
                sse_type, framing = _item_or_whole(cx, "sse", key, node, At(f2, p2, at.hint))
                break
    if sse_type is None:
        sse_type = guess_chunk(cx, responses)
    return True, stream_param, sse_type or ir.TypeExpr("any", note="the spec does not say what a stream event holds"), framing


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
            node, f2, p2 = cx.deref({"$ref": pointer_ref(key[1])}, key[0], "")
            if isinstance(node, dict):
                return cx.schema(node, At(f2, p2, cand))
    return None


def _plain_string(t: ir.TypeExpr | None) -> bool:
    """A JSON answer that can only be a string (or is not described): no more than bytes say."""
    return t is None or t.kind == "any" or (t.kind == "string" and t.format is None and t.constraints.is_empty())


def answered(success: ir.Response) -> tuple[ir.MediaType, ...]:
    """The media types a call asks for and reads: beside a JSON structure, the same structure in
    another syntax (XML...) is not asked for; alone, it is read as text or bytes."""
    has_json = any(m.kind == "json" and not _plain_string(m.type) for m in success.media)
    return tuple(m for m in success.media if not (has_json and m.structured))


def degraded_answers(cx: Context, op: ir.Operation) -> None:
    """Say where an answer's structure is not parsed: left out beside JSON, or read raw."""
    success = op.success
    if success is None:
        return
    kept = answered(success)
    for m in success.media:
        if not m.structured:
            continue
        if m not in kept:
            reason = f"{m.content_type} answer not asked for: the client reads the JSON one"
        else:
            reason = f"{m.content_type} answer with a structured schema: read as {'text (a str)' if m.kind == 'text' else 'bytes (a BinaryResponse)'}; specgen does not parse {m.content_type}"
        cx.degraded.append({"where": m.pointer, "reason": reason})


def outcomes(success: ir.Response | None, stream_type: ir.TypeExpr | None) -> tuple[ir.Outcome, ...]:
    """How the success answer is read, by the Content-Type the server sends: JSON, JSON Lines,
    binary, text, then SSE; the first is the fall-back for a Content-Type nothing declares.
    A JSON alternative that is only a string, beside binary types, is read as binary too (a
    download that may also come as a JSON string)."""
    if success is None or not success.media:
        return (ir.Outcome("none"),)
    by_kind: dict[str, list[ir.MediaType]] = {}
    for m in answered(success):
        by_kind.setdefault(m.kind, []).append(m)
    out: list[ir.Outcome] = []
    json_media = by_kind.get("json", [])
    json_type = json_media[0].type if json_media else None
    fold = bool(json_media) and "binary" in by_kind and _plain_string(json_type)
    if json_media and not fold:
        out.append(ir.Outcome("json", tuple(m.content_type for m in json_media), json_type))
    if "jsonl" in by_kind:
        first = by_kind["jsonl"][0]
        item = first.type
        whole = item is not None and item.kind == "array" and not first.itemwise  # `schema` of the whole: its items
        out.append(ir.Outcome("jsonl", tuple(m.content_type for m in by_kind["jsonl"]), item.item if whole and item is not None else item))
    if "binary" in by_kind:
        extra = tuple(m.content_type for m in json_media) if fold else ()
        out.append(ir.Outcome("binary", tuple(m.content_type for m in by_kind["binary"]) + extra))
    if "text" in by_kind:
        out.append(ir.Outcome("text", tuple(m.content_type for m in by_kind["text"])))
    if "sse" in by_kind:
        out.append(ir.Outcome("sse", tuple(m.content_type for m in by_kind["sse"]), stream_type))
    elif stream_type is not None:
        # a stream flag the spec declares without an event-stream answer: events when asked
        out.append(ir.Outcome("sse", ("text/event-stream",), stream_type))
    return tuple(out)


def accept(responses: tuple[ir.Response, ...], success: ir.Response | None, stream_param: str | None) -> tuple[str | None, str | None]:
    """(Accept for a call, Accept when the call asks to stream): what the success answer may
    be; without a stream flag an event stream is asked for only when it is declared. An
    operation that declares no success content asks for JSON when its errors come as JSON."""
    accept_stream = "text/event-stream" if stream_param is not None else None
    if success is not None and success.media:
        types = [m.content_type for m in answered(success) if not (stream_param is not None and m.kind == "sse")]
        unique = list(dict.fromkeys(types))
        return (", ".join(unique) if unique else None), accept_stream
    if any(m.kind == "json" for r in responses for m in r.media):
        return "application/json", accept_stream
    return None, accept_stream
