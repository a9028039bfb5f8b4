"""The client artifact: a vendorable Python package per API (rendered from templates/client).

Every decision lives here: this module turns the IR into view data (names, signatures,
imports, what each method sends); the templates only loop and place. Spec text is passed
raw and escaped by the template filters (pystr, docstring, comment).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...model import ir
from ...model.naming import Namer, module_stem, pascal
from . import wire
from .pytypes import RUNTIME_NAMES, Side, Types
from ...output.render import RenderContext, py_string, render_template

# the runtime modules rendered into every package, as they are
RUNTIME = ("_types", "_errors", "_models", "_streaming", "_response", "_pagination", "_base_client")
# the wire rules, copied from specgen's own runtime package (its mock parses with the same code)
COPIED = ("_files", "_wire", "_bodies")

# attributes of Client a resource must not shadow
_CLIENT_ATTRS = frozenset(
    {"api_key", "base_url", "timeout", "max_retries", "request", "close", "with_raw_response", "with_options", "copy"}
)



def render(api: ir.Api, ctx: RenderContext) -> dict[str, str]:
    """Files of OUT/<package>/, keyed by their path relative to OUT."""
    view = build_view(api, ctx)
    pkg = ctx.package
    out: dict[str, str] = {}
    base = {"api": api, "ctx": ctx, "view": view}
    for mod in RUNTIME:
        out[f"{pkg}/{mod}.py"] = render_template(f"client/runtime/{mod}.py.j2", **base)
    for mod in COPIED:
        out[f"{pkg}/{mod}.py"] = f"# {ctx.header}\n" + _runtime_source(mod)
    out[f"{pkg}/__init__.py"] = render_template("client/__init__.py.j2", **base)
    out[f"{pkg}/_client.py"] = render_template("client/_client.py.j2", **base)
    out[f"{pkg}/types/__init__.py"] = render_template("client/types_init.py.j2", **base)
    for tm in view.type_modules:
        out[f"{pkg}/types/{tm.stem}.py"] = render_template("client/types_module.py.j2", module=tm, **base)
    out[f"{pkg}/resources/__init__.py"] = render_template("client/resources_init.py.j2", **base)
    for rm in view.resource_modules:
        out[f"{pkg}/resources/{rm.stem}.py"] = render_template("client/resource_module.py.j2", module=rm, **base)
    out[f"{pkg}/py.typed"] = ""
    return out


@functools.cache
def _runtime_source(module: str) -> str:
    """The text of specgen.runtime.<module>, as the package carries it."""
    return (Path(__file__).resolve().parent.parent.parent / "runtime" / f"{module}.py").read_text(encoding="utf-8")


# ---------------------------------------------------------------- view data


@dataclass
class FieldView:
    name: str  # py_name (pydantic) or key (TypedDict)
    annotation: str
    alias: str | None = None  # wire name, when it differs (pydantic)
    optional: bool = False  # pydantic: defaults to None
    doc: str = ""


@dataclass
class ClassView:
    name: str
    doc: str
    fields: list[FieldView]
    functional: bool = False  # TypedDict whose keys are not all identifiers


@dataclass
class AliasView:
    name: str
    expr: str
    doc: str = ""
    recursive: bool = False  # refers to itself with no model in between: a TypeAliasType


@dataclass
class TypeModuleView:
    stem: str
    imports: list[tuple[str, list[str]]]  # (module stem, names)
    enums: list[AliasView]
    models: list[ClassView]
    params: list[ClassView]
    unions: list[AliasView]
    names: list[str]  # every name defined here, in order


@dataclass
class QueryItem:
    key: str  # wire name, raw (escaped by the template)
    expr: str  # a Python identifier


@dataclass
class Overload:
    params: list[str]
    returns: dict[str, str]  # mode -> annotation


@dataclass
class MethodView:
    name: str
    doc: str
    deprecated: str | None  # message for @deprecated
    warnings: list[tuple[str, str]]  # (argument, message) for deprecated arguments
    overloads: list[Overload]
    params: list[str]
    returns: dict[str, str]
    http_method: str
    path: str  # the URL path template, without the spec key's fixed query
    fixed_query: list[tuple[str, str]]  # `/responses?beta=true`: sent with every call
    path_params: list[QueryItem]
    query: list[QueryItem]
    headers: list[QueryItem]
    cookies: list[QueryItem]
    body: list[QueryItem]
    body_whole: str | None
    wire: list[str]  # `_wire.Param(...)` of every parameter: how each travels
    media: list[str]  # `_bodies.Media(...)` the body can be sent as, preferred first
    content_type: str | None  # the argument that chooses the media type, if any
    accept: str | None
    accept_stream: str | None
    outcomes: list[str]  # `_response.Outcome(...)`: how the answer is read, by Content-Type
    stream: str  # a Python expression: "False", "True", "stream is True"
    stream_type: str
    auth: bool
    page: dict[str, Any] | None = None  # cursor, item type, fields


@dataclass
class ResourceView:
    path: tuple[str, ...]
    attr: str  # attribute on the parent (client or resource)
    names: dict[str, str]  # sync, async, sync_raw, async_raw -> class name
    children: list[ResourceView] = field(default_factory=list)
    methods: list[MethodView] = field(default_factory=list)


@dataclass
class ResourceModuleView:
    stem: str
    root: ResourceView
    classes: list[ResourceView]  # every node, children first
    imports: list[tuple[str, list[str]]]


@dataclass
class ClientView:
    type_modules: list[TypeModuleView]
    type_names: list[tuple[str, str]]  # (module, name)
    resource_modules: list[ResourceModuleView]
    roots: list[ResourceView]
    base_url: str | None
    base_url_env: str
    auth_kind: str | None
    auth_in: str
    auth_name: str
    auth_doc: str
    error_type: tuple[str, str] | None  # (module, name)


def build_view(api: ir.Api, ctx: RenderContext) -> ClientView:
    """Everything the client templates place, decided from the IR."""
    types = Types.build(api)
    type_modules = _type_modules(api, types)
    type_names = [(tm.stem, n) for tm in type_modules for n in tm.names]
    roots, resource_modules = _resources(api, types)
    kind, where, name, doc = _auth(api)
    err = None
    if api.error_model and api.error_model in types.module_of:
        err = (types.module_of[api.error_model], api.error_model)
    env = ctx.api_key_env
    base_env = env[: -len("_API_KEY")] + "_BASE_URL" if env.endswith("_API_KEY") else f"{ctx.package.upper()}_BASE_URL"
    return ClientView(
        type_modules=type_modules,
        type_names=type_names,
        resource_modules=resource_modules,
        roots=roots,
        # a relative server (`/v1`) names no host: the caller passes base_url then
        base_url=api.servers[0] if api.servers and api.servers[0].lower().startswith(("http://", "https://")) else None,
        base_url_env=base_env,
        auth_kind=kind,
        auth_in=where,
        auth_name=name,
        auth_doc=doc,
        error_type=err,
    )


def _auth(api: ir.Api) -> tuple[str | None, str, str, str]:
    """(kind, in, name, how to pass the key): the first supported scheme the API asks for."""
    supported = {s.name: s for s in api.security_schemes if s.kind in ("bearer", "basic", "apiKey", "oauth2", "openIdConnect")}
    order = [n for req in api.security for n in req] + [s.name for s in api.security_schemes]
    for n in order:
        s = supported.get(n)
        if s is None:
            continue
        if s.kind == "basic":
            return "basic", "header", "Authorization", "`api_key` is `username:password`, sent as HTTP basic auth."
        if s.kind == "apiKey":
            return "apiKey", s.location, s.param_name, f"`api_key` is sent in the {s.location} parameter `{s.param_name}`."
        return "bearer", "header", "Authorization", "`api_key` is sent as `Authorization: Bearer <api_key>`."
    return None, "header", "Authorization", "The API declares no authentication this client supports; `api_key` is unused."


# ---------------------------------------------------------------- types


def _field_doc(description: str, deprecated: ir.Deprecation | None) -> str:
    doc = description.strip()
    if deprecated is not None:
        note = f"Deprecated: use `{deprecated.replacement}` instead." if deprecated.replacement else "Deprecated."
        doc = f"{doc}\n\n{note}" if doc else note
    return doc


def _type_modules(api: ir.Api, types: Types) -> list[TypeModuleView]:
    deps = types.dependencies()
    stems = sorted(set(types.module_of.values()))
    modules: dict[str, TypeModuleView] = {s: TypeModuleView(s, [], [], [], [], [], []) for s in stems}
    for e in api.enums:
        tm = modules[types.module_of[e.name]]
        tm.enums.append(AliasView(e.name, types.enum_type(e), _field_doc(e.description, e.deprecated)))
    for m in api.models:
        if m.name in types.response_models:
            fields = []
            for f in m.fields:
                ann = types.spell(f.type, "response")
                optional = not f.required
                if optional and not ann.startswith("Optional[") and ann not in ("Any", "None"):
                    ann = f"Optional[{ann}]"
                fields.append(FieldView(f.py_name, ann, f.name if f.name != f.py_name else None, optional, _field_doc(f.description, f.deprecated)))
            modules[types.module_of[m.name]].models.append(ClassView(m.name, _field_doc(m.description or m.title or "", m.deprecated), fields))
        if m.name in types.request_models:
            fields = []
            functional = False
            for f in m.fields:
                if f.read_only:
                    continue
                ann = types.spell(f.type, "request")
                if f.required:
                    ann = f"Required[{ann}]"
                if not (f.name.isidentifier() and f.name.isascii()) or f.name in _NOT_KEYS:
                    functional = True
                fields.append(FieldView(f.name, ann, doc=_field_doc(f.description, f.deprecated)))
            if functional:
                # keys are spec text here: quoted forward references, docs left to the model
                fields = [FieldView(fv.name, fv.annotation) for fv in fields]
            modules[types.module_of[m.param_name]].params.append(ClassView(m.param_name, _field_doc(m.description or m.title or "", m.deprecated), fields, functional))
    # unions: after the classes, in dependency order; forward references quoted
    pending: dict[str, list[tuple[str, ir.Union, Side]]] = {}
    sides: tuple[Side, ...] = ("response", "request")
    for u in api.unions:
        for side in sides:
            name = u.name if side == "response" else types.union_param_names.get(u.name)
            if name is None or name not in types.module_of:
                continue
            if side == "response" and not (u.name in types.response_unions or u.name not in types.union_param_names):
                continue
            pending.setdefault(types.module_of[name], []).append((name, u, side))
    union_names = {name for items in pending.values() for name, _, _ in items}
    recursive = _on_cycle({n: deps.get(n, set()) & union_names for n in union_names})
    for stem, items in pending.items():
        local = {name for name, _, _ in items}
        ordered = _topo([name for name, _, _ in items], {name: deps.get(name, set()) & local for name, _, _ in items})
        by_name = {name: (u, side) for name, u, side in items}
        defined: set[str] = set()
        for name in ordered:
            u, side = by_name[name]
            quote = frozenset(local - defined)
            modules[stem].unions.append(AliasView(name, _union_expr(u, side, types, quote), _field_doc(u.description, u.deprecated), name in recursive))
            defined.add(name)
    for stem, tm in modules.items():
        own = [a.name for a in tm.enums] + [c.name for c in tm.models] + [c.name for c in tm.params] + [a.name for a in tm.unions]
        tm.names = own
        needed: dict[str, set[str]] = {}
        for n in own:
            for d in deps.get(n, set()):
                home = types.module_of.get(d)
                if home is not None and home != stem:
                    needed.setdefault(home, set()).add(d)
        tm.imports = [(h, sorted(ns)) for h, ns in sorted(needed.items())]
    return [modules[s] for s in stems]


_NOT_KEYS = frozenset({"False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield"})


def _union_expr(u: ir.Union, side: Side, types: Types, quote: frozenset[str]) -> str:
    parts: list[str] = []
    for v in u.variants:
        s = types.spell(v.type, side, quote=quote)
        if s not in parts:
            parts.append(s)
    if len(parts) == 1:
        return parts[0]
    expr = "Union[" + ", ".join(parts) + "]"
    disc = _discriminator(u, types) if side == "response" else None
    if disc is not None:
        return f"Annotated[{expr}, Field(discriminator={py_string(disc)})]"
    return expr


def _discriminator(u: ir.Union, types: Types) -> str | None:
    """The property pydantic can dispatch on: every variant a model whose field is a Literal."""
    if u.discriminator is None:
        return None
    seen: set[Any] = set()
    for v in u.variants:
        if v.type.kind != "model" or v.type.nullable or v.type.ref not in types.api.model_map:
            return None
        f = types.api.model(v.type.ref).field_map.get(u.discriminator)
        if f is None or f.py_name != f.name or not f.required or f.type.kind != "literal" or f.type.nullable:
            return None
        if not all(isinstance(x, str) for x in f.type.values) or seen & set(f.type.values):
            return None
        seen |= set(f.type.values)
    return u.discriminator


def _on_cycle(edges: dict[str, set[str]]) -> set[str]:
    """Nodes that can reach themselves."""
    out: set[str] = set()
    for start in edges:
        stack = list(edges[start])
        seen: set[str] = set()
        while stack:
            n = stack.pop()
            if n == start:
                out.add(start)
                break
            if n in seen:
                continue
            seen.add(n)
            stack.extend(edges.get(n, ()))
    return out


def _topo(names: list[str], deps: dict[str, set[str]]) -> list[str]:
    """Names in an order where each comes after what it refers to (cycles kept in input order)."""
    out: list[str] = []
    state: dict[str, int] = {}

    def visit(n: str) -> None:
        if state.get(n):
            return
        state[n] = 1
        for d in sorted(deps.get(n, ())):
            if d in deps and not state.get(d):
                visit(d)
        state[n] = 2
        out.append(n)

    for n in names:
        visit(n)
    return out


# ---------------------------------------------------------------- resources

_EXTRAS = [
    "extra_headers: Optional[Mapping[str, str]] = None",
    "extra_query: Optional[Mapping[str, object]] = None",
    "extra_body: Optional[Mapping[str, object]] = None",
    "timeout: Union[float, httpx.Timeout, None, NotGiven] = NOT_GIVEN",
]


def _resources(api: ir.Api, types: Types) -> tuple[list[ResourceView], list[ResourceModuleView]]:
    class_names = Namer(reserved=set(types.module_of) | RUNTIME_NAMES | {"SyncAPIClient", "AsyncAPIClient", "Timeout"})
    nodes: dict[tuple[str, ...], ResourceView] = {}
    roots: list[ResourceView] = []
    root_attrs = Namer(reserved=_CLIENT_ATTRS)

    def node(path: tuple[str, ...]) -> ResourceView:
        if path in nodes:
            return nodes[path]
        base = pascal("_".join(path), "Default") + "Resource"
        names = {
            "sync": class_names.claim(base),
            "async": class_names.claim("Async" + base),
            "sync_raw": class_names.claim(base + "WithRawResponse"),
            "async_raw": class_names.claim("Async" + base + "WithRawResponse"),
        }
        attr = root_attrs.claim(path[0]) if len(path) == 1 else path[-1]
        view = ResourceView(path, attr, names)
        nodes[path] = view
        if len(path) == 1:
            roots.append(view)
        else:
            node(path[:-1]).children.append(view)
        return view

    for op in api.operations:
        n = node(op.resource or ("default",))
        n.methods.append(_method(op, types))
    modules: list[ResourceModuleView] = []
    stems = Namer(reserved={"__init__"})
    for root in roots:
        classes = _post_order(root)
        used: set[str] = set()
        for c in classes:
            for m in c.methods:
                used |= _names_in_method(m)
        by_module: dict[str, set[str]] = {}
        for name in used:
            home = types.module_of.get(name)
            if home is not None:
                by_module.setdefault(home, set()).add(name)
        imports = [(h, sorted(ns)) for h, ns in sorted(by_module.items())]
        modules.append(ResourceModuleView(stems.claim(module_stem(root.path[0], "default")), root, classes, imports))
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
    text = " ".join(m.params + list(m.returns.values()) + m.outcomes + [m.stream_type] + [p for o in m.overloads for p in o.params])
    if m.page is not None:
        text += " " + m.page["item"]
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))


def _deprecation_text(subject: str, dep: ir.Deprecation) -> str:
    if dep.replacement:
        return f"{subject} is deprecated; use `{dep.replacement}` instead."
    return f"{subject} is deprecated." + (f" {dep.message}" if dep.message else "")


def _method(op: ir.Operation, types: Types) -> MethodView:
    path_params: list[QueryItem] = []
    query: list[QueryItem] = []
    headers: list[QueryItem] = []
    cookies: list[QueryItem] = []
    body: list[QueryItem] = []
    body_whole = None
    selector = None
    positional: list[str] = []
    keyword: list[tuple[ir.Argument, str]] = []  # (argument, annotation)
    warnings: list[tuple[str, str]] = []
    arg_docs: list[str] = []
    for a in op.arguments:
        ann = types.spell(a.type, "request")
        target = {"path": path_params, "query": query, "header": headers, "cookie": cookies, "body": body}.get(a.source)
        if target is not None:
            target.append(QueryItem(a.wire_name, a.py_name))
        elif a.source == "media":
            selector = a.py_name
        else:
            body_whole = a.py_name
        if a.source == "path":
            positional.append(f"{a.py_name}: {ann}")
        else:
            keyword.append((a, ann))
        if a.deprecated is not None:
            warnings.append((a.py_name, _deprecation_text(f"`{a.py_name}`", a.deprecated)))
        doc = _field_doc(a.description, a.deprecated)
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
    page = None
    pg = op.pagination
    cursor_arg = next((a for a in op.arguments if pg is not None and a.source == "query" and a.wire_name == pg.cursor_param), None)
    if pg is not None and cursor_arg is not None and stream_arg is None and stream_expr == "False" and value_type is not None:
        item = types.spell(pg.item_type, "response")
        page = {
            "cursor": cursor_arg.py_name,
            "item": item,
            "items_field": pg.items_field,
            "has_more_field": pg.has_more_field,
            "next_cursor_field": pg.next_cursor_field,
        }
        query = [QueryItem(q.key, "cursor" if q.expr == cursor_arg.py_name else q.expr) for q in query]
        # each request fetches one page object
        outcomes = tuple(o for o in outcomes if o.kind == "json")
        returns = {"sync": f"SyncPage[{item}]", "async": f"AsyncPage[{item}]"}
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
        name=op.py_name,
        doc="\n\n".join(doc_parts),
        deprecated=_deprecation_text(op.call.replace("client.", "", 1) + "()", op.deprecated) if op.deprecated is not None else None,
        warnings=warnings,
        overloads=overloads,
        params=params,
        returns=returns,
        http_method=op.method,
        path=op.url_path,
        fixed_query=list(op.fixed_query),
        path_params=path_params,
        query=query,
        headers=headers,
        cookies=cookies,
        body=body,
        body_whole=body_whole,
        wire=[wire.param_expr(p) for p in op.parameters],
        media=[wire.media_expr(m) for m in op.body.media] if op.body is not None else [],
        content_type=selector,
        accept=op.accept,
        accept_stream=op.accept_stream,
        outcomes=[wire.outcome_expr(o, types) for o in outcomes],
        stream=stream_expr,
        stream_type=chunk,
        auth=op.security is None or len(op.security) > 0,
        page=page,
    )
