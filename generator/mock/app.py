"""The mock's ASGI application: a request in, in this order, checked and answered.

1. route (`routing`): 404 for no path, 405 with `Allow` for another method; `OPTIONS` lists
   the methods (`Allow`), `HEAD` answers like `GET` without a body;
2. credentials (`security`): 401 with `WWW-Authenticate` when none of the right form is sent;
3. parameters, read by their style with the client's own wire rules (`reading`) and validated:
   400 for a missing or invalid one;
4. the body, read as its media type says: 413 past MAX_BODY bytes, 415 for an undeclared
   Content-Type, 400 when it cannot be read (bad JSON, nested past MAX_DEPTH), 422 when it
   fails its schema;
5. the answer (`answers`): the success fixture in the media type `Accept` prefers, an event
   stream when asked for, 406 when `Accept` admits nothing declared.

Every refusal is in the status and error schema the spec documents (`answers.error`), with
human messages and JSON pointers; every request is logged when a log is given. Nothing a
client sends or a spec says gives a 500.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, AsyncIterator
from urllib.parse import parse_qsl

from ..diagnostics import MISSING, Diagnostics, node_at, split_pointer
from ..model import ir
from ..spec.load import Documents, load
from . import reading, security
from .answers import Answer, Answers, Failure
from .bounded import unusable_patterns
from .log import RequestLog
from .routing import Router
from .validation import MAX_DEPTH, SchemaValidator, depth_of, show

MAX_BODY = 32 * 1024 * 1024  # bytes of a request body the mock reads; larger ones get 413


class MockApp:
    """Routing, validation and fixture replies for one spec, as a starlette application."""

    def __init__(self, spec: Path | str, fixtures_dir: Path | str | None = None, log: Path | str | None = None):
        from ..model.normalize import normalize

        diags = Diagnostics()
        self.docs = load(spec, diags)
        self.api = normalize(self.docs, diags)
        self.validator = SchemaValidator(self.docs, self.api.openapi)
        self.router = Router(self.api)
        self.answers = Answers(self.api, self.validator, Path(fixtures_dir) if fixtures_dir is not None else None)
        self.log = RequestLog(log) if log is not None else None
        self._param_where = {op.id: {p.name: param_schema_where(self.docs, p) for p in op.parameters} for op in self.api.operations}
        self.warnings = [f"the pattern {show(p)} is not a regular expression ({why}); values it constrains are accepted" for p, why in unusable_patterns(self.api)]

    async def app(self, scope: Any, receive: Any, send: Any) -> None:
        """The ASGI entry: every HTTP request reaches `handle`, whatever its path holds (a
        framework router would answer 404 itself for a path with a decoded newline)."""
        from starlette.requests import Request

        if scope.get("type") != "http":
            return
        response = await self.handle(Request(scope, receive))
        await response(scope, receive, send)

    @property
    def base_path(self) -> str:
        return self.router.bases[0] if self.router.bases else ""

    # -- the checks, each data in and a Failure (or the value read) out

    def check_params(self, op: ir.Operation, path_params: dict[str, str], query: list[tuple[str, str]], headers: Any, raw_query: str = "") -> list[dict[str, Any]]:
        """Each parameter read by its style (the client's own wire rules), then validated
        against its schema; a missing required one is an error."""
        errors: list[dict[str, Any]] = []
        names = [p.name for p in op.parameters if p.location == "query"]
        for p in op.parameters:
            here = f"/{p.location}/{_esc(p.name)}"
            try:
                raw = reading.param_value(p, self.api, path_params, query, headers, [n for n in names if n != p.name], raw_query)
            except (ValueError, UnicodeDecodeError, RecursionError) as e:
                errors.append({"in": p.location, "pointer": here, "reason": "style", "message": f"the {p.location} parameter {show(p.name)} cannot be read as {p.style}: {e}", "param": p.name})
                continue
            if raw is reading.MISSING:
                if p.required:
                    errors.append({"in": p.location, "pointer": here, "reason": "required", "message": f"the {p.location} parameter {show(p.name)} is required", "param": p.name})
                continue
            if depth_of(raw) > MAX_DEPTH:
                errors.append({"in": p.location, "pointer": here, "reason": "depth", "message": f"{p.name}: nested deeper than {MAX_DEPTH} levels", "param": p.name})
                continue
            value = reading.coerce(raw, p.type, self.api)
            where = self._param_where[op.id][p.name]
            if where is None:
                continue
            for prob in self.validator.problems(value, where, "request"):
                errors.append({"in": p.location, "pointer": here + prob.pointer, "reason": prob.reason, "message": f"{p.name}{prob.pointer}: {prob.message}", "param": p.name})
        return errors

    def read_body(self, op: ir.Operation, content_type: str, raw: bytes) -> tuple[Any, Failure | None]:
        """(body, refusal): the body read as its media type says (JSON, form, multipart; raw
        media types are taken as they are), validated against that media type's schema."""
        if op.body is None:
            return None, None
        m = reading.choose_media(op, content_type) if raw or content_type else None
        if not raw and (m is None or m.kind not in ("form", "multipart", "binary", "text") or not content_type):
            # no body; an empty form sent with its Content-Type is an empty object, and empty
            # bytes or text sent with theirs are the empty string (a valid `type: string`), read below
            if op.body.required:
                return None, Failure(400, "this operation needs a request body", "required", [{"in": "body", "pointer": "", "reason": "required", "message": "the request body is required"}])
            return None, None
        if m is None:
            accepted = ", ".join(x.content_type for x in op.body.media)
            return None, Failure(415, f"Content-Type {show(content_type)} is not one of {accepted}", "media_type", [{"in": "header", "pointer": "/header/Content-Type", "reason": "media_type", "message": f"send one of {accepted}"}])
        if m.kind == "json":
            if json_depth(raw) > MAX_DEPTH:
                return None, _unreadable(f"the body is nested deeper than {MAX_DEPTH} levels")
            try:
                body = json.loads(raw, parse_constant=_no_constant)
            except RecursionError:
                return None, _unreadable(f"the body is nested deeper than {MAX_DEPTH} levels")
            except ValueError as e:
                return None, _unreadable(f"the body is not JSON: {e}")
        elif m.kind in ("form", "multipart"):
            try:
                body = reading.form_body(m, self.api, content_type, raw)
            except (ValueError, UnicodeDecodeError, RecursionError) as e:
                return None, _unreadable(f"the body is not {m.content_type}: {e}")
        else:
            return raw, None
        if depth_of(body) > MAX_DEPTH:
            return None, _unreadable(f"the body is nested deeper than {MAX_DEPTH} levels")
        probs = self.validator.problems(body, m.pointer, "request") if m.type is not None and m.type.kind != "any" else []
        if probs:
            errs = [{"in": "body", "pointer": p.pointer, "reason": p.reason, "message": f"{p.pointer or 'body'}: {p.message}", "param": next(iter(split_pointer(p.pointer)), None)} for p in probs]
            return body, Failure(422, str(errs[0]["message"]), "invalid_request_error", errs)
        return body, None

    # -- the request

    def respond(self, method: str, raw_path: str, query_string: str, headers: dict[str, str], raw_body: bytes) -> tuple[Answer, ir.Operation | None]:
        """The whole decision for one request, as data (the ASGI handler only reads and writes)."""
        query = parse_qsl(query_string, keep_blank_values=True)
        match = self.router.match(method, raw_path, query)
        op = match.op
        if op is None and method == "HEAD" and "GET" in match.allowed:
            match = self.router.match("GET", raw_path, query)
            op = match.op
        if op is None:
            allow = ", ".join(match.allowed)
            if match.allowed and method == "OPTIONS":
                return Answer(204, headers={"allow": allow + ", OPTIONS"}), None
            if match.allowed:
                return self.answers.error(None, Failure(405, f"{method} is not allowed here; use {allow}", "method_not_allowed", headers={"allow": allow})), None
            return self.answers.error(None, Failure(404, f"no operation matches {method} {raw_path}", "not_found")), None
        missing = security.check(op, self.api, headers, query)
        if missing is not None:
            return self.answers.error(op, Failure(401, missing.message, "unauthorized", [{"in": "header", "pointer": "/header/Authorization", "reason": "security", "message": missing.message}], {"www-authenticate": missing.challenge})), op
        errors = self.check_params(op, match.path_params, query, headers, query_string)
        if errors:
            return self.answers.error(op, Failure(400, errors[0]["message"], "invalid_request_error", errors)), op
        if len(raw_body) > MAX_BODY:
            return self.answers.error(op, Failure(413, f"the body is larger than {MAX_BODY} bytes", "too_large")), op
        body, failed = self.read_body(op, headers.get("content-type", ""), raw_body)
        if failed is not None:
            return self.answers.error(op, failed), op
        return self.answers.success(op, body, headers.get("accept", "")), op

    async def handle(self, request: Any) -> Any:
        from starlette.responses import Response, StreamingResponse

        raw = request.scope.get("raw_path")
        path = raw.decode("latin-1").partition("?")[0] if isinstance(raw, bytes) else request.url.path
        body = await _read_limited(request)
        headers = security.headers_dict(request.headers)
        answer, op = self.respond(request.method, path, request.url.query, headers, body)
        if self.log is not None:
            self.log.write(request.method, path, answer.status, op.id if op is not None else None, [] if answer.status < 400 else answer.problems)
        if answer.events is not None:
            text = answer.events

            async def events() -> AsyncIterator[bytes]:
                for block in text.split("\n\n"):
                    if block.strip():
                        yield (block + "\n\n").encode("utf-8")

            return StreamingResponse(events(), status_code=answer.status, media_type=answer.media_type, headers=answer.headers)
        content = b"" if request.method == "HEAD" else answer.body
        return Response(content, status_code=answer.status, media_type=answer.media_type, headers=answer.headers)


async def _read_limited(request: Any) -> bytes:
    """The body, reading at most one byte past MAX_BODY (the rest is never held in memory)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BODY:
            break
    return b"".join(chunks)


_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def json_depth(raw: bytes, limit: int = MAX_DEPTH) -> int:
    """How deeply a JSON text nests, read without parsing it (strings skipped); stops past `limit`."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return 0  # cannot nest deeper than it has brackets
    depth = deepest = 0
    for m in _JSON_TOKENS.finditer(raw):
        tok = m.group()
        if tok in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                break
        elif tok in (b"]", b"}"):
            depth -= 1
    return deepest


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _unreadable(message: str) -> Failure:
    return Failure(400, message, "invalid_body", [{"in": "body", "pointer": "", "reason": "syntax", "message": message}])


def param_schema_where(docs: Documents, p: ir.Parameter) -> str | None:
    """Where a parameter's schema is: `<parameter>/schema` as written (keeps `nullable` and other
    siblings of a `$ref`), else the type's own place (parameters described by `content`); None
    when neither is in the documents (a path parameter the spec forgot to declare)."""
    for where in (p.pointer + "/schema", p.type.pointer):
        if where and _exists(docs, where):
            return where
    return None


def _exists(docs: Documents, where: str) -> bool:
    file, pointer = docs.split_where(where)
    doc = docs.files.get(file)
    return doc is not None and node_at(doc.data, pointer) is not MISSING


def _esc(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def print_warnings(app: MockApp) -> None:
    for w in app.warnings:
        print(f"specgen mock: warning: {w}", file=sys.stderr, flush=True)
