"""The examples on an operation page: spec examples, the fixtures' requests and response, a
Python call with the generated client, and a small synthesized value where nothing else is.
"""

from __future__ import annotations

from typing import Any

from ...model import ir
from ...output.render import py_literal, to_json
from .markdown import comment_safe, fence_for
from .site import Site

EXAMPLES = 5  # spec examples shown per operation
EXAMPLE_CHARS = 20_000  # longer example payloads are left to the fixtures folder

_MISSING: Any = object()


def examples_md(site: Site, op: ir.Operation, given: dict[str, Any]) -> list[dict[str, str]]:
    """Spec examples first (curated by the spec's authors), then the fixtures' minimal and
    full requests, a Python call, and the success response (fixtures, else spec, else a
    small synthesized one)."""
    out: list[dict[str, str]] = []
    body = op.body
    json_body = body is not None and body.encoding == "json"
    params, minimal = _split_request(op, given.get("minimal", _MISSING))
    full_params, full = _split_request(op, given.get("request", _MISSING))
    for p in op.parameters:
        if p.location in ("path", "query") and p.required and p.name not in params:
            params[p.name] = full_params.get(p.name, p.examples[0] if p.examples else Example(site.api).value(p.type, name=p.name))
    spec_examples = list(body.examples[:EXAMPLES]) if body is not None and json_body else []
    for i, ex in enumerate(spec_examples):
        title = "Request body (spec example)" if len(spec_examples) == 1 else f"Request body (spec example {i + 1})"
        out.append(_fenced(title, "json", to_json(ex)))
    if json_body and minimal is not _MISSING and minimal is not None:
        out.append(_fenced("Minimal request body", "json", to_json(minimal)))
    if json_body and full is not _MISSING and full is not None and full != minimal:
        text = to_json(full)
        if len(text) <= EXAMPLE_CHARS:
            out.append(_fenced("Request body with every field", "json", text))
    # the runnable examples send the minimal fixture request: valid by construction, so they run
    # against `specgen mock` as they stand (spec examples may not satisfy their own schema)
    call_body: Any = minimal
    if call_body is _MISSING and spec_examples:
        call_body = spec_examples[0]
    if call_body is _MISSING and body is not None:
        call_body = Example(site.api).value(body.type)
    for title, text in python_examples(site, op, params, None if call_body is _MISSING else call_body):
        out.append(_fenced(title, "python", text))
    success = op.success
    resp = given.get("response", _MISSING)
    if resp is None:
        resp = _MISSING
    if resp is _MISSING and success is not None and success.type is not None and success.encoding == "json":
        resp = success.examples[0] if success.examples else Example(site.api).value(success.type)
    if resp is not _MISSING:
        status = success.status if success is not None else "200"
        text = to_json(resp)
        if len(text) <= EXAMPLE_CHARS:
            out.append(_fenced(f"Response ({status})", "json", text))
    event = given.get("stream")
    if op.streaming and event is not None:
        out.append(_fenced("One stream event", "json", to_json(event)))
    return out


def python_examples(site: Site, op: ir.Operation, params: dict[str, Any], body: Any) -> list[tuple[str, str]]:
    """Runnable Python with the generated client, from the IR the client is generated from
    (the call chain and each argument's Python name): a sync call; for streaming and paginated
    operations, the stream or the pages iterated, sync and async. With the API key and base URL
    in the environment, each runs as it stands (tests run them against `specgen mock`)."""
    args = _call_args(op, params, body)
    stream_arg = next((a.py_name for a in op.arguments if a.source == "body" and a.wire_name == op.stream_param), None)
    env = comment_safe(site.ctx.api_key_env)
    sync_head = [f"from {site.ctx.package} import Client", "", f"client = Client()  # the API key from ${env}; base_url=... for another server"]
    paginated = op.pagination is not None and stream_arg is None
    # an answer that is only a stream (events, JSON Lines): its items iterated as they arrive
    streamed = stream_arg is None and not paginated and bool(op.outcomes) and op.outcomes[0].kind in ("sse", "jsonl")
    if paginated or streamed:
        note = "every item of every page, fetched as needed" if paginated else "one item as it arrives"
        sync = sync_head + _call_lines("for item in ", op.call, args, ":") + [f"    print(item)  # {note}"]
    else:
        sync = sync_head + _call_lines("result = ", op.call, args) + ["print(result)"]
    out = [("Python", "\n".join(sync))]
    if op.streaming and stream_arg is not None:
        sargs = args + [(stream_arg, True)]
        stream = sync_head + _call_lines("for event in ", op.call, sargs, ":") + ["    print(event)  # one event as it arrives"]
        out.append(("Python, streaming", "\n".join(stream)))
        out.append(("Python, async streaming", "\n".join(_async_main(site, _call_lines("async for event in await ", op.call, sargs, ":", 4) + ["        print(event)"]))))
    elif paginated or streamed:
        out.append(("Python, async", "\n".join(_async_main(site, _call_lines("async for item in await ", op.call, args, ":", 4) + ["        print(item)"]))))
    return out


def _async_main(site: Site, body: list[str]) -> list[str]:
    return [
        "import asyncio",
        "",
        f"from {site.ctx.package} import AsyncClient",
        "",
        "",
        "async def main() -> None:",
        "    client = AsyncClient()",
        *body,
        "",
        "",
        "asyncio.run(main())",
    ]


def _call_args(op: ir.Operation, params: dict[str, Any], body: Any) -> list[tuple[str, Any]]:
    args: list[tuple[str, Any]] = []
    for a in op.arguments:
        if a.source == "body" and a.wire_name == op.stream_param:
            continue
        if a.source in ("path", "query") and a.wire_name in params:
            args.append((a.py_name, params[a.wire_name]))
        elif a.source == "body" and isinstance(body, dict) and a.wire_name in body:
            args.append((a.py_name, body[a.wire_name]))
        elif a.source == "body_whole" and body is not None:
            args.append((a.py_name, body))
    return args


def _fenced(title: str, lang: str, text: str) -> dict[str, str]:
    f = fence_for(text)
    return {"title": title, "open": f + lang, "text": text, "close": f}


def _call_lines(lead: str, call: str, args: list[tuple[str, Any]], tail: str = "", indent: int = 0) -> list[str]:
    pad = " " * indent
    if not args:
        return [f"{pad}{lead}{call}(){tail}"]
    inner = " " * (indent + 4)
    return [f"{pad}{lead}{call}("] + [f"{inner}{name}={_pretty(value, indent + 4)}," for name, value in args] + [f"{pad}){tail}"]


def _pretty(value: Any, indent: int, width: int = 88) -> str:
    """A Python literal, on one line when short, else one item per line."""
    flat = py_literal(value)
    if len(flat) + indent <= width or not isinstance(value, (dict, list, tuple)) or not value:
        return flat
    pad = " " * (indent + 4)
    if isinstance(value, dict):
        items = [f"{pad}{py_literal(str(k))}: {_pretty(v, indent + 4, width)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"
    items = [f"{pad}{_pretty(v, indent + 4, width)}," for v in value]
    return "[\n" + "\n".join(items) + "\n" + " " * indent + "]"


class Example:
    """A small, deterministic example value for a type: defaults, enums and required fields."""

    def __init__(self, api: ir.Api, max_depth: int = 5):
        self.api = api
        self.max_depth = max_depth

    def value(self, t: ir.TypeExpr, depth: int = 0, name: str = "") -> Any:
        k = t.kind
        if depth > self.max_depth:
            return None
        if k == "string":
            return {"date-time": "2025-01-01T00:00:00Z", "date": "2025-01-01", "uri": "https://example.com", "email": "user@example.com", "uuid": "00000000-0000-0000-0000-000000000000"}.get(t.format or "", f"{name or 'string'}")
        if k == "integer":
            c = t.constraints
            return int(c.minimum) if c.minimum is not None else (int(c.maximum) if c.maximum is not None and c.maximum < 0 else 0)
        if k == "number":
            c = t.constraints
            return c.minimum if c.minimum is not None else 0
        if k == "boolean":
            return False
        if k == "literal":
            return t.values[0] if t.values else None
        if k == "enum" and t.ref in self.api.enum_map:
            vals = self.api.enum_map[t.ref].values
            return vals[0] if vals else None
        if k == "array":
            item = self.value(t.item, depth + 1, name) if t.item is not None else None
            return [item] if item is not None else []
        if k == "map":
            return {}
        if k == "binary":
            return "<file>"
        if k == "model" and t.ref in self.api.model_map:
            m = self.api.model_map[t.ref]
            out: dict[str, Any] = {}
            for f in m.fields:
                if f.required and not f.read_only:
                    if f.examples:
                        out[f.name] = f.examples[0]
                    elif f.has_default:
                        out[f.name] = f.default
                    else:
                        out[f.name] = self.value(f.type, depth + 1, f.name)
            return out
        if k == "union" and t.ref in self.api.union_map:
            u = self.api.union_map[t.ref]
            live = [v for v in u.variants if v.deprecated is None] or list(u.variants)
            return self.value(live[0].type, depth + 1, name) if live else None
        if t.variants:
            return self.value(t.variants[0], depth + 1, name)
        return None


def fixture_examples(api: ir.Api) -> dict[str, dict[str, Any]]:
    """Example payloads per operation id from the fixtures artifact:
    `{op id: {"request", "minimal", "response", "stream"}}` (requests of operations with
    parameters wrapped as {"path", "query", "header", "body"}). If building them fails, docs
    fall back to spec examples and a synthesized one."""
    from .. import fixtures  # imported outside the guard: a broken import must fail loudly

    try:
        return fixtures.examples(api)
    except Exception:  # docs must not fail because an example could not be built
        return {}


def _split_request(op: ir.Operation, req: Any) -> tuple[dict[str, Any], Any]:
    """(path + query parameter values, body) of a fixture request, unwrapping it if wrapped."""
    if req is _MISSING or req is None:
        return {}, _MISSING
    if op.parameters and isinstance(req, dict) and req and set(req) <= {"path", "query", "header", "cookie", "body"}:
        params: dict[str, Any] = {}
        for where in ("path", "query"):
            if isinstance(req.get(where), dict):
                params.update(req[where])
        return params, req.get("body", _MISSING) if op.body is not None else _MISSING
    return {}, req if op.body is not None else _MISSING

