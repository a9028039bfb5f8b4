"""Bodies: which media type a request goes as, and JSON, form, multipart, binary and text
bodies per the Encoding Objects the normalizer decided, both ways (the client writes them,
specgen's mock reads them).
"""

from __future__ import annotations

import json
import urllib.parse
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple

from ._files import File, guess_type, has_file, is_file
from ._wire import (
    MISSING,
    Param,
    essence,
    is_json,
    media_matches,
    parse_query,
    pct_reserved,
    plain,
    query_pairs,
    query_string,
    same,
    text,
    to_json,
)

__all__ = [
    "Part",
    "Media",
    "choose_media",
    "encode_json",
    "encode_form",
    "multipart_fields",
    "binary_content",
    "decode_multipart",
    "decode_body",
]


class Part(NamedTuple):
    """One property of a form or multipart body (its Encoding Object, defaults decided)."""

    name: str
    content_type: str
    style: Optional[str] = None  # set when the spec gives style/explode/allowReserved
    explode: bool = True
    allow_reserved: bool = False


class Media(NamedTuple):
    """One media type a request body can be sent as."""

    content_type: str
    kind: str  # json | form | multipart | binary | text
    parts: Tuple[Part, ...] = ()


# ------------------------------------------------------------------ bodies


def choose_media(
    media: Sequence[Media], body: Any, content_type: Optional[str] = None
) -> Media:
    """The media type to send: the caller's `content_type` when given; a multipart (or
    binary) one when the body holds a file; otherwise the first (JSON before others)."""
    if content_type:
        for m in media:
            if essence(m.content_type) == essence(content_type):
                return m
        for m in media:
            if media_matches(m.content_type, content_type):
                return Media(content_type, m.kind, m.parts)
        raise ValueError(
            f"content_type {content_type!r} is not one of {[m.content_type for m in media]}"
        )
    if len(media) > 1 and has_file(body):
        for kind in ("multipart", "binary"):
            found = next((m for m in media if m.kind == kind), None)
            if found is not None:
                return found
    return media[0]


def encode_json(body: Any) -> bytes:
    return to_json(body).encode("utf-8")


def _part(media: Media, name: str) -> Optional[Part]:
    return next((p for p in media.parts if p.name == name), None)


def _part_values(value: Any) -> List[Any]:
    if isinstance(value, list) or (isinstance(value, tuple) and not is_file(value)):
        return [v for v in value if v is not None]
    return [value]


def encode_form(media: Media, body: Mapping[str, Any]) -> str:
    """application/x-www-form-urlencoded: each property per its Part (a style when the spec
    gives one, else its content type: JSON text for JSON parts, one pair per array item).
    """
    pairs: List[Tuple[str, str]] = []
    for name, value in body.items():
        if value is None:
            continue
        part = _part(media, name)
        if part is not None and part.style is not None:
            enc = _form_reserved if part.allow_reserved else _form_pct
            pairs.extend(query_pairs(part.style, part.explode, name, value, enc))
            continue
        as_json = part is not None and is_json(part.content_type)
        for item in _part_values(plain(value)):
            pairs.append(
                (_form_pct(name), _form_pct(to_json(item) if as_json else text(item)))
            )
    return query_string(pairs)


def _form_pct(s: str) -> str:
    return urllib.parse.quote_plus(s, safe="-._")


def _form_reserved(s: str) -> str:
    return pct_reserved(s).replace("+", "%2B").replace("%20", "+")


_Field = Tuple[str, Tuple[Optional[str], bytes, Optional[str], Mapping[str, str]]]


def multipart_fields(media: Media, body: Mapping[str, Any]) -> List[_Field]:
    """multipart/form-data parts, as (name, (filename, content, content_type, headers)).

    Files (already read into `File`) are sent with a file name ("upload" when they have
    none) and their own media type, else the part's, else one guessed from the name. Other
    values: JSON parts for JSON content types, text otherwise (no Content-Type: text/plain
    is a part's default); arrays one part per item; a part with a style as the query
    style's (name, value) pairs, unencoded."""
    fields: List[_Field] = []
    for name, value in body.items():
        if value is None:
            continue
        part = _part(media, name)
        if part is not None and part.style is not None and not isinstance(value, File):
            for k, v in query_pairs(part.style, part.explode, name, value, same):
                fields.append((k, (None, v.encode("utf-8"), None, {})))
            continue
        declared = part.content_type if part is not None else None
        for item in _part_values(value):
            if isinstance(item, File):
                ctype = (
                    item.content_type
                    or _concrete(declared)
                    or guess_type(item.filename)
                )
                fields.append(
                    (
                        name,
                        (
                            item.filename or "upload",
                            item.content,
                            ctype or "application/octet-stream",
                            item.headers,
                        ),
                    )
                )
                continue
            item = plain(item)
            if (declared is not None and is_json(declared)) or (
                declared is None and isinstance(item, (dict, list))
            ):
                fields.append(
                    (
                        name,
                        (
                            None,
                            to_json(item).encode("utf-8"),
                            declared or "application/json",
                            {},
                        ),
                    )
                )
            else:
                ctype = (
                    declared
                    if declared is not None
                    and not essence(declared).startswith("text/plain")
                    else None
                )
                fields.append((name, (None, text(item).encode("utf-8"), ctype, {})))
    return fields


def _concrete(content_type: Optional[str]) -> Optional[str]:
    """A single media type without wildcards (an Encoding Object may list several)."""
    if content_type is None or "*" in content_type or "," in content_type:
        return None
    if essence(content_type) == "application/octet-stream":
        return None  # the spec's default for binary: a name's own type says more
    return content_type


def binary_content(media: Media, value: Any) -> Tuple[bytes, str]:
    """A raw body (a read File, bytes or text) and the Content-Type it goes with."""
    if isinstance(value, File):
        ctype = media.content_type if "*" not in media.content_type else None
        ctype = ctype or value.content_type or guess_type(value.filename)
        return value.content, ctype or "application/octet-stream"
    if isinstance(value, str):
        return value.encode("utf-8"), media.content_type
    if isinstance(value, (bytes, bytearray)):
        return bytes(value), media.content_type
    return encode_json(value), media.content_type


def decode_multipart(
    content_type: str, raw: bytes
) -> List[Tuple[str, Optional[str], Optional[str], bytes]]:
    """(name, filename, content type, content) of each part of a multipart/form-data body."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode(
        "latin-1"
    )
    msg = BytesParser(policy=HTTP).parsebytes(head + raw)
    out: List[Tuple[str, Optional[str], Optional[str], bytes]] = []
    if not msg.is_multipart():
        return out
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        filename = part.get_filename()
        ctype = part.get("content-type")
        payload = part.get_payload(decode=True)
        out.append(
            (
                name,
                filename,
                str(ctype) if ctype is not None else None,
                payload if isinstance(payload, bytes) else b"",
            )
        )
    return out


def _part_value(
    part: Optional[Part], ctype: Optional[str], data: bytes, filename: Optional[str]
) -> Any:
    if filename is not None:
        return data.decode("utf-8", "replace")
    declared = ctype or (part.content_type if part is not None else "text/plain")
    if is_json(declared):
        try:
            return json.loads(data)
        except ValueError:
            return data.decode("utf-8", "replace")
    return data.decode("utf-8", "replace")


def decode_body(
    media: Media, content_type: str, raw: bytes, shapes: Mapping[str, str]
) -> Any:
    """A form or multipart body back into a mapping of property -> value (strings for
    primitives, to be read as the schema's types by the caller). `shapes` says which
    properties are arrays and objects."""
    names = [p.name for p in media.parts] + [
        n for n in shapes if not any(p.name == n for p in media.parts)
    ]
    if media.kind == "form":
        pairs = urllib.parse.parse_qsl(
            raw.decode("utf-8", "replace"),
            keep_blank_values=True,
            max_num_fields=10_000,
        )
        fields: List[Tuple[str, Optional[str], Optional[str], Any]] = [
            (k, None, None, v) for k, v in pairs
        ]
    else:
        fields = [(n, f, c, d) for n, f, c, d in decode_multipart(content_type, raw)]
    out: Dict[str, Any] = {}
    styled: List[Part] = [p for p in media.parts if p.style is not None]
    consumed: set[str] = set()
    for styled_part in styled:
        shape = shapes.get(styled_part.name, "primitive")
        text_pairs = [
            (k, v if isinstance(v, str) else bytes(v).decode("utf-8", "replace"))
            for k, _, _, v in fields
        ]
        value = parse_query(
            Param(
                styled_part.name,
                "query",
                styled_part.style or "form",
                styled_part.explode,
            ),
            shape,
            text_pairs,
            [n for n in names if n != styled_part.name],
        )
        if value is not MISSING:
            out[styled_part.name] = value
            consumed.add(styled_part.name)
            if shape == "object" and styled_part.explode:
                consumed |= set(value) if isinstance(value, dict) else set()
            if styled_part.style == "deepObject":
                consumed |= {
                    k for k, _, _, _ in fields if k.startswith(styled_part.name + "[")
                }
    for name, filename, ctype, data in fields:
        if name in consumed:
            continue
        part = _part(media, name)
        if media.kind == "form":
            value = data
            if part is not None and is_json(part.content_type):
                try:
                    value = json.loads(data)
                except ValueError:
                    pass
        else:
            value = _part_value(part, ctype, data, filename)
        if shapes.get(name) == "array":
            out.setdefault(name, []).append(value)
        else:
            out[name] = value
    return out
