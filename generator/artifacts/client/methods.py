"""The client's resources and methods, as view data: one class per resource (sync, async and
their raw and streaming-response twins), one method per operation with its signature, what it
sends, how its answer is read, and how its list pages.

Names are the IR's (`op.resource`, `op.py_name`, `a.py_name`): decided once by the normalizer,
so the client, docs, manifest, tools and tests always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ...model import ir
from ...model.naming import Namer, constant, module_stem, pascal
from ...output.render import py_literal, py_string
from . import wire
from .pytypes import RUNTIME_NAMES, Types

_EXTRAS = [
    "extra_headers: Optional[Mapping[str, str]] = None",
    "extra_query: Optional[Mapping[str, object]] = None",
    "extra_body: Optional[Mapping[str, object]] = None",
    "timeout: Union[float, httpx.Timeout, None, NotGiven] = NOT_GIVEN",
]


@dataclass
class Overload:
    params: list[str]
    returns: dict[str, str]  # mode -> annotation


@dataclass
class MethodView:
    op_id: str  # the IR operation's id
    name: str
    doc: str
    deprecated: str | None  # message for @deprecated
    warnings: list[tuple[str, str]]  # (argument, message) for deprecated arguments
    overloads: list[Overload]
    params: list[str]
    returns: dict[str, str]
    endpoint: str  # the module's `_base_client.Endpoint` constant the sync and async method share
    endpoint_args: list[str]  # its arguments, Python: what every call sends and how it is read
    call_args: list[str]  # the call's own values, Python keyword arguments of `client.call`


@dataclass
class ResourceView:
    path: tuple[str, ...]
    attr: str  # attribute on the parent (client or resource)
    names: dict[str, str]  # sync, async, sync_raw, async_raw, sync_streamed, async_streamed -> class name
    children: list[ResourceView] = field(default_factory=list)
    methods: list[MethodView] = field(default_factory=list)  # sync and async alike
    call: str | None = None  # the method the resource answers to when called (`uploads.parts(...)`)


@dataclass
class ResourceModuleView:
    stem: str
    root: ResourceView
    classes: list[ResourceView]  # every node, children first
    imports: list[tuple[str, list[str]]]


def resources(api: ir.Api, types: Types, only: frozenset[str | None] | None = None) -> tuple[list[ResourceView], list[ResourceModuleView]]:
    """The resource tree (roots in order of first use) and one module per root; with `only`,
    the modules of those stems alone (each the same as in the whole; the other roots are left
    without methods: names are claimed in the order of the whole all the same)."""
    class_names = Namer(reserved=set(types.module_of) | RUNTIME_NAMES | {"SyncAPIClient", "AsyncAPIClient", "Timeout"})
    nodes: dict[tuple[str, ...], ResourceView] = {}
    roots: list[ResourceView] = []

    def node(path: tuple[str, ...]) -> ResourceView:
        if path in nodes:
            return nodes[path]
        base = pascal("_".join(path), "Default") + "Resource"
        names = {}
        for key, prefix, suffix in (
            ("sync", "", ""), ("async", "Async", ""), ("sync_raw", "", "WithRawResponse"), ("async_raw", "Async", "WithRawResponse"),
            ("sync_streamed", "", "WithStreamingResponse"), ("async_streamed", "Async", "WithStreamingResponse"),
        ):
            names[key] = class_names.claim(prefix + base + suffix)
        view = ResourceView(path, path[-1], names)
        nodes[path] = view
        if len(path) == 1:
            roots.append(view)
        else:
            node(path[:-1]).children.append(view)
        return view

    placed = [(node(op.resource or ("default",)), op) for op in api.operations]
    stems = Namer(reserved={"__init__"})
    stem_of = {root.path: stems.claim(module_stem(root.path[0], "default")) for root in roots}
    for n, op in placed:
        if only is None or stem_of[n.path[:1]] in only:
            n.methods.append(_method(op, types))
        if op.shortcut:
            n.call = op.py_name
    modules: list[ResourceModuleView] = []
    for root in roots:
        if only is not None and stem_of[root.path] not in only:
            continue
        classes = _post_order(root)
        used: set[str] = set()
        # one Endpoint constant per operation, named for where the method lives below the root
        endpoints = Namer(reserved=set(types.module_of) | RUNTIME_NAMES)
        for c in classes:
            for m in c.methods:
                m.endpoint = endpoints.claim("_" + constant("_".join((*c.path[1:], m.name)), "CALL"))
                used |= _names_in_method(m)
        by_module: dict[str, set[str]] = {}
        for name in used:
            home = types.module_of.get(name)
            if home is not None:
                by_module.setdefault(home, set()).add(name)
        imports = [(h, sorted(ns)) for h, ns in sorted(by_module.items())]
        modules.append(ResourceModuleView(stem_of[root.path], root, classes, imports))
    return roots, modules


def _post_order(view: ResourceView) -> list[ResourceView]:
    """A resource and its sub-resources, children first (the order classes are defined in)."""
    out: list[ResourceView] = []
    for c in view.children:
        out.extend(_post_order(c))
    out.append(view)
    return out


def _names_in_method(m: MethodView) -> set[str]:
    """Identifiers a method's signatures and request mention (to import the types among them)."""
    text = " ".join(m.params + list(m.returns.values()) + m.endpoint_args + [p for o in m.overloads for p in o.params])
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))


def _deprecation_text(subject: str, dep: ir.Deprecation) -> str:
    if dep.replacement:
        return f"{subject} is deprecated; use `{dep.replacement}` instead."
    return f"{subject} is deprecated." + (f" {dep.message}" if dep.message else "")


def field_doc(description: str, deprecated: ir.Deprecation | None) -> str:
    """A docstring: the description, then the deprecation and its replacement."""
    doc = description.strip()
    if deprecated is not None:
        note = f"Deprecated: use `{deprecated.replacement}` instead." if deprecated.replacement else "Deprecated."
        doc = f"{doc}\n\n{note}" if doc else note
    return doc


def _page(op: ir.Operation, types: Types) -> dict[str, Any] | None:
    pg = op.pagination
    if pg is None:
        return None
    return {
        "item": types.spell(pg.item_type, "response"),
        "style": pg.style,
        "items_field": pg.items_field,
        "cursor_param": pg.cursor_param,
        "has_more_field": pg.has_more_field,
        "next_cursor_field": pg.next_cursor_field,
        "limit_param": pg.limit_param,
        "total_field": pg.total_field,
    }


def _method(op: ir.Operation, types: Types) -> MethodView:
    targets: dict[str, list[tuple[str, str]]] = {"path": [], "query": [], "header": [], "cookie": [], "body": []}
    body_whole = None
    selector = None
    positional: list[str] = []
    keyword: list[tuple[ir.Argument, str]] = []  # (argument, annotation)
    warnings: list[tuple[str, str]] = []
    arg_docs: list[str] = []
    for a in op.arguments:
        ann = types.spell(a.type, "request")
        if a.source in targets:
            targets[a.source].append((a.wire_name, a.py_name))
        elif a.source == "media":
            selector = a.py_name
        else:
            body_whole = a.py_name
        if a.positional:
            positional.append(f"{a.py_name}: {ann}")
        else:
            keyword.append((a, ann))
        if a.deprecated is not None:
            warnings.append((a.py_name, _deprecation_text(f"`{a.py_name}`", a.deprecated)))
        doc = field_doc(a.description, a.deprecated)
        if doc:
            arg_docs.append(f"{a.py_name}: " + doc.replace("\n", "\n        "))

    def kw_params(stream_ann: str | None, stream_default: bool) -> list[str]:
        out = []
        for a, ann in keyword:
            if stream_ann is not None and a.source == "body" and a.wire_name == op.stream_param:
                out.append(f"{a.py_name}: {stream_ann}" + (" = NOT_GIVEN" if stream_default else ""))
            elif a.required:
                out.append(f"{a.py_name}: {ann}")
            else:
                out.append(f"{a.py_name}: Union[{ann}, NotGiven] = NOT_GIVEN")
        return positional + ["*"] + out + _EXTRAS

    modes = ("sync", "async")
    outcomes = op.outcomes or (ir.Outcome("json"),)
    json_outcome = next((o for o in outcomes if o.kind == "json" and o.type is not None), None)
    value_type = types.spell(json_outcome.type, "response") if json_outcome is not None and json_outcome.type is not None else None
    chunk = types.spell(op.stream_type, "response") if op.stream_type is not None else "Any"
    stream_arg = next((a for a in op.arguments if a.source == "body" and a.wire_name == op.stream_param), None) if op.stream_param else None
    overloads: list[Overload] = []
    stream_expr = "False"
    if stream_arg is not None:
        nullable = stream_arg.type.nullable
        plain = tuple(o for o in outcomes if o.kind != "sse") or (ir.Outcome("json"),)
        returns_one = {m: wire.returns(plain, types, m) for m in modes}
        streams = {m: f"{'Async' if m == 'async' else ''}Stream[{chunk}]" for m in modes}
        both = {m: wire.union_of([returns_one[m], streams[m]]) for m in modes}
        overloads = [
            Overload(kw_params("Union[Optional[Literal[False]], NotGiven]" if nullable else "Union[Literal[False], NotGiven]", True), returns_one),
            Overload(kw_params("Literal[True]", False), streams),
            Overload(kw_params("Optional[bool]" if nullable else "bool", False), both),
        ]
        params = kw_params(None, True)
        returns = both
        stream_expr = f"{stream_arg.py_name} is True"
    else:
        params = kw_params(None, True)
        returns = {m: wire.returns(outcomes, types, m) for m in modes}
        if all(o.kind == "sse" for o in outcomes):
            stream_expr = "True"
    page = _page(op, types) if stream_arg is None and stream_expr == "False" and value_type is not None else None
    if page is not None:
        outcomes = tuple(o for o in outcomes if o.kind == "json")  # each request fetches one page object
        returns = {"sync": f"SyncPage[{page['item']}]", "async": f"AsyncPage[{page['item']}]"}
    doc_parts = [p for p in (op.summary.strip(), op.description.strip()) if p]
    if len(doc_parts) == 2 and doc_parts[1].startswith(doc_parts[0]):
        doc_parts = doc_parts[1:]
    doc_parts.insert(0, f"{op.method.upper()} {op.path}")
    if op.deprecated is not None:
        doc_parts.append(_deprecation_text("This operation", op.deprecated))
    if page is not None:
        doc_parts.append("Returns the first page; iterate it for every item (later pages are fetched as needed), or use `.iter_pages()`.")
    if op.body is not None and wire.media_doc(op.body, selector):
        doc_parts.append(wire.media_doc(op.body, selector))
    if arg_docs:
        doc_parts.append("Args:\n" + "\n".join("    " + d for d in arg_docs))
    return MethodView(
        op_id=op.id,
        name=op.py_name,
        doc="\n\n".join(doc_parts),
        deprecated=_deprecation_text(op.call.replace("client.", "", 1) + "()", op.deprecated) if op.deprecated is not None else None,
        warnings=warnings,
        overloads=overloads,
        params=params,
        returns=returns,
        endpoint="",  # named per module, by `resources`
        endpoint_args=_endpoint_args(op, outcomes, stream_expr, chunk, page, types),
        call_args=_call_args(targets, body_whole, selector, stream_expr if stream_arg is not None else None),
    )


def _endpoint_args(
    op: ir.Operation, outcomes: tuple[ir.Outcome, ...], stream: str, chunk: str, page: dict[str, Any] | None, types: Types
) -> list[str]:
    """The arguments of the operation's `_base_client.Endpoint`: what does not change between calls."""
    args = [py_string(op.method), py_string(op.url_path)]
    if op.fixed_query:
        args.append("fixed_query=[" + ", ".join(f"({py_string(k)}, {py_string(v)})" for k, v in op.fixed_query) + "]")
    if op.parameters:
        args.append("wire=[" + ", ".join(wire.param_expr(p) for p in op.parameters) + "]")
    if op.body is not None and op.body.media:
        args.append("media=[" + ", ".join(wire.media_expr(m) for m in op.body.media) + "]")
    if op.accept:
        args.append(f"accept={py_string(op.accept)}")
    if op.accept_stream:
        args.append(f"accept_stream={py_string(op.accept_stream)}")
    args.append("outcomes=[" + ", ".join(wire.outcome_expr(o, types) for o in outcomes) + "]")
    if stream == "True":  # every answer streams; otherwise the call says (`stream=stream is True`)
        args.append("stream=True")
    if stream != "False":
        args.append(f"stream_type={chunk}")
    if op.stream_framing != "data":
        args.append(f"framing={py_string(op.stream_framing)}")
    if op.security is not None:
        args.append(f"security={py_literal([list(r) for r in op.security])}")
    if op.idempotency_header:
        args.append(f"idempotency_header={py_string(op.idempotency_header)}")
    if page is not None:
        style = [f"style={py_string(page['style'])}"] + [
            f"{key}={py_string(page[key])}" for key in _PAGE_KEYS if page[key] is not None
        ]
        args.append("page=_pagination.PageStyle(" + ", ".join(style) + ")")
    return args


_PAGE_KEYS = ("items_field", "cursor_param", "has_more_field", "next_cursor_field", "limit_param", "total_field")


def _call_args(targets: dict[str, list[tuple[str, str]]], body_whole: str | None, selector: str | None, stream: str | None) -> list[str]:
    """The keyword arguments a method passes `client.call`: its values by where they travel
    (keyed by wire name), then the caller's extras."""
    args = []
    for source, key in (("path", "path_params"), ("query", "query"), ("header", "headers"), ("cookie", "cookies"), ("body", "body")):
        if targets[source]:
            args.append(key + "={" + ", ".join(f"{py_string(k)}: {v}" for k, v in targets[source]) + "}")
    if body_whole is not None and not targets["body"]:
        args.append(f"body={body_whole}")
    if selector is not None:
        args.append(f"content_type={selector}")
    if stream is not None:
        args.append(f"stream={stream}")
    return args + [f"{x}={x}" for x in ("extra_headers", "extra_query", "extra_body", "timeout")]
