"""Resources: where each operation lives in the client (`POST /chat/completions` ->
`client.chat.completions.create`), its method's arguments, and cursor pagination."""

from __future__ import annotations

import re
from dataclasses import replace

from . import ir, media
from .context import Context
from .keywords import claim_arg
from .naming import MODEL_RESERVED, PY_RESERVED, Namer, snake


def assign_resources(cx: Context, ops: list[ir.Operation]) -> None:
    """`POST /chat/completions` -> client.chat.completions.create, and so on."""
    # resources follow the path without a key's fixed query (`/responses?beta=true`)
    all_paths = {op.url_path for op in ops}
    methods_at: dict[str, set[str]] = {}
    for op in ops:
        methods_at.setdefault(op.url_path, set()).add(op.method)
    claimed: dict[tuple[str, ...], Namer] = {}
    planned: list[tuple[tuple[str, ...], str]] = []
    counts: dict[tuple[tuple[str, ...], str], int] = {}
    for op in ops:
        segs = [s for s in op.url_path.split("/") if s]
        # drop a leading version segment (/v1/...)
        if len(segs) > 1 and re.fullmatch(r"v\d+(\.\d+)?", segs[0]):
            segs = segs[1:]
        ends_with_param = bool(segs) and segs[-1].startswith("{")
        names = [snake(s, "resource") for s in segs if not s.startswith("{")]
        last_is_action = (
            len(segs) >= 2
            and not ends_with_param
            and segs[-2].startswith("{")
            and methods_at.get(op.url_path) == {"post"}
            and not any(p != op.url_path and p.startswith(op.url_path + "/") for p in all_paths)
        )
        if last_is_action:
            resource, method = tuple(names[:-1]), names[-1]
        elif op.method == "get":
            resource, method = tuple(names), "retrieve" if ends_with_param or not segs else "list"
        elif op.method == "post":
            resource, method = tuple(names), "update" if ends_with_param else "create"
        elif op.method in ("put", "patch"):
            resource, method = tuple(names), "update"
        elif op.method == "delete":
            resource, method = tuple(names), "delete"
        else:
            resource, method = tuple(names), snake(op.id, "call")
        if not resource:
            resource = (snake(op.tags[0], "default"),) if op.tags else ("default",)
        planned.append((resource, method))
        counts[(resource, method)] = counts.get((resource, method), 0) + 1
    resource_names = {r for r, _ in planned}
    # where a plain path and its fixed-query variants share a method, the plain one keeps it
    plain = {key for key, op in zip(planned, ops) if not op.fixed_query}
    plain_counts = {key: sum(1 for k, op in zip(planned, ops) if k == key and not op.fixed_query) for key in plain}
    # method names claimed in an order of their own, not the document's
    for i in sorted(range(len(ops)), key=lambda i: (ops[i].path, ops[i].method)):
        op, (resource, method) = ops[i], planned[i]
        key = (resource, method)
        keeps = not op.fixed_query and plain_counts.get(key) == 1
        if counts[key] > 1 and not keeps:
            method = snake(op.id, "call")  # ambiguous: fall back to the operationId
        namer = claimed.setdefault(resource, Namer(reserved=PY_RESERVED | {"with_raw_response", "with_streaming_response"} | {r[len(resource)] for r in resource_names if len(r) > len(resource) and r[: len(resource)] == resource}))
        ops[i] = replace(op, resource=resource, py_name=namer.claim(method))


def arguments(cx: Context, op: ir.Operation) -> tuple[ir.Argument, ...]:
    names = Namer(reserved={"self", "extra_headers", "extra_query", "extra_body", "timeout", "cls"} | PY_RESERVED)
    path_args: list[ir.Argument] = []
    required: list[ir.Argument] = []
    optional: list[ir.Argument] = []
    taken_wire: set[str] = set()
    for p in op.parameters:
        py = claim_arg(names, snake(p.name, "param"), p.location)
        arg = ir.Argument(py, p.name, p.location, p.type, p.required, p.description, p.deprecated, p.default, p.has_default)
        (path_args if p.location == "path" else required if p.required else optional).append(arg)
        taken_wire.add(p.name)
    if op.body is not None:
        offered = op.body.media
        if op.body_model is not None:
            for f in media.body_fields(cx, offered):
                if f.read_only:
                    continue
                py = claim_arg(names, f.py_name if f.py_name not in MODEL_RESERVED else snake(f.name, "field"), "body")
                arg = ir.Argument(py, f.name, "body", f.type, f.required, f.description, f.deprecated, f.default, f.has_default)
                (required if f.required else optional).append(arg)
        else:
            py = claim_arg(names, "body", "body")
            arg = ir.Argument(py, "", "body_whole", media.whole_body_type(op.body), op.body.required, op.body.description)
            (required if op.body.required else optional).append(arg)
        if len(offered) > 1:
            # several media types: the arguments pick one; `content_type` overrides
            py = names.claim("content_type" if "content_type" not in names else "request_content_type")
            choices = ir.TypeExpr("literal", values=tuple(m.content_type for m in offered))
            optional.append(ir.Argument(py, "", "media", choices, False, "The media type to send the body as (see above)."))
    return tuple(path_args + required + optional)


def pagination(cx: Context, op: ir.Operation) -> ir.Pagination | None:
    if op.method != "get":
        return None
    cursor = next((p.name for p in op.parameters if p.location == "query" and p.name in ("after", "starting_after", "cursor", "page_token")), None)
    ok = op.success
    if cursor is None or ok is None or ok.type is None or ok.type.kind != "model" or ok.type.ref not in cx.models:
        return None
    fields = {f.name: f for f in cx.models[ok.type.ref].fields}
    data = fields.get("data")
    if data is None or data.type.kind != "array" or data.type.item is None:
        return None
    has_more = "has_more" if "has_more" in fields else None
    nxt = next((n for n in ("last_id", "next_cursor", "next_page_token") if n in fields), None)
    if has_more is None and nxt is None:
        return None
    return ir.Pagination(cursor, "data", has_more, nxt, data.type.item)

