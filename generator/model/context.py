"""The normalizer's shared state: one `Context` per run, passed to every rule.

It holds what the rules must share (the documents, the diagnostics, the names given so far,
the definitions found so far, the memo of converted schemas) and the few operations on it
that every rule uses: where a node is, following `$ref`s, naming a definition, converting a
schema (memoized, cycle-safe), degrading what can't be expressed, noting deprecations.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from ..budgets import INLINE_MAX_DEPTH, REF_CHAIN_MAX, SCHEMA_MAX_DEPTH
from ..diagnostics import Diagnostics, join_pointer
from ..spec.load import Documents
from . import ir
from .keywords import shown, text_of, unmodeled_keys
from .naming import CLIENT_RUNTIME_NAMES, PY_RESERVED, Namer, pascal, reserved_type_name

Key = tuple[str, str]  # (file, pointer)
# keywords beside a 3.1 `$ref` that change what the schema accepts
_SHAPE_SIBLINGS = ("required", "enum", "const", "properties", "additionalProperties", "allOf", "oneOf", "anyOf", "items")
Extra = tuple[tuple[str, str], ...]  # unmodeled keywords: (keyword, canonical JSON)
# keywords whose value is a schema, a list of schemas, or a map of names to schemas: where a
# `$ref` inside an unmodeled keyword's value is inlined and annotations are left out
_SCHEMA_KW = frozenset({"not", "if", "then", "else", "contains", "propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema", "items", "additionalItems", "additionalProperties"})
_SCHEMA_LIST_KW = frozenset({"prefixItems", "allOf", "anyOf", "oneOf"})
_SCHEMA_MAP_KW = frozenset({"properties", "patternProperties", "dependentSchemas", "$defs", "definitions"})
_INLINE_BUDGET = 5000  # schema nodes inlined per keyword; past it a $ref stays a reference
# an HTTP token (RFC 9110 5.6.2): what header and cookie names must be
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


@dataclass
class ModelDraft:
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
    extra: Extra = ()
    allowed: tuple[str, ...] | None = None
    unsatisfiable: str | None = None


@dataclass
class At:
    """Where a schema is being converted from: the file, the pointer, a name hint."""

    file: str
    pointer: str
    hint: str


_ANNOTATION_KW = frozenset({"title", "description", "example", "examples", "$comment", "externalDocs", "deprecated", "xml"})

Converter = Callable[["Context", dict[str, Any], At], ir.TypeExpr]


class Context:
    """Everything one normalization run shares; the rules are functions that take it."""

    def __init__(self, docs: Documents, diags: Diagnostics, convert: Converter):
        self.docs = docs
        self.diags = diags
        self.root: dict[str, Any] = docs.main.data
        self.main = docs.main.name
        self.version = self._version()
        self.types = Namer(reserved=PY_RESERVED | CLIENT_RUNTIME_NAMES)
        self.memo: dict[Key, ir.TypeExpr] = {}
        self.in_progress: set[Key] = set()
        self.ref_stack: set[Key] = set()  # `$ref` sites being followed: a revisit is a pure-ref cycle
        self.component_names: dict[Key, str] = {}
        self.models: dict[str, ModelDraft] = {}
        self.model_order: list[str] = []
        self.enums: dict[str, ir.Enum] = {}
        self.unions: dict[str, ir.Union] = {}
        self.deprecated: list[ir.DeprecatedItem] = []
        self._deprecated_seen: set[str] = set()
        self.degraded: list[dict[str, str]] = []
        self.skipped: list[dict[str, str]] = []  # operations not generated, with the reason
        self.tags: tuple[ir.Tag, ...] = ()  # the declared tags (model/tags.py), read before operations
        self._ignored_headers: set[str] = set()
        self.depth = 0  # schemas being converted inside one another (SCHEMA_MAX_DEPTH)
        self.chain = 0  # `$ref`s followed in a row with no schema in between (REF_CHAIN_MAX)
        # turns one schema's keywords into a type (`schemas.convert`); handed in, so the modules
        # that recurse into `schema` need not import the module that dispatches to them
        self.convert = convert

    def _version(self) -> str:
        root = self.root
        if "swagger" in root:
            self.diags.error(
                "swagger-2",
                f"this is a Swagger {root.get('swagger')} document; specgen reads OpenAPI 3.0, 3.1 and 3.2",
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
            return "3.1"  # the schema dialect: 3.2 keeps 3.1's JSON Schema 2020-12
        self.diags.error(
            "openapi-version",
            f"unsupported openapi version {sv!r}",
            hint="specgen reads OpenAPI 3.0.x, 3.1.x and 3.2.x documents",
            file=self.main,
            pointer="/openapi",
        )
        self.diags.raise_if_errors()
        return "3.0"

    def where(self, file: str, pointer: str) -> str:
        """The `where` of an item: a JSON pointer, prefixed by `file#` outside the main spec."""
        return self.docs.where(file, pointer)

    def skip(self, method: str, path: str, reason: str, hint: str, file: str, pointer: str, warn: bool = True) -> None:
        """An operation (or what may be one) left out of every artifact: listed in the manifest's
        `skipped` with the reason, and a warning unless one was already given."""
        self.skipped.append({"method": method.upper(), "path": path, "where": self.where(file, pointer), "reason": reason})
        if warn:
            self.diags.warning("skipped-operation", f"{method.upper()[:40]} {path}: {reason}; it is not generated", hint=hint or "see the reason", file=file, pointer=pointer)

    def degrade(self, at: At, reason: str) -> ir.TypeExpr:
        """A construct we can't express exactly: `any`, with a note, listed in the manifest."""
        where = self.where(at.file, at.pointer)
        self.degraded.append({"where": where, "reason": reason})
        return ir.TypeExpr("any", pointer=where, note=reason)

    def note_partial(self, t: ir.TypeExpr, at: At, reason: str) -> ir.TypeExpr:
        self.degraded.append({"where": self.where(at.file, at.pointer), "reason": reason})
        return t

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
        if not (isinstance(node, dict) and "$ref" in node):
            return node, file, pointer  # most nodes asked about are no `$ref`
        seen = seen if seen is not None else set()
        while isinstance(node, dict) and "$ref" in node:
            if len(seen) >= REF_CHAIN_MAX:
                self.diags.error(
                    "ref-chain",
                    f"a chain of more than {REF_CHAIN_MAX} $refs that only point at other $refs",
                    hint="point the $ref straight at the object it means",
                    file=file,
                    pointer=pointer + "/$ref",
                )
                return None, file, pointer
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

    def claim_type(self, name: str, file: str, pointer: str) -> str:
        """A unique class name for a definition; one that would shadow a builtin or a name the
        client imports (`Warning`, `Field`, `List`) gets the suffix `Model`, with a warning."""
        why = reserved_type_name(name)
        if why is None:
            return self.types.claim(name)
        safe = self.types.claim(name + "Model")
        self._warn_reserved(name, safe, why, file, pointer)
        return safe

    def _warn_reserved(self, name: str, safe: str, why: str, file: str, pointer: str) -> None:
        self.diags.warning(
            "reserved-name",
            f"the schema named {name!r} is called `{safe}` in the client: {why}",
            hint="rename the schema (or its title) if the new name does not suit you",
            file=file,
            pointer=pointer,
        )

    def claim_component_names(self) -> None:
        """Component schemas keep their names; claim them before any inline title can."""
        if self.version == "jsonschema":
            base = text_of(self.root.get("title")) or self.main.rsplit(".", 1)[0].split(".")[0]
            self.component_names[(self.main, "")] = self.claim_type(pascal(base, "Root"), self.main, "")
            for section in ("$defs", "definitions"):
                self._claim_section(section, self.root.get(section))
            return
        comps = self.root.get("components")
        self._claim_section("components/schemas", comps.get("schemas") if isinstance(comps, dict) else None)

    def _claim_section(self, section: str, defs: Any) -> None:
        if not isinstance(defs, dict):
            return
        # a name that would shadow a builtin or an import of the client takes `Model` (said below)
        wanted = {str(name): pascal(str(name), "Schema") for name in defs}
        safe = {key: name + "Model" if reserved_type_name(name) else name for key, name in wanted.items()}
        # claimed in an order of their own (not the document's): a collision has one winner
        names = self.types.claim_all(list(safe.items()))
        for name in sorted(names):
            ptr = join_pointer("/" + section, name)
            self.component_names[(self.main, ptr)] = names[name]
            why = reserved_type_name(wanted[name])
            if why is not None:
                self._warn_reserved(wanted[name], names[name], why, self.main, ptr)

    def name_for(self, key: Key, node: dict[str, Any], hint: str) -> str:
        if key in self.component_names:
            return self.component_names[key]
        file, pointer = key
        if file != self.main and pointer == "":
            stem = file.rsplit("/", 1)[-1].split(".")[0]
            name = self.claim_type(pascal(text_of(node.get("title")) or stem, "Schema"), file, pointer)
        elif file != self.main and re.fullmatch(r"/(\$defs|definitions|components/schemas)/[^/]+", pointer):
            name = self.claim_type(pascal(pointer.rsplit("/", 1)[-1], "Schema"), file, pointer)
        else:
            title = text_of(node.get("title"))
            name = self.claim_type(pascal(title, "Schema") if title and len(title) <= 60 else pascal(hint, "Schema"), file, pointer)
        self.component_names[key] = name
        return name

    def register(self, key: Key, t: ir.TypeExpr) -> None:
        """Make a named definition visible before its body is converted (recursion)."""
        self.memo[key] = t

    def schema(self, node: Any, at: At) -> ir.TypeExpr:
        """Convert the schema `node` found at (at.file, at.pointer)."""
        if node is True or node is None:
            return ir.TypeExpr("any", pointer=self.where(at.file, at.pointer))
        if node is False:
            return self.degrade(at, "schema `false` (nothing is valid)")
        if not isinstance(node, dict):
            self.diags.warning(
                "bad-schema",
                f"a schema must be an object, not {type(node).__name__}",
                hint="write a JSON Schema object here",
                file=at.file,
                pointer=at.pointer,
            )
            return self.degrade(at, "schema is not an object")
        if "$ref" in node and self.version != "3.0" and any(k in node for k in _SHAPE_SIBLINGS):
            # 3.1: keywords beside a $ref apply too; read it as allOf [$ref] with them
            parts = [{"$ref": node["$ref"]}] + (list(node["allOf"]) if isinstance(node.get("allOf"), list) else [])
            node = {**{k: v for k, v in node.items() if k != "$ref"}, "allOf": parts}
        if self.depth >= SCHEMA_MAX_DEPTH:
            return self.degrade(at, f"nested deeper than {SCHEMA_MAX_DEPTH} schemas (the budget SCHEMA_MAX_DEPTH)")
        if "$ref" in node:
            if self.chain >= REF_CHAIN_MAX:
                self.diags.error(
                    "ref-chain",
                    f"a chain of more than {REF_CHAIN_MAX} $refs that only point at other $refs",
                    hint="point the $ref straight at the schema it means",
                    file=at.file,
                    pointer=at.pointer + "/$ref",
                )
                return self.degrade(at, "$ref chain too long")
            site = (at.file, at.pointer)
            if site in self.ref_stack:
                self.diags.error(
                    "ref-cycle",
                    f"$ref cycle with no schema in between: {node['$ref']!r} leads back here",
                    hint="point one of the $refs in the cycle at a real schema",
                    file=at.file,
                    pointer=at.pointer + "/$ref",
                )
                return self.degrade(at, "$ref cycle")
            self.ref_stack.add(site)
            self.chain += 1
            try:
                return self._ref(node, at)
            finally:
                self.ref_stack.discard(site)
                self.chain -= 1
        key = (at.file, at.pointer)
        if key in self.memo:
            return self.memo[key]
        if key in self.in_progress:
            return self.degrade(at, "recursive schema with no object in between")
        self.in_progress.add(key)
        chain, self.chain = self.chain, 0
        self.depth += 1
        try:
            t = self.convert(self, node, at)
        finally:
            self.in_progress.discard(key)
            self.chain = chain
            self.depth -= 1
        if t.kind != "model":  # a model's own keywords are the model's (`Model.extra`)
            kinds: list[str] = [v.kind for v in t.variants] if t.kind == "union" and t.ref is None else [t.kind]
            keys = unmodeled_keys(node, kinds, t.note is not None)
            if t.format == "byte" and node.get("contentEncoding") == "base64":
                keys.remove("contentEncoding")  # read as `format: byte`
            own = self.extra(node, keys, at.file, at.pointer)
            if own:  # beside what a part it was made of (`allOf: [$ref]`, `anyOf: [X, null]`) had
                t = replace(t, extra=tuple(sorted({**dict(t.extra), **dict(own)}.items())))
        if t.ref is None and inline_depth(t) >= INLINE_MAX_DEPTH:
            t = self.alias(t, at)
        self.memo[key] = t
        return t

    def alias(self, t: ir.TypeExpr, at: At) -> ir.TypeExpr:
        """A name for a type nested too deep inline to be spelled where it is used (a one-variant
        union marked `alias`): generated code then refers to it by name."""
        where = self.where(at.file, at.pointer)
        # `ItemItemItem...` hints of nested arrays collapse: Namer numbers the aliases apart
        name = self.types.claim(re.sub(r"(Item|Value){2,}$", r"\1", pascal(at.hint, "Schema")) + "Nested")
        inner = replace(t, nullable=False)
        self.unions[name] = ir.Union(name=name, variants=(ir.Variant(name=name, type=inner, pointer=where),), keyword="anyOf", pointer=where, alias=True)
        return ir.TypeExpr("union", ref=name, nullable=t.nullable, pointer=where)

    def extra(self, node: dict[str, Any], keys: list[str], file: str, pointer: str) -> Extra:
        """The keywords `keys` of `node` as canonical JSON: `$ref`s in schema positions inlined
        (bounded; a cycle stays a reference), annotations left out, keys sorted. The same for
        any rewrite of the document that means the same."""
        out = []
        for k in keys:
            budget = [_INLINE_BUDGET]
            value = self._canonical(node[k], file, join_pointer(pointer, k), k, frozenset(), budget)
            out.append((k, json.dumps(value, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))))
        return tuple(out)

    def canonical_json(self, value: Any, file: str, pointer: str) -> str:
        """Any part of the document as canonical JSON: every `$ref` inlined (bounded; a cycle
        stays a reference), descriptions, summaries and examples left out, keys sorted."""
        budget = [_INLINE_BUDGET]

        def walk(v: Any, where: Key, stack: frozenset[Key]) -> Any:
            f, ptr = where
            if isinstance(v, list):
                return [walk(x, (f, join_pointer(ptr, i)), stack) for i, x in enumerate(v)]
            if not isinstance(v, dict):
                return v
            budget[0] -= 1
            if isinstance(v.get("$ref"), str):
                res = self._quiet_resolve(v["$ref"], f, ptr)
                if res is None:
                    return {"$ref": v["$ref"]}
                key = (res.file, res.pointer)
                if key in stack or budget[0] <= 0:
                    return {"$ref": self.where(res.file, res.pointer)}
                return walk(res.node, key, stack | {key})
            return {str(k): walk(x, (f, join_pointer(ptr, k)), stack) for k, x in v.items() if str(k) not in _ANNOTATION_KW and str(k) != "summary"}

        return json.dumps(walk(value, (file, pointer), frozenset()), sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))

    def _quiet_resolve(self, ref: str, file: str, pointer: str) -> Any:
        """Resolve a `$ref` met only inside a keyword the IR does not model: a broken one is
        kept as written, not an error (the spec is read as it was before)."""
        saved = self.docs.diags
        self.docs.diags = Diagnostics()
        try:
            return self.docs.resolve(ref, file, pointer)
        finally:
            self.docs.diags = saved

    def _canonical(self, v: Any, file: str, pointer: str, keyword: str | None, stack: frozenset[Key], budget: list[int]) -> Any:
        """A keyword's value with its schemas made canonical (`keyword` None: `v` is a schema)."""
        if keyword is not None:
            if keyword in _SCHEMA_KW:
                return self._canonical(v, file, pointer, None, stack, budget)
            if keyword in _SCHEMA_LIST_KW and isinstance(v, list):
                return [self._canonical(x, file, join_pointer(pointer, i), None, stack, budget) for i, x in enumerate(v)]
            if keyword in _SCHEMA_MAP_KW and isinstance(v, dict):
                return {str(n): self._canonical(v[n], file, join_pointer(pointer, n), None, stack, budget) for n in sorted(v, key=str)}
            return v
        if not isinstance(v, dict):
            return v
        budget[0] -= 1
        if "$ref" in v and isinstance(v["$ref"], str):
            res = self._quiet_resolve(v["$ref"], file, pointer)
            if res is None:
                return {"$ref": v["$ref"]}
            key = (res.file, res.pointer)
            if key in stack or budget[0] <= 0 or not isinstance(res.node, dict):
                return {"$ref": self.where(res.file, res.pointer)}
            return self._canonical(res.node, res.file, res.pointer, None, stack | {key}, budget)
        # in key order, not the document's: where the inlining budget runs out must not depend on it
        return {
            str(k): self._canonical(v[k], file, join_pointer(pointer, k), str(k), stack, budget)
            for k in sorted(v, key=str)
            if str(k) not in _ANNOTATION_KW and not str(k).startswith("x-")
        }

    def _ref(self, node: dict[str, Any], at: At) -> ir.TypeExpr:
        res = self.docs.resolve(node["$ref"], at.file, at.pointer)
        if res is None:
            return self.degrade(at, f"unresolvable $ref {node.get('$ref')!r}")
        key = (res.file, res.pointer)
        hint = self.component_names.get(key, at.hint)
        t = self.schema(res.node, At(res.file, res.pointer, hint))
        nullable = node.get("nullable") is True
        if nullable and not t.nullable:
            t = t.with_nullable()
        return t

    def note_ignored_header(self, name: str, file: str, pointer: str) -> None:
        """A header parameter named Accept, Content-Type or Authorization: OpenAPI says it SHALL
        be ignored (the client sets those itself); warned about once per definition."""
        where = self.where(file, pointer)
        if where in self._ignored_headers:
            return
        self._ignored_headers.add(where)
        self.diags.warning(
            "ignored-header-param",
            f"the header parameter {shown(name)} is ignored, as OpenAPI says for Accept, Content-Type and Authorization: the client sets it from the media types and security schemes",
            hint="remove it; describe media types under `content` and credentials under `securitySchemes`",
            file=file,
            pointer=pointer,
        )

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
                f"the {location} name {shown(name)} of this {what} is not an HTTP token; the client leaves this {what} out",
                hint="name headers and cookies with letters, digits and !#$%&'*+-.^_`|~ only",
                file=file,
                pointer=pointer,
            )
            return False
        if location == "query" and any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
            self.diags.warning(
                "bad-wire-name",
                f"the query name {shown(name)} of this {what} holds control characters; the client sends it percent-encoded",
                hint="name query parameters with printable characters",
                file=file,
                pointer=pointer,
            )
        return True


def inline_depth(t: ir.TypeExpr) -> int:
    """How deep a type nests inline (each container, inline union or `Optional` one level) before
    a named definition: what its spelling in generated code nests."""
    inner = [*t.variants, *t.prefix] + ([t.item] if t.item is not None else [])
    own = 1 if t.nullable else 0
    if t.ref is not None or not inner:
        return own
    return own + 1 + max(inline_depth(i) for i in inner)
