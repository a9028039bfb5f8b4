"""Normalize: spec -> IR. Every decision about meaning is made here.

- oneOf/anyOf -> unions, with an explicit discriminator or one inferred from a required
  single-value `enum`/`const` property that differs per variant;
- anyOf [string, enum of strings] -> an open enum;
- `nullable: true` (3.0), `type: [X, "null"]` and null variants (3.1) -> one `nullable` flag;
- `deprecated: true` anywhere -> a Deprecation with the replacement parsed from the text;
- allOf merged; recursion kept as references to named definitions;
- every name made unique, stable and Python-safe;
- paths mapped to resources (`client.chat.completions.create`);
- a path key's own query (`/responses?beta=true`) -> `Operation.fixed_query`, sent on every call;
- header and cookie names that are not HTTP tokens (no client can send them) -> a warning, and
  the parameter or apiKey scheme is left out (the scheme becomes kind `other`); query names may
  be any text (percent-encoded on the wire), control characters there are only warned about.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any, Iterable
from urllib.parse import parse_qsl

from generator import ir
from generator.diagnostics import Diagnostics, join_pointer
from generator.load import Documents
from generator.naming import MODEL_RESERVED, PY_RESERVED, Namer, pascal, safe_identifier, snake

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PRIMITIVES = {"string", "integer", "number", "boolean", "null", "object", "array"}
# names the generated client's modules import beside the API's types (never handed to a schema)
CLIENT_RUNTIME_NAMES = frozenset(
    {"Annotated", "Mapping", "Sequence", "Required", "TypeAlias", "TypeAliasType", "TypedDict", "SyncPage", "AsyncPage", "FileContent"}
)
# an HTTP token (RFC 9110 5.6.2): what header and cookie names must be
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_DISCRIMINATOR_PREFERENCE = ("type", "role", "object", "kind", "event", "status")
_REPLACEMENT_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"deprecated[^.]*?\bin\s+favou?r\s+of\s+(?:the\s+)?`([^`]+)`",
        r"\breplaced\s+(?:by|with)\s+(?:the\s+)?`([^`]+)`",
        r"\buse\s+`([^`]+)`\s+instead",
        r"deprecated[^.]*?\bin\s+favou?r\s+of\s+(?:the\s+)?([A-Za-z_][\w.]*[\w])",
        r"\breplaced\s+(?:by|with)\s+(?:the\s+)?([A-Za-z_][\w.]*[\w])",
        r"deprecated[^.]*?\buse\s+`?([A-Za-z_][\w.]*[\w])`?",
    )
]


def parse_replacement(description: str | None) -> str | None:
    """The replacement named by a deprecation text ("Deprecated in favor of `tools`")."""
    if not description:
        return None
    for rx in _REPLACEMENT_PATTERNS:
        m = rx.search(description)
        if m:
            name = m.group(1).strip().strip(".")
            if name.lower() not in {"the", "a", "an", "this", "it"}:
                return name
    return None


def _deprecation(node: Any, description: str | None = None) -> ir.Deprecation | None:
    if isinstance(node, dict) and node.get("deprecated") is True:
        text = description if description is not None else _text(node.get("description"))
        return ir.Deprecation(parse_replacement(text), text.strip().splitlines()[0] if text.strip() else "")
    return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _examples(node: dict[str, Any]) -> tuple[Any, ...]:
    out: list[Any] = []
    if "example" in node:
        out.append(node["example"])
    ex = node.get("examples")
    if isinstance(ex, list):
        out.extend(ex)
    elif isinstance(ex, dict):  # media-type examples: {name: {value: ...}}
        for v in ex.values():
            if isinstance(v, dict) and "value" in v:
                out.append(v["value"])
    return tuple(out)


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return v


def _int(v: Any) -> int | None:
    if isinstance(v, bool) or not isinstance(v, int):
        return None
    return v


def _constraints(node: dict[str, Any], version: str) -> ir.Constraints:
    exmin, exmax = node.get("exclusiveMinimum"), node.get("exclusiveMaximum")
    minimum, maximum = _num(node.get("minimum")), _num(node.get("maximum"))
    ex_min_v = ex_max_v = None
    if isinstance(exmin, bool):  # 3.0: a flag on minimum
        if exmin and minimum is not None:
            ex_min_v, minimum = minimum, None
    else:
        ex_min_v = _num(exmin)
    if isinstance(exmax, bool):
        if exmax and maximum is not None:
            ex_max_v, maximum = maximum, None
    else:
        ex_max_v = _num(exmax)
    pattern = node.get("pattern")
    return ir.Constraints(
        minimum=minimum,
        maximum=maximum,
        exclusive_minimum=ex_min_v,
        exclusive_maximum=ex_max_v,
        multiple_of=_num(node.get("multipleOf")),
        min_length=_int(node.get("minLength")),
        max_length=_int(node.get("maxLength")),
        pattern=pattern if isinstance(pattern, str) else None,
        min_items=_int(node.get("minItems")),
        max_items=_int(node.get("maxItems")),
        unique_items=node.get("uniqueItems") is True,
        min_properties=_int(node.get("minProperties")),
        max_properties=_int(node.get("maxProperties")),
    )


Key = tuple[str, str]  # (file, pointer)


@dataclass
class _ModelDraft:
    name: str
    pointer: str
    fields: list[ir.Field] = field(default_factory=list)
    additional: ir.TypeExpr | None = None
    description: str = ""
    title: str | None = None
    deprecated: ir.Deprecation | None = None
    examples: tuple[Any, ...] = ()
    closed: bool = False
    alternatives: tuple[tuple[str, ...], ...] = ()
    alternatives_exclusive: bool = False


@dataclass
class _Ctx:
    """Where a schema is being converted from: the file, the pointer, a name hint."""

    file: str
    pointer: str
    hint: str


class Normalizer:
    """Converts loaded documents into an ir.Api, recording diagnostics as it goes."""

    def __init__(self, docs: Documents, diags: Diagnostics):
        self.docs = docs
        self.diags = diags
        self.root: dict[str, Any] = docs.main.data
        self.main = docs.main.name
        self.version = self._version()
        self.types = Namer(reserved=PY_RESERVED | {"Any", "List", "Dict", "Optional", "Union", "Literal", "BaseModel", "Field", "Client", "AsyncClient", "Stream", "AsyncStream", "NotGiven", "NOT_GIVEN"} | CLIENT_RUNTIME_NAMES)
        self.memo: dict[Key, ir.TypeExpr] = {}
        self.in_progress: set[Key] = set()
        self.ref_stack: set[Key] = set()  # `$ref` sites being followed: a revisit is a pure-ref cycle
        self.component_names: dict[Key, str] = {}
        self.models: dict[str, _ModelDraft] = {}
        self.model_order: list[str] = []
        self.enums: dict[str, ir.Enum] = {}
        self.unions: dict[str, ir.Union] = {}
        self.deprecated: list[ir.DeprecatedItem] = []
        self._deprecated_seen: set[str] = set()
        self.degraded: list[dict[str, str]] = []

    # ----------------------------------------------------------------- helpers

    def where(self, file: str, pointer: str) -> str:
        """The `where` of an item: a JSON pointer, prefixed by `file#` outside the main spec."""
        return self.docs.where(file, pointer)

    def _version(self) -> str:
        root = self.root
        if "swagger" in root:
            self.diags.error(
                "swagger-2",
                f"this is a Swagger {root.get('swagger')} document; specgen reads OpenAPI 3.0 and 3.1",
                hint="convert it to OpenAPI 3 first (for example with the swagger2openapi tool or the Swagger Editor's 'convert to OpenAPI 3'), then run specgen on the result",
                file=self.main,
                pointer="/swagger",
            )
            self.diags.raise_if_errors()
        v = root.get("openapi")
        if v is None:
            if any(k in root for k in ("type", "properties", "$schema", "oneOf", "anyOf", "allOf", "$defs", "definitions", "enum", "items")):
                return "jsonschema"
            self.diags.error(
                "not-a-spec",
                "no `openapi` version and nothing that looks like a JSON Schema",
                hint="add `openapi: 3.1.0` (or 3.0.3) at the top, or point specgen at the right file",
                file=self.main,
                pointer="",
            )
            self.diags.raise_if_errors()
        sv = str(v)
        if sv.startswith("3.0"):
            return "3.0"
        if sv.startswith("3.1") or sv.startswith("3.2"):
            return "3.1"
        self.diags.error(
            "openapi-version",
            f"unsupported openapi version {sv!r}",
            hint="specgen reads OpenAPI 3.0.x and 3.1.x documents",
            file=self.main,
            pointer="/openapi",
        )
        self.diags.raise_if_errors()
        return "3.0"

    def degrade(self, ctx: _Ctx, reason: str) -> ir.TypeExpr:
        """A construct we can't express exactly: `any`, with a note, listed in the manifest."""
        where = self.where(ctx.file, ctx.pointer)
        self.degraded.append({"where": where, "reason": reason})
        return ir.TypeExpr("any", pointer=where, note=reason)

    def note_deprecated(self, kind: str, name: str, file: str, pointer: str, dep: ir.Deprecation | None) -> None:
        if dep is None:
            return
        where = self.where(file, pointer)
        if where in self._deprecated_seen:
            return
        self._deprecated_seen.add(where)
        self.deprecated.append(ir.DeprecatedItem(where, kind, name, dep.replacement))  # type: ignore[arg-type]

    def deref(self, node: Any, file: str, pointer: str, seen: set[Key] | None = None) -> tuple[Any, str, str]:
        """Follow `$ref` chains to a non-ref node; (node, file, pointer). Cycles are errors."""
        seen = seen if seen is not None else set()
        while isinstance(node, dict) and "$ref" in node:
            res = self.docs.resolve(node["$ref"], file, pointer)
            if res is None:
                return None, file, pointer
            key = (res.file, res.pointer)
            if key in seen:
                self.diags.error(
                    "ref-cycle",
                    f"$ref cycle with nothing in between: {node['$ref']!r} leads back to itself",
                    hint="point one of the $refs at a real schema",
                    file=file,
                    pointer=pointer + "/$ref",
                )
                return None, file, pointer
            seen.add(key)
            node, file, pointer = res.node, res.file, res.pointer
        return node, file, pointer

    # --------------------------------------------------------------- names

    def _claim_component_names(self) -> None:
        """Component schemas keep their names; claim them before any inline title can."""
        if self.version == "jsonschema":
            base = _text(self.root.get("title")) or self.main.rsplit(".", 1)[0].split(".")[0]
            self.component_names[(self.main, "")] = self.types.claim(pascal(base, "Root"))
            for section in ("$defs", "definitions"):
                defs = self.root.get(section)
                if isinstance(defs, dict):
                    for name in defs:
                        self.component_names[(self.main, join_pointer("/" + section, name))] = self.types.claim(pascal(name, "Schema"))
            return
        comps = self.root.get("components")
        schemas = comps.get("schemas") if isinstance(comps, dict) else None
        if isinstance(schemas, dict):
            for name in schemas:
                self.component_names[(self.main, join_pointer("/components/schemas", name))] = self.types.claim(pascal(name, "Schema"))

    def _name_for(self, key: Key, node: dict[str, Any], hint: str) -> str:
        if key in self.component_names:
            return self.component_names[key]
        file, pointer = key
        if file != self.main and pointer == "":
            stem = file.rsplit("/", 1)[-1].split(".")[0]
            name = self.types.claim(pascal(_text(node.get("title")) or stem, "Schema"))
        elif file != self.main and re.fullmatch(r"/(\$defs|definitions|components/schemas)/[^/]+", pointer):
            name = self.types.claim(pascal(pointer.rsplit("/", 1)[-1], "Schema"))
        else:
            title = _text(node.get("title"))
            name = self.types.claim(pascal(title, "Schema") if title and len(title) <= 60 else pascal(hint, "Schema"))
        self.component_names[key] = name
        return name

    # ------------------------------------------------------------- schemas

    def schema(self, node: Any, ctx: _Ctx) -> ir.TypeExpr:
        """Convert the schema `node` found at (ctx.file, ctx.pointer)."""
        if node is True or node is None:
            return ir.TypeExpr("any", pointer=self.where(ctx.file, ctx.pointer))
        if node is False:
            return self.degrade(ctx, "schema `false` (nothing is valid)")
        if not isinstance(node, dict):
            self.diags.warning(
                "bad-schema",
                f"a schema must be an object, not {type(node).__name__}",
                hint="write a JSON Schema object here",
                file=ctx.file,
                pointer=ctx.pointer,
            )
            return self.degrade(ctx, "schema is not an object")
        if "$ref" in node:
            site = (ctx.file, ctx.pointer)
            if site in self.ref_stack:
                self.diags.error(
                    "ref-cycle",
                    f"$ref cycle with no schema in between: {node['$ref']!r} leads back here",
                    hint="point one of the $refs in the cycle at a real schema",
                    file=ctx.file,
                    pointer=ctx.pointer + "/$ref",
                )
                return self.degrade(ctx, "$ref cycle")
            self.ref_stack.add(site)
            try:
                return self._ref(node, ctx)
            finally:
                self.ref_stack.discard(site)
        key = (ctx.file, ctx.pointer)
        if key in self.memo:
            return self.memo[key]
        if key in self.in_progress:
            return self.degrade(ctx, "recursive schema with no object in between")
        self.in_progress.add(key)
        try:
            t = self._convert(node, ctx)
        finally:
            self.in_progress.discard(key)
        self.memo[key] = t
        return t

    def _ref(self, node: dict[str, Any], ctx: _Ctx) -> ir.TypeExpr:
        res = self.docs.resolve(node["$ref"], ctx.file, ctx.pointer)
        if res is None:
            return self.degrade(ctx, f"unresolvable $ref {node.get('$ref')!r}")
        key = (res.file, res.pointer)
        hint = self.component_names.get(key, ctx.hint)
        t = self.schema(res.node, _Ctx(res.file, res.pointer, hint))
        nullable = node.get("nullable") is True
        if nullable and not t.nullable:
            t = t.with_nullable()
        return t

    def _register(self, key: Key, t: ir.TypeExpr) -> None:
        """Make a named definition visible before its body is converted (recursion)."""
        self.memo[key] = t

    def _convert(self, node: dict[str, Any], ctx: _Ctx) -> ir.TypeExpr:
        where = self.where(ctx.file, ctx.pointer)
        nullable = node.get("nullable") is True
        raw_type = node.get("type")
        types: list[str] = []
        if isinstance(raw_type, str):
            types = [raw_type]
        elif isinstance(raw_type, list):
            types = [t for t in raw_type if isinstance(t, str)]
        elif raw_type is not None:
            self.diags.warning("bad-type", f"`type` must be a string or a list, not {type(raw_type).__name__}", hint="write type: string (or another JSON Schema type)", file=ctx.file, pointer=ctx.pointer + "/type")
        unknown = [t for t in types if t not in _PRIMITIVES]
        if unknown:
            self.diags.warning(
                "unknown-type",
                f"unknown type {unknown[0]!r}",
                hint="use one of string, integer, number, boolean, object, array, null",
                file=ctx.file,
                pointer=ctx.pointer + "/type",
            )
            types = [t for t in types if t in _PRIMITIVES]
            if not types:
                return self.degrade(ctx, f"unknown type {unknown[0]!r}")
        if "null" in types:
            nullable = True
            types = [t for t in types if t != "null"]
            if not types and not any(k in node for k in ("oneOf", "anyOf", "allOf", "enum", "const", "properties")):
                return ir.TypeExpr("null", pointer=where, nullable=True)

        if "allOf" in node:
            return self._allof(node, ctx, nullable)
        for kw in ("oneOf", "anyOf"):
            if kw in node and isinstance(node[kw], list):
                if _required_alternatives(node, kw) is not None:
                    return self._object(node, ctx, nullable)  # an object whose union only says which fields are required
                return self._union(node, kw, ctx, nullable)

        if "const" in node:
            return ir.TypeExpr("literal", values=(node["const"],), nullable=nullable, pointer=where)
        if "enum" in node and isinstance(node["enum"], list):
            values = list(node["enum"])
            if None in values:
                nullable = True
                values = [v for v in values if v is not None]
            if not values:
                return ir.TypeExpr("null", nullable=True, pointer=where)
            if len(values) == 1:
                return ir.TypeExpr("literal", values=(values[0],), nullable=nullable, pointer=where)
            return self._enum(node, values, ctx, nullable, is_open=False)

        if len(types) > 1:
            variants = tuple(self._convert({**node, "type": t, "nullable": False}, _Ctx(ctx.file, ctx.pointer, ctx.hint)) for t in types)
            return ir.TypeExpr("union", variants=variants, nullable=nullable, pointer=where)
        kind = types[0] if types else None
        if kind is None:
            if any(k in node for k in ("properties", "additionalProperties", "patternProperties", "required")):
                kind = "object"
            elif any(k in node for k in ("items", "prefixItems")):
                kind = "array"
            elif any(k in node for k in ("minLength", "maxLength", "pattern")):
                kind = "string"
            elif any(k in node for k in ("minimum", "maximum", "multipleOf", "exclusiveMinimum", "exclusiveMaximum")):
                kind = "number"
        cons = _constraints(node, self.version)
        fmt = node.get("format") if isinstance(node.get("format"), str) else None
        if kind == "object":
            return self._object(node, ctx, nullable)
        if kind == "array":
            items = node.get("items")
            if items is None and "prefixItems" in node:
                item = self.degrade(_Ctx(ctx.file, ctx.pointer + "/prefixItems", ctx.hint), "tuple (prefixItems) typed as a list of any")
            elif isinstance(items, list):  # draft-4 tuple form
                item = self.degrade(_Ctx(ctx.file, ctx.pointer + "/items", ctx.hint), "tuple (items as a list) typed as a list of any")
            else:
                item = self.schema(items, _Ctx(ctx.file, ctx.pointer + "/items", ctx.hint + "Item"))
            return ir.TypeExpr("array", item=item, nullable=nullable, constraints=cons, pointer=where)
        if kind == "string" and fmt in ("binary",):
            return ir.TypeExpr("binary", nullable=nullable, format=fmt, pointer=where)
        if kind in ("string", "integer", "number", "boolean"):
            return ir.TypeExpr(kind, nullable=nullable, format=fmt, constraints=cons, pointer=where)  # type: ignore[arg-type]
        return ir.TypeExpr("any", nullable=nullable, pointer=where)

    def _enum(self, node: dict[str, Any], values: list[Any], ctx: _Ctx, nullable: bool, is_open: bool) -> ir.TypeExpr:
        key = (ctx.file, ctx.pointer)
        name = self._name_for(key, node, ctx.hint)
        kinds = {type(v) for v in values}
        if kinds <= {str}:
            vt = "string"
        elif kinds <= {int} :
            vt = "integer"
        elif kinds <= {int, float}:
            vt = "number"
        elif kinds <= {bool}:
            vt = "boolean"
        else:
            vt = "mixed"
        members = Namer(reserved={"name", "value", "mro"})
        out: list[ir.EnumMember] = []
        seen: list[Any] = []
        for v in values:
            if any(v == s and type(v) is type(s) for s in seen):
                continue
            seen.append(v)
            out.append(ir.EnumMember(members.claim(_member_name(v)), v))
        dep = _deprecation(node)
        self.note_deprecated("schema", name, ctx.file, ctx.pointer, dep)
        self.enums[name] = ir.Enum(
            name=name,
            members=tuple(out),
            value_type=vt,  # type: ignore[arg-type]
            open=is_open,
            description=_text(node.get("description")),
            deprecated=dep,
            pointer=self.where(ctx.file, ctx.pointer),
        )
        return ir.TypeExpr("enum", ref=name, nullable=nullable, pointer=self.where(ctx.file, ctx.pointer))

    # objects and allOf -------------------------------------------------------

    def _object_parts(self, node: dict[str, Any], file: str, pointer: str, depth: int = 0) -> tuple[list[tuple[str, Any, str, str]], set[str], tuple[Any, str, str] | None, dict[str, Any]]:
        """Properties (name, schema, file, pointer), required names, additionalProperties and
        other keywords of an object schema, with allOf parts merged in order."""
        props: list[tuple[str, Any, str, str]] = []
        required: set[str] = set()
        additional: tuple[Any, str, str] | None = None
        extra: dict[str, Any] = {}
        if depth > 32:
            return props, required, additional, extra
        parts: list[Any] = node["allOf"] if isinstance(node.get("allOf"), list) else []
        for i, part in enumerate(parts):
            target, pfile, pptr = self.deref(part, file, join_pointer(pointer, "allOf", i))
            if not isinstance(target, dict):
                continue
            p, r, a, e = self._object_parts(target, pfile, pptr, depth + 1)
            props.extend(p)
            required |= r
            if a is not None:
                additional = a
            for k, v in e.items():
                extra.setdefault(k, v)
        own = node.get("properties")
        if isinstance(own, dict):
            for name, sub in own.items():
                props.append((str(name), sub, file, join_pointer(pointer, "properties", name)))
        req = node.get("required")
        if isinstance(req, list):
            required |= {str(r) for r in req}
        if "additionalProperties" in node:
            additional = (node["additionalProperties"], file, pointer + "/additionalProperties")
        for k in ("description", "title", "example", "examples"):
            if k in node and k not in extra:
                extra[k] = node[k]
        return props, required, additional, extra

    def _allof(self, node: dict[str, Any], ctx: _Ctx, nullable: bool) -> ir.TypeExpr:
        parts = node["allOf"] if isinstance(node["allOf"], list) else []
        own_shape = any(k in node for k in ("properties", "additionalProperties", "oneOf", "anyOf", "enum", "items"))
        if len(parts) == 1 and not own_shape:
            # `allOf: [$ref]` is how 3.0 specs attach a description or nullable to a reference
            t = self.schema(parts[0], _Ctx(ctx.file, ctx.pointer + "/allOf/0", ctx.hint))
            return t.with_nullable() if nullable and not t.nullable else t
        resolved = [self.deref(p, ctx.file, join_pointer(ctx.pointer, "allOf", i))[0] for i, p in enumerate(parts)]
        objecty = all(
            isinstance(r, dict) and (r.get("type") in (None, "object") or "properties" in r) and not any(k in r for k in ("oneOf", "anyOf", "enum"))
            for r in resolved
        )
        if not objecty:
            for i, r in enumerate(resolved):
                if isinstance(r, dict) and (r.get("type") not in (None, "object") or "enum" in r):
                    t = self.schema(parts[i], _Ctx(ctx.file, join_pointer(ctx.pointer, "allOf", i), ctx.hint))
                    return self._note_partial(t, ctx, "allOf of non-object schemas: only the first typed part is used")
            for i, r in enumerate(resolved):
                if isinstance(r, dict) and any(k in r for k in ("oneOf", "anyOf")):
                    t = self.schema(parts[i], _Ctx(ctx.file, join_pointer(ctx.pointer, "allOf", i), ctx.hint))
                    return self._note_partial(t, ctx, "allOf with a union part: the union is used, other parts' fields are left to the union")
        return self._object(node, ctx, nullable)

    def _note_partial(self, t: ir.TypeExpr, ctx: _Ctx, reason: str) -> ir.TypeExpr:
        self.degraded.append({"where": self.where(ctx.file, ctx.pointer), "reason": reason})
        return t

    def _object(self, node: dict[str, Any], ctx: _Ctx, nullable: bool) -> ir.TypeExpr:
        key = (ctx.file, ctx.pointer)
        where = self.where(ctx.file, ctx.pointer)
        props, required, additional, extra = self._object_parts(node, ctx.file, ctx.pointer)
        if not props:
            # a free-form object: a map
            if additional is None or additional[0] is True or additional[0] == {}:
                value = ir.TypeExpr("any", pointer=where)
            elif additional[0] is False:
                value = ir.TypeExpr("any", pointer=where)
            else:
                value = self.schema(additional[0], _Ctx(additional[1], additional[2], ctx.hint + "Value"))
            return ir.TypeExpr("map", item=value, nullable=nullable, constraints=_constraints(node, self.version), pointer=where)
        name = self._name_for(key, node, ctx.hint)
        ref = ir.TypeExpr("model", ref=name, nullable=False, pointer=where)
        self._register(key, ref)
        dep = _deprecation(node)
        self.note_deprecated("schema", name, ctx.file, ctx.pointer, dep)
        draft = _ModelDraft(name, where, description=_text(extra.get("description")), title=_text(extra.get("title")) or None, deprecated=dep, examples=_examples(extra))
        draft.closed = additional is not None and additional[0] is False
        for kw in ("oneOf", "anyOf"):
            alts = _required_alternatives(node, kw)
            if alts is not None:
                # `not: {required: [a, b]}` beside `anyOf` makes the sets exclusive too
                nots = node.get("not")
                every = {n for alt in alts for n in alt}
                exclusive = kw == "oneOf" or (isinstance(nots, dict) and set(nots) == {"required"} and isinstance(nots["required"], list) and set(map(str, nots["required"])) == every)
                draft.alternatives, draft.alternatives_exclusive = alts, exclusive
                break
        self.models[name] = draft
        self.model_order.append(name)
        fnames = Namer(reserved=MODEL_RESERVED | PY_RESERVED)
        by_name: dict[str, int] = {}
        for pname, sub, pfile, pptr in props:
            f = self._field(pname, sub, pfile, pptr, name, pname in required, fnames)
            if pname in by_name:  # allOf parts redefining a property: the later one wins
                old = draft.fields[by_name[pname]]
                draft.fields[by_name[pname]] = replace(f, py_name=old.py_name)
            else:
                by_name[pname] = len(draft.fields)
                draft.fields.append(f)
        missing = sorted(required - set(by_name))
        if missing and additional is not None and additional[0] is False:
            self.diags.warning(
                "unsatisfiable-required",
                f"{', '.join(repr(m) for m in missing)} required but not declared, and additionalProperties is false: no object can satisfy this schema",
                hint="declare the property under `properties`, or remove it from `required`",
                file=ctx.file,
                pointer=ctx.pointer + "/required",
            )
        if missing and additional is None:
            # `required` naming properties that are not declared: keep them, typed any
            for pname in missing:
                draft.fields.append(ir.Field(pname, fnames.claim(_field_py_name(pname)), ir.TypeExpr("any", pointer=where), True, pointer=where))
        if additional is not None and additional[0] is not False:
            if additional[0] is True or additional[0] == {}:
                draft.additional = ir.TypeExpr("any", pointer=where)
            else:
                draft.additional = self.schema(additional[0], _Ctx(additional[1], additional[2], name + "Value"))
        return ref.with_nullable(nullable) if nullable else ref

    def _field(self, pname: str, sub: Any, pfile: str, pptr: str, model: str, required: bool, fnames: Namer) -> ir.Field:
        site = sub if isinstance(sub, dict) else {}
        target, _, _ = self.deref(site, pfile, pptr) if "$ref" in site else (site, pfile, pptr)
        target = target if isinstance(target, dict) else {}
        description = _text(site.get("description")) or _text(target.get("description"))
        dep = _deprecation(site, description) or _deprecation_in_allof(site, description)
        # noted before the schema is converted: an inline schema's deprecation is the property's
        self.note_deprecated("property", pname, pfile, pptr, dep)
        t = self.schema(sub, _Ctx(pfile, pptr, model + pascal(pname, "Field")))
        has_default = "default" in site or "default" in target
        default = site.get("default", target.get("default"))
        return ir.Field(
            name=pname,
            py_name=fnames.claim(_field_py_name(pname)),
            type=t,
            required=required,
            description=description,
            title=_text(site.get("title")) or None,
            default=default,
            has_default=has_default,
            deprecated=dep,
            read_only=site.get("readOnly") is True or target.get("readOnly") is True,
            write_only=site.get("writeOnly") is True or target.get("writeOnly") is True,
            examples=_examples(site) or _examples(target),
            pointer=self.where(pfile, pptr),
        )

    # unions -----------------------------------------------------------------

    def _union(self, node: dict[str, Any], kw: str, ctx: _Ctx, nullable: bool) -> ir.TypeExpr:
        where = self.where(ctx.file, ctx.pointer)
        subs: list[tuple[Any, str, str, Any]] = []  # (site, file, pointer, resolved target)
        for i, sub in enumerate(node[kw]):
            sptr = join_pointer(ctx.pointer, kw, i)
            target, tfile, tptr = self.deref(sub, ctx.file, sptr)
            if _is_null_schema(target):
                nullable = True
                continue
            subs.append((sub, ctx.file, sptr, target))
        if not subs:
            return ir.TypeExpr("null", nullable=True, pointer=where)
        # anyOf/oneOf [string, enum of strings] -> an open enum
        open_values = _open_enum_values(node, [s[3] for s in subs])
        if open_values is not None:
            return self._enum(node, open_values, ctx, nullable, is_open=True)
        if len(subs) == 1:
            key = (ctx.file, ctx.pointer)
            sub_key = (subs[0][1], subs[0][2])
            if key in self.component_names and sub_key not in self.component_names and not (isinstance(subs[0][0], dict) and "$ref" in subs[0][0]):
                # `Name: anyOf [{inline object}, null]`: the inline object is `Name`
                self.component_names[sub_key] = self.component_names[key]
            t = self.schema(subs[0][0], _Ctx(subs[0][1], subs[0][2], ctx.hint))
            return t.with_nullable() if nullable and not t.nullable else t
        key = (ctx.file, ctx.pointer)
        name = self._name_for(key, node, ctx.hint)
        ref = ir.TypeExpr("union", ref=name, pointer=where)
        self._register(key, ref)
        variants: list[ir.Variant] = []
        for i, (sub, sfile, sptr, target) in enumerate(subs):
            title = _text(target.get("title")) if isinstance(target, dict) else ""
            dep = _deprecation(target) if isinstance(target, dict) else None
            if dep is None and isinstance(sub, dict) and "$ref" in sub:
                dep = _deprecation(sub)
            if isinstance(sub, dict) and "$ref" not in sub:
                # an inline variant's deprecation is the variant's, not a schema's
                self.note_deprecated("variant", title or f"variant {i + 1}", sfile, sptr, dep)
            vt = self.schema(sub, _Ctx(sfile, sptr, name + (pascal(title, "") if title else _shape_suffix(target))))
            variants.append(ir.Variant(name=_variant_name(vt, title, i), type=vt, title=title or None, deprecated=dep, pointer=self.where(sfile, sptr)))
        disc, inferred, tags = self._discriminate(node, variants, ctx)
        final: list[ir.Variant] = []
        vnames = Namer()
        for v, tag in zip(variants, tags):
            vname = v.name
            if tag is not None and v.type.kind != "model":
                vname = str(tag)
            v = replace(v, tag=tag, name=vnames.claim(vname))
            self.note_deprecated("variant", v.name, *self.docs.split_where(v.pointer), v.deprecated)
            final.append(v)
        dep = _deprecation(node)
        self.note_deprecated("schema", name, ctx.file, ctx.pointer, dep)
        self.unions[name] = ir.Union(
            name=name,
            variants=tuple(final),
            discriminator=disc,
            inferred=inferred,
            keyword=kw,  # type: ignore[arg-type]
            description=_text(node.get("description")),
            deprecated=dep,
            pointer=where,
        )
        return ref.with_nullable(nullable) if nullable else ref

    def _discriminate(self, node: dict[str, Any], variants: list[ir.Variant], ctx: _Ctx) -> tuple[str | None, bool, list[Any]]:
        """(property, inferred?, tag per variant). Explicit discriminators win; otherwise infer."""
        none: list[Any] = [None] * len(variants)
        models = [self.models.get(v.type.ref or "") if v.type.kind == "model" else None for v in variants]
        disc = node.get("discriminator")
        if isinstance(disc, dict) and isinstance(disc.get("propertyName"), str):
            prop = disc["propertyName"]
            mapping: dict[str, Any] = disc["mapping"] if isinstance(disc.get("mapping"), dict) else {}
            by_target: dict[str, Any] = {}
            tag: Any
            for tag, target in mapping.items():
                res = self.docs.resolve(target, ctx.file, ctx.pointer + "/discriminator/mapping") if isinstance(target, str) and ("#" in target or "/" in target) else None
                if res is not None:
                    by_target[self.where(res.file, res.pointer)] = tag
                elif isinstance(target, str):
                    by_target[target] = tag
            tags: list[Any] = []
            for v, m in zip(variants, models):
                tag = by_target.get(v.type.pointer)
                if tag is None and m is not None:
                    tag = by_target.get(m.name)
                if tag is None and m is not None:
                    f = next((f for f in m.fields if f.name == prop), None)
                    if f is not None and f.type.kind == "literal" and len(f.type.values) == 1:
                        tag = f.type.values[0]
                    elif f is not None and f.type.kind == "enum" and f.type.ref in self.enums and len(self.enums[f.type.ref].members) == 1:
                        tag = self.enums[f.type.ref].members[0].value
                if tag is None and m is not None and v.type.pointer.startswith("/components/schemas/"):
                    tag = v.type.pointer.rsplit("/", 1)[-1]
                tags.append(tag)
            return prop, False, tags
        if any(m is None for m in models):
            return None, False, none
        candidates: list[str] | None = None
        per_variant: list[dict[str, Any]] = []
        for m in models:
            assert m is not None
            lits = {
                f.name: f.type.values[0]
                for f in m.fields
                if f.required and f.type.kind == "literal" and len(f.type.values) == 1 and not f.type.nullable and isinstance(f.type.values[0], (str, int))
            }
            per_variant.append(lits)
            names = [n for n in (f.name for f in m.fields) if n in lits]
            candidates = names if candidates is None else [n for n in candidates if n in lits]
        if not candidates:
            return None, False, none
        ordered = [p for p in _DISCRIMINATOR_PREFERENCE if p in candidates] + [p for p in candidates if p not in _DISCRIMINATOR_PREFERENCE]
        for prop in ordered:
            tags = [pv[prop] for pv in per_variant]
            if len({(type(t), t) for t in tags}) == len(tags):
                return prop, True, tags
        return None, False, none

    # ---------------------------------------------------------- operations

    def run(self) -> ir.Api:
        self._claim_component_names()
        operations = self._operations() if self.version != "jsonschema" else []
        # every component becomes a definition even when no operation reaches it
        if self.version == "jsonschema":
            self.schema(self.root, _Ctx(self.main, "", self.component_names[(self.main, "")]))
        for (file, pointer), name in list(self.component_names.items()):
            node, _, _ = self.deref({"$ref": "#" + pointer}, file, "") if pointer else (self.root, file, pointer)
            if (file, pointer) not in self.memo and node is not None:
                self.schema(node, _Ctx(file, pointer, name))
        return self._finish(operations)

    def _operations(self) -> list[ir.Operation]:
        paths = self.root.get("paths")
        if paths is None:
            if not isinstance(self.root.get("webhooks"), dict) and not isinstance(self.root.get("components"), dict):
                self.diags.warning("no-paths", "the spec has no `paths`: no client methods will be generated", hint="add paths, or ignore this for a models-only spec", file=self.main, pointer="")
            return []
        if not isinstance(paths, dict):
            self.diags.error("bad-paths", "`paths` must be a mapping of path to path item", hint="write paths: {/things: {get: ...}}", file=self.main, pointer="/paths")
            return []
        ops: list[ir.Operation] = []
        op_ids = Namer(sep="_")
        seen_ids: dict[str, str] = {}
        for path, item in paths.items():
            ppath = join_pointer("/paths", path)
            if not isinstance(path, str) or not path.startswith("/"):
                self.diags.warning("bad-path", f"path {path!r} does not start with '/'", hint="write paths as /segment/{param}", file=self.main, pointer=ppath)
                path = "/" + str(path)
            item, ifile, iptr = self.deref(item, self.main, ppath)
            if not isinstance(item, dict):
                if item is not None:
                    self.diags.error("bad-path-item", f"path item {path!r} must be a mapping", hint="write methods (get, post...) under the path", file=self.main, pointer=ppath)
                continue
            for method in METHODS:
                op = item.get(method)
                if op is None:
                    continue
                optr = join_pointer(iptr, method)
                if not isinstance(op, dict):
                    self.diags.error("bad-operation", f"{method.upper()} {path} must be a mapping", hint="describe the operation with responses, parameters...", file=ifile, pointer=optr)
                    continue
                raw_id = op.get("operationId")
                base_id = raw_id if isinstance(raw_id, str) and raw_id.strip() else snake(f"{method} {path}", "operation")
                op_id = op_ids.claim(base_id)
                if op_id != base_id:
                    self.diags.warning(
                        "duplicate-operation-id",
                        f"operationId {base_id!r} is used by {seen_ids[base_id]} and again by {method.upper()} {path}; this one is named {op_id!r}",
                        hint="give every operation a unique operationId",
                        file=ifile,
                        pointer=optr + "/operationId",
                    )
                seen_ids.setdefault(base_id, f"{method.upper()} {path}")
                ops.append(self._operation(op_id, method, path, op, item, ifile, optr, iptr))
        self._assign_resources(ops)
        return ops

    def _parameters(self, op: dict[str, Any], item: dict[str, Any], path: str, file: str, optr: str, iptr: str) -> list[ir.Parameter]:
        merged: dict[tuple[str, str], tuple[dict[str, Any], str, str]] = {}
        for src, sptr in ((item.get("parameters"), iptr + "/parameters"), (op.get("parameters"), optr + "/parameters")):
            if src is None:
                continue
            if not isinstance(src, list):
                self.diags.warning("bad-parameters", "`parameters` must be a list", hint="write parameters as a list of parameter objects", file=file, pointer=sptr)
                continue
            for i, p in enumerate(src):
                target, pfile, pptr = self.deref(p, file, join_pointer(sptr, i))
                if not isinstance(target, dict) or not isinstance(target.get("name"), str) or target.get("in") not in ("path", "query", "header", "cookie"):
                    if target is not None:
                        self.diags.warning("bad-parameter", "a parameter needs a string `name` and `in` of path, query, header or cookie", hint="fix or remove this parameter", file=pfile, pointer=pptr)
                    continue
                merged[(target["name"], target["in"])] = (target, pfile, pptr)
        template = re.findall(r"{([^}/]+)}", path)
        out: list[ir.Parameter] = []
        for name in template:
            if (name, "path") not in merged:
                self.diags.warning(
                    "undeclared-path-param",
                    f"path parameter {{{name}}} of {path} is not declared; treating it as a required string",
                    hint=f"add a parameter with name: {name}, in: path, required: true",
                    file=file,
                    pointer=optr,
                )
                merged[(name, "path")] = ({"name": name, "in": "path", "required": True, "schema": {"type": "string"}}, file, optr)
        for (name, loc), (p, pfile, pptr) in merged.items():
            if loc == "path" and name not in template:
                self.diags.warning("unused-path-param", f"path parameter {name!r} is not in the path {path}", hint="remove it or add it to the path", file=pfile, pointer=pptr)
                continue
            if not self.wire_name_ok(name, loc, "parameter", pfile, pptr + "/name"):
                continue
            schema = p.get("schema")
            sptr = pptr + "/schema"
            if schema is None and isinstance(p.get("content"), dict) and p["content"]:
                ct = next(iter(p["content"]))
                schema = p["content"][ct].get("schema") if isinstance(p["content"][ct], dict) else None
                sptr = join_pointer(pptr, "content", ct, "schema")
            t = self.schema(schema, _Ctx(pfile, sptr, pascal(name, "Param"))) if schema is not None else ir.TypeExpr("string", pointer=self.where(pfile, pptr))
            target = self.deref(schema, pfile, sptr)[0] if isinstance(schema, dict) else None
            target = target if isinstance(target, dict) else {}
            dep = _deprecation(p)
            self.note_deprecated("parameter", name, pfile, pptr, dep)
            out.append(
                ir.Parameter(
                    name=name,
                    location=loc,  # type: ignore[arg-type]
                    type=t,
                    required=loc == "path" or p.get("required") is True,
                    description=_text(p.get("description")) or _text(target.get("description")),
                    default=target.get("default"),
                    has_default="default" in target,
                    deprecated=dep,
                    style=p.get("style") if isinstance(p.get("style"), str) else None,
                    explode=p.get("explode") if isinstance(p.get("explode"), bool) else None,
                    examples=_examples(p) or _examples(target),
                    pointer=self.where(pfile, pptr),
                )
            )
        order = {n: i for i, n in enumerate(template)}
        out.sort(key=lambda p: (0, order[p.name]) if p.location == "path" else (1, 0))
        return out

    def _operation(self, op_id: str, method: str, path: str, op: dict[str, Any], item: dict[str, Any], file: str, optr: str, iptr: str) -> ir.Operation:
        base = pascal(op_id, "Operation")
        params = self._parameters(op, item, path, file, optr, iptr)
        body: ir.Body | None = None
        rb = op.get("requestBody")
        if rb is not None:
            rb, bfile, bptr = self.deref(rb, file, optr + "/requestBody")
            if isinstance(rb, dict):
                body = self._body(rb, bfile, bptr, base)
        responses: list[ir.Response] = []
        sse_schemas: list[_Ctx | None] = []  # per response: its event-stream schema beside JSON
        raw_responses = op.get("responses")
        if not isinstance(raw_responses, dict) or not raw_responses:
            self.diags.warning(
                "no-responses",
                f"{method.upper()} {path} declares no responses; its result is typed as any",
                hint="add at least one response, e.g. '200': {description: OK}",
                file=file,
                pointer=optr + ("/responses" if "responses" in op else ""),
            )
        else:
            for status, resp in raw_responses.items():
                rptr = join_pointer(optr, "responses", status)
                resp, rfile, rptr2 = self.deref(resp, file, rptr)
                if isinstance(resp, dict):
                    response, sse_at = self._response(str(status), resp, rfile, rptr2, base)
                    responses.append(response)
                    sse_schemas.append(sse_at)
        dep = _deprecation(op)
        self.note_deprecated("operation", op_id, file, optr, dep)
        body_model = None
        if body is not None and body.type.kind == "model" and not body.type.nullable and body.encoding in ("json", "multipart", "form"):
            body_model = body.type.ref
        streaming, stream_param, stream_type = self._streaming(body_model, responses, sse_schemas)
        sec = op.get("security")
        security = None
        if isinstance(sec, list):
            security = tuple(tuple(str(k) for k in req) for req in sec if isinstance(req, dict))
        tags = tuple(str(t) for t in op.get("tags", []) if isinstance(t, (str, int))) if isinstance(op.get("tags"), list) else ()
        operation = ir.Operation(
            id=op_id,
            method=method,
            path=path,
            resource=(),
            py_name="",
            summary=_text(op.get("summary")),
            description=_text(op.get("description")),
            tags=tags,
            deprecated=dep,
            parameters=tuple(params),
            body=body,
            body_model=body_model,
            responses=tuple(responses),
            streaming=streaming,
            stream_param=stream_param,
            stream_type=stream_type,
            security=security,
            pointer=self.where(file, optr),
            # `/responses?beta=true`: the key's own query is sent with every call
            fixed_query=tuple(parse_qsl(path.partition("?")[2], keep_blank_values=True)),
        )
        return replace(operation, arguments=self._arguments(operation), pagination=self._pagination(operation))

    def _media(self, content: Any) -> list[tuple[str, dict[str, Any]]]:
        if not isinstance(content, dict):
            return []
        return [(str(ct), mt if isinstance(mt, dict) else {}) for ct, mt in content.items()]

    def _body(self, rb: dict[str, Any], file: str, ptr: str, base: str) -> ir.Body | None:
        media = self._media(rb.get("content"))
        if not media:
            return None

        def rank(ct: str) -> int:
            c = ct.lower()
            if c.startswith("application/json") or c.endswith("+json"):
                return 0
            if c.startswith("multipart/form-data"):
                return 1
            if c.startswith("application/x-www-form-urlencoded"):
                return 2
            if c.startswith("text/"):
                return 4
            return 3

        ct, mt = min(media, key=lambda m: rank(m[0]))
        enc = {0: "json", 1: "multipart", 2: "form", 3: "binary", 4: "text"}[rank(ct)]
        sptr = join_pointer(ptr, "content", ct, "schema")
        schema = mt.get("schema")
        if schema is None:
            t = ir.TypeExpr("binary" if enc == "binary" else "any", pointer=self.where(file, sptr))
        else:
            t = self.schema(schema, _Ctx(file, sptr, base + "Request"))
        return ir.Body(
            content_type=ct,
            type=t,
            required=rb.get("required") is True,
            encoding=enc,  # type: ignore[arg-type]
            description=_text(rb.get("description")),
            content_types=tuple(c for c, _ in media),
            pointer=self.where(file, sptr),
            examples=_examples(mt),
        )

    def _response(self, status: str, resp: dict[str, Any], file: str, ptr: str, base: str) -> tuple[ir.Response, _Ctx | None]:
        """The response, and where its `text/event-stream` schema stands when JSON was chosen
        beside it (converted later by `_streaming`, once every response has claimed its names)."""
        media = self._media(resp.get("content"))
        headers = tuple(str(h) for h in resp.get("headers", {})) if isinstance(resp.get("headers"), dict) else ()
        suffix = "Response" if status in ("200", "201") else f"Response{pascal(status, '')}"
        if not media:
            return ir.Response(status, _text(resp.get("description")), None, None, "none", pointer=self.where(file, ptr), headers=headers), None

        def rank(ct: str) -> int:
            c = ct.lower()
            if c.startswith("application/json") or c.endswith("+json"):
                return 0
            if c.startswith("text/event-stream"):
                return 1
            if c.startswith("text/"):
                return 2
            return 3

        ordered = sorted(media, key=lambda m: rank(m[0]))
        ct, mt = ordered[0]
        enc = {0: "json", 1: "sse", 2: "text", 3: "binary"}[rank(ct)]
        sptr = join_pointer(ptr, "content", ct, "schema")
        schema = mt.get("schema")
        t = self.schema(schema, _Ctx(file, sptr, base + suffix)) if schema is not None else None
        response = ir.Response(status, _text(resp.get("description")), ct, t, enc, tuple(c for c, _ in media), pointer=self.where(file, sptr), examples=_examples(mt), headers=headers)  # type: ignore[arg-type]
        sse = next(((c, m) for c, m in media if c.lower().startswith("text/event-stream")), None)
        if enc == "sse" or sse is None or not isinstance(sse[1].get("schema"), dict):
            return response, None
        event_base = t.ref if t is not None and t.ref else "Stream"
        return response, _Ctx(file, join_pointer(ptr, "content", sse[0], "schema"), event_base + "Event")

    def _streaming(self, body_model: str | None, responses: list[ir.Response], sse_schemas: list[_Ctx | None]) -> tuple[bool, str | None, ir.TypeExpr | None]:
        stream_param = None
        if body_model is not None:
            m = self.models[body_model]
            f = next((f for f in m.fields if f.name == "stream"), None)
            if f is not None and f.type.kind == "boolean":
                stream_param = "stream"
        has_sse = any(ct.lower().startswith("text/event-stream") for r in responses for ct in r.content_types)
        if stream_param is None and not has_sse:
            return False, None, None
        sse_type: ir.TypeExpr | None = None
        for r, at in zip(responses, sse_schemas):
            if r.encoding == "sse":
                sse_type = r.type
                break
            if at is not None:
                node, f2, p2 = self.deref({"$ref": "#" + at.pointer}, at.file, "")
                if isinstance(node, dict):
                    sse_type = self.schema(node, _Ctx(f2, p2, at.hint))
                    break
        if sse_type is None:
            sse_type = self._guess_chunk(responses)
        return True, stream_param, sse_type or ir.TypeExpr("any", note="the spec does not say what a stream event holds")

    def _guess_chunk(self, responses: list[ir.Response]) -> ir.TypeExpr | None:
        """Specs often declare the chunk schema but do not link it; find it by name."""
        ok = next((r for r in responses if r.status.startswith("2") and r.type is not None and r.type.ref), None)
        if ok is None or ok.type is None or ok.type.ref is None:
            return None
        base = ok.type.ref
        stem = base[: -len("Response")] if base.endswith("Response") else base
        for cand in (f"{stem}StreamResponse", f"{base}Chunk", f"{stem}Chunk", f"{stem}StreamEvent"):
            key = next((k for k, v in self.component_names.items() if v == cand), None)
            if key is not None:
                node, f2, p2 = self.deref({"$ref": "#" + key[1]}, key[0], "")
                if isinstance(node, dict):
                    return self.schema(node, _Ctx(f2, p2, cand))
        return None

    def _arguments(self, op: ir.Operation) -> tuple[ir.Argument, ...]:
        names = Namer(reserved={"self", "extra_headers", "extra_query", "extra_body", "timeout", "cls"} | PY_RESERVED)
        path_args: list[ir.Argument] = []
        required: list[ir.Argument] = []
        optional: list[ir.Argument] = []
        taken_wire: set[str] = set()
        for p in op.parameters:
            py = _claim_arg(names, snake(p.name, "param"), p.location)
            arg = ir.Argument(py, p.name, p.location, p.type, p.required, p.description, p.deprecated, p.default, p.has_default)
            (path_args if p.location == "path" else required if p.required else optional).append(arg)
            taken_wire.add(p.name)
        if op.body is not None:
            if op.body_model is not None:
                m = self.models[op.body_model]
                for f in m.fields:
                    if f.read_only:
                        continue
                    py = _claim_arg(names, f.py_name if f.py_name not in MODEL_RESERVED else snake(f.name, "field"), "body")
                    arg = ir.Argument(py, f.name, "body", f.type, f.required, f.description, f.deprecated, f.default, f.has_default)
                    (required if f.required else optional).append(arg)
            else:
                py = _claim_arg(names, "body", "body")
                arg = ir.Argument(py, "", "body_whole", op.body.type, op.body.required, op.body.description)
                (required if op.body.required else optional).append(arg)
        return tuple(path_args + required + optional)

    def _pagination(self, op: ir.Operation) -> ir.Pagination | None:
        if op.method != "get":
            return None
        cursor = next((p.name for p in op.parameters if p.location == "query" and p.name in ("after", "starting_after", "cursor", "page_token")), None)
        ok = op.success
        if cursor is None or ok is None or ok.type is None or ok.type.kind != "model" or ok.type.ref not in self.models:
            return None
        fields = {f.name: f for f in self.models[ok.type.ref].fields}
        data = fields.get("data")
        if data is None or data.type.kind != "array" or data.type.item is None:
            return None
        has_more = "has_more" if "has_more" in fields else None
        nxt = next((n for n in ("last_id", "next_cursor", "next_page_token") if n in fields), None)
        if has_more is None and nxt is None:
            return None
        return ir.Pagination(cursor, "data", has_more, nxt, data.type.item)

    def _assign_resources(self, ops: list[ir.Operation]) -> None:
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
        for i, (op, (resource, method)) in enumerate(zip(ops, planned)):
            key = (resource, method)
            keeps = not op.fixed_query and plain_counts.get(key) == 1
            if counts[key] > 1 and not keeps:
                method = snake(op.id, "call")  # ambiguous: fall back to the operationId
            namer = claimed.setdefault(resource, Namer(reserved=PY_RESERVED | {"with_raw_response", "with_streaming_response"} | {r[len(resource)] for r in resource_names if len(r) > len(resource) and r[: len(resource)] == resource}))
            ops[i] = replace(op, resource=resource, py_name=namer.claim(method))

    # ---------------------------------------------------------------- finish

    def _finish(self, operations: list[ir.Operation]) -> ir.Api:
        req, resp, groups = self._usage(operations)
        param_names = Namer(reserved=self.types.taken)
        models = []
        for name in self.model_order:
            d = self.models[name]
            models.append(
                ir.Model(
                    name=d.name,
                    param_name=param_names.claim(d.name + "Param"),
                    fields=tuple(d.fields),
                    additional=d.additional,
                    description=d.description,
                    title=d.title,
                    deprecated=d.deprecated,
                    pointer=d.pointer,
                    group=groups.get(name, "shared"),
                    used_in_request=name in req,
                    used_in_response=name in resp or not (name in req),
                    examples=d.examples,
                    closed=d.closed,
                    alternatives=d.alternatives,
                    alternatives_exclusive=d.alternatives_exclusive,
                )
            )
        enums = [replace(e, group=groups.get(e.name, "shared")) for e in self.enums.values()]
        unions = [replace(u, group=groups.get(u.name, "shared")) for u in self.unions.values()]
        info: dict[str, Any] = self.root["info"] if isinstance(self.root.get("info"), dict) else {}
        title = _text(info.get("title")) or _text(self.root.get("title")) or self.main.split(".")[0]
        return ir.Api(
            title=title,
            version=_text(info.get("version")),
            description=_text(info.get("description")) or (_text(self.root.get("description")) if self.version == "jsonschema" else ""),
            openapi=self.version,
            servers=self._servers(),
            security_schemes=self._security_schemes(),
            security=tuple(tuple(str(k) for k in r) for r in self.root.get("security", []) if isinstance(r, dict)) if isinstance(self.root.get("security"), list) else (),
            operations=tuple(operations),
            models=tuple(models),
            enums=tuple(enums),
            unions=tuple(unions),
            deprecated=tuple(self.deprecated),
            error_model=self._error_model(operations),
            spec_name=self.main,
            spec_sha256=self.docs.main.sha256,
            degraded=tuple(self.degraded),
        )

    def _servers(self) -> tuple[str, ...]:
        out = []
        servers = self.root.get("servers")
        if isinstance(servers, list):
            for s in servers:
                if isinstance(s, dict) and isinstance(s.get("url"), str):
                    url = s["url"]
                    variables: dict[str, Any] = s["variables"] if isinstance(s.get("variables"), dict) else {}
                    for k, v in variables.items():
                        if isinstance(v, dict) and "default" in v:
                            url = url.replace("{" + str(k) + "}", str(v["default"]))
                    out.append(url)
        return tuple(out)

    def _security_schemes(self) -> tuple[ir.SecurityScheme, ...]:
        comps = self.root.get("components")
        raw = comps.get("securitySchemes") if isinstance(comps, dict) else None
        out = []
        if isinstance(raw, dict):
            for name, s in raw.items():
                s, _, _ = self.deref(s, self.main, join_pointer("/components/securitySchemes", name))
                if not isinstance(s, dict):
                    continue
                typ = s.get("type")
                desc = _text(s.get("description"))
                if typ == "http" and str(s.get("scheme", "")).lower() == "bearer":
                    out.append(ir.SecurityScheme(str(name), "bearer", "header", "Authorization", desc))
                elif typ == "http" and str(s.get("scheme", "")).lower() == "basic":
                    out.append(ir.SecurityScheme(str(name), "basic", "header", "Authorization", desc))
                elif typ == "apiKey" and s.get("in") in ("header", "query", "cookie") and isinstance(s.get("name"), str):
                    sptr = join_pointer("/components/securitySchemes", name, "name")
                    usable = self.wire_name_ok(s["name"], s["in"], "security scheme", self.main, sptr)
                    # a header or cookie name no HTTP client can send: the client skips the scheme
                    out.append(ir.SecurityScheme(str(name), "apiKey" if usable else "other", s["in"], s["name"], desc))
                elif typ in ("oauth2", "openIdConnect"):
                    out.append(ir.SecurityScheme(str(name), typ, "header", "Authorization", desc))
                else:
                    out.append(ir.SecurityScheme(str(name), "other", "header", "Authorization", desc))
        return tuple(out)

    def wire_name_ok(self, name: str, location: str, what: str, file: str, pointer: str) -> bool:
        """Can a header/cookie/query named `name` be sent? Header and cookie names must be HTTP
        tokens (RFC 9110 5.6.2): otherwise warn and return False, and the parameter or scheme
        is left out of the client. A query name may be any text (percent-encoded on the wire):
        control characters there are only warned about."""
        if location in ("header", "cookie"):
            if _TOKEN.fullmatch(name):
                return True
            self.diags.warning(
                "bad-wire-name",
                f"the {location} name {_shown(name)} of this {what} is not an HTTP token; the client leaves this {what} out",
                hint="name headers and cookies with letters, digits and !#$%&'*+-.^_`|~ only",
                file=file,
                pointer=pointer,
            )
            return False
        if location == "query" and any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
            self.diags.warning(
                "bad-wire-name",
                f"the query name {_shown(name)} of this {what} holds control characters; the client sends it percent-encoded",
                hint="name query parameters with printable characters",
                file=file,
                pointer=pointer,
            )
        return True

    def _error_model(self, operations: list[ir.Operation]) -> str | None:
        counts: dict[str, int] = {}
        for op in operations:
            for r in op.responses:
                if (r.status.startswith(("4", "5")) or r.status == "default") and r.type is not None and r.type.kind == "model" and r.type.ref:
                    counts[r.type.ref] = counts.get(r.type.ref, 0) + 1
        if not counts:
            return None
        return max(sorted(counts), key=lambda k: counts[k])

    def _usage(self, operations: list[ir.Operation]) -> tuple[set[str], set[str], dict[str, str]]:
        """Which definitions requests and responses reach, and the module each belongs in."""
        req: set[str] = set()
        resp: set[str] = set()
        roots: dict[str, set[str]] = {}

        def walk(t: ir.TypeExpr | None, acc: set[str], root: str) -> None:
            stack = [t]
            while stack:
                cur = stack.pop()
                if cur is None:
                    continue
                if cur.ref is not None:
                    roots.setdefault(cur.ref, set()).add(root)
                    if cur.ref in acc:
                        continue
                    acc.add(cur.ref)
                    if cur.kind == "model" and cur.ref in self.models:
                        d = self.models[cur.ref]
                        stack.extend(f.type for f in d.fields)
                        stack.append(d.additional)
                    elif cur.kind == "union" and cur.ref in self.unions:
                        stack.extend(v.type for v in self.unions[cur.ref].variants)
                stack.append(cur.item)
                stack.extend(cur.variants)

        for op in operations:
            root = op.resource[0] if op.resource else "default"
            seen_req: set[str] = set()
            for p in op.parameters:
                walk(p.type, seen_req, root)
            if op.body is not None:
                walk(op.body.type, seen_req, root)
            req |= seen_req
            seen_resp: set[str] = set()
            for r in op.responses:
                walk(r.type, seen_resp, root)
            walk(op.stream_type, seen_resp, root)
            resp |= seen_resp
        groups = {name: snake(next(iter(rs)), "shared") for name, rs in roots.items() if len(rs) == 1}
        return req, resp, groups


def _shown(name: str, limit: int = 60) -> str:
    """A name for a message: quoted and escaped, long ones cut."""
    text = repr(name)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def _claim_arg(names: Namer, base: str, source: str) -> str:
    if base in names:
        base = f"{source}_{base}"
    return names.claim(base)


def _field_py_name(name: str) -> str:
    if name.isidentifier() and name.isascii() and not name.startswith("_") and name not in PY_RESERVED and name not in MODEL_RESERVED:
        return name
    return safe_identifier(snake(name, "field"), "field") if name not in MODEL_RESERVED else name + "_"


def _member_name(value: Any) -> str:
    from generator.naming import constant

    if value is True:
        return "TRUE"
    if value is False:
        return "FALSE"
    if isinstance(value, (int, float)):
        return constant(("MINUS_" if value < 0 else "") + str(abs(value)).replace(".", "_"), "VALUE")
    return constant(str(value), "VALUE")


def _variant_name(t: ir.TypeExpr, title: str, index: int) -> str:
    if t.kind in ("model", "enum", "union") and t.ref:
        return t.ref
    if title:
        return pascal(title, f"Variant{index + 1}")
    if t.kind == "array" and t.item is not None:
        inner = t.item.ref or t.item.kind
        return f"array_of_{inner}"
    if t.kind == "literal":
        return str(t.values[0])
    return t.kind


def _shape_suffix(node: Any) -> str:
    """A name suffix for an untitled inline variant: what it looks like."""
    if not isinstance(node, dict):
        return "Value"
    if "enum" in node:
        return "Enum"
    t = node.get("type")
    if t == "object" or "properties" in node:
        return "Object"
    return {"string": "String", "array": "Array", "integer": "Integer", "number": "Number", "boolean": "Boolean"}.get(t if isinstance(t, str) else "", "Value")


def _is_null_schema(node: Any) -> bool:
    if not isinstance(node, dict):
        return False
    if node.get("type") == "null":
        return True
    if node.get("type") == ["null"]:
        return True
    if isinstance(node.get("enum"), list) and node["enum"] == [None]:
        return True
    return set(node) == {"nullable"} and node["nullable"] is True


def _open_enum_values(node: dict[str, Any], targets: list[Any]) -> list[Any] | None:
    """anyOf/oneOf [{type: string}, {type: string, enum: [...]}] -> the known values."""
    if len(targets) < 2 or not all(isinstance(t, dict) for t in targets):
        return None
    plain = [t for t in targets if t.get("type") == "string" and "enum" not in t and "const" not in t and not any(k in t for k in ("format", "pattern", "minLength", "maxLength"))]
    enums = [t for t in targets if t not in plain and (isinstance(t.get("enum"), list) or "const" in t)]
    if len(plain) != 1 or len(plain) + len(enums) != len(targets):
        return None
    values: list[Any] = []
    for e in enums:
        vals = e["enum"] if isinstance(e.get("enum"), list) else [e["const"]]
        if not all(isinstance(v, str) for v in vals):
            return None
        values.extend(v for v in vals if v not in values)
    return values or None


def _required_alternatives(node: dict[str, Any], kw: str) -> tuple[tuple[str, ...], ...] | None:
    """`properties` plus `anyOf: [{required: [a]}, {required: [b]}]`: the required sets, else None."""
    parts = node.get(kw)
    if not isinstance(node.get("properties"), dict) or not isinstance(parts, list) or not parts:
        return None
    out = []
    for p in parts:
        if not isinstance(p, dict) or not isinstance(p.get("required"), list) or set(p) - {"required", "description", "title"}:
            return None
        out.append(tuple(str(r) for r in p["required"]))
    return tuple(out)


def _deprecation_in_allof(site: dict[str, Any], description: str) -> ir.Deprecation | None:
    for kw in ("allOf", "anyOf", "oneOf"):
        parts = site.get(kw)
        if isinstance(parts, list):
            for p in parts:
                if isinstance(p, dict) and p.get("deprecated") is True and "$ref" not in p:
                    return ir.Deprecation(parse_replacement(description), description.strip().splitlines()[0] if description.strip() else "")
    return None


def normalize(docs: Documents, diags: Diagnostics) -> ir.Api:
    """Spec -> IR. Problems are recorded in `diags`; errors raise SpecError."""
    n = Normalizer(docs, diags)
    api = n.run()
    diags.raise_if_errors()
    return api


def iter_types(api: ir.Api) -> Iterable[ir.TypeExpr]:
    """Every TypeExpr that a definition's fields or variants hold directly."""
    for m in api.models:
        for f in m.fields:
            yield f.type
        if m.additional is not None:
            yield m.additional
    for u in api.unions:
        for v in u.variants:
            yield v.type
