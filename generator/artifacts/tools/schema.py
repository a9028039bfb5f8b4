"""A tool's input schema: the IR's types as one self-contained JSON Schema (draft 2020-12, no
`$ref`), with models inlined and cut at a depth and a per-tool node budget so recursive and
huge schemas stay bounded. This is the `generic` profile; `profiles` lowers it for providers."""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
from typing import Any

from ...model import ir
from ...model.naming import snake

NAME_MAX = 64  # the chat completions API's limit on a function name
DESCRIPTION_MAX = 1024  # a tool's description
PROPERTY_DESCRIPTION_MAX = 240  # a property's description
SCHEMA_DEPTH = 8  # nesting of inlined models before a cut (the 2026 OpenAI spec needs 8 to cut nothing)
SCHEMA_BUDGET = 3000  # schema nodes per tool before everything further is cut (its biggest tool needs ~2500)
ENUM_MAX = 200  # enum values listed in a schema

PROPERTY_KEY = re.compile(r"[a-zA-Z0-9_.-]{1,64}")
_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def trim(text: str, limit: int) -> str:
    """Plain text for a model to read: links reduced to their text, whitespace folded, cut at a
    sentence (or word) boundary before `limit`."""
    return _trim(str(text or ""), limit)


@functools.lru_cache(maxsize=65536)  # a shared schema's descriptions are trimmed once per tool that inlines it
def _trim(text: str, limit: int) -> str:
    s = _LINK.sub(r"\1", text)
    if not s.replace("\n", "").replace("\t", "").isprintable():
        s = "".join(c for c in s if c.isprintable() or c in "\n\t")
    s = " ".join(_BREAKS.sub(" ", s).split())
    if len(s) <= limit:
        return s
    cut = s[: limit - 1]
    m = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    if m >= limit // 2:
        return cut[: m + 1]
    sp = cut.rfind(" ")
    return (cut[:sp] if sp >= limit // 2 else cut).rstrip(" ,;:") + "…"


def tool_names(api: ir.Api, target: str) -> dict[str, str]:
    """`<target>_<operation>` in snake case, only [a-zA-Z0-9_-], at most 64 chars, unique."""
    prefix = snake(target, "api")
    out: dict[str, str] = {}
    taken: set[str] = set()
    for op in api.operations:
        name = f"{prefix}_{snake(op.id, 'operation')}"
        name = re.sub(r"[^a-zA-Z0-9_-]", "_", name)
        if len(name) > NAME_MAX:
            digest = hashlib.sha256(name.encode()).hexdigest()[:8]
            name = name[: NAME_MAX - 9].rstrip("_") + "_" + digest
        base, n = name, 2
        while name in taken:
            suffix = f"_{n}"
            name = base[: NAME_MAX - len(suffix)] + suffix
            n += 1
        taken.add(name)
        out[op.id] = name
    return out


def _finite(v: Any) -> bool:
    if isinstance(v, float):
        return math.isfinite(v)
    if isinstance(v, dict):
        return all(_finite(x) for x in v.values())
    if isinstance(v, (list, tuple)):
        return all(_finite(x) for x in v)
    return True


def _jsonable(v: Any) -> bool:
    try:
        json.dumps(v, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


def _valid_regex(p: str) -> bool:
    try:
        re.compile(p)
    except (re.error, RecursionError, OverflowError):
        return False
    return True


class SchemaBuilder:
    """TypeExpr -> inline JSON Schema, bounded by depth and a node budget."""

    def __init__(self, api: ir.Api):
        self.api = api
        self.budget = SCHEMA_BUDGET

    def reset(self) -> None:
        self.budget = SCHEMA_BUDGET

    def schema(self, t: ir.TypeExpr, depth: int = 0, stack: tuple[str, ...] = ()) -> dict[str, Any]:
        self.budget -= 1
        s = self._schema(t, depth, stack)
        if t.nullable and t.kind != "null":
            ty = s.get("type")
            if isinstance(ty, str) and "enum" not in s and "const" not in s:
                s["type"] = [ty, "null"]
            elif isinstance(ty, str) and "enum" in s:
                s["type"] = [ty, "null"]
                s["enum"] = list(s["enum"]) + [None]
            else:
                s = {"anyOf": [s, {"type": "null"}]}
        return s

    def _constraints(self, s: dict[str, Any], c: ir.Constraints, kind: str) -> None:
        if kind in ("integer", "number"):
            for key, v in (
                ("minimum", c.minimum),
                ("maximum", c.maximum),
                ("exclusiveMinimum", c.exclusive_minimum),
                ("exclusiveMaximum", c.exclusive_maximum),
            ):
                if v is not None and _finite(v) and not isinstance(v, bool):
                    s[key] = v
            if c.multiple_of is not None and _finite(c.multiple_of) and c.multiple_of > 0:
                s["multipleOf"] = c.multiple_of
        elif kind == "string":
            if c.min_length is not None and c.min_length >= 0:
                s["minLength"] = c.min_length
            if c.max_length is not None and c.max_length >= 0:
                s["maxLength"] = c.max_length
            if c.pattern and _valid_regex(c.pattern):
                s["pattern"] = c.pattern
        elif kind == "array":
            if c.min_items is not None and c.min_items >= 0:
                s["minItems"] = c.min_items
            if c.max_items is not None and c.max_items >= 0:
                s["maxItems"] = c.max_items
            if c.unique_items:
                s["uniqueItems"] = True
        elif kind == "object":
            if c.min_properties is not None and c.min_properties >= 0:
                s["minProperties"] = c.min_properties
            if c.max_properties is not None and c.max_properties >= 0:
                s["maxProperties"] = c.max_properties

    def _schema(self, t: ir.TypeExpr, depth: int, stack: tuple[str, ...]) -> dict[str, Any]:
        k = t.kind
        s: dict[str, Any]
        if k in ("string", "integer", "number", "boolean", "null"):
            s = {"type": k}
            if k == "string" and t.format:
                s["format"] = str(t.format)
            self._constraints(s, t.constraints, k)
            return s
        if k == "any":
            return {}
        if k == "binary":
            return {"type": "string", "format": "binary", "description": "File contents."}
        if k == "literal":
            vals = [v for v in t.values if _jsonable(v) and _finite(v)]
            return {"const": vals[0]} if len(vals) == 1 else {"enum": vals} if vals else {}
        if k == "enum" and t.ref in self.api.enum_map:
            e = self.api.enum_map[t.ref]
            vals = [v for v in e.values if _jsonable(v) and _finite(v)][:ENUM_MAX]
            ty = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}.get(e.value_type)
            if e.open:
                s = {"type": ty or "string"}
                if vals:
                    s["description"] = trim("Known values: " + ", ".join(str(v) for v in vals), PROPERTY_DESCRIPTION_MAX)
                return s
            s = {"enum": vals} if vals else {}
            if ty and vals:
                s = {"type": ty, **s}
            return s
        if k == "array":
            s = {"type": "array"}
            if t.item is not None and self.budget > 0:
                s["items"] = self.schema(t.item, depth, stack)
            self._constraints(s, t.constraints, "array")
            return s
        if k == "map":
            s = {"type": "object"}
            if t.item is not None and t.item.kind != "any" and self.budget > 0:
                s["additionalProperties"] = self.schema(t.item, depth, stack)
            self._constraints(s, t.constraints, "object")
            return s
        if k == "model" and t.ref in self.api.model_map:
            return self.model(self.api.model_map[t.ref], depth, stack)
        if k == "union" and t.ref in self.api.union_map:
            u = self.api.union_map[t.ref]
            if self.budget <= 0 or depth >= SCHEMA_DEPTH or u.name in stack:
                return {"description": f"One of the {u.name} variants (not expanded here)."}
            return {"anyOf": [self.schema(v.type, depth, stack + (u.name,)) for v in u.variants]}
        if t.variants:
            return {"anyOf": [self.schema(v, depth, stack) for v in t.variants]}
        return {}

    def model(self, m: ir.Model, depth: int, stack: tuple[str, ...]) -> dict[str, Any]:
        s: dict[str, Any] = {"type": "object"}
        if self.budget <= 0 or depth >= SCHEMA_DEPTH or m.name in stack:
            why = "recursive" if m.name in stack else "not expanded here"
            s["description"] = f"A {m.name} object ({why})."
            return s
        props: dict[str, Any] = {}
        required: list[str] = []
        for f in m.fields:
            if f.read_only:
                continue
            props[f.name] = self.property(f.type, f.description, f.deprecated, f.default if f.has_default else _NONE, depth + 1, stack + (m.name,))
            if f.required:
                required.append(f.name)
        s["properties"] = props
        if required:
            s["required"] = required
        if m.additional is not None and m.additional.kind != "any" and self.budget > 0:
            s["additionalProperties"] = self.schema(m.additional, depth + 1, stack + (m.name,))
        return s

    def property(self, t: ir.TypeExpr, description: str, deprecated: ir.Deprecation | None, default: Any, depth: int, stack: tuple[str, ...]) -> dict[str, Any]:
        s = dict(self.schema(t, depth, stack))
        desc = trim(description, PROPERTY_DESCRIPTION_MAX)
        if deprecated is not None:
            note = "Deprecated" + (f": use {deprecated.replacement} instead." if deprecated.replacement else ".")
            desc = f"{note} {desc}".strip()
            s["deprecated"] = True
        if desc:
            s["description"] = desc if "description" not in s else trim(desc + " " + s["description"], PROPERTY_DESCRIPTION_MAX)
        if default is not _NONE and _jsonable(default) and _finite(default):
            s["default"] = default
        return s


_NONE: Any = object()


def parameters_for(op: ir.Operation, builder: SchemaBuilder) -> dict[str, Any]:
    """The JSON Schema of a tool's arguments: path, query and body arguments by wire name."""
    builder.reset()
    props: dict[str, Any] = {}
    required: list[str] = []
    for key, a in tool_arguments(op):
        p = next((p for p in op.parameters if p.name == a.wire_name and p.location == a.source), None)
        desc = a.description or (p.description if p is not None else "")
        props[key] = builder.property(a.type, desc, a.deprecated, a.default if a.has_default else _NONE, 1, ())
        if a.required:
            required.append(key)
    parameters: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        parameters["required"] = required
    parameters["additionalProperties"] = False
    return parameters


def tool_arguments(op: ir.Operation) -> list[tuple[str, ir.Argument]]:
    """(property name, argument) for each argument a tool takes: path, query and body ones, by
    wire name (the Python name where two would share one). Headers and cookies are left to the
    client (auth, content negotiation)."""
    out: list[tuple[str, ir.Argument]] = []
    taken: set[str] = set()
    for a in op.arguments:
        if a.source not in ("path", "query", "body", "body_whole"):
            continue
        # Anthropic rejects a top-level key outside `^[a-zA-Z0-9_.-]{1,64}$` ("Property keys should
        # match pattern", seen in anthropics/claude-code and MCP servers' issues), and MCP clients
        # hand these schemas to it: such a key (`filter[id]`) goes by its Python name instead
        key = a.wire_name if PROPERTY_KEY.fullmatch(a.wire_name) and a.wire_name not in taken else a.py_name[:64]
        if key in taken:
            continue
        taken.add(key)
        out.append((key, a))
    return out


def description_for(op: ir.Operation) -> str:
    """What the tool does, for a model to read: the description (seed 003 shows it), else the
    summary, with the deprecation first."""
    text = op.description or op.summary or f"{op.method.upper()} {op.path}"
    description = trim(text, DESCRIPTION_MAX)
    if op.deprecated is not None:
        description = trim("Deprecated" + (f" (use {op.deprecated.replacement})" if op.deprecated.replacement else "") + ". " + description, DESCRIPTION_MAX)
    return description
