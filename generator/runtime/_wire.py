"""The wire: how parameters travel, as the OpenAPI specification says, both ways.

Parameters follow the style tables of OpenAPI 3.1 (RFC 6570 `matrix`, `label`, `form`,
`simple`, and the query styles `spaceDelimited`, `pipeDelimited`, `deepObject`) with
`explode` and `allowReserved`; a parameter described by `content` is written as its media
type. Bodies are in `_bodies`, which builds on the value and style helpers here.

The normalizer decides every style and explode flag; this module only does what a `Param`
says. The generated client serializes with it and specgen's mock parses with it, so the two
cannot disagree. Undefined values (`None`, an empty list or object) are left out, as RFC
6570 says; nothing is ever sent as a Python repr.
"""

from __future__ import annotations

import base64
import datetime
import enum
import json
import re
import urllib.parse
from typing import (
    Any,
    Callable,
    Dict,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
)

from ._files import File, is_file

__all__ = [
    "Param",
    "MISSING",
    "plain",
    "text",
    "to_json",
    "is_json",
    "kind_of",
    "media_matches",
    "expand_path",
    "refuse_dot_segments",
    "query_pairs",
    "query_string",
    "pct",
    "param_query",
    "whole_query",
    "parse_whole_query",
    "header_values",
    "cookie_header",
    "parse_path",
    "parse_query",
    "parse_header",
    "parse_cookie",
]


class Param(NamedTuple):
    """A parameter as it travels: where, in which style, exploded or not."""

    name: str
    location: str  # path | query | header | cookie
    style: str  # `querystring`: a query parameter that is the whole query string (3.2)
    explode: bool
    allow_reserved: bool = False
    content_type: Optional[str] = None  # `content`: written as this media type instead


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()  # a parameter the request does not carry

_Pairs = List[Tuple[str, str]]
_Encode = Callable[[str], str]


# ------------------------------------------------------------------ values


def plain(value: Any) -> Any:
    """JSON-shaped data: models dumped by alias, dates in ISO 8601, enums by value, tuples
    and sets as lists. Files are left as they are."""
    dump = getattr(value, "model_dump", None)
    if callable(dump) and not isinstance(value, type):
        return dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, set, frozenset)) or (
        isinstance(value, tuple) and not is_file(value)
    ):
        return [plain(v) for v in value]
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, File):
        return base64.b64encode(value.content).decode("ascii")
    converted = plain(value)
    if converted is value:
        raise TypeError(f"{type(value).__name__} is not JSON serializable")
    return converted


def to_json(value: Any) -> str:
    """Compact JSON; bytes are base64 (`format: byte`, `contentEncoding: base64`)."""
    return json.dumps(
        plain(value), default=_json_default, separators=(",", ":"), ensure_ascii=False
    )


def text(value: Any) -> str:
    """A primitive as text: booleans `true`/`false`, numbers as JSON writes them; arrays and
    objects (where a primitive was expected) as JSON."""
    value = plain(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return to_json(value)


def _shape(value: Any) -> str:
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return "primitive"


def _items(value: Any) -> List[str]:
    return [text(v) for v in value if v is not None]


def _props(value: Any) -> List[Tuple[str, str]]:
    return [(str(k), text(v)) for k, v in value.items() if v is not None]


# ------------------------------------------------------------------ media types


def essence(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def is_json(content_type: str) -> bool:
    """application/json, any `+json` type, and the JSON text types."""
    e = essence(content_type)
    return (
        e in ("application/json", "text/json") or e.endswith("+json") or e == "*/*+json"
    )


def kind_of(content_type: str) -> str:
    """What a media type carries: json, sse, jsonl, form, multipart, text or binary."""
    e = essence(content_type)
    if is_json(e):
        return "json"
    if e == "text/event-stream":
        return "sse"
    if e in (
        "application/jsonl",
        "application/x-jsonl",
        "application/x-ndjson",
        "application/ndjson",
        "application/jsonlines",
        "application/x-jsonlines",
        "application/json-seq",
    ):
        return "jsonl"
    if e == "application/x-www-form-urlencoded":
        return "form"
    if e.startswith("multipart/"):
        return "multipart"
    if (
        e.startswith("text/")
        or e in ("application/xml", "application/yaml")
        or e.endswith("+xml")
    ):
        return "text"
    return "binary"


def media_matches(pattern: str, actual: str) -> bool:
    """Does the media type `actual` fall under `pattern` (`image/*`, `*/*`, exact)?"""
    p, a = essence(pattern), essence(actual)
    if p in ("*/*", "*", a):
        return True
    if p.endswith("/*"):
        return a.startswith(p[:-1])
    return False


# ------------------------------------------------------------------ percent-encoding

_UNRESERVED = "-._~"
_RESERVED_OK = (
    ":/?@!$'()*,;="  # reserved characters allowReserved lets through in a query
)
_TRIPLE = re.compile(r"%[0-9A-Fa-f]{2}")


def _pct(s: str) -> str:
    return urllib.parse.quote(s, safe=_UNRESERVED)


def pct(s: str) -> str:
    """Percent-encode everything outside RFC 3986's unreserved characters."""
    return _pct(s)


def pct_reserved(s: str) -> str:
    # percent-encoded triples pass through unchanged (RFC 6570 reserved expansion)
    out: List[str] = []
    pos = 0
    for m in _TRIPLE.finditer(s):
        out.append(
            urllib.parse.quote(s[pos : m.start()], safe=_UNRESERVED + _RESERVED_OK)
        )
        out.append(m.group(0))
        pos = m.end()
    out.append(urllib.parse.quote(s[pos:], safe=_UNRESERVED + _RESERVED_OK))
    return "".join(out)


def same(s: str) -> str:
    return s


# ------------------------------------------------------------------ parameters


def _deep(name: str, value: Any) -> _Pairs:
    """deepObject: `name[key]=v`, nested objects `name[a][b]=v`, arrays indexed `name[a][0]=v`."""
    if value is None:
        return []
    if isinstance(value, Mapping):
        out: _Pairs = []
        for k, v in value.items():
            out.extend(_deep(f"{name}[{k}]", v))
        return out
    if isinstance(value, (list, tuple)):
        out = []
        for i, v in enumerate(value):
            out.extend(_deep(f"{name}[{i}]", v))
        return out
    return [(name, text(value))]


def query_pairs(
    style: str, explode: bool, name: str, value: Any, enc: _Encode = _pct
) -> _Pairs:
    """`form`, `spaceDelimited`, `pipeDelimited` and `deepObject` as (key, value) pairs,
    each already encoded by `enc` (delimiters are not); [] when the value is undefined.
    """
    value = plain(value)
    if value is None:
        return []
    shape = _shape(value)
    if style == "deepObject" and shape == "object":
        return [(enc(k), enc(v)) for k, v in _deep(name, value)]
    delimited = style in ("spaceDelimited", "pipeDelimited") and not explode
    delim = enc(" " if style == "spaceDelimited" else "|")
    if shape == "array":
        items = _items(value)
        if not items:
            return []
        if delimited:
            return [(enc(name), delim.join(enc(i) for i in items))]
        if explode:
            return [(enc(name), enc(i)) for i in items]
        return [(enc(name), ",".join(enc(i) for i in items))]
    if shape == "object":
        props = _props(value)
        if not props:
            return []
        if delimited:
            return [(enc(name), delim.join(enc(k) + delim + enc(v) for k, v in props))]
        if explode:
            return [(enc(k), enc(v)) for k, v in props]
        return [(enc(name), ",".join(enc(k) + "," + enc(v) for k, v in props))]
    return [(enc(name), enc(text(value)))]


def _simple(style: str, explode: bool, name: str, value: Any, enc: _Encode) -> str:
    """`simple`, `label` and `matrix` (RFC 6570 3.2.2, 3.2.5, 3.2.7)."""
    value = plain(value)
    shape = _shape(value)
    if shape == "primitive":
        t = enc(text(value))
        if style == "matrix":
            return f";{enc(name)}" + (f"={t}" if t else "")
        return ("." if style == "label" else "") + t
    if shape == "array":
        items = [enc(i) for i in _items(value)]
        if not items:
            return ""
        if style == "matrix":
            if explode:
                return "".join(f";{enc(name)}={i}" for i in items)
            return f";{enc(name)}=" + ",".join(items)
        if style == "label":
            return "." + ("." if explode else ",").join(items)
        return ",".join(items)
    props = [(enc(k), enc(v)) for k, v in _props(value)]
    if not props:
        return ""
    if explode:
        pairs = [f"{k}={v}" for k, v in props]
        if style == "matrix":
            return "".join(";" + p for p in pairs)
        if style == "label":
            return "." + ".".join(pairs)
        return ",".join(pairs)
    flat = ",".join(f"{k},{v}" for k, v in props)
    if style == "matrix":
        return f";{enc(name)}={flat}"
    if style == "label":
        return "." + flat
    return flat


def _as_content(p: Param, value: Any) -> str:
    assert p.content_type is not None
    return to_json(value) if is_json(p.content_type) else text(value)


def expand_path(template: str, params: Sequence[Tuple[Param, Any]]) -> str:
    """Fill `{name}` in the path template; every path parameter needs a value."""
    by_name = {p.name: (p, v) for p, v in params if p.location == "path"}

    def fill(m: "re.Match[str]") -> str:
        found = by_name.get(m.group(1))
        if found is None or found[1] is None or found[1] is MISSING:
            raise ValueError(
                f"a value is required for the path parameter {m.group(1)!r}"
            )
        p, value = found
        if p.content_type is not None:
            return _pct(_as_content(p, value))
        return _simple(p.style, p.explode, p.name, value, _pct)

    return re.sub(r"\{([^{}/]+)\}", fill, template)


def refuse_dot_segments(template: str, path: str) -> str:
    """`path` (the template filled), unless a value made a `.` or `..` segment of it: every HTTP
    client resolves those before sending, so the request would leave its path."""
    if any(seg in (".", "..") for seg in path.split("/")):
        raise ValueError(
            f"a path parameter of {template!r} is '.' or '..', which would send the request to another path"
        )
    return path


def _given(value: Any) -> bool:
    return (
        value is not None
        and value is not MISSING
        and not type(value).__name__ == "NotGiven"
    )


def query_string(pairs: Sequence[Tuple[str, str]]) -> str:
    return "&".join(f"{k}={v}" for k, v in pairs)


def param_query(params: Sequence[Tuple[Param, Any]]) -> _Pairs:
    """The encoded query pairs of every query parameter given a value, in order."""
    out: _Pairs = []
    for p, value in params:
        if p.location != "query" or not _given(value):
            continue
        enc = pct_reserved if p.allow_reserved else _pct
        if p.style == "querystring":
            if p.content_type is None or kind_of(p.content_type) == "form":
                out.extend(querystring_pairs(value, enc))
        elif p.content_type is not None:
            out.append((enc(p.name), enc(_as_content(p, value))))
        else:
            out.extend(query_pairs(p.style, p.explode, p.name, value, enc))
    return out


def whole_query(params: Sequence[Tuple[Param, Any]]) -> Optional[str]:
    """A 3.2 `in: querystring` value written as JSON or text: the whole query string,
    percent-encoded (a form is written as pairs by `param_query`); None without one."""
    for p, value in params:
        if (
            p.style == "querystring"
            and p.content_type is not None
            and kind_of(p.content_type) != "form"
            and _given(value)
        ):
            return _pct(_as_content(p, value))
    return None


def parse_whole_query(p: Param, raw: str) -> Any:
    """The mock's side of `whole_query`: the raw query string read as the parameter's media type."""
    return _parse_content(p, _unpct(raw)) if raw else MISSING


def querystring_pairs(value: Any, enc: _Encode = _pct) -> _Pairs:
    """A 3.2 `in: querystring` value as application/x-www-form-urlencoded: one pair per
    property, one per item of an array property."""
    out: _Pairs = []
    value = plain(value)
    if not isinstance(value, dict):
        return [(enc(text(value)), "")] if value is not None else []
    for k, v in value.items():
        for item in v if isinstance(v, list) else [v]:
            if item is not None:
                out.append((enc(str(k)), enc(text(item))))
    return out


def header_values(params: Sequence[Tuple[Param, Any]]) -> Dict[str, str]:
    """Header parameters (`simple`): name -> value, for those given a value."""
    out: Dict[str, str] = {}
    for p, value in params:
        if p.location != "header" or not _given(value):
            continue
        if p.content_type is not None:
            out[p.name] = _as_content(p, value)
        else:
            out[p.name] = _simple("simple", p.explode, p.name, value, same)
    return out


def cookie_header(params: Sequence[Tuple[Param, Any]]) -> str:
    """The `Cookie` header pieces of the cookie parameters (`form`), `; `-separated."""
    pieces: List[str] = []
    for p, value in params:
        if p.location != "cookie" or not _given(value):
            continue
        if p.content_type is not None:
            pieces.append(f"{p.name}={_pct(_as_content(p, value))}")
        else:
            pieces.extend(
                f"{k}={v}" for k, v in query_pairs("form", p.explode, p.name, value)
            )
    return "; ".join(pieces)


# ------------------------------------------------------------------ parsing (the mock)


def _unpct(s: str) -> str:
    return urllib.parse.unquote(s)


def _split_items(raw: str, sep: str) -> List[str]:
    return [_unpct(x) for x in raw.split(sep)] if raw != "" else []


def _pairs_to_object(items: List[str]) -> Dict[str, str]:
    return {
        items[i]: items[i + 1] if i + 1 < len(items) else ""
        for i in range(0, len(items), 2)
    }


def _kv_object(pieces: List[str]) -> Dict[str, str]:
    out: Dict[str, str] = {}
    for piece in pieces:
        k, _, v = piece.partition("=")
        out[_unpct(k)] = _unpct(v)
    return out


def parse_path(p: Param, shape: str, raw: str) -> Any:
    """A path parameter's value from its raw (still percent-encoded) segment text."""
    if p.content_type is not None:
        return _parse_content(p, _unpct(raw))
    style, explode, name = p.style, p.explode, p.name
    if style == "matrix":
        pieces = [x for x in raw.split(";") if x][:10_000]
        if shape == "object" and explode:
            return _kv_object(pieces)
        values = [
            x.partition("=")[2] for x in pieces if _unpct(x.partition("=")[0]) == name
        ]
        if shape == "array":
            if explode:
                return [_unpct(v) for v in values]
            return _split_items(values[0], ",") if values else []
        if shape == "object":
            return _pairs_to_object(_split_items(values[0], ",")) if values else {}
        return _unpct(values[0]) if values else ""
    if style == "label":
        body = raw[1:] if raw.startswith(".") else raw
        sep = "." if explode else ","
        if shape == "array":
            return _split_items(body, sep)
        if shape == "object":
            return (
                _kv_object(body.split(sep))
                if explode
                else _pairs_to_object(_split_items(body, ","))
            )
        return _unpct(body)
    return _parse_simple(explode, shape, raw, _unpct)


def _parse_simple(explode: bool, shape: str, raw: str, dec: _Encode) -> Any:
    if shape == "array":
        return [dec(x) for x in raw.split(",")] if raw != "" else []
    if shape == "object":
        pieces = raw.split(",") if raw != "" else []
        if explode:
            return {dec(k): dec(v) for k, _, v in (x.partition("=") for x in pieces)}
        return _pairs_to_object([dec(x) for x in pieces])
    return dec(raw)


def parse_header(p: Param, shape: str, raw: str) -> Any:
    """A header parameter's value (`simple`, no percent-decoding)."""
    if p.content_type is not None:
        return _parse_content(p, raw)
    return _parse_simple(p.explode, shape, raw.strip(), same)


def _parse_content(p: Param, raw: str) -> Any:
    if p.content_type is not None and is_json(p.content_type):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


def _deep_set(target: Dict[str, Any], keys: List[str], value: str) -> None:
    node: Any = target
    for k in keys[:-1]:
        nxt = node.get(k) if isinstance(node, dict) else None
        if not isinstance(nxt, dict):
            nxt = {}
            node[k] = nxt
        node = nxt
    if isinstance(node, dict):
        node[keys[-1]] = value


def _listify(value: Any) -> Any:
    """deepObject's indexed keys (`[0]`, `[1]`) back into lists."""
    if isinstance(value, dict):
        value = {k: _listify(v) for k, v in value.items()}
        if value and all(k.isdigit() for k in value):
            return [value[k] for k in sorted(value, key=int)]
    return value


def parse_query(
    p: Param, shape: str, pairs: Sequence[Tuple[str, str]], others: Sequence[str] = ()
) -> Any:
    """A query (or form field) parameter's value from decoded (key, value) pairs; MISSING
    when the request does not carry it. `others` are the names of the operation's other
    parameters (an exploded `form` object owns every key that is not one of them)."""
    name = p.name
    if (
        p.style == "querystring"
        and p.content_type is not None
        and kind_of(p.content_type) != "form"
    ):
        return MISSING  # written whole, not as pairs: `parse_whole_query` reads it
    if p.style == "querystring":
        # the whole query string is the value: every key not another parameter's, repeated keys a list
        whole: Dict[str, Any] = {}
        for k, v in pairs:
            if k in others:
                continue
            if k in whole:
                whole[k] = (whole[k] if isinstance(whole[k], list) else [whole[k]]) + [
                    v
                ]
            else:
                whole[k] = v
        return whole if whole else MISSING
    if p.content_type is not None:
        found = [v for k, v in pairs if k == name]
        return _parse_content(p, found[-1]) if found else MISSING
    if p.style == "deepObject" and shape != "array":
        prefix = name + "["
        obj: Dict[str, Any] = {}
        for k, v in pairs:
            if k.startswith(prefix) and k.endswith("]"):
                keys = re.findall(r"\[([^\[\]]*)\]", k[len(name) :])
                if keys:
                    _deep_set(obj, keys[:32], v)
        if obj:
            return _listify(obj)
        found = [v for k, v in pairs if k == name]
        return found[-1] if found else MISSING
    values = [v for k, v in pairs if k == name]
    if shape == "object" and p.explode and p.style == "form":
        skip = set(others) | {name}
        obj2 = {k: v for k, v in pairs if k not in skip}
        return obj2 if obj2 else MISSING
    if not values:
        return MISSING
    if shape == "array":
        if p.explode or len(values) > 1:
            return values
        sep = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(p.style, ",")
        return values[0].split(sep) if values[0] != "" else []
    if shape == "object":
        sep = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(p.style, ",")
        return _pairs_to_object(values[-1].split(sep)) if values[-1] != "" else {}
    return values[-1]


def parse_cookie(p: Param, shape: str, header: str) -> Any:
    """A cookie parameter's value from the Cookie header; MISSING when absent."""
    pairs: List[Tuple[str, str]] = []
    for piece in header.split(";")[:1000]:
        if "=" in piece:
            k, _, v = piece.strip().partition("=")
            pairs.append((_unpct(k), _unpct(v)))
    return parse_query(
        Param(p.name, "query", "form", p.explode, False, p.content_type), shape, pairs
    )
