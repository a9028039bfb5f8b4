"""The client artifact: a vendorable Python package per API (rendered from templates/client).

Every decision lives here: this module turns the IR into view data (names, signatures,
imports, what each method sends); the templates only loop and place. Spec text is passed
raw and escaped by the template filters (pystr, docstring, comment). The resources and their
methods are `methods.py`'s; the auth and error settings of the client are here.
"""

from __future__ import annotations

import functools
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...model import ir
from ...model.naming import ANNOTATION_NAMES
from .hooks import webhooks_view
from .methods import ResourceModuleView, ResourceView, field_doc, resources
from .pytypes import Side, Types
from ...output.render import RenderContext, py_string, render_template
from ...paths import templates_dir

# the runtime modules rendered into every package, as they are
RUNTIME = (
    "_types", "_errors", "_models", "_streaming", "_response", "_streamed", "_pagination", "_auth", "_retry",
    "_base_client",
)
# the wire rules, copied from specgen's own runtime package (its mock parses with the same code)
COPIED = ("_files", "_wire", "_bodies")


def render(api: ir.Api, ctx: RenderContext) -> dict[str, str]:
    """Files of OUT/<package>/, keyed by their path relative to OUT. Each file is a unit of the
    page cache (`ctx.cached`): a module of types from the definitions it holds, a module of
    resources from its operations, the runtime from nothing but the options, the rest from all.
    Which files there are and what each holds is the structure's (a unit of its own), as are
    the types' names and homes (`Types.plan`), so only what some file renders again is built."""
    types = Types.of(api, ctx.cached("client", "types", (), lambda: Types.build(api).plan()))
    parts = _Parts(api, ctx, types)
    out: dict[str, str] = {}
    for path, roots, template, stem in ctx.cached("client", "layout", (), lambda: _layout(api, ctx, parts.view())):
        # the spec's hash is printed by `__init__` alone: its unit's name carries it
        unit = f"{path}@{ctx.spec_sha256}" if template == "client/__init__.py.j2" else path
        out[path] = ctx.cached("client", unit, roots, lambda template=template, stem=stem: _page(api, ctx, parts, template, stem))  # type: ignore[misc]
    for mod in COPIED:
        out[f"{ctx.package}/{mod}.py"] = f"# {ctx.header}\n" + _runtime_source(mod)
    out[f"{ctx.package}/py.typed"] = ""
    return out


class _Parts:
    """The view data, each part built on first use: a page of one module of types needs only
    that module's view, one of resources only the resource tree; the rest read the whole view."""

    def __init__(self, api: ir.Api, ctx: RenderContext, types: Types):
        self.api, self.ctx, self.types = api, ctx, types
        self._view: ClientView | None = None
        self._alone = 0  # parts built alone; past a few, the whole view costs less than more

    def view(self) -> ClientView:
        if self._view is None:
            self._view = build_view(self.api, self.ctx, self.types)
        return self._view

    def _whole(self) -> ClientView | None:
        self._alone += 1
        return self.view() if self._view is not None or self._alone > _ALONE else None

    def type_module(self, stem: str | None) -> TypeModuleView:
        if (view := self._whole()) is not None:
            return next(tm for tm in view.type_modules if tm.stem == stem)
        return _type_modules(self.api, self.types, frozenset({stem}))[0]

    def resource_module(self, stem: str | None) -> ResourceModuleView:
        if (view := self._whole()) is not None:
            return next(rm for rm in view.resource_modules if rm.stem == stem)
        return resources(self.api, self.types, frozenset({stem}))[1][0]


# each part built alone walks every definition (or operation) once to find its own
_ALONE = 4


Layout = list[tuple[str, "list[str] | None", str, "str | None"]]


def _layout(api: ir.Api, ctx: RenderContext, view: ClientView) -> Layout:
    """(path, roots, template, module stem) of every rendered file, in order: the roots of a
    module of types are the definitions it holds, of a module of resources its operations."""
    pkg = ctx.package
    out: Layout = [(f"{pkg}/{mod}.py", [], f"client/runtime/{mod}.py.j2", None) for mod in RUNTIME]
    # these read the IR's structure and the API's own text only (title, security...), never a
    # definition's prose; `__init__` prints the spec's hash too, which its unit's name carries
    out.append((f"{pkg}/__init__.py", [], "client/__init__.py.j2", None))
    out.append((f"{pkg}/_client.py", [], "client/_client.py.j2", None))
    out.append((f"{pkg}/types/__init__.py", [], "client/types_init.py.j2", None))
    unions = {param: union for union, param in view.types.union_param_names.items()}
    for tm in view.type_modules:
        out.append((f"{pkg}/types/{tm.stem}.py", [unions.get(n, n) for n in tm.names], "client/types_module.py.j2", tm.stem))
    out.append((f"{pkg}/resources/__init__.py", [], "client/resources_init.py.j2", None))
    for rm in view.resource_modules:
        served = ["op:" + mv.op_id for r in rm.classes for mv in r.methods]
        out.append((f"{pkg}/resources/{rm.stem}.py", served, "client/resource_module.py.j2", rm.stem))
    if api.hooks:
        out.append((f"{pkg}/_webhooks.py", [], "client/runtime/_webhooks.py.j2", None))
        out.append((f"{pkg}/webhooks.py", ["hook:" + h.py_name for h in api.hooks], "client/webhooks.py.j2", None))
    return out


_NO_VIEW = frozenset({f"client/runtime/{m}.py.j2" for m in (*RUNTIME, "_webhooks")} | {"client/__init__.py.j2"})


def _page(api: ir.Api, ctx: RenderContext, parts: _Parts, template: str, stem: str | None) -> str:
    """One file of the layout (the view data built only for the templates that read it)."""
    if template in _NO_VIEW:
        return render_template(template, api=api, ctx=ctx, view=None)
    # a module's own template reads its module only, never `view`
    if template == "client/types_module.py.j2":
        return render_template(template, api=api, ctx=ctx, view=None, module=parts.type_module(stem))
    if template == "client/resource_module.py.j2":
        return render_template(template, api=api, ctx=ctx, view=None, module=parts.resource_module(stem))
    view = parts.view()
    base = {"api": api, "ctx": ctx, "view": view}
    if template == "client/webhooks.py.j2":
        return render_template(template, hooks=webhooks_view(api, view.types), **base)
    return render_template(template, **base)


@functools.cache
def shipped_bodies() -> frozenset[str]:
    """The runtime modules' text after their header line: the same for every spec and committed
    black-formatted (tests/test_format.py proves black leaves each unchanged), so the formatter
    need not ask black about them."""
    templates = templates_dir() / "client" / "runtime"
    rendered = {(templates / f"{m}.py.j2").read_text(encoding="utf-8").partition("\n")[2] for m in (*RUNTIME, "_webhooks")}
    return frozenset(rendered | {_runtime_source(m) for m in COPIED})


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
    runtime: str | None = None  # what pydantic validates, where it differs from what mypy reads


@dataclass
class UnknownView:
    """The model an unknown variant of a tagged union is read into."""

    name: str
    union: str
    tag_field: str


@dataclass
class TypeModuleView:
    stem: str
    imports: list[tuple[str, list[str]]]  # (module stem, names)
    enums: list[AliasView]
    models: list[ClassView]
    params: list[ClassView]
    unions: list[AliasView]
    names: list[str]  # every name defined here, in order
    unknowns: list[UnknownView]
    tagged: bool = False  # a union here is told apart by a table of tags (imports `_Tag`, `_by_tag`)


@dataclass
class SchemeView:
    name: str  # the spec's scheme name (a dict key, escaped by the template)
    kind: str
    credentials: list[str]
    location: str
    param_name: str
    token_url: str | None
    scopes: list[str]


@dataclass
class CredentialView:
    arg: str
    env: str
    doc: str


@dataclass
class LazyTable:
    """What a lazily importing package `__init__` exports: the modules with their names (for the
    type checkers' imports) and the same as a table of text, `module: name name ...` with long
    lines wrapped (data a formatter passes over as one string, parsed at import)."""

    modules: list[tuple[str, list[str]]]
    text: str

    @classmethod
    def of(cls, modules: list[tuple[str, list[str]]]) -> LazyTable:
        lines = []
        for stem, names in modules:
            # names come from naming.py, always identifiers: nothing in them can end the string
            assert stem.isidentifier() and all(n.isidentifier() for n in names), (stem, names)
            lines.append(textwrap.fill(" ".join(names), 88, initial_indent=f"{stem}: ", subsequent_indent="    ", break_long_words=False, break_on_hyphens=False))
        return cls(modules, "".join(line + "\n" for line in lines))


@dataclass
class ClientView:
    type_modules: list[TypeModuleView]
    resource_modules: list[ResourceModuleView]
    # what types/ and resources/ export, by module: their __init__ imports each module on first use
    type_exports: LazyTable
    resource_exports: LazyTable
    roots: list[ResourceView]
    base_url: str | None
    base_url_env: str
    schemes: list[SchemeView]
    credentials: list[CredentialView]
    default_security: list[list[str]]
    require_credentials: bool  # every operation needs some: the client refuses to start without
    auth_doc: str
    error_shape: dict[str, Any]
    types: Types


def env_names(api: ir.Api, ctx: RenderContext) -> tuple[str, dict[str, str]]:
    """(base URL variable, credential argument -> variable): `OPENAI_BASE_URL`, `OPENAI_API_KEY`;
    a configured `api_key_env` names the API key's and gives the others its prefix."""
    key_env = ctx.api_key_env
    prefix = key_env[: -len("_API_KEY")] if key_env.endswith("_API_KEY") else (api.env_prefix or ctx.package.upper())
    envs: dict[str, str] = {}
    for s in api.security_schemes:
        for arg in s.credentials:
            envs[arg] = key_env if arg == "api_key" else f"{prefix}_{arg.upper()}"
    return f"{prefix}_BASE_URL", envs


def build_view(api: ir.Api, ctx: RenderContext, types: Types | None = None) -> ClientView:
    """Everything the client templates place, decided from the IR (`types`: `Types.build(api)`)."""
    types = types if types is not None else Types.build(api)
    type_modules = _type_modules(api, types)
    roots, resource_modules = resources(api, types)
    base_env, envs = env_names(api, ctx)
    schemes = [
        SchemeView(s.name, s.kind if s.kind != "openIdConnect" else "oauth2", list(s.credentials), s.location, s.param_name, s.token_url, list(s.scopes))
        for s in api.security_schemes
        if s.kind != "other" and s.credentials
    ]
    usable = {s.name for s in schemes}
    credentials = [CredentialView(arg, envs[arg], _credential_doc(s, arg)) for s in api.security_schemes for arg in s.credentials]
    every_op_needs = bool(api.operations) and all(
        _needs_credentials(api.security if op.security is None else op.security, usable) for op in api.operations
    )
    shape = api.error_shape
    return ClientView(
        type_modules=type_modules,
        resource_modules=resource_modules,
        type_exports=LazyTable.of([(tm.stem, tm.names) for tm in type_modules if tm.names]),
        resource_exports=LazyTable.of([(rm.stem, [n for r in rm.classes for n in (r.names["async"], r.names["sync"])]) for rm in resource_modules]),
        roots=roots,
        # a relative server (`/v1`) names no host: the caller passes base_url then
        base_url=api.servers[0] if api.servers and api.servers[0].lower().startswith(("http://", "https://")) else None,
        base_url_env=base_env,
        schemes=schemes,
        credentials=credentials,
        default_security=[list(r) for r in api.security],
        require_credentials=every_op_needs and bool(schemes),
        auth_doc=_auth_doc(api, envs),
        error_shape={
            "envelope": shape.envelope,
            "message": shape.message,
            "code": shape.code,
            "param": shape.param,
            "type": shape.type,
            "request_id_headers": list(api.request_id_headers),
        },
        types=types,
    )


def _needs_credentials(security: tuple[tuple[str, ...], ...], usable: set[str]) -> bool:
    """Whether an operation with these requirements cannot be called without credentials."""
    return bool(security) and all(req and all(n in usable for n in req) for req in security)


def _credential_doc(s: ir.SecurityScheme, arg: str) -> str:
    if s.kind == "basic":
        return f"the {'user name' if arg == s.credentials[0] else 'password'} for HTTP basic auth (`{s.name}`)"
    if s.kind in ("oauth2", "openIdConnect"):
        if arg == s.credentials[0]:
            return f"an OAuth2 access token, sent as `Authorization: Bearer ...` (`{s.name}`)"
        return f"the OAuth2 client {'id' if arg == s.credentials[1] else 'secret'}: the client fetches tokens from {s.token_url} (`{s.name}`)"
    if s.kind == "apiKey":
        return f"sent in the {s.location} `{s.param_name}` (`{s.name}`)"
    return f"sent as `Authorization: Bearer ...` (`{s.name}`)"


def _auth_doc(api: ir.Api, envs: dict[str, str]) -> str:
    if not envs:
        return "The API declares no authentication this client can send."
    lines = [f"`{arg}` (default ${env})" for arg, env in envs.items()]
    return "Credentials: " + ", ".join(lines) + "."


def _type_modules(api: ir.Api, types: Types, only: frozenset[str | None] | None = None) -> list[TypeModuleView]:
    """The view of every module of types, or of those in `only` (each the same either way)."""
    deps = types.dependencies()
    stems = sorted(s for s in set(types.module_of.values()) if only is None or s in only)
    modules: dict[str, TypeModuleView] = {s: TypeModuleView(s, [], [], [], [], [], [], []) for s in stems}
    type_names = set(types.module_of) | ANNOTATION_NAMES
    for e in api.enums:
        tm = modules.get(types.module_of[e.name])
        if tm is not None:
            tm.enums.append(AliasView(e.name, types.enum_type(e), field_doc(e.description, e.deprecated)))
    for m in api.models:
        if m.name in types.response_models and types.module_of[m.name] in modules:
            fields = []
            for f in m.fields:
                ann = types.spell(f.type, "response")
                optional = not f.required_in("response")  # a writeOnly property may be left out
                if optional and not ann.startswith("Optional[") and ann not in ("Any", "None"):
                    ann = f"Optional[{ann}]"
                doc = field_doc(f.description, f.deprecated)
                if f.sdk_computed:
                    doc = (_SDK_COMPUTED + "\n\n" + doc).strip()
                fields.append(FieldView(f.py_name, ann, f.name if f.name != f.py_name else None, optional, doc))
            modules[types.module_of[m.name]].models.append(ClassView(m.name, field_doc(m.description or m.title or "", m.deprecated), fields))
        if m.name in types.request_models and types.module_of[m.param_name] in modules:
            fields = []
            functional = False
            for f in m.fields:
                if f.read_only:
                    continue
                ann = types.spell(f.type, "request")
                if f.required_in("request"):
                    ann = f"Required[{ann}]"
                if not (f.name.isidentifier() and f.name.isascii()) or f.name in _NOT_KEYS or f.name in type_names:
                    # a key named like a type the class body uses (`str`, a model) would shadow it
                    functional = True
                fields.append(FieldView(f.name, ann, doc=field_doc(f.description, f.deprecated)))
            if functional:
                # keys are spec text here: quoted forward references, docs left to the model
                fields = [FieldView(fv.name, fv.annotation) for fv in fields]
            modules[types.module_of[m.param_name]].params.append(ClassView(m.param_name, field_doc(m.description or m.title or "", m.deprecated), fields, functional))
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
        if stem not in modules:
            continue
        local = {name for name, _, _ in items}
        ordered = _topo([name for name, _, _ in items], {name: deps.get(name, set()) & local for name, _, _ in items})
        by_name = {name: (u, side) for name, u, side in items}
        defined: set[str] = set()
        for name in ordered:
            u, side = by_name[name]
            quote = frozenset(local - defined)
            hint, runtime, unknown = _union_expr(u, side, types, quote)
            if unknown is not None:
                modules[stem].unknowns.append(unknown)
            modules[stem].unions.append(AliasView(name, hint, field_doc(u.description, u.deprecated), name in recursive, runtime))
            modules[stem].tagged = modules[stem].tagged or (runtime is not None and "_by_tag(" in runtime)
            defined.add(name)
    for stem, tm in modules.items():
        own = [a.name for a in tm.enums] + [c.name for c in tm.models] + [u.name for u in tm.unknowns] + [c.name for c in tm.params] + [a.name for a in tm.unions]
        tm.names = own
        needed: dict[str, set[str]] = {}
        for n in own:
            for d in deps.get(n, set()):
                home = types.module_of.get(d)
                if home is not None and home != stem:
                    needed.setdefault(home, set()).add(d)
        tm.imports = [(h, sorted(ns)) for h, ns in sorted(needed.items())]
    return [modules[s] for s in stems]


_SDK_COMPUTED = "Computed by the API vendor's own SDKs, not sent by the server: this client has it only where a server sends it (usually `None`)."

_NOT_KEYS = frozenset({"False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield"})


def _union_expr(u: ir.Union, side: Side, types: Types, quote: frozenset[str]) -> tuple[str, str | None, UnknownView | None]:
    """(what mypy reads, what pydantic validates where it differs, the Unknown model): a tagged
    response union reads an unknown tag into `Unknown<Name>`, which its type hint names too."""
    parts: list[str] = []
    for v in u.variants:
        spelled = types.spell(v.type, side, quote=quote)
        if spelled not in parts:
            parts.append(spelled)
    if len(parts) == 1:
        return parts[0], None, None
    expr = "Union[" + ", ".join(parts) + "]"
    if side == "response" and u.discriminator is not None and u.default_variant is not None:
        # 3.2 `defaultMapping`: a tag the table does not list reads as the default variant
        table = _tag_table(u, types, quote)
        if table is not None:
            return expr, table + "]", None
    disc = _discriminator(u, types) if side == "response" else None
    tagged = _tag_table(u, types, quote) if side == "response" and disc is None else None
    if tagged is not None:
        # tag values are not Literal fields (a discriminator without `mapping`, string tags):
        # the IR's table of tag values picks the variant
        validated, disc = tagged, u.discriminator
    elif disc is None:
        return expr, None, None
    else:
        validated = f"Annotated[{expr}, Field(discriminator={py_string(disc)})"
    assert disc is not None
    if tagged is not None and not all(types.api.model(v.type.ref or "").field_map.get(disc, _NO_FIELD).py_name == disc for v in u.variants):
        return expr, validated + "]", None  # no attribute for the tag: an unknown tag stays raw data
    if u.unknown_name is None:
        return (expr, validated + "]", None) if tagged is not None else (validated + "]", None, None)
    unknown = UnknownView(u.unknown_name, u.name, disc)
    hint = "Union[" + ", ".join(parts + [unknown.name]) + "]"
    return hint, f"{validated}, Unknown({unknown.name})]", unknown


_NO_FIELD = ir.Field("", "", ir.TypeExpr("any"), False)


def _tag_table(u: ir.Union, types: Types, quote: frozenset[str]) -> str | None:
    """`Annotated[Union[Annotated[Cat, _Tag(..)], ...], _by_tag(property, {value: Tag}[, default])`
    (without its closing bracket) for an explicit discriminator whose every variant the IR's
    dispatch table selects (or is the default variant, 3.2 `defaultMapping`, which takes every
    tag the table does not list); None otherwise. Without a default, every variant is a model
    (an unknown tag is then read into `Unknown<Name>`)."""
    table = u.dispatch()
    default = u.default_variant
    names = [v.name for v in u.variants]
    reached = set(table.values()) | ({names.index(default)} if default in names else set())
    if u.discriminator is None or reached != set(range(len(u.variants))):
        return None
    members: list[str] = []
    for v in u.variants:
        if default is None and (v.type.kind != "model" or v.type.nullable or v.type.ref not in types.api.model_map):
            return None
        members.append(f"Annotated[{types.spell(v.type, 'response', quote=quote)}, _Tag({py_string(v.name)})]")
    values = "{" + ", ".join(f"{py_string(k)}: {py_string(names[i])}" for k, i in table.items()) + "}"
    fallback = f", {py_string(default)}" if default is not None else ""
    return f"Annotated[Union[{', '.join(members)}], _by_tag({py_string(u.discriminator)}, {values}{fallback})"


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

