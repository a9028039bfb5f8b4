"""`specgen mock SPEC [--port N] [--fixtures DIR]`: a local HTTP server that answers like the API.

It routes by method and path template (literal segments beat parameters, the servers' base
path such as `/v1` is optional), validates path, query and header parameters and the JSON body
against the spec's own schemas with jsonschema (OpenAPI 3.0 semantics through
openapi-schema-validator's OAS30 write validator for 3.0 specs, OAS 3.1 / draft 2020-12
otherwise; `$ref`s, relative-file ones included, resolve through the loaded documents), and
answers:

- 400 with `{"error": {...}, "errors": [...]}` when a parameter is invalid or the body is not JSON;
- 422 with the same shape when the JSON body fails its schema; each entry of `errors` is
  `{"in": "body"|"query"|"path"|"header", "pointer": "/temperature", "reason": "maximum",
  "message": "..."}`;
- otherwise the operation's success response fixture (from `--fixtures DIR` when given, else
  generated in memory), or its `stream.sse` as `text/event-stream` when the body asks to
  stream (`"stream": true`) or the operation only streams.

It only ever binds 127.0.0.1. Fixtures are built per operation on first use, so start-up costs
one parse and normalize of the spec.
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator, Iterator
from urllib.parse import parse_qsl, quote, urlsplit

from ..model import ir
from . import reading
from ..diagnostics import Diagnostics, UsageError, split_pointer
from ..spec.load import Documents, load
from .bounded import bounded, unusable_patterns

HOST = "127.0.0.1"  # never anything else
BASE_URI = "file:///specgen-spec/"


# ------------------------------------------------------------------ schema validation


@dataclass(frozen=True)
class Problem:
    """One validation failure: where (a JSON pointer into the instance) and why (the keyword)."""

    pointer: str
    reason: str
    message: str


class SchemaValidator:
    """Validates instances against schemas found by `file#pointer` in the loaded documents."""

    def __init__(self, docs: Documents, openapi: str):
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4, DRAFT202012

        self.docs = docs
        self.openapi = openapi
        spec = DRAFT4 if openapi == "3.0" else DRAFT202012
        self._spec = spec

        def retrieve(uri: str) -> Any:
            name = uri[len(BASE_URI):] if uri.startswith(BASE_URI) else None
            if name is None:
                raise LookupError(f"refusing to fetch {uri}")
            res = docs.resolve(name + "#", docs.main.name, "")
            if res is None:
                raise LookupError(uri)
            return Resource(contents=docs.files[res.file].data, specification=spec)  # type: ignore[call-arg]

        resources = [(BASE_URI + name, Resource(contents=d.data, specification=spec)) for name, d in docs.files.items()]  # type: ignore[call-arg]
        self.registry: Any = Registry(retrieve=retrieve).with_resources(resources)  # type: ignore[call-arg]
        self._cache: dict[tuple[str, str], Any] = {}

    def _validator(self, where: str, side: str) -> Any:
        key = (where, side)
        v = self._cache.get(key)
        if v is None:
            import openapi_schema_validator as osv

            file, pointer = self.docs.split_where(where)
            schema = {"$ref": BASE_URI + file + "#" + _uri_pointer(pointer)}
            if self.openapi == "3.0":
                cls = osv.OAS30WriteValidator if side == "request" else osv.OAS30ReadValidator
                fmt = osv.oas30_format_checker
            else:
                cls = osv.OAS31Validator
                fmt = osv.oas31_format_checker
            # patterns in bounded time: a request can never make the mock backtrack (bounded.py)
            v = bounded(cls)(schema, registry=self.registry, format_checker=fmt)
            self._cache[key] = v
        return v

    def problems(self, instance: Any, where: str, side: str = "request") -> list[Problem]:
        """Every failure of `instance` (top-level errors; a schema that cannot be resolved
        validates nothing rather than failing the request)."""
        from referencing.exceptions import Unresolvable

        out: list[Problem] = []
        try:
            for err in self._validator(where, side).iter_errors(instance):
                out.append(Problem(_json_pointer(err.absolute_path), str(err.validator), _short(err.message)))
        except (Unresolvable, RecursionError):
            return []
        return out

    def all_failures(self, instance: Any, where: str, side: str = "request") -> list[Problem]:
        """Like problems(), with the errors inside oneOf/anyOf contexts too."""
        out: list[Problem] = []
        stack = list(self._validator(where, side).iter_errors(instance))
        while stack:
            err = stack.pop()
            out.append(Problem(_json_pointer(err.absolute_path), str(err.validator), _short(err.message)))
            stack.extend(err.context or ())
        return out


def _uri_pointer(pointer: str) -> str:
    from urllib.parse import quote

    return quote(pointer, safe="/~!$&'()*+,;=:@")


def _json_pointer(path: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _short(message: str, limit: int = 300) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


# ------------------------------------------------------------------ routing


@dataclass
class Route:
    op: ir.Operation
    regex: re.Pattern[str]
    names: list[str]
    literal_segments: int
    fixed_query: list[tuple[str, str]]  # `/responses?beta=true`: the template's own query


def _route(op: ir.Operation) -> Route:
    names: list[str] = []
    parts = []
    literal = 0
    for seg in _remove_dots(op.url_path).strip("/").split("/"):
        pieces = re.split(r"(\{[^}/]+\})", seg)
        rx = ""
        has_param = False
        for piece in pieces:
            if piece.startswith("{") and piece.endswith("}"):
                names.append(piece[1:-1])
                rx += f"(?P<p{len(names) - 1}>[^/]*)"  # empty: an undefined value (RFC 6570)
                has_param = True
            else:
                # a client sends literal characters percent-encoded where a URL needs it
                quoted = quote(piece, safe=_PATH_SAFE)
                rx += re.escape(piece) if quoted == piece else f"(?:{re.escape(piece)}|{re.escape(quoted)})"
        literal += 0 if has_param else 1
        parts.append(rx)
    return Route(op, re.compile("^/" + "/".join(parts) + "/?$"), names, literal, list(op.fixed_query))


_PATH_SAFE = "/!$&'()*+,;=:@-._~"


def _remove_dots(path: str) -> str:
    """RFC 3986 dot-segment removal: `/../../etc/{x}` is requested as `/etc/{x}` by any client."""
    out: list[str] = []
    for seg in path.split("/"):
        if seg == "..":
            if len(out) > 1:
                out.pop()
        elif seg != ".":
            out.append(seg)
    return "/".join(out) or "/"


def _base_paths(api: ir.Api) -> list[str]:
    out = []
    for url in api.servers:
        path = urlsplit(url).path.rstrip("/") if "://" in url else url.rstrip("/")
        if path and path not in out:
            out.append(path)
    return out


# ------------------------------------------------------------------ the app


class MockApp:
    """The ASGI application (starlette): routing, validation and fixture replies."""

    def __init__(self, spec: Path | str, fixtures_dir: Path | str | None = None):
        from ..model.normalize import normalize

        diags = Diagnostics()
        self.docs = load(spec, diags)
        self.api = normalize(self.docs, diags)
        self.fixtures_dir = Path(fixtures_dir) if fixtures_dir is not None else None
        self.validator = SchemaValidator(self.docs, self.api.openapi)
        routes = [_route(op) for op in self.api.operations]
        # literal segments beat parameters (/chat/completions/messages before /chat/completions/{id})
        # and a template's own query string makes it more specific (/responses?beta=true)
        self.routes = sorted(routes, key=lambda r: (-r.literal_segments, len(r.names), -len(r.fixed_query)))
        self.bases = _base_paths(self.api)
        from ..artifacts.fixtures import fixture_stems

        self.stems = fixture_stems(self.api)
        self._param_where = {op.id: {p.name: param_schema_where(self.docs, p) for p in op.parameters} for op in self.api.operations}
        from starlette.applications import Starlette
        from starlette.routing import Route as SRoute

        methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
        self.app = Starlette(routes=[SRoute("/{path:path}", self.handle, methods=methods)])

    @property
    def base_path(self) -> str:
        return self.bases[0] if self.bases else ""

    def match(self, method: str, path: str, query: list[tuple[str, str]] | None = None) -> tuple[ir.Operation | None, dict[str, str], bool]:
        """(operation, path parameters as sent (still percent-encoded, parsed per their style
        later), path known for another method), for the raw request path."""
        given = set(query or ())
        candidates = [path]
        for b in self.bases:
            if path == b or path.startswith(b + "/"):
                candidates.append(path[len(b):] or "/")
        known = False
        for cand in candidates:
            for r in self.routes:
                m = r.regex.match(cand)
                if m is None or not set(r.fixed_query) <= given:
                    continue
                if r.op.method != method.lower():
                    known = True
                    continue
                return r.op, {n: m.group(f"p{i}") for i, n in enumerate(r.names)}, True
        return None, {}, known

    # -- fixtures

    def response_fixture(self, op: ir.Operation) -> tuple[int, Any, bool]:
        """(status, JSON body or None, has body)."""
        ok = op.success
        status = 200
        if ok is not None and ok.status[:1].isdigit():
            status = int(ok.status) if ok.status.isdigit() else int(ok.status[0]) * 100
        if ok is None or ok.type is None or ok.encoding != "json":
            return status, None, False
        if self.fixtures_dir is not None:
            p = self.fixtures_dir / self.stems[op.id] / f"response.{ok.status}.json"
            if p.is_file():
                return status, json.loads(p.read_text(encoding="utf-8")), True
        from ..artifacts.fixtures import operation_fixtures

        fx = operation_fixtures(self.api, op, self.stems[op.id])
        return status, fx.responses.get(ok.status), ok.status in fx.responses

    def stream_fixture(self, op: ir.Operation) -> str:
        if self.fixtures_dir is not None:
            p = self.fixtures_dir / self.stems[op.id] / "stream.sse"
            if p.is_file():
                return p.read_text(encoding="utf-8")
        from ..artifacts.fixtures import operation_fixtures

        return operation_fixtures(self.api, op, self.stems[op.id]).stream or "data: [DONE]\n\n"

    # -- validation

    def check_params(self, op: ir.Operation, path_params: dict[str, str], query: list[tuple[str, str]], headers: Any) -> list[dict[str, Any]]:
        """Each parameter read by its style (the client's own wire rules), then validated
        against its schema; a missing required one is an error."""
        errors: list[dict[str, Any]] = []
        names = [p.name for p in op.parameters if p.location == "query"]
        for p in op.parameters:
            raw = reading.param_value(p, self.api, path_params, query, headers, [n for n in names if n != p.name])
            if raw is reading.MISSING:
                if p.required:
                    errors.append({"in": p.location, "pointer": f"/{p.location}/{_esc(p.name)}", "reason": "required", "message": f"{p.location} parameter {p.name!r} is required", "param": p.name})
                continue
            value = reading.coerce(raw, p.type, self.api)
            where = self._param_where[op.id][p.name]
            if where is None:
                continue
            for prob in self.validator.problems(value, where, "request"):
                errors.append({"in": p.location, "pointer": f"/{p.location}/{_esc(p.name)}{prob.pointer}", "reason": prob.reason, "message": f"{p.name}: {prob.message}", "param": p.name})
        return errors

    def read_body(self, op: ir.Operation, content_type: str, raw: bytes) -> tuple[Any, Any]:
        """(body, error response): the body read as its media type says (JSON, form, multipart;
        raw media types are taken as they are), validated against that media type's schema."""
        if op.body is None:
            return None, None
        if not raw:
            if op.body.required:
                return None, _error(400, "this operation needs a request body", "invalid_request_error", [{"in": "body", "pointer": "", "reason": "required", "message": "the request body is required"}])
            return None, None
        m = reading.choose_media(op, content_type)
        if m is None:
            accepted = ", ".join(x.content_type for x in op.body.media)
            return None, _error(415, f"Content-Type {content_type!r} is not one of {accepted}", "invalid_request_error", [{"in": "header", "pointer": "/header/Content-Type", "reason": "media_type", "message": f"send one of {accepted}"}])
        if m.kind == "json":
            try:
                body = json.loads(raw)
            except ValueError as e:
                return None, _error(400, f"the body is not JSON: {e}", "invalid_request_error", [{"in": "body", "pointer": "", "reason": "json", "message": str(e)}])
        elif m.kind in ("form", "multipart"):
            try:
                body = reading.form_body(m, self.api, content_type, raw)
            except (ValueError, UnicodeDecodeError) as e:
                return None, _error(400, f"the body is not {m.content_type}: {e}", "invalid_request_error", [{"in": "body", "pointer": "", "reason": "encoding", "message": str(e)}])
        else:
            return raw, None
        probs = self.validator.problems(body, m.pointer, "request") if m.type is not None and m.type.kind != "any" else []
        if probs:
            errs = [{"in": "body", "pointer": p.pointer, "reason": p.reason, "message": p.message, "param": next(iter(split_pointer(p.pointer)), None)} for p in probs]
            return body, _error(422, f"{probs[0].pointer or 'body'}: {probs[0].message}", "invalid_request_error", errs)
        return body, None

    async def handle(self, request: Any) -> Any:
        from starlette.responses import JSONResponse, Response, StreamingResponse

        query = parse_qsl(request.url.query, keep_blank_values=True)
        raw_path = request.scope.get("raw_path")
        path = raw_path.decode("latin-1").partition("?")[0] if isinstance(raw_path, bytes) else request.url.path
        op, path_params, known = self.match(request.method, path, query)
        if op is None:
            if known:
                return _error(405, f"{request.method} is not allowed on {request.url.path}", "method_not_allowed", [])
            return _error(404, f"no operation matches {request.method} {request.url.path}", "not_found", [])
        errors = self.check_params(op, path_params, query, request.headers)
        if errors:
            return _error(400, errors[0]["message"], "invalid_request_error", errors)
        body, failed = self.read_body(op, request.headers.get("content-type", ""), await request.body())
        if failed is not None:
            return failed
        wants_stream = op.streaming and (
            (op.stream_param is not None and isinstance(body, dict) and body.get(op.stream_param) is True)
            or (op.stream_param is None and not any(r.encoding == "json" and r.status.startswith("2") for r in op.responses))
        )
        if wants_stream:
            text = self.stream_fixture(op)

            async def events() -> AsyncIterator[bytes]:
                for block in text.split("\n\n"):
                    if block.strip():
                        yield (block + "\n\n").encode("utf-8")

            return StreamingResponse(events(), media_type="text/event-stream", headers={"cache-control": "no-cache"})
        status, payload, has_body = self.response_fixture(op)
        if not has_body:
            raw = _raw_answer(op)
            if raw is not None:
                return Response(raw[1], status_code=status, media_type=raw[0])
            return Response(status_code=status)
        return JSONResponse(payload, status_code=status)


def _raw_answer(op: ir.Operation) -> tuple[str, bytes] | None:
    """(media type, bytes) for an operation whose success answer is binary or text: the first
    declared concrete media type, with a few bytes, so a client reads it as the spec says."""
    ok = op.success
    if ok is None or ok.encoding not in ("binary", "text"):
        return None
    ct = next((m.content_type for m in ok.media if m.kind == ok.encoding and "*" not in m.content_type), None)
    if ct is None:
        ct = "text/plain" if ok.encoding == "text" else "application/octet-stream"
    return ct, (b"specgen mock\n" if ok.encoding == "text" else bytes(range(16)))


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
    if doc is None:
        return False
    node: Any = doc.data
    for tok in split_pointer(pointer):
        if isinstance(node, dict) and tok in node:
            node = node[tok]
        elif isinstance(node, list) and tok.isdigit() and int(tok) < len(node):
            node = node[int(tok)]
        else:
            return False
    return True


def _esc(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _error(status: int, message: str, kind: str, errors: list[dict[str, Any]]) -> Any:
    from starlette.responses import JSONResponse

    first = errors[0] if errors else {}
    return JSONResponse(
        {"error": {"message": message, "type": kind, "param": first.get("param"), "code": first.get("reason")}, "errors": errors},
        status_code=status,
    )


# ------------------------------------------------------------------ running it


class MockServer:
    """The mock server in a background thread, for tests:

        with MockServer("specs/x.yaml") as server:
            client = Client(base_url=server.base_url, api_key="test")
    """

    def __init__(self, spec: Path | str, fixtures_dir: Path | str | None = None, port: int = 0):
        self.spec = spec
        self.fixtures_dir = fixtures_dir
        self.port = port
        self.app: MockApp | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def base_url(self) -> str:
        """Origin plus the spec's base path (`/v1`), as a client's base_url."""
        assert self.app is not None, "start the server first"
        return self.origin + self.app.base_path

    def start(self) -> MockServer:
        import uvicorn

        self.app = MockApp(self.spec, self.fixtures_dir)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # accepted connections inherit it: no Nagle delay between a response's header and body writes
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((HOST, self.port))
        self.port = sock.getsockname()[1]
        self._sock = sock
        config = uvicorn.Config(self.app.app, host=HOST, port=self.port, log_level="warning", access_log=False, lifespan="off", ws="none")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, name="specgen-mock", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the mock server did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._sock is not None:
            self._sock.close()
        self._server = self._thread = self._sock = None

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def run(args: argparse.Namespace) -> int:
    """`specgen mock`: serve until interrupted."""
    import uvicorn

    spec = Path(args.spec)
    if not spec.is_file():
        raise UsageError(f"{spec}: no such file")
    fixtures = getattr(args, "fixtures", None)
    if fixtures is not None and not Path(fixtures).is_dir():
        raise UsageError(f"--fixtures {fixtures}: no such folder")
    port = int(getattr(args, "port", 4010) or 0)
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port} is not a port number")
    app = MockApp(spec, fixtures)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((HOST, port))
    except OSError as e:
        raise UsageError(f"cannot listen on {HOST}:{port}: {e.strerror}") from None
    port = sock.getsockname()[1]
    sock.listen(128)  # before the line that tells a client to connect (uvicorn listens later)
    print(f"specgen mock: {len(app.api.operations)} operations of {app.api.title} on http://{HOST}:{port}{app.base_path} (Ctrl-C stops)", file=sys.stderr, flush=True)
    for patrn, why in unusable_patterns(app.api):
        print(f"specgen mock: warning: the pattern {patrn!r} cannot be evaluated ({why}); values it constrains are accepted", file=sys.stderr, flush=True)
    config = uvicorn.Config(app.app, host=HOST, port=port, log_level="warning", lifespan="off", ws="none")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    return 0


def iter_sse(text: str) -> Iterator[str]:
    """The `data:` payloads of an SSE text, in order (for tests and tools)."""
    for block in text.split("\n\n"):
        data = [ln[5:].lstrip() for ln in block.splitlines() if ln.startswith("data:")]
        if data:
            yield "\n".join(data)
