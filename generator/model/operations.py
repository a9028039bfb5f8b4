"""Operations: every path item and method, operationIds made unique, and parameters (path-item
and operation level merged, undeclared path parameters added, unsendable names left out); a path
template with dot segments (`/files/../admin`) is used as a client sends it, with a warning."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl

from ..diagnostics import join_pointer
from ..runtime._wire import kind_of
from . import ir, media, objects, resources
from .context import At, Context
from .keywords import deprecation_of, text_of, examples_of, stability_of
from .naming import Namer, pascal, snake


# the Path Item Object's method fields (`query`: 3.2), in the order operations are kept
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")
# the Path Item Object's other fields: not operations
ITEM_FIELDS = frozenset({"$ref", "summary", "description", "servers", "parameters", "additionalOperations"})
# an `additionalOperations` key the client can send as written: an upper-case HTTP token (RFC 9110)
_EXTRA_METHOD = re.compile(r"^[A-Z0-9!#$%&'*+.^_`|~-]{1,32}$")


def methods_of(cx: Context, item: dict[str, Any], path: str, file: str, iptr: str) -> list[tuple[str, Any, str]]:
    """(lower-case method, operation, pointer) for every operation of a path item: its method
    fields, then `additionalOperations` (3.2) by key; any other key that is not an extension is
    listed as skipped, with the reason, so nothing a path item holds is dropped without a word."""
    out: list[tuple[str, Any, str]] = [(m, item[m], join_pointer(iptr, m)) for m in METHODS if item.get(m) is not None]
    for key in sorted(str(k) for k in item):
        if key in METHODS or key in ITEM_FIELDS or key.startswith("x-"):
            continue
        why = f"`{key}` is not a field of a Path Item Object" + (f"; methods are lower-case (`{key.lower()}`)" if key.lower() in METHODS else "")
        cx.skip(key, path, why, "write the method in lower case, or move it under additionalOperations (OpenAPI 3.2)", file, join_pointer(iptr, key))
    extra = item.get("additionalOperations")
    if extra is None:
        return out
    aptr = join_pointer(iptr, "additionalOperations")
    if not isinstance(extra, dict):
        cx.skip("additionalOperations", path, "`additionalOperations` must map HTTP methods to operations", "write additionalOperations: {LINK: {...}}", file, aptr)
        return out
    for key in sorted(extra, key=str):
        name, optr = str(key), join_pointer(aptr, key)
        if name.lower() in METHODS:
            cx.skip(name, path, f"`{name}` has a field of its own in a Path Item Object, which additionalOperations must not repeat", f"move it to the path item's `{name.lower()}` field", file, optr)
        elif not _EXTRA_METHOD.match(name):
            cx.skip(name, path, f"`{name[:40]}` is not an upper-case HTTP method name; the client sends methods in upper case", "name the method in upper case, as servers expect it (LINK, PURGE, COPY...)", file, optr)
        elif extra[key] is not None:
            out.append((name.lower(), extra[key], optr))
    return out


def operations(cx: Context) -> list[ir.Operation]:
    paths = cx.root.get("paths")
    if paths is None:
        if not isinstance(cx.root.get("webhooks"), dict) and not isinstance(cx.root.get("components"), dict):
            cx.diags.warning("no-paths", "the spec has no `paths`: no client methods will be generated", hint="add paths, or ignore this for a models-only spec", file=cx.main, pointer="")
        return []
    if not isinstance(paths, dict):
        cx.diags.error("bad-paths", "`paths` must be a mapping of path to path item", hint="write paths: {/things: {get: ...}}", file=cx.main, pointer="/paths")
        return []
    ops: list[tuple[int, ir.Operation]] = []  # (place in the document, operation)
    op_ids = Namer(sep="_")
    seen_ids: dict[str, str] = {}
    referenced: list[tuple[str, str]] = []  # operations given as a $ref
    # converted in an order of their own, not the document's: every name claimed on the way
    # (inline schemas, operationIds made unique) is the same however the paths are ordered
    for place, (path, item) in sorted(enumerate(paths.items()), key=lambda e: (str(e[1][0]), e[0])):
        ppath = join_pointer("/paths", path)
        if not isinstance(path, str) or not path.startswith("/"):
            cx.diags.warning("bad-path", f"path {path!r} does not start with '/'", hint="write paths as /segment/{param}", file=cx.main, pointer=ppath)
            path = "/" + str(path)
        clean = dot_free(path)
        if clean != path:
            cx.diags.warning(
                "dot-segments",
                f"path {path!r} has `.` or `..` segments, which every client resolves before sending (outside the path as written): it is generated as {clean!r}",
                hint="write the path without `.` and `..` segments",
                file=cx.main,
                pointer=ppath,
            )
            path = clean
        item, ifile, iptr = cx.deref(item, cx.main, ppath)
        if not isinstance(item, dict):
            if item is not None:
                cx.diags.error("bad-path-item", f"path item {path!r} must be a mapping", hint="write methods (get, post...) under the path", file=cx.main, pointer=ppath)
            continue
        for method, op, optr in methods_of(cx, item, path, ifile, iptr):
            ofile = ifile
            if isinstance(op, dict) and "$ref" in op:
                # not allowed by OpenAPI, but whole specs do it (DigitalOcean): follow, and say so once
                referenced.append((ifile, optr))
                op, ofile, optr = cx.deref(op, ifile, optr)
            if not isinstance(op, dict):
                cx.diags.error("bad-operation", f"{method.upper()} {path} must be a mapping", hint="describe the operation with responses, parameters...", file=ifile, pointer=optr)
                cx.skip(method, path, "the operation is not a mapping", "", ofile, optr, warn=False)
                continue
            raw_id = op.get("operationId")
            base_id = raw_id if isinstance(raw_id, str) and raw_id.strip() else snake(f"{method} {path}", "operation")
            op_id = op_ids.claim(base_id)
            if op_id != base_id:
                cx.diags.warning(
                    "duplicate-operation-id",
                    f"operationId {base_id!r} is used by {seen_ids[base_id]} and again by {method.upper()} {path}; this one is named {op_id!r}",
                    hint="give every operation a unique operationId",
                    file=ifile,
                    pointer=optr + "/operationId",
                )
            seen_ids.setdefault(base_id, f"{method.upper()} {path}")
            built = operation(cx, op_id, method, path, op, item, ofile, optr, iptr, ifile)
            why = unsendable_querystring(built)
            if why is not None:
                cx.skip(method, path, why, "write the query string as application/x-www-form-urlencoded content", ofile, optr)
                continue
            ops.append((place, built))
    if referenced:
        cx.diags.warning(
            "operation-ref",
            f"{len(referenced)} operation(s) are given as a $ref, which OpenAPI does not allow for Operation Objects; specgen follows them",
            hint="reference whole path items instead (paths: {/x: {$ref: ...}}), or inline the operations",
            file=referenced[0][0],
            pointer=referenced[0][1],
        )
    ordered = [op for _, op in sorted(ops, key=lambda e: e[0])]  # stable: methods stay in METHODS order
    resources.assign_resources(cx, ordered)
    return ordered


_DOT_SEGMENT = re.compile(r"(?:\.|%2e){1,2}", re.IGNORECASE)


def dot_free(path: str) -> str:
    """RFC 3986 dot-segment removal on a path template (`%2e` is `.`), never above its root, the
    key's own `?query` / `#fragment` kept: `/files/../../admin/{id}` -> `/admin/{id}`."""
    cut = min((i for i in (path.find("?"), path.find("#")) if i >= 0), default=len(path))
    head, rest = path[:cut], path[cut:]
    out: list[str] = []
    segments = head.split("/")[1:]
    for seg in segments:
        if _DOT_SEGMENT.fullmatch(seg) is None:
            out.append(seg)
        elif len(seg.replace("%2e", ".").replace("%2E", ".")) == 2 and out:
            out.pop()
    trailing = "/" if segments and (segments[-1] == "" or _DOT_SEGMENT.fullmatch(segments[-1])) and out and out[-1] != "" else ""
    return "/" + "/".join(out) + trailing + rest


# the styles each location allows (OAS 3.1 "Style Values"); the first is the default
_STYLES = {
    "path": ("simple", "matrix", "label"),
    "query": ("form", "spaceDelimited", "pipeDelimited", "deepObject"),
    "header": ("simple",),
    "cookie": ("form",),
}
# header parameters OpenAPI says to ignore: the client sets them itself
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})


def parameters(cx: Context, op: dict[str, Any], item: dict[str, Any], path: str, file: str, optr: str, ifile: str, iptr: str) -> list[ir.Parameter]:
    merged: dict[tuple[str, str], tuple[dict[str, Any], str, str]] = {}
    for src, sfile, sptr in ((item.get("parameters"), ifile, iptr + "/parameters"), (op.get("parameters"), file, optr + "/parameters")):
        if src is None:
            continue
        if not isinstance(src, list):
            cx.diags.warning("bad-parameters", "`parameters` must be a list", hint="write parameters as a list of parameter objects", file=sfile, pointer=sptr)
            continue
        for i, p in enumerate(src):
            target, pfile, pptr = cx.deref(p, sfile, join_pointer(sptr, i))
            if not isinstance(target, dict) or not isinstance(target.get("name"), str) or target.get("in") not in ("path", "query", "header", "cookie", "querystring"):
                if target is not None:
                    cx.diags.warning("bad-parameter", "a parameter needs a string `name` and `in` of path, query, querystring, header or cookie", hint="fix or remove this parameter", file=pfile, pointer=pptr)
                continue
            if target["in"] == "header" and target["name"].lower() in _IGNORED_HEADERS:
                cx.note_ignored_header(target["name"], pfile, pptr)
                continue
            merged[(target["name"], target["in"])] = (target, pfile, pptr)
    template = re.findall(r"{([^}/]+)}", path)
    out: list[ir.Parameter] = []
    for name in template:
        if (name, "path") not in merged:
            cx.diags.warning(
                "undeclared-path-param",
                f"path parameter {{{name}}} of {path} is not declared; treating it as a required string",
                hint=f"add a parameter with name: {name}, in: path, required: true",
                file=file,
                pointer=optr,
            )
            merged[(name, "path")] = ({"name": name, "in": "path", "required": True, "schema": {"type": "string"}}, file, optr)
    for (name, loc), (p, pfile, pptr) in merged.items():
        if loc == "path" and name not in template:
            cx.diags.warning("unused-path-param", f"path parameter {name!r} is not in the path {path}", hint="remove it or add it to the path", file=pfile, pointer=pptr)
            continue
        if not cx.wire_name_ok(name, loc, "parameter", pfile, pptr + "/name"):
            continue
        out.append(parameter(cx, p, name, loc, pfile, pptr))
    order = {n: i for i, n in enumerate(template)}
    out.sort(key=lambda p: (0, order[p.name]) if p.location == "path" else (1, 0))
    return out


def parameter(cx: Context, p: dict[str, Any], name: str, loc: str, pfile: str, pptr: str) -> ir.Parameter:
    """One parameter: its type (from `schema`, or `content`'s one media type) and how it
    travels, with the defaults of its location decided."""
    schema = p.get("schema")
    sptr = pptr + "/schema"
    content_type = None
    if schema is None and isinstance(p.get("content"), dict) and p["content"]:
        declared = media.media_types(cx, p["content"], pfile, pptr)
        if len(p["content"]) > 1:
            cx.diags.warning("parameter-content", f"parameter {name!r} lists {len(p['content'])} media types under `content`; OpenAPI allows one, the first is used", hint="keep one media type", file=pfile, pointer=pptr + "/content")
        if declared:
            content_type, mt = declared[0]
            schema = mt.get("schema")
            sptr = join_pointer(pptr, "content", content_type, "schema")
    t = cx.schema(schema, At(pfile, sptr, pascal(name, "Param"))) if schema is not None else ir.TypeExpr("string", pointer=cx.where(pfile, pptr))
    target = cx.deref(schema, pfile, sptr)[0] if isinstance(schema, dict) else None
    target = target if isinstance(target, dict) else {}
    dep = deprecation_of(p)
    cx.note_deprecated("parameter", name, pfile, pptr, dep)
    # a default written inside a wrapper (`anyOf: [{..., default: x}, {type: null}]`) counts
    doc = objects.documentation(cx, schema, pfile, sptr) if isinstance(schema, dict) else {}
    if loc == "querystring":
        # 3.2: the whole query string is this one value, written as its `content` media type
        return _querystring(cx, p, name, t, content_type, pfile, pptr)
    allowed = _STYLES[loc]
    style = p.get("style", allowed[0])
    if loc == "cookie" and style == "cookie":
        style = "form"  # 3.2's cookie style: form pairs, as this client already writes them
    if style not in allowed:
        cx.diags.warning(
            "bad-style",
            f"style {str(style)[:40]!r} is not one a {loc} parameter can use; {allowed[0]!r} is used",
            hint=f"use one of {', '.join(allowed)} for {loc} parameters",
            file=pfile,
            pointer=pptr + "/style",
        )
        style = allowed[0]
    explode = p["explode"] if isinstance(p.get("explode"), bool) else style == "form"
    return ir.Parameter(
        name=name,
        location=loc,  # type: ignore[arg-type]
        type=t,
        required=loc == "path" or p.get("required") is True,
        description=text_of(p.get("description")) or text_of(target.get("description")),
        default=doc.get("default"),
        has_default="default" in doc,
        deprecated=dep,
        style=style,
        explode=explode,
        allow_reserved=loc == "query" and p.get("allowReserved") is True,
        content_type=content_type,
        examples=examples_of(p) or examples_of(target),
        pointer=cx.where(pfile, pptr),
        stability=stability_of(p),
    )


# what an `in: querystring` parameter's media type may carry (runtime/_wire.py `kind_of`):
# form pairs, or JSON or plain text as the whole (percent-encoded) query
QUERYSTRING_KINDS = ("form", "json", "text")


def _querystring(cx: Context, p: dict[str, Any], name: str, t: ir.TypeExpr, content_type: str | None, pfile: str, pptr: str) -> ir.Parameter:
    """A 3.2 `in: querystring` parameter: in the IR, the query's parameter of style
    `querystring` (its value is the whole query string: every pair of a form, or one JSON or
    text value), its media type kept; a media type the wire rules cannot write yet makes
    `operations` skip the operation."""
    return ir.Parameter(
        name=name,
        location="query",
        type=t,
        required=p.get("required") is True,
        description=text_of(p.get("description")),
        deprecated=deprecation_of(p),
        style="querystring",
        explode=True,
        content_type=content_type,
        examples=examples_of(p),
        pointer=cx.where(pfile, pptr),
        stability=stability_of(p),
    )


def unsendable_querystring(op: ir.Operation) -> str | None:
    """Why an operation's `in: querystring` parameter cannot be sent, or None."""
    for p in op.parameters:
        if p.style == "querystring" and (p.content_type is None or kind_of(p.content_type) not in QUERYSTRING_KINDS or kind_of(p.content_type) == "text" and not p.content_type.startswith("text/plain")):
            written = f"is {p.content_type[:60]}" if p.content_type else "names no `content` media type"
            return f"its `in: querystring` parameter {p.name!r} {written}; only application/x-www-form-urlencoded, JSON and text/plain query strings are written and read so far"
    return None


def unmodeled(cx: Context, op: dict[str, Any], item: dict[str, Any], file: str, optr: str) -> tuple[tuple[str, str], ...]:
    """An operation's parts the IR does not model: its callbacks, the servers it (or its path)
    names, and its responses' links."""
    out: list[tuple[str, str]] = []
    for key in ("callbacks", "servers"):
        if key in op:
            out.append((key, cx.canonical_json(op[key], file, join_pointer(optr, key))))
    if "servers" in item and "servers" not in op:
        out.append(("servers", cx.canonical_json(item["servers"], file, optr.rsplit("/", 1)[0] + "/servers")))
    responses = op.get("responses")
    if isinstance(responses, dict):
        for status in sorted(responses, key=str):
            resp, rfile, rptr = cx.deref(responses[status], file, join_pointer(optr, "responses", status))
            if isinstance(resp, dict) and "links" in resp:
                out.append((f"responses/{status}/links", cx.canonical_json(resp["links"], rfile, rptr + "/links")))
    return tuple(sorted(out))


def security_scopes(sec: list[Any]) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], ...]:
    """Security requirements with the scopes each scheme asks for."""
    return tuple(
        tuple((str(k), tuple(sorted(str(x) for x in v)) if isinstance(v, list) else ()) for k, v in req.items())
        for req in sec
        if isinstance(req, dict)
    )


def operation(cx: Context, op_id: str, method: str, path: str, op: dict[str, Any], item: dict[str, Any], file: str, optr: str, iptr: str, ifile: str) -> ir.Operation:
    base = pascal(op_id, "Operation")
    params = parameters(cx, op, item, path, file, optr, ifile, iptr)
    body: ir.Body | None = None
    rb = op.get("requestBody")
    if rb is not None:
        rb, bfile, bptr = cx.deref(rb, file, optr + "/requestBody")
        if isinstance(rb, dict):
            body = media.body(cx, rb, bfile, bptr, base)
    responses: list[ir.Response] = []
    sse_schemas: list[At | None] = []  # per response: its event-stream schema beside JSON
    raw_responses = op.get("responses")
    if not isinstance(raw_responses, dict) or not raw_responses:
        cx.diags.warning(
            "no-responses",
            f"{method.upper()} {path} declares no responses; its result is typed as any",
            hint="add at least one response, e.g. '200': {description: OK}",
            file=file,
            pointer=optr + ("/responses" if "responses" in op else ""),
        )
    else:
        # converted in order of status (names claimed on the way do not follow the document's
        # order), kept in the document's order
        done: dict[int, tuple[ir.Response, At | None]] = {}
        listed = list(raw_responses.items())
        for i in sorted(range(len(listed)), key=lambda i: str(listed[i][0])):
            status, resp = listed[i]
            rptr = join_pointer(optr, "responses", status)
            resp, rfile, rptr2 = cx.deref(resp, file, rptr)
            if isinstance(resp, dict):
                done[i] = media.response(cx, str(status), resp, rfile, rptr2, base)
        for i in sorted(done):
            responses.append(done[i][0])
            sse_schemas.append(done[i][1])
    dep = deprecation_of(op)
    cx.note_deprecated("operation", op_id, file, optr, dep)
    body_model = media.body_model(body)
    if body is not None:
        body = replace(body, media=media.offered_media(cx, body, body_model is not None))
    streaming, stream_param, stream_type, framing = media.streaming(cx, body_model, responses, sse_schemas)
    sec = op.get("security")
    security = None
    scopes = None
    if isinstance(sec, list):
        security = tuple(tuple(str(k) for k in req) for req in sec if isinstance(req, dict))
        scopes = security_scopes(sec)
    tags = tuple(str(t) for t in op.get("tags", []) if isinstance(t, (str, int))) if isinstance(op.get("tags"), list) else ()
    operation = ir.Operation(
        id=op_id,
        method=method,
        path=path,
        resource=(),
        py_name="",
        summary=text_of(op.get("summary")),
        description=text_of(op.get("description")),
        tags=tags,
        deprecated=dep,
        parameters=tuple(params),
        body=body,
        body_model=body_model,
        responses=tuple(responses),
        streaming=streaming,
        stream_param=stream_param,
        stream_type=stream_type,
        stream_framing=framing,  # type: ignore[arg-type]
        security=security,
        security_scopes=scopes,
        stability=stability_of(op),
        extra=unmodeled(cx, op, item, file, optr),
        pointer=cx.where(file, optr),
        # `/responses?beta=true`: the key's own query is sent with every call
        fixed_query=tuple(parse_qsl(path.partition("?")[2], keep_blank_values=True)),
    )
    success = operation.success
    accept, accept_stream = media.accept(operation.responses, success, stream_param)
    operation = replace(operation, outcomes=media.outcomes(success, stream_type), accept=accept, accept_stream=accept_stream)
    media.degraded_answers(cx, operation)
    return replace(
        operation,
        arguments=resources.arguments(cx, operation),
        pagination=resources.pagination(cx, operation),
        idempotency_header=resources.idempotency_header(operation),
    )

