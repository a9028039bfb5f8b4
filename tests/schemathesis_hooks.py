"""Schemathesis hooks for tests/test_schemathesis.py (loaded through SCHEMATHESIS_HOOKS): two of
its checks, each narrowed where the spec and Schemathesis read the same words differently.

`status_code_conformance_where_documentable` is Schemathesis' own `status_code_conformance`,
except for one answer no server can give right: a refusal (400, 401, 404, 405, 406, 413, 415,
422) of an operation whose spec documents neither that status nor a status that stands in for it
(400 and 422 for each other; 415, 406 and 413 fall back on 400 or 422); 404 and 405 are a URL or
method no operation has (a path parameter serialized into extra or missing segments). And 200 for
an operation that documents no success at all (petstore's `updatePet` lists 400, 404 and 405),
or only a redirect (Twilio's `Deactivations` documents 307 to a file, a target only the real
backend has; clients follow redirects, so the content answered directly is what they get):
the request was valid, and a refusal would fail `positive_data_acceptance`. There Schemathesis' other checks
demand the refusal (`negative_data_rejection` wants a 4xx for invalid data,
`missing_required_header` wants 401 for a missing `Authorization`) while this one demands a
documented status: the spec contradicts itself, and the mock answers the HTTP status. Every
other undocumented status still fails.

`response_schema_conformance_but_event_streams` is Schemathesis' `response_schema_conformance`
except for `text/event-stream` answers: Schemathesis validates each event object (`{"data":
"...", "event": "message"}`) against the media type's schema, while OpenAPI 3.0 / 3.1 specs (the
OpenAI ones among them) give there the schema of the JSON each event's `data` holds, which is
how their clients read it and how the mock's stream fixtures are built (and checked, in
tests/test_fixtures.py).

`content_type_conformance_but_asked_streams` is Schemathesis' `content_type_conformance` except
for an event stream sent because the request's body asked for one (`"stream": true`) on an
operation whose spec has that flag but declares no `text/event-stream` answer (OpenAI's runs and
tool outputs): the flag means a stream, the IR says so, the clients read one.

`negative_data_rejection_but_same_on_the_wire` is Schemathesis' `negative_data_rejection` except
for "invalid" data whose bytes are also those of valid data, where only path parameters or a
form / multipart body were made invalid: a path `array` sent as `.AAA` (label) or `;array=AAA`
(matrix) is the one-item array `["AAA"]`, a multipart part `array` holding `{}` is the one-item
array `["{}"]`, a part `filename` holding `{}` is the string `"{}"`, a one-item list `[null]` for
a nullable integer part is the part `null` (of repeated parts the last counts, as Schemathesis
says of repeated query keys), an absent array is an empty one (a form cannot send `[]`), any text in a label or matrix object parameter
reads as name/value pairs, and any bytes sent as a raw media type (Spotify's `image/jpeg`
upload, `type: string` with no constraint) are a valid string. No server can tell these apart; Schemathesis exempts the same ambiguity for query parameters itself.
"""

from __future__ import annotations

from typing import Any

import schemathesis
import json

from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import content_type_conformance, negative_data_rejection, response_schema_conformance, status_code_conformance

STAND_INS = {400: (422,), 401: (), 404: (), 405: (), 406: (400,), 413: (400, 422), 415: (400, 422), 422: (400,)}


def _documented(codes: set[str], status: int) -> bool:
    return bool({str(status), f"{status // 100}XX", "DEFAULT"} & codes)


@schemathesis.check
def status_code_conformance_where_documentable(ctx: Any, response: Any, case: Any) -> bool | None:
    codes = {str(c).upper() for c in case.operation.responses.status_codes}
    status = response.status_code
    if status == 200 and not any(c[0] == "2" or c == "DEFAULT" for c in codes):
        # no success documented (petstore's updatePet), or only a redirect whose target only the
        # real backend has (Twilio's Deactivations: 307 to a file): a valid request gets 200
        return None
    if status in STAND_INS and not _documented(codes, status) and not any(_documented(codes, s) for s in STAND_INS[status]):
        return None  # the spec documents no status for this refusal: see the module docstring
    return status_code_conformance(ctx, response, case)  # type: ignore[no-any-return]


def _event_stream(response: Any) -> bool:
    content_type = (response.headers.get("content-type") or [""])[0]
    return bool(content_type.split(";")[0].strip().lower() == "text/event-stream")


@schemathesis.check
def content_type_conformance_but_asked_streams(ctx: Any, response: Any, case: Any) -> bool | None:
    if _event_stream(response) and isinstance(case.body, dict) and case.body.get("stream") is True:
        return None  # the body's stream flag asked for it: see the module docstring
    return content_type_conformance(ctx, response, case)  # type: ignore[no-any-return]


@schemathesis.check
def response_schema_conformance_but_event_streams(ctx: Any, response: Any, case: Any) -> bool | None:
    if _event_stream(response):
        return None  # an event's data, not the event object: see the module docstring
    return response_schema_conformance(ctx, response, case)  # type: ignore[no-any-return]


_FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _wire_reading(value: Any, schema: Any, path: bool = False) -> Any:
    """What the text sent for `value` also says, read as `schema` asks (text carries no types)."""
    if isinstance(value, str) and type(value) is not str:
        value = str(value)  # Schemathesis' own string types (an encoded path segment)
    if not isinstance(value, (str, int, float, bool, list, dict, type(None))):
        return ""  # a file's bytes: text as far as a schema can tell
    schema = schema if isinstance(schema, dict) else {}
    kind = schema.get("type")
    if (isinstance(value, list) and kind == "array") or (isinstance(value, dict) and kind == "object"):
        return value
    if isinstance(value, list) and value and kind != "array":
        return _wire_reading(value[-1], schema)  # repeated parts or pairs of one name: the last one counts
    if kind == "object" and path:
        return {}  # any text reads as pairs in a path style: `.,null%2Cnull` is {"": "null,null"}
    text = _text(value)
    if schema.get("nullable") is True and text == "null":
        return None
    if kind == "array":
        return [text]  # one item: the same bytes
    if kind in ("integer", "number", "boolean"):
        try:
            read = json.loads(text)
        except ValueError:
            return text
        return read if isinstance(read, (int, float, bool)) else text
    return text if kind == "string" else value


def _bundled(schema: Any, root: dict[str, Any]) -> Any:
    """A property schema, its `$ref` into Schemathesis' bundle followed."""
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    if isinstance(ref, str) and ref.startswith("#/x-bundled/"):
        return (root.get("x-bundled") or {}).get(ref.rsplit("/", 1)[1], schema)
    return schema


def _reads_valid_on_the_wire(case: Any) -> bool:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_negative:
        return False
    negative = [loc for loc in ParameterLocation if meta.is_negative_at(loc)]
    if not negative:
        return False
    op = case.operation
    for loc in negative:
        if loc == ParameterLocation.PATH:
            params = [p for p in op.path_parameters if p.name in (case.path_parameters or {})]
            if not all(p.is_valid(_wire_reading(case.path_parameters[p.name], p.definition.get("schema"), path=True)) for p in params):
                return False
        elif loc == ParameterLocation.BODY and case.media_type in _FORMS and isinstance(case.body, dict):
            body = next((b for b in op.body if b.media_type == case.media_type), None)
            root = body.resolved_schema if body is not None and isinstance(body.resolved_schema, dict) else {}
            props = {k: _bundled(v, root) for k, v in (root.get("properties") or {}).items()}
            reading = {k: _wire_reading(v, props.get(k)) for k, v in case.body.items()}
            # a form has no way to send an empty array: absent is the same bytes
            reading.update({k: [] for k, sub in props.items() if k not in reading and isinstance(sub, dict) and sub.get("type") == "array"})
            try:
                if body is None or not body.is_valid(reading):
                    return False
            except ValueError:
                return False  # a value the validator cannot take: judge it as Schemathesis does
        elif loc == ParameterLocation.BODY and case.media_type not in _FORMS and not _json_media(case.media_type):
            body = next((b for b in op.body if b.media_type == case.media_type), None)
            if body is None or not _any_bytes(body.resolved_schema):
                return False
        else:
            return False
    return True


_ANNOTATIONS = {"type", "format", "description", "title", "example", "examples", "contentMediaType", "contentEncoding", "nullable", "deprecated"}


def _json_media(media_type: Any) -> bool:
    essence = str(media_type or "").split(";")[0].strip().lower()
    return essence.endswith("/json") or essence.endswith("+json")


def _any_bytes(schema: Any) -> bool:
    """A raw body's schema that every byte string satisfies: a string with no constraint
    (`type: string, format: binary` for image/jpeg), whatever Schemathesis meant by the bytes."""
    return isinstance(schema, dict) and schema.get("type", "string") == "string" and set(schema) <= _ANNOTATIONS


@schemathesis.check
def negative_data_rejection_but_same_on_the_wire(ctx: Any, response: Any, case: Any) -> bool | None:
    if _reads_valid_on_the_wire(case):
        return None  # the bytes are valid data too: see the module docstring
    return negative_data_rejection(ctx, response, case)  # type: ignore[no-any-return]
