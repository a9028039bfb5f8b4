"""The tests artifact: OUT/tests/, pytest modules that call every operation through the generated
client against specgen's mock server, over real HTTP.

- `conftest.py` puts OUT on sys.path, finds the spec (the relative path recorded at generation,
  looked up from OUT upwards and checked by sha256; `SPECGEN_MOCK_SPEC` overrides), and starts
  `generator.mock.MockServer` on 127.0.0.1, port 0, serving OUT/fixtures. The tests therefore
  need specgen installed (they run inside specgen's own suite) and skip, saying so, without it.
- `test_<resource>.py`, one per resource root (`client.chat...` -> test_chat.py): every valid
  request fixture (minimal, full, deprecated, examples, variants, coverage requests), sync and
  async, asserting the result's model type; streaming operations with `stream=True`, iterated to
  the end; every invalid fixture, expecting the client's error class (or a TypeError before
  sending, when a required argument is missing).
- Where the spec is unsatisfiable or ambiguous as written (a fixture the fixtures artifact could
  not write, or the success response or stream the mock would answer with), no failing test is
  emitted: the case is listed in `SKIPPED` with the reason and reported by pytest as skipped.

All decisions are made here: each module gets (in `tests/cases/<module>.json`) a table of operations (how fixture keys map to
method arguments, what the result must be) and the lists of cases; the templates only place it.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

from ..model import ir
from .fixtures import all_fixtures
from .fixtures.hooks import webhook_examples
from ..model.naming import Namer, file_stem
from ..output.render import RenderContext, render_template


def render(api: ir.Api, ctx: RenderContext) -> dict[str, str]:
    """Files of this artifact, keyed by their path relative to OUT."""
    groups: dict[str, list[tuple[ir.Operation, Any]]] = {}
    for op, fx in all_fixtures(api):
        root = op.resource[0] if op.resource else "default"
        groups.setdefault(root, []).append((op, fx))
    out: dict[str, str] = _webhook_tests(api, ctx)
    if not groups:
        return out
    out["tests/conftest.py"] = render_template(
        "tests/conftest.py.j2",
        ctx=ctx,
        api=api,
        package=ctx.package,
        spec_label=ctx.spec_label,
        credentials=credentials(api),
    )
    stems = Namer(reserved={"conftest", "__init__"} | {PurePosixPath(p).stem for p in out})  # test_webhooks: a resource's gets test_webhooks2
    for root, items in groups.items():
        operations = {op.id: _operation(api, op, fx) for op, fx in items}
        valid: list[tuple[str, str]] = []
        skipped: list[tuple[str, str, str]] = []
        for op, fx in items:
            answer = _unanswerable(api, op, fx)
            for name in fx.requests:
                if answer is None:
                    valid.append((op.id, name))
                else:
                    skipped.append((op.id, f"request.{name}", answer))
            skipped.extend((op.id, name, why) for name, why in fx.skipped if name.startswith("request."))
            if op.security_unsendable is not None:
                # the mock refuses every request before reading it: an invalid one gets 401 too
                skipped.extend((op.id, f"invalid/{case.name}", op.security_unsendable) for case in fx.invalid)
        invalid = [(op.id, case.name) for op, fx in items if op.security_unsendable is None for case in fx.invalid]
        streaming = [
            op.id for op, fx in items
            if fx.stream is not None and "minimal" in fx.requests and op.security_unsendable is None
            and (op.stream_param is not None or operations[op.id]["result"]["kind"] == "stream")
        ]
        stem = stems.claim("test_" + file_stem(root, "default"))
        # the tables are data: as JSON they are read by the tests and never go through black
        # (as Python literals they were three quarters of the black time of the tests)
        cases = {"operations": operations, "valid": valid, "invalid": invalid, "streaming": streaming, "skipped": skipped}
        out[f"tests/cases/{stem}.json"] = json.dumps(cases, indent=1) + "\n"
        out[f"tests/{stem}.py"] = render_template(
            "tests/test_module.py.j2",
            ctx=ctx,
            api=api,
            resource=root,
            cases_file=f"{stem}.json",
            valid=valid,
            invalid=invalid,
            streaming=streaming,
            skipped=skipped,
        )
    return out


def _webhook_tests(api: ir.Api, ctx: RenderContext) -> dict[str, str]:
    """tests/test_webhooks.py: every webhook sample unwrapped into its model (no mock needed)."""
    samples = webhook_examples(api)
    typed = [h for h in api.hooks if h.payload is not None]
    hooks = []
    for h in typed:
        if h.py_name not in samples:
            continue
        # without its name where the discriminator, the headers or its being alone tell it apart
        by_name = not ((api.webhook_discriminator is not None and h.tag is not None) or h.headers or len(typed) == 1)
        hooks.append([h.name, h.py_name, [list(x) for x in h.headers], by_name, _class_names(api, h.payload)])
    if not hooks:
        return {}
    return {"tests/test_webhooks.py": render_template("tests/test_webhooks.py.j2", ctx=ctx, api=api, package=ctx.package, credentials=credentials(api), hooks=hooks)}


def credentials(api: ir.Api) -> dict[str, str]:
    """What the tests construct the client with: a value for every credential argument (a ready
    token for OAuth2, never a client id and secret, so no token is fetched)."""
    out: dict[str, str] = {}
    for s in api.security_schemes:
        args = s.credentials if s.kind == "basic" else s.credentials[:1]
        out.update({a: "test" for a in args})
    return out


def _unanswerable(api: ir.Api, op: ir.Operation, fx: Any) -> str | None:
    """Why the mock cannot answer this operation with a valid response (no request can carry its
    security requirement, or its success response, or the stream of an operation that only
    streams, could not be made), else None."""
    if op.security_unsendable is not None:
        return op.security_unsendable
    ok = op.success
    reasons = dict(fx.skipped)
    if ok is not None and f"response.{ok.status}" in reasons:
        return f"the mock has no valid response.{ok.status} to answer with: {reasons[f'response.{ok.status}']}"
    if _result(api, op)["kind"] == "stream" and "stream.sse" in reasons:
        return f"the mock has no valid stream to answer with: {reasons['stream.sse']}"
    return None


def _operation(api: ir.Api, op: ir.Operation, fx: Any) -> dict[str, Any]:
    """What a generated test needs to call one operation from its fixtures."""
    args: dict[str, dict[str, str]] = {"query": {}, "header": {}, "cookie": {}, "body": {}}
    path: list[list[str]] = []
    body_whole = None
    required_body: list[str] = []
    binary: list[str] = []
    for a in op.arguments:
        if a.source == "path":
            path.append([a.wire_name, a.py_name])
        elif a.source in ("query", "header", "cookie"):
            args[a.source][a.wire_name] = a.py_name
        elif a.source == "body":
            args["body"][a.wire_name] = a.py_name
            if a.required:
                required_body.append(a.wire_name)
        elif a.source == "body_whole":
            body_whole = a.py_name
        if a.type.kind == "binary":
            binary.append(a.py_name)
    return {
        "stem": fx.stem,
        "call": list(op.resource) + [op.py_name],
        "method": op.method.upper(),
        "path_template": op.path,
        "wrapped": fx.wrapped,
        "path": path,
        "args": args,
        "body_whole": body_whole,
        "required_body": required_body,
        "binary": binary,
        "result": _result(api, op),
        "stream_param": op.stream_param,
        "stream_types": _class_names(api, op.stream_type) if op.stream_type is not None else [],
        "stream_events": len(fx.stream_events),
        "items": len(fx.items),
        "page_items": _page_items(op, fx),
    }


def _page_items(op: ir.Operation, fx: Any) -> int | None:
    """How many items the success answer's fixture holds on a page (what the mock answers),
    or None where the fixture does not say (a spec's example of an empty list answers none)."""
    if op.pagination is None or op.success is None:
        return None
    body = fx.responses.get(op.success.status)
    field = op.pagination.items_field
    items = body if field is None else body.get(field) if isinstance(body, dict) else None
    return len(items) if isinstance(items, list) else None


def _result(api: ir.Api, op: ir.Operation) -> dict[str, Any]:
    """The kind of value a call returns and the classes it must be an instance of."""
    ok = op.success
    if op.streaming and op.stream_param is None and not any(r.encoding == "json" and r.status.startswith("2") for r in op.responses):
        return {"kind": "stream", "types": _class_names(api, op.stream_type) if op.stream_type is not None else []}
    if op.pagination is not None:
        return {"kind": "page", "types": _class_names(api, op.pagination.item_type)}
    if op.outcomes and op.outcomes[0].kind == "jsonl":
        return {"kind": "items", "types": _class_names(api, op.outcomes[0].type)}
    if ok is None or ok.type is None or ok.encoding != "json":
        return {"kind": "other", "types": []}
    t = ok.type
    if t.kind == "array":
        return {"kind": "list", "types": _class_names(api, t.item) if t.item is not None else []}
    names = _class_names(api, t)
    return {"kind": "model" if names else "value", "types": names}


def _class_names(api: ir.Api, t: ir.TypeExpr | None) -> list[str]:
    """The pydantic classes a value of `t` parses into (variant models for unions); [] when it
    is not a model (primitives, maps, mixed unions)."""
    if t is None:
        return []
    if t.kind == "model" and t.ref in api.model_map:
        return [t.ref]
    if t.kind == "union" and t.ref in api.union_map:
        out: list[str] = []
        for v in api.union_map[t.ref].variants:
            sub = _class_names(api, v.type)
            if not sub:
                return []
            out.extend(n for n in sub if n not in out)
        return out
    return []
