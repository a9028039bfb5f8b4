"""Resources: where each operation lives in the client (`POST /chat/completions` ->
`client.chat.completions.create`), its method's arguments, and how its lists page.

The layout follows the paths, the way users of the big SDKs expect:
- collections: `GET /files` -> `files.list`, `POST /files` -> `files.create`, `GET /files/{id}`
  -> `files.retrieve`, `POST|PUT|PATCH /files/{id}` -> `files.update`, `DELETE` -> `files.delete`;
- a singleton (`/organization/data_retention`, no `{id}` below it, its GET not a list):
  `retrieve` / `update` / `delete`;
- an action leaf (the only method of a path with nothing below it): a verb becomes a method of
  the parent (`POST /batches/{id}/cancel` -> `batches.cancel`, `POST /responses/compact` ->
  `responses.compact`); a noun after an id becomes a sub-resource that is also callable
  (`POST /uploads/{id}/parts` -> `uploads.parts.create(...)` and `uploads.parts(...)`);
- a singular GET leaf after an id (`GET /files/{id}/content`) is a callable sub-resource
  (`files.content(id)` and `files.content.retrieve(id)`); a plural one (`/jobs/{id}/events`) is
  a sub-resource list;
- where two operations still land on one name, the operationId decides, without the words
  that repeat the resource (`runs.create`, not `runs.create_run`).

Every name here is final: the client, docs, manifest, tools and tests read these and never
rename (a resource named `copy` is `copy_` everywhere).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from . import api, ir, media, tags
from .context import Context
from .keywords import claim_arg
from .naming import BUILTIN_TYPE_NAMES, CLIENT_ATTRS, METHOD_BODY_NAMES, MODEL_RESERVED, PY_RESERVED, RESOURCE_ATTRS, Namer, snake

# first words of a path leaf that make it an action (`cancel`, `submit_tool_outputs`)
VERBS = frozenset(
    """abort accept activate add apply approve archive assign attach authorize cancel capture check claim clone close
    commit compact complete confirm copy count deactivate decline delete deny detach disable download duplicate enable
    end evaluate execute expire export finalize fork generate hangup import invite invoke join leave link lock login
    logout mark merge move open pause pay ping preview publish purge reactivate redeem refer refresh refund regenerate
    reject release remix remove render reopen replay reply reset resolve restart restore resume retry revoke rotate run
    schedule search send share sign start stop submit subscribe suspend sync test transcribe transfer translate trigger
    unarchive unlink unlock unpublish unsubscribe update upload validate verify void""".split()
)
_VERSION = re.compile(r"v\d+(\.\d+)?")


@dataclass
class _Plan:
    resource: tuple[str, ...]
    method: str
    shortcut: bool = False  # the resource itself may be called as this method
    movable: bool = False  # a leaf action that may move to its parent on a collision


def _segments(path: str) -> list[str]:
    segs = [s for s in path.split("/") if s]
    # a leading version segment (/v1/...) is part of the base URL, not of the layout
    if len(segs) > 1 and _VERSION.fullmatch(segs[0]):
        segs = segs[1:]
    return segs


def _is_param(seg: str) -> bool:
    return seg.startswith("{")


def list_like(op: ir.Operation) -> bool:
    """Whether a GET answers with many items (a page, or an array)."""
    ok = op.success
    return op.pagination is not None or (ok is not None and ok.type is not None and ok.type.kind == "array")


def _plural(word: str) -> bool:
    w = word.lower()
    return w.endswith("s") and not w.endswith(("ss", "us", "is"))


@dataclass(frozen=True)
class _Paths:
    """What the layout needs to know about every path of the API."""

    methods_at: dict[str, set[str]]
    has_children: set[str]  # paths with another path below them
    item_paths: set[str]  # collections: paths with an `{id}` right below them
    singletons: set[str]  # paths whose GET reads one object and that have no `{id}` below


def _paths(cx: Context, ops: list[ir.Operation]) -> _Paths:
    paths = {op.url_path for op in ops}
    methods_at: dict[str, set[str]] = {}
    for op in ops:
        methods_at.setdefault(op.url_path, set()).add(op.method)
    has_children = {p for p in paths if any(q != p and q.startswith(p + "/") for q in paths)}
    item_paths = {q.rsplit("/", 1)[0] for q in paths if _is_param(q.rsplit("/", 1)[-1])}
    singletons = {op.url_path for op in ops if op.method == "get" and op.url_path not in item_paths and _reads_one(cx, op)}
    return _Paths(methods_at, has_children, item_paths, singletons)


def _reads_one(cx: Context, op: ir.Operation) -> bool:
    """A GET of a path without an `{id}` that reads one object: an object that is not a list,
    named in the singular (`/organization/data_retention`, `/me`) or holding no array at all
    (`/projects/{id}/model_permissions`: settings, not a collection)."""
    segs = _segments(op.url_path)
    if not segs or _is_param(segs[-1]) or list_like(op):
        return False
    ok = op.success
    if ok is None or ok.type is None or ok.encoding != "json" or ok.type.kind != "model" or ok.type.ref not in cx.models:
        return False
    arrays = any(f.type.kind == "array" for f in cx.models[ok.type.ref].fields)
    return not _plural(snake(segs[-1], "resource")) or not arrays


def _plan(op: ir.Operation, at: _Paths) -> _Plan:
    segs = _segments(op.url_path)
    names = [snake(s, "resource") for s in segs if not _is_param(s)]
    ends_with_param = bool(segs) and _is_param(segs[-1])
    alone = at.methods_at.get(op.url_path) == {op.method} and op.url_path not in at.has_children
    leaf = names[-1] if names and not ends_with_param else None
    after_param = len(segs) >= 2 and _is_param(segs[-2])
    if leaf is not None and alone and (after_param or len(names) >= 2):
        if op.method == "post":
            if leaf.split("_")[0] in VERBS:
                return _Plan(tuple(names[:-1]), leaf)
            if after_param:
                return _Plan(tuple(names), "create", shortcut=True)
            return _Plan(tuple(names), "create", movable=True)
        if op.method == "get" and after_param and not _plural(leaf):
            # a property of the item (`/files/{id}/content`): `files.content(id)` and `.content.retrieve(id)`
            return _Plan(tuple(names), "list" if list_like(op) else "retrieve", shortcut=True)
    if op.method == "get":
        if ends_with_param or not segs:
            return _Plan(tuple(names), "retrieve")
        return _Plan(tuple(names), "retrieve" if op.url_path in at.singletons else "list")
    if op.method == "post":
        return _Plan(tuple(names), "update" if ends_with_param or op.url_path in at.singletons else "create")
    if op.method in ("put", "patch"):
        return _Plan(tuple(names), "update")
    if op.method == "delete":
        return _Plan(tuple(names), "delete")
    if op.method == "query":  # 3.2: a safe read that takes its query as a body
        return _Plan(tuple(names), "query")
    return _Plan(tuple(names), snake(op.id, "call"))


def strip_resource_words(name: str, resource: tuple[str, ...]) -> str:
    """`create_run` on `runs` -> `create`: an operationId without the words naming its resource."""
    parts = name.split("_")
    if resource:
        res = resource[-1].split("_")
        forms = [res, res[:-1] + [res[-1].rstrip("s")] if res[-1].endswith("s") else res[:-1] + [res[-1] + "s"]]
        for form in forms:
            n = len(form)
            for i in range(len(parts) - n + 1):
                if parts[i : i + n] == form and len(parts) > n:
                    parts = parts[:i] + parts[i + n :]
                    break
            else:
                continue
            break
    return "_".join(parts) or name


def _attr(name: str, reserved: frozenset[str] | set[str]) -> str:
    """A resource attribute that shadows nothing: `copy` -> `copy_` (the same in every artifact)."""
    while name in reserved:
        name += "_"
    return name


def assign_resources(cx: Context, ops: list[ir.Operation]) -> None:
    """`POST /chat/completions` -> client.chat.completions.create, and so on."""
    # resources follow the path without a key's fixed query (`/responses?beta=true`)
    at = _paths(cx, ops)
    plans = [_plan(op, at) for op in ops]
    declared = cx.tags
    for plan, op in zip(plans, ops):
        if not plan.resource:
            # the path names no resource: the operation's tag does, nested under its parents (3.2)
            tag = tags.grouping_tag(declared, op.tags)
            plan.resource = tuple(snake(t, "default") for t in tags.chain(declared, tag)) if tag is not None else ("default",)
    _resolve_collisions(ops, plans)
    _final_names(cx, ops, plans)


def _resolve_collisions(ops: list[ir.Operation], plans: list[_Plan]) -> None:
    """Two operations on one (resource, method): the plain path keeps it over its fixed-query
    variants, a nested collection keeps it over a leaf action (which moves to its parent, named by
    its operationId), and otherwise the operationId decides, without the resource's words."""
    by_key: dict[tuple[tuple[str, ...], str], list[int]] = {}
    for i, p in enumerate(plans):
        by_key.setdefault((p.resource, p.method), []).append(i)
    for (resource, _method), idx in by_key.items():
        if len(idx) < 2:
            continue
        plain = [i for i in idx if not ops[i].fixed_query]
        stay = [i for i in plain if not plans[i].movable]
        keeper = plain[0] if len(plain) == 1 else stay[0] if len(stay) == 1 else None
        for i in idx:
            if i == keeper:
                continue
            p = plans[i]
            if p.movable and not ops[i].fixed_query and len(p.resource) > 1:
                p.resource = p.resource[:-1]
            p.shortcut = False
            p.method = strip_resource_words(snake(ops[i].id, "call"), p.resource)


def _final_names(cx: Context, ops: list[ir.Operation], plans: list[_Plan]) -> None:
    """Attribute names that shadow nothing on the client or a resource, and method names unique
    per resource and distinct from its sub-resources."""
    resources = {p.resource for p in plans}
    resources |= {r[:n] for r in resources for n in range(1, len(r))}
    renamed: dict[tuple[str, ...], tuple[str, ...]] = {}
    for r in sorted(resources, key=len):
        parent = renamed.get(r[:-1], r[:-1])
        reserved = CLIENT_ATTRS | PY_RESERVED if len(r) == 1 else RESOURCE_ATTRS | PY_RESERVED
        renamed[r] = parent + (_attr(r[-1], reserved),)
    children: dict[tuple[str, ...], set[str]] = {}
    for r in renamed.values():
        if len(r) > 1:
            children.setdefault(r[:-1], set()).add(r[-1])
    namers: dict[tuple[str, ...], Namer] = {}
    # method names claimed in an order of their own, not the document's (a collision has one winner)
    for i in sorted(range(len(ops)), key=lambda i: (ops[i].path, ops[i].method)):
        op, p = ops[i], plans[i]
        resource = renamed[p.resource]
        namer = namers.setdefault(resource, Namer(reserved=PY_RESERVED | RESOURCE_ATTRS | {"__call__"} | children.get(resource, set())))
        ops[i] = replace(op, resource=resource, py_name=namer.claim(_attr(p.method, PY_RESERVED | RESOURCE_ATTRS)), shortcut=p.shortcut)


def arguments(cx: Context, op: ir.Operation) -> tuple[ir.Argument, ...]:
    """The method's arguments: path parameters first (the last one positional, the others
    keyword-only, as the big SDKs do: `messages.retrieve(message_id, thread_id=...)`), then the
    required and optional query, header, cookie and body arguments, all keyword-only."""
    # a builtin's name is free unless the method's body spells a type with it (`bytes=` is
    # OpenAI's upload size; a method answering `str` reads it with `str`)
    answers = [o.type for o in op.outcomes if o.type is not None] + ([op.stream_type] if op.stream_type is not None else [])
    page = pagination(cx, op)
    if page is not None:
        answers.append(page.item_type)  # `SyncPage[<item>]`
    reserved = (METHOD_BODY_NAMES - BUILTIN_TYPE_NAMES) | api.builtins_spelled(cx, answers)
    names = Namer(reserved=reserved | PY_RESERVED)
    path_args: list[ir.Argument] = []
    required: list[ir.Argument] = []
    optional: list[ir.Argument] = []
    for p in op.parameters:
        base = snake(p.name, "param")
        py = claim_arg(names, base, p.location)
        if base in reserved:
            _warn_renamed(cx, f"the {p.location} parameter {p.name!r}", py, base, p.pointer)
        arg = ir.Argument(py, p.name, p.location, p.type, p.required, p.description, p.deprecated, p.default, p.has_default)
        (path_args if p.location == "path" else required if p.required else optional).append(arg)
    if path_args:
        path_args[-1] = replace(path_args[-1], positional=True)
    if op.body is not None:
        offered = op.body.media
        if op.body_model is not None:
            for f in media.body_fields(cx, offered):
                if f.read_only:
                    continue
                # a capitalized name could be a generated type's, which the method body uses
                plain = f.py_name not in MODEL_RESERVED and not f.py_name[:1].isupper()
                base = f.py_name if plain else snake(f.name, "field")
                py = claim_arg(names, base, "body")
                if base in reserved:
                    _warn_renamed(cx, f"the body field {f.name!r}", py, base, f.pointer)
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


_IDEMPOTENCY = re.compile(r"^(x-)?idempotency[-_]?key$", re.IGNORECASE)


def idempotency_header(op: ir.Operation) -> str | None:
    """The idempotency-key header the operation declares, which the client fills once per call
    (the same key on every retry) unless the caller gives one; never for GET."""
    if op.method == "get":
        return None
    return next((p.name for p in op.parameters if p.location == "header" and _IDEMPOTENCY.match(p.name)), None)


def _warn_renamed(cx: Context, what: str, py: str, base: str, where: str) -> None:
    """An argument that would shadow a name the generated method uses gets another name, said once."""
    file, pointer = cx.docs.split_where(where)
    cx.diags.warning(
        "reserved-name",
        f"{what} is the argument `{py}` in the client: `{base}` is a name the generated method uses",
        hint="nothing to do unless you prefer another name; the wire name is unchanged",
        file=file,
        pointer=pointer,
    )


# ---------------------------------------------------------------- pagination

_ITEMS = ("data", "items", "results", "entries", "records", "values", "elements", "objects", "list")
_CURSOR_PARAMS = ("after", "starting_after", "cursor", "page_token", "pagetoken", "next_token", "continuation_token", "marker", "next_page_token", "next")
_NEXT_FIELDS = ("next_cursor", "next_page_token", "nextpagetoken", "next_page", "next_token", "continuation_token", "cursor", "last_id")
_NEXT_URLS = ("next_url", "nextlink", "next_link", "next_page_url", "next_href", "next")
_OFFSET_PARAMS = ("offset", "skip", "start")
_PAGE_PARAMS = ("page", "page_number", "pagenumber")
_LIMIT_PARAMS = ("limit", "page_size", "pagesize", "per_page", "perpage", "size", "count", "max_results", "maxresults", "top")
_TOTAL_FIELDS = ("total", "total_count", "totalcount", "total_results", "totalresults", "count")
_HAS_MORE = ("has_more", "hasmore", "has_next", "hasnext", "more")


def _pick(names: dict[str, str], choices: tuple[str, ...]) -> str | None:
    """The first of `choices` among `names` (compared lower-case, without `_`-less variants)."""
    for c in choices:
        if c in names:
            return names[c]
    return None


def pagination(cx: Context, op: ir.Operation) -> ir.Pagination | None:
    """How a GET's list pages, by the shape of its parameters and answer: a cursor (`after`,
    `page_token`...), an offset, a page number, a `Link` header, or one page of items."""
    ok = op.success
    if op.method != "get" or ok is None or ok.type is None or ok.encoding != "json":
        return None
    query = {p.name.lower().replace("-", "_"): p.name for p in op.parameters if p.location == "query"}
    link = any(h.lower() == "link" for h in ok.headers)
    t = ok.type
    items_field: str | None
    item_type: ir.TypeExpr | None
    fields: dict[str, ir.Field] = {}
    if t.kind == "array" and t.item is not None:
        items_field, item_type = None, t.item
    elif t.kind == "model" and t.ref in cx.models:
        fields = {f.name.lower(): f for f in cx.models[t.ref].fields}
        arrays = {n: f for n, f in fields.items() if f.type.kind == "array" and f.type.item is not None and not f.type.nullable}
        key = next((n for n in _ITEMS if n in arrays), None)
        if key is None and len(arrays) == 1:
            key = next(iter(arrays))
        if key is None:
            return None
        items_field, item_type = arrays[key].name, arrays[key].type.item
    else:
        return None
    assert item_type is not None
    wire = {n: f.name for n, f in fields.items()}
    has_more = _pick(wire, _HAS_MORE)
    limit = _pick(query, _LIMIT_PARAMS)
    total = _pick(wire, _TOTAL_FIELDS)
    if link:
        return ir.Pagination("link", items_field, item_type, limit_param=limit)
    kinds = {p.name: p.type.kind for p in op.parameters if p.location == "query"}
    # a cursor is text: an integer `after` (a timestamp) cannot take the next page's token
    cursor = next((query[c] for c in _CURSOR_PARAMS if c in query and kinds[query[c]] in ("string", "any")), None)
    page = _pick(query, _PAGE_PARAMS)
    nxt = next((wire[n] for n in _NEXT_FIELDS if n in wire and fields[n].type.kind == "string"), None)
    if cursor is None and page is not None and nxt is not None:
        cursor = page  # `page` holding an opaque token (`next_page`), not a number
    if cursor is not None and (nxt is not None or has_more is not None):
        return ir.Pagination("cursor", items_field, item_type, cursor, has_more, nxt, limit)
    next_url = next((wire[n] for n in _NEXT_URLS if n in wire and fields[n].type.kind == "string"), None)
    if next_url is not None:
        # the answer links its next page (`next`: a URL, as Spotify and Azure answer)
        return ir.Pagination("next_url", items_field, item_type, None, has_more, next_url, limit)
    offset = _pick(query, _OFFSET_PARAMS)
    if offset is not None:
        return ir.Pagination("offset", items_field, item_type, offset, has_more, None, limit, total)
    if page is not None:
        return ir.Pagination("page", items_field, item_type, page, has_more, None, limit, total)
    if items_field is not None and items_field.lower() in _ITEMS and not op.url_path.rstrip("/").endswith("}"):
        return ir.Pagination("single", items_field, item_type)
    return None


__all__ = ["assign_resources", "arguments", "pagination", "idempotency_header", "list_like", "strip_resource_words"]
