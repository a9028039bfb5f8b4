"""Encoding Objects: how each property of a form-urlencoded or multipart body travels, with the
spec's defaults decided here (OAS 3.1.2 4.8.15, and 3.0.3 for 3.0 documents):

- `contentType` when given, else by the property's type: `application/octet-stream` for binary
  (`format: binary`, `contentMediaType`, `contentEncoding`, or no type at all), `text/plain`
  for other primitives, `application/json` for objects, an array's items deciding for it;
- `style`, `explode`, `allowReserved` when any is given (they replace the content type: the
  property is written like a query parameter, `form` and explode by default);
- 3.0 form-urlencoded objects default to `style: form` (3.0.3: "the default serialization
  strategy of such properties is ... form"); 3.1 clarified that they go as JSON;
- part `headers` are kept by name (`Content-Type` is ignored there, as the spec says).

An encoding entry for a property the schema does not have is a warning.
"""

from __future__ import annotations

from typing import Any

from ..diagnostics import join_pointer
from . import ir
from .context import Context

QUERY_STYLES = ("form", "spaceDelimited", "pipeDelimited", "deepObject")


def default_content_type(cx: Context, t: ir.TypeExpr, depth: int = 0) -> str:
    """The part's Content-Type when the spec does not give one."""
    if t.kind == "array" and t.item is not None and depth < 8:
        return default_content_type(cx, t.item, depth + 1)
    if t.kind == "binary":
        return t.content_media_type or "application/octet-stream"
    if t.kind == "string" and t.format == "byte":
        return "application/octet-stream"
    if t.kind in ("model", "map", "array"):
        return "application/json"
    if t.kind == "union":
        variants = t.variants or _union_variants(cx, t)
        if any(default_content_type(cx, v, depth + 1) == "application/json" for v in variants):
            return "application/json"
        if variants and all(default_content_type(cx, v, depth + 1) == "application/octet-stream" for v in variants):
            return "application/octet-stream"
        return "text/plain"
    if t.kind == "any" and t.note is None:
        return "application/octet-stream"  # no type at all: the spec's default is binary
    return "text/plain"


def _union_variants(cx: Context, t: ir.TypeExpr) -> tuple[ir.TypeExpr, ...]:
    u = cx.unions.get(t.ref or "")
    return tuple(v.type for v in u.variants) if u is not None else ()


def _properties(cx: Context, t: ir.TypeExpr) -> list[ir.Field]:
    if t.kind == "model" and t.ref in cx.models:
        return list(cx.models[t.ref].fields)
    return []


def part_encodings(cx: Context, kind: str, t: ir.TypeExpr, encoding: Any, file: str, mptr: str) -> tuple[ir.PartEncoding, ...]:
    """One PartEncoding per property of a form (`kind` "form") or multipart body."""
    fields = _properties(cx, t)
    encoding = encoding if isinstance(encoding, dict) else {}
    names = {f.name for f in fields}
    for key in encoding:
        if key not in names:
            cx.diags.warning(
                "encoding-unknown-property",
                f"the encoding names {str(key)[:60]!r}, which is not a property of the body's schema; it is ignored",
                hint="name properties of the schema under `encoding`",
                file=file,
                pointer=join_pointer(mptr, "encoding", str(key)),
            )
    out: list[ir.PartEncoding] = []
    for f in fields:
        enc = encoding.get(f.name)
        enc, efile, eptr = cx.deref(enc, file, join_pointer(mptr, "encoding", f.name)) if enc is not None else ({}, file, "")
        enc = enc if isinstance(enc, dict) else {}
        out.append(_part(cx, kind, f, enc, efile, eptr))
    return tuple(out)


def _part(cx: Context, kind: str, f: ir.Field, enc: dict[str, Any], file: str, ptr: str) -> ir.PartEncoding:
    explicit = any(k in enc for k in ("style", "explode", "allowReserved"))
    ctype = enc.get("contentType") if isinstance(enc.get("contentType"), str) and enc["contentType"].strip() else None
    content_type = ctype.strip() if ctype else default_content_type(cx, f.type)
    headers = tuple(str(h) for h in enc["headers"] if str(h).lower() != "content-type") if isinstance(enc.get("headers"), dict) else ()
    style: str | None = None
    explode = True
    if explicit:
        raw = enc.get("style", "form")
        style = raw if raw in QUERY_STYLES else "form"
        if raw != style:
            cx.diags.warning(
                "bad-style",
                f"encoding style {str(raw)[:40]!r} is not one a body property can use; `form` is used",
                hint=f"use one of {', '.join(QUERY_STYLES)}",
                file=file,
                pointer=ptr + "/style",
            )
        explode = enc["explode"] if isinstance(enc.get("explode"), bool) else style in ("form", "deepObject")
    elif kind == "form" and cx.version == "3.0" and f.type.kind in ("model", "map"):
        style, explode = "form", True
    return ir.PartEncoding(f.name, content_type, style, explode, enc.get("allowReserved") is True, headers)
