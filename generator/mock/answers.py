"""What the mock answers: the success answer the request asks for, and errors in the spec's shape.

Success: the operation's success response, in the media type the request's `Accept` prefers
among the declared ones (JSON from the response fixture, binaries and text as a few bytes of
their declared type); an event stream only when asked for: the body's stream flag
(`"stream": true`), `"stream_format": "sse"`, `Accept` preferring `text/event-stream`, or an
operation that answers with nothing else. `Accept` that admits none of the declared types: 406.

Errors: the status the spec documents for the failure where it documents one (400 and 422 stand
in for each other, 415 and 406 fall back on them), the body in the schema the spec declares for
it (its fixture with the message, code and parameter written into the fields named for them,
and `errors` with the JSON pointers where the schema allows it), kept only when it validates;
`{"error": {...}, "errors": [...]}` where the spec declares nothing.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import ir
from ..runtime import _wire
from .validation import SchemaValidator

_STAND_INS = {422: (400,), 400: (422,), 415: (400, 422), 406: (400,), 413: (400, 422)}
_MESSAGE_KEYS = ("message", "detail", "error_description", "error_message", "msg", "description", "title")
_CODE_KEYS = ("code", "error_code", "errorcode", "reason")
_TYPE_KEYS = ("type", "error_type", "kind")
_PARAM_KEYS = ("param", "parameter", "field")


@dataclass
class Answer:
    """An HTTP answer as data: the app turns it into a starlette response."""

    status: int
    body: bytes = b""
    media_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    events: str | None = None  # an SSE text, streamed event by event
    problems: list[dict[str, Any]] = field(default_factory=list)  # for the request log


@dataclass(frozen=True)
class Failure:
    """A refused request: the natural status, a sentence, a short code, and each problem."""

    status: int
    message: str
    code: str
    errors: list[dict[str, Any]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


def declared(op: ir.Operation, status: int) -> ir.Response | None:
    """The response the spec declares for `status`: exact, then its range (`4XX`), then `default`."""
    by = {r.status.upper(): r for r in op.responses}
    return by.get(str(status)) or by.get(f"{str(status)[0]}XX") or by.get("DEFAULT")


def error_status(op: ir.Operation | None, natural: int) -> int:
    """The status to refuse with: the natural one when documented (or nothing better is), else a
    documented stand-in (a spec that documents only 400 gets 400 for a schema failure)."""
    if op is None:
        return natural
    codes = {r.status.upper() for r in op.responses}
    if str(natural) in codes or f"{str(natural)[0]}XX" in codes:
        return natural
    return next((alt for alt in _STAND_INS.get(natural, ()) if str(alt) in codes), natural)


class Answers:
    """Success and error answers of one API, from its fixtures (a folder, else synthesized)."""

    def __init__(self, api: ir.Api, validator: SchemaValidator, fixtures_dir: Path | None):
        from ..artifacts.fixtures import fixture_stems

        self.api = api
        self.validator = validator
        self.fixtures_dir = fixtures_dir
        self.stems = fixture_stems(api)

    # -- fixtures

    def _fixtures(self, op: ir.Operation) -> Any:
        from ..artifacts.fixtures import operation_fixtures

        return operation_fixtures(self.api, op, self.stems[op.id])

    def response_fixture(self, op: ir.Operation, status: str) -> tuple[bool, Any]:
        """(found, JSON body) of a declared response."""
        if self.fixtures_dir is not None:
            p = self.fixtures_dir / self.stems[op.id] / f"response.{status}.json"
            if p.is_file():
                try:
                    return True, json.loads(p.read_text(encoding="utf-8"))
                except ValueError:
                    pass
        responses = self._fixtures(op).responses
        return status in responses, copy.deepcopy(responses.get(status))

    def stream_fixture(self, op: ir.Operation) -> str:
        if self.fixtures_dir is not None:
            p = self.fixtures_dir / self.stems[op.id] / "stream.sse"
            if p.is_file():
                return p.read_text(encoding="utf-8")
        return self._fixtures(op).stream or "data: [DONE]\n\n"

    def items_body(self, op: ir.Operation, status: str, content_type: str) -> bytes:
        """A JSON Lines answer from the item fixtures (a json-seq one with each item after a
        record separator, RFC 7464); without item fixtures, the response fixture as one item."""
        items: list[Any] | None = None
        if self.fixtures_dir is not None:
            p = self.fixtures_dir / self.stems[op.id] / "items.jsonl"
            if p.is_file():
                try:
                    items = [json.loads(ln) for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()]
                except ValueError:
                    items = None
        if items is None:
            items = self._fixtures(op).items
        if not items:
            found, payload = self.response_fixture(op, status)
            items = [payload if found else {}]
        sep = b"\x1e" if _wire.essence(content_type) == "application/json-seq" else b""
        return b"".join(sep + _json_bytes(i) + b"\n" for i in items)

    # -- success

    def success(self, op: ir.Operation, body: Any, accept: str) -> Answer:
        # an operation that documents no success (petstore's `updatePet`) still succeeds: 200
        ok = op.success
        status = _status_number(ok.status if ok is not None else "200", 200)
        if op.streaming and _wants_stream(op, body, accept):
            return Answer(status, events=self.stream_fixture(op), media_type="text/event-stream", headers={"cache-control": "no-cache"})
        if ok is None or not ok.media:
            return Answer(status)
        media = [m for m in ok.media if m.kind != "sse"]
        if not media:
            return Answer(status, events=self.stream_fixture(op), media_type="text/event-stream", headers={"cache-control": "no-cache"})
        chosen = negotiate(media, accept)
        if chosen is None:
            offered = ", ".join(m.content_type for m in ok.media)
            return self.error(op, Failure(406, f"Accept {accept!r} admits none of {offered}", "not_acceptable", [{"in": "header", "pointer": "/header/Accept", "reason": "accept", "message": f"accept one of {offered}"}]))
        content_type = concrete(chosen.content_type)
        if chosen.kind == "json":
            found, payload = self.response_fixture(op, ok.status)
            if not found:
                return Answer(status)
            return Answer(status, _json_bytes(payload), content_type)
        if chosen.kind == "jsonl":
            return Answer(status, self.items_body(op, ok.status, content_type), content_type)
        if chosen.kind == "text" or content_type.startswith("text/"):
            return Answer(status, b"specgen mock\n", content_type)
        return Answer(status, bytes(range(16)), content_type)

    # -- errors

    def error(self, op: ir.Operation | None, failure: Failure) -> Answer:
        """The refusal in the status and schema the spec documents for it."""
        status = error_status(op, failure.status)
        headers = dict(failure.headers)
        resp = declared(op, status) if op is not None else None
        body: Any = None
        if resp is not None and resp.type is not None and resp.encoding == "json":
            body = self._shaped(op, resp, status, failure)  # type: ignore[arg-type]
        if body is None:
            first = failure.errors[0] if failure.errors else {}
            body = {"error": {"message": failure.message, "type": _kind_of(status), "param": first.get("param"), "code": first.get("reason", failure.code)}, "errors": failure.errors}
        media = next((concrete(m.content_type) for m in resp.media if m.kind == "json"), "application/json") if resp is not None else "application/json"
        return Answer(status, _json_bytes(body), media, headers, problems=failure.errors or [{"message": failure.message}])

    def _shaped(self, op: ir.Operation, resp: ir.Response, status: int, failure: Failure) -> Any:
        """The declared error schema's fixture with the failure written in; None when no
        candidate validates (then the caller's generic shape is the honest answer)."""
        found, fixture = self.response_fixture(op, resp.status)
        if not found:
            return None
        assert resp.type is not None
        candidates = [_fill(self.api, fixture, resp.type, status, failure, with_list) for with_list in (True, False)] + [fixture]
        where = resp.pointer or resp.type.pointer
        for cand in candidates:
            if not where or not self.validator.problems(cand, where, "response"):
                return cand
        return None


def _fill(api: ir.Api, fixture: Any, t: ir.TypeExpr, status: int, failure: Failure, with_list: bool) -> Any:
    """The fixture with the message, code, type and parameter in the fields named for them (inside
    an `error` envelope when the schema has one), and `errors` beside them when allowed."""
    body = copy.deepcopy(fixture)
    model = api.model_map.get(t.ref or "") if t.kind == "model" else None
    if model is None or not isinstance(body, dict):
        return failure.message if t.kind == "string" else body
    first = failure.errors[0] if failure.errors else {}
    values = {"message": failure.message, "code": str(first.get("reason", failure.code)), "type": _kind_of(status), "param": first.get("param")}
    target, inner = body, model
    envelope = model.field_map.get("error")
    if envelope is not None:
        if _stringish(envelope.type, api):
            body["error"] = failure.message
        elif envelope.type.kind == "model" and envelope.type.ref in api.model_map and isinstance(body.get("error"), dict):
            target, inner = body["error"], api.model_map[envelope.type.ref]
    by_lower = {f.name.lower(): f for f in inner.fields}
    for keys, what in ((_MESSAGE_KEYS, "message"), (_CODE_KEYS, "code"), (_TYPE_KEYS, "type"), (_PARAM_KEYS, "param")):
        f = next((by_lower[k] for k in keys if k in by_lower), None)
        if f is not None and _stringish(f.type, api) and (values[what] is not None or f.type.nullable):
            target[f.name] = values[what]
    for f in inner.fields:
        if f.name.lower() in ("status", "status_code", "statuscode") and f.type.kind == "integer":
            target[f.name] = status
    if with_list and not model.closed and "errors" not in model.field_map:
        body["errors"] = failure.errors
    return body


def _stringish(t: ir.TypeExpr, api: ir.Api) -> bool:
    """A plain string field (any string; not an enum, a constant or a formatted string)."""
    return t.kind == "string" and t.format is None and t.constraints.pattern is None and t.constraints.max_length is None


def _kind_of(status: int) -> str:
    return {400: "invalid_request_error", 401: "authentication_error", 404: "not_found", 405: "method_not_allowed", 406: "not_acceptable", 413: "request_too_large", 415: "unsupported_media_type", 422: "invalid_request_error"}.get(status, "invalid_request_error")


def _status_number(status: str, fallback: int) -> int:
    if status.isdigit():
        return int(status)
    if status[:1].isdigit():
        return int(status[0]) * 100
    return fallback


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str).encode("utf-8") if _finite(value) else b"null"


def _finite(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False, default=str)
        return True
    except (ValueError, RecursionError):
        return False


def concrete(content_type: str) -> str:
    """A media type a response can carry for a declared one (`image/*` -> `image/png`)."""
    e = _wire.essence(content_type)
    if e in ("*/*", "*"):
        return "application/octet-stream"
    if e.endswith("/*"):
        major = e.split("/", 1)[0]
        return {"image": "image/png", "audio": "audio/mpeg", "video": "video/mp4", "text": "text/plain", "application": "application/octet-stream"}.get(major, f"{major}/octet-stream")
    return content_type


def _accepted(accept: str) -> list[tuple[str, float, int]]:
    """(media range, q, position) of an Accept header; ranges with q=0 are dropped."""
    out: list[tuple[str, float, int]] = []
    for i, part in enumerate(accept.split(",")):
        rng, *params = [p.strip() for p in part.split(";")]
        if not rng:
            continue
        q = 1.0
        for p in params:
            k, _, v = p.partition("=")
            if k.strip().lower() == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 1.0
        if q > 0:
            out.append((rng.lower(), q, i))
    return out


def _fits(rng: str, content_type: str) -> bool:
    return _wire.media_matches(rng, content_type) or _wire.media_matches(content_type, rng)


def negotiate(media: list[ir.MediaType], accept: str) -> ir.MediaType | None:
    """The declared media type `Accept` prefers (by q, then its order, then the spec's order);
    the first declared when Accept is absent; None when Accept admits none."""
    if not accept.strip():
        return media[0]
    ranges = _accepted(accept)
    best: tuple[tuple[float, int, int], ir.MediaType] | None = None
    for j, m in enumerate(media):
        for rng, q, i in ranges:
            if _fits(rng, m.content_type):
                score = (q, -i if rng not in ("*/*", "*") else -10_000, -j)
                if best is None or score > best[0]:
                    best = (score, m)
    return best[1] if best is not None else None


def _wants_stream(op: ir.Operation, body: Any, accept: str) -> bool:
    """An event stream only when the request asks for one (or nothing else is declared)."""
    if op.stream_param is not None and isinstance(body, dict) and body.get(op.stream_param) is True:
        return True
    if isinstance(body, dict) and body.get("stream_format") == "sse":
        return True
    ok = op.success
    others = [m for m in ok.media if m.kind != "sse"] if ok is not None else []
    if not any(m.kind == "sse" for r in op.responses if r.status.startswith("2") for m in r.media):
        return False
    if not others:
        return True
    ranges = sorted(_accepted(accept), key=lambda r: (-r[1], r[2]))
    return bool(ranges) and _wire.essence(ranges[0][0]) == "text/event-stream"
