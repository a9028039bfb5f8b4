"""How the mock reads a request: parameters and bodies parsed by the same wire rules the
generated client writes with (`specgen.runtime._wire`, `_bodies`), as the IR says each one
travels; then the strings a URL or form carries are read as the schema's types."""

from __future__ import annotations

import json
import re
from typing import Any

from ..model import ir
from ..runtime import _bodies, _wire

MISSING = _wire.MISSING


def shape_of(t: ir.TypeExpr, api: ir.Api) -> str:
    """array, object or primitive: how a value of `t` is laid out on the wire."""
    if t.kind == "array":
        return "array"
    if t.kind in ("model", "map"):
        return "object"
    if t.kind == "union":
        variants = t.variants or (tuple(v.type for v in api.union_map[t.ref].variants) if t.ref in api.union_map else ())
        shapes = {shape_of(v, api) for v in variants if v.kind != "null"}
        return shapes.pop() if len(shapes) == 1 else "primitive"
    return "primitive"


def param_spec(p: ir.Parameter) -> _wire.Param:
    return _wire.Param(p.name, p.location, p.style, p.explode, p.allow_reserved, p.content_type)


def media_spec(m: ir.MediaType) -> _bodies.Media:
    return _bodies.Media(m.content_type, m.kind, tuple(_bodies.Part(p.name, p.content_type, p.style, p.explode, p.allow_reserved) for p in m.parts))


def param_value(p: ir.Parameter, api: ir.Api, path: dict[str, str], query: list[tuple[str, str]], headers: Any, others: list[str], raw_query: str = "") -> Any:
    """A parameter's raw value (strings, lists and dicts of strings) as the request carries it;
    MISSING when it does not. `raw_query`: the query string as sent (a 3.2 `querystring`
    parameter in JSON or text is all of it)."""
    spec, shape = param_spec(p), shape_of(p.type, api)
    if p.style == "querystring" and p.content_type is not None and _wire.kind_of(p.content_type) != "form":
        return _wire.parse_whole_query(spec, raw_query)
    if p.location == "path":
        raw = path.get(p.name)
        return MISSING if raw is None else _wire.parse_path(spec, shape, raw)
    if p.location == "query" and p.style == "querystring":
        whole = _wire.parse_query(spec, shape, query, others)
        fields = api.model_map[p.type.ref].field_map if p.type.kind == "model" and p.type.ref in api.model_map else {}
        # a form carries a one-item array as one pair: the schema says which keys are arrays
        return {k: [v] if isinstance(v, str) and k in fields and shape_of(fields[k].type, api) == "array" else v for k, v in whole.items()} if isinstance(whole, dict) else whole
    if p.location == "query":
        return _wire.parse_query(spec, shape, query, others)
    if p.location == "header":
        raw = headers.get(p.name.lower(), headers.get(p.name))
        return MISSING if raw is None else _wire.parse_header(spec, shape, raw)
    return _wire.parse_cookie(spec, shape, headers.get("cookie", ""))


def choose_media(op: ir.Operation, content_type: str) -> ir.MediaType | None:
    """The declared media type a request's Content-Type falls under, if any."""
    if op.body is None or not op.body.media:
        return None
    if not content_type:
        return op.body.media[0]
    exact = next((m for m in op.body.media if _wire.media_matches(m.content_type, content_type) and "*" not in m.content_type), None)
    return exact or next((m for m in op.body.media if _wire.media_matches(m.content_type, content_type)), None)


def form_body(m: ir.MediaType, api: ir.Api, content_type: str, raw: bytes) -> Any:
    """A form-urlencoded or multipart body as the object it describes (values read as their
    fields' types)."""
    fields = api.model_map[m.type.ref].fields if m.type is not None and m.type.kind == "model" and m.type.ref in api.model_map else ()
    shapes = {f.name: shape_of(f.type, api) for f in fields}
    value = _bodies.decode_body(media_spec(m), content_type, raw, shapes)
    if isinstance(value, dict):
        # a form cannot carry an empty array: a required array that is absent was sent empty
        for f in fields:
            if f.required and shapes[f.name] == "array" and f.name not in value:
                value[f.name] = []
    if m.kind == "multipart" and isinstance(value, dict):
        parts = _bodies.decode_multipart(content_type, raw)
        boundary = re.search(r'boundary="?([^";]+)', content_type)
        empty = b"--" + boundary.group(1).encode("latin-1", "replace") + b"--" if boundary else b""
        if not parts and raw.strip() and raw.strip() != empty:
            raise ValueError("it holds no form-data parts")
        # a part that says it is JSON is JSON, whatever style the encoding gives its property
        names = [name for name, _, _, _ in parts]
        for name, filename, ctype, data in parts:
            if filename is None and ctype is not None and _wire.is_json(ctype) and names.count(name) == 1:
                try:
                    value[name] = json.loads(data)
                except (ValueError, RecursionError):
                    pass
    return coerce(value, m.type, api) if m.type is not None else value


def coerce(raw: Any, t: ir.TypeExpr, api: ir.Api) -> Any:
    """Query, path, header and form values arrive as strings: read them as the schema's type
    where they can be (a value that cannot stays a string, for the validator to report)."""
    if t.nullable and raw == ["null"] and t.kind == "array":
        return None  # a nullable array sent as the word `null`
    if t.kind == "union" and isinstance(raw, (list, dict)):
        # anyOf [object, integer] (Stripe's `created[gt]`): read it as the variant of its shape
        want = "array" if isinstance(raw, list) else "object"
        variants = t.variants or (tuple(v.type for v in api.union_map[t.ref].variants) if t.ref in api.union_map else ())
        fit = next((v for v in variants if shape_of(v, api) == want), None)
        return coerce(raw, fit, api) if fit is not None else raw
    if isinstance(raw, list):
        item = t.item if t.kind == "array" and t.item is not None else t
        return [coerce(v, item, api) for v in raw]
    if isinstance(raw, dict):
        item = t.item if t.kind == "map" and t.item is not None else ir.TypeExpr("string")
        if t.kind == "model" and t.ref in api.model_map:
            fm = api.model_map[t.ref].field_map
            return {k: coerce(v, fm[k].type if k in fm else item, api) for k, v in raw.items()}
        return {k: coerce(v, item, api) for k, v in raw.items()}
    if not isinstance(raw, str):
        return raw
    kind: str = t.kind
    if kind == "enum" and t.ref in api.enum_map:
        vt = api.enum_map[t.ref].value_type
        kind = {"integer": "integer", "number": "number", "boolean": "boolean"}.get(vt, "string")
    if t.nullable and raw == "null":
        return None
    if kind == "integer":
        try:
            return int(raw)
        except ValueError:
            return raw
    if kind == "number":
        try:
            f = float(raw)
            return int(f) if f.is_integer() and "." not in raw and "e" not in raw.lower() else f
        except ValueError:
            return raw
    if kind == "boolean":
        return {"true": True, "false": False}.get(raw.lower(), raw)
    if kind == "literal" and t.values:
        for v in t.values:
            if not isinstance(v, str) and str(v).lower() == raw.lower():
                return v
    if kind == "union":
        variants = t.variants or (tuple(v.type for v in api.union_map[t.ref].variants) if t.ref in api.union_map else ())
        for v in variants:
            c = coerce(raw, v, api)
            if not isinstance(c, str):
                return c
    return raw
