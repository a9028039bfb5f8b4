"""What a schema's or an operation's keywords say, read without any state: texts, examples,
constraints, deprecations (with the replacement parsed from the text), null schemas, open
enums, required-only alternatives, and the names derived from values and shapes.
"""

from __future__ import annotations

import functools

import re
from typing import Any

from . import ir
from .naming import ANNOTATION_NAMES, BUILTIN_TYPE_NAMES, MODEL_RESERVED, PY_RESERVED, Namer, constant, pascal, safe_identifier, snake

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


def deprecation_of(node: Any, description: str | None = None) -> ir.Deprecation | None:
    if isinstance(node, dict) and node.get("deprecated") is True:
        text = description if description is not None else text_of(node.get("description"))
        return ir.Deprecation(parse_replacement(text), text.strip().splitlines()[0] if text.strip() else "", sunset_of(node))
    return None


def sunset_of(node: dict[str, Any]) -> str | None:
    """`x-sunset` as text (YAML reads an unquoted date as a date)."""
    v = node.get("x-sunset")
    return None if v is None else text_of(v)


def stability_of(node: Any) -> str | None:
    """`x-stability-level` as text, when written."""
    v = node.get("x-stability-level") if isinstance(node, dict) else None
    return None if v is None else text_of(v)


# Keywords that annotate (or that the IR reads elsewhere): never "unmodeled".
_ANNOTATIONS = frozenset(
    {
        "$ref", "$schema", "$id", "$anchor", "$dynamicAnchor", "$comment", "$defs", "$vocabulary", "definitions",
        "title", "description", "example", "examples", "default", "deprecated", "readOnly", "writeOnly",
        "externalDocs", "xml", "nullable",
    }
)
_NUMERIC = frozenset({"format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"})
# what the IR models, per kind of type the normalizer made of a schema
_MODELED: dict[str, frozenset[str]] = {
    "string": frozenset({"type", "format", "minLength", "maxLength", "pattern"}),
    "binary": frozenset({"type", "format"}),
    "integer": frozenset({"type"}) | _NUMERIC,
    "number": frozenset({"type"}) | _NUMERIC,
    "boolean": frozenset({"type"}),
    "null": frozenset({"type", "enum", "const"}),
    "array": frozenset({"type", "items", "minItems", "maxItems", "uniqueItems"}),
    "map": frozenset({"type", "properties", "additionalProperties", "minProperties", "maxProperties", "required"}),
    "model": frozenset({"type", "properties", "required", "additionalProperties", "allOf"}),
    "enum": frozenset({"type", "enum", "format", "anyOf", "oneOf"}),
    "literal": frozenset({"type", "enum", "const", "format"}),
    "union": frozenset({"type", "oneOf", "anyOf", "discriminator"}),
    "any": frozenset({"type"}),
}


_COMBINATORS = frozenset({"allOf", "anyOf", "oneOf"})  # their parts are converted into the type


def unmodeled_keys(node: dict[str, Any], kinds: list[str], degraded: bool, modeled_here: frozenset[str] = _COMBINATORS) -> list[str]:
    """The keywords of `node` that the type the normalizer made of it (of one of `kinds`) does
    not carry, sorted: all of them, but annotations, when it was degraded to `any`.
    Extensions (`x-...`) are not keywords, but for `x-extensible-enum`, which says which
    values a string takes."""
    modeled = frozenset() if degraded else _modeled(modeled_here, tuple(kinds))
    return sorted(
        k
        for k in map(str, node)
        if k not in _ANNOTATIONS and k not in modeled and (not k.startswith("x-") or k == "x-extensible-enum")
    )


@functools.lru_cache(maxsize=256)  # a few combinations of kinds, asked about for every schema
def _modeled(modeled_here: frozenset[str], kinds: tuple[str, ...]) -> frozenset[str]:
    return frozenset().union(modeled_here, *(_MODELED.get(k, frozenset()) for k in kinds))


def text_of(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def examples_of(node: dict[str, Any]) -> tuple[Any, ...]:
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


def number_or_none(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return v


def int_or_none(v: Any) -> int | None:
    if isinstance(v, bool) or not isinstance(v, int):
        return None
    return v


_CONSTRAINT_KEYS = frozenset({"exclusiveMinimum", "exclusiveMaximum", "minimum", "maximum", "pattern", "multipleOf", "minLength", "maxLength", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties"})
_NO_CONSTRAINTS = ir.Constraints()


def constraints_of(node: dict[str, Any], version: str) -> ir.Constraints:
    if _CONSTRAINT_KEYS.isdisjoint(node):
        return _NO_CONSTRAINTS  # most schemas state none: what the reading below gives them
    exmin, exmax = node.get("exclusiveMinimum"), node.get("exclusiveMaximum")
    minimum, maximum = number_or_none(node.get("minimum")), number_or_none(node.get("maximum"))
    ex_min_v = ex_max_v = None
    if isinstance(exmin, bool):  # 3.0: a flag on minimum
        if exmin and minimum is not None:
            ex_min_v, minimum = minimum, None
        if version == "3.1":
            # a 3.1 validator reads the flag as the number 1 (true) or 0 (false): keep both readings
            ex_min_v = max(ex_min_v if ex_min_v is not None else float(exmin), float(exmin))
    else:
        ex_min_v = number_or_none(exmin)
    if isinstance(exmax, bool):
        if exmax and maximum is not None:
            ex_max_v, maximum = maximum, None
        if version == "3.1":
            ex_max_v = min(ex_max_v if ex_max_v is not None else float(exmax), float(exmax))
    else:
        ex_max_v = number_or_none(exmax)
    pattern = node.get("pattern")
    return ir.Constraints(
        minimum=minimum,
        maximum=maximum,
        exclusive_minimum=ex_min_v,
        exclusive_maximum=ex_max_v,
        multiple_of=number_or_none(node.get("multipleOf")),
        min_length=int_or_none(node.get("minLength")),
        max_length=int_or_none(node.get("maxLength")),
        pattern=pattern if isinstance(pattern, str) else None,
        min_items=int_or_none(node.get("minItems")),
        max_items=int_or_none(node.get("maxItems")),
        unique_items=node.get("uniqueItems") is True,
        min_properties=int_or_none(node.get("minProperties")),
        max_properties=int_or_none(node.get("maxProperties")),
    )


def shown(name: str, limit: int = 60) -> str:
    """A name for a message: quoted and escaped, long ones cut."""
    text = repr(name)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def claim_arg(names: Namer, base: str, source: str) -> str:
    if base in names:
        base = f"{source}_{base}"
    return names.claim(base)


def field_py_name(name: str) -> str:
    """A property's attribute name: the wire name where it is a plain identifier that shadows
    nothing a model's class body or pydantic needs (`str`, `Optional`, `model_dump`)."""
    shadows = name in ANNOTATION_NAMES and name not in BUILTIN_TYPE_NAMES  # builtins: see api.unshadow_fields
    if name.isidentifier() and name.isascii() and not name.startswith("_") and name not in PY_RESERVED and name not in MODEL_RESERVED and not shadows:
        return name
    if name in MODEL_RESERVED or shadows:
        return name + "_"
    return safe_identifier(snake(name, "field"), "field")


def member_name(value: Any) -> str:
    if value is True:
        return "TRUE"
    if value is False:
        return "FALSE"
    if isinstance(value, (int, float)):
        return constant(("MINUS_" if value < 0 else "") + str(abs(value)).replace(".", "_"), "VALUE")
    return constant(str(value), "VALUE")


def variant_name(t: ir.TypeExpr, title: str, index: int) -> str:
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


def shape_suffix(node: Any) -> str:
    """A name suffix for an untitled inline variant: what it looks like."""
    if not isinstance(node, dict):
        return "Value"
    if "enum" in node:
        return "Enum"
    t = node.get("type")
    if t == "object" or "properties" in node:
        return "Object"
    return {"string": "String", "array": "Array", "integer": "Integer", "number": "Number", "boolean": "Boolean"}.get(t if isinstance(t, str) else "", "Value")


def is_null_schema(node: Any) -> bool:
    if not isinstance(node, dict):
        return False
    if node.get("type") == "null":
        return True
    if node.get("type") == ["null"]:
        return True
    if isinstance(node.get("enum"), list) and node["enum"] == [None]:
        return True
    return set(node) == {"nullable"} and node["nullable"] is True


def open_enum_values(node: dict[str, Any], targets: list[Any]) -> list[Any] | None:
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


def required_alternatives(node: dict[str, Any], kw: str) -> tuple[tuple[str, ...], ...] | None:
    """`properties` (its own, or its `allOf` parts') plus `anyOf: [{required: [a]}, {required:
    [b]}]`: the required sets, else None."""
    parts = node.get(kw)
    if not (isinstance(node.get("properties"), dict) or isinstance(node.get("allOf"), list)) or not isinstance(parts, list) or not parts:
        return None
    out = []
    for p in parts:
        if not isinstance(p, dict) or not isinstance(p.get("required"), list) or set(p) - {"required", "description", "title"}:
            return None
        out.append(tuple(str(r) for r in p["required"]))
    return tuple(out)


def alternatives_part(part: Any) -> str | None:
    """`oneOf` or `anyOf` when `part` (an `allOf` part) only says which sets of fields are
    required (`anyOf: [{required: [a]}, {required: [b]}]`, a title or a description beside it),
    else None: the object it is a part of takes those sets as its own."""
    if not isinstance(part, dict):
        return None
    kws = [kw for kw in ("oneOf", "anyOf") if kw in part]
    if len(kws) != 1 or set(part) - {kws[0], "title", "description"}:
        return None
    return kws[0] if required_alternatives({"properties": {}, kws[0]: part[kws[0]]}, kws[0]) is not None else None


def deprecation_in_parts(site: dict[str, Any], description: str) -> ir.Deprecation | None:
    for kw in ("allOf", "anyOf", "oneOf"):
        parts = site.get(kw)
        if isinstance(parts, list):
            for p in parts:
                if isinstance(p, dict) and p.get("deprecated") is True and "$ref" not in p:
                    return ir.Deprecation(parse_replacement(description), description.strip().splitlines()[0] if description.strip() else "")
    return None



# what documents a schema rather than shapes it: kept from a wrapper's inner schema when the
# wrapper itself doesn't say (`anyOf: [{type: number, description, default: 1}, {type: "null"}]`)
DOC_KEYS = ("description", "title", "default", "example", "examples", "deprecated", "readOnly", "writeOnly")
_ANNOTATION_ONLY = frozenset(DOC_KEYS) | {"nullable", "$comment"}


def wrapped_parts(node: dict[str, Any], resolve: Any) -> tuple[Any | None, list[dict[str, Any]]]:
    """The one schema a wrapper stands for, and the annotation-only parts beside it.

    A wrapper is a nullable union with one non-null branch (`anyOf: [X, {type: null}]`, also
    `oneOf`) or an `allOf` with one part that has a shape (the others only annotate it).
    `resolve(part)` follows a part's `$ref` (to tell a null branch). (None, []) otherwise."""
    for kw in ("anyOf", "oneOf"):
        parts = node.get(kw)
        if isinstance(parts, list) and parts:
            live = [p for p in parts if not is_null_schema(p) and not is_null_schema(resolve(p))]
            if len(live) == 1:
                return live[0], []
            return None, []
    parts = node.get("allOf")
    if isinstance(parts, list) and parts:
        notes = [p for p in parts if isinstance(p, dict) and "$ref" not in p and set(p) <= _ANNOTATION_ONLY]
        shaped = [p for p in parts if not any(p is n for n in notes)]
        if len(shaped) == 1:
            return shaped[0], notes
    return None, []


# vendor extensions that mark a property as computed by client SDKs, never sent by the server
# (`x-oaiSupportedSDKs` on OpenAI's `output_text`)
_SDK_COMPUTED = re.compile(r"^x-.*(supported-?sdks|sdk-?only|client-?computed)$", re.IGNORECASE)


def sdk_computed(node: Any) -> bool:
    """Whether a property's schema (or a branch of its anyOf/oneOf) is marked SDK-computed."""
    if not isinstance(node, dict):
        return False
    if _marked_sdk_computed(node):
        return True
    for kw in ("anyOf", "oneOf", "allOf"):
        parts = node.get(kw)
        if isinstance(parts, list) and any(isinstance(p, dict) and _marked_sdk_computed(p) for p in parts):
            return True
    return False


def _marked_sdk_computed(node: dict[Any, Any]) -> bool:
    # the pattern needs `x-` first (any case): most schemas have no such key at all
    for k in node:
        if isinstance(k, str) and k[:2] in _X and _SDK_COMPUTED.match(k):
            return True
    return False


_X = frozenset({"x-", "X-"})
