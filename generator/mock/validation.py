"""Request validation against the spec's own schemas, and the problems it finds in words.

jsonschema with OpenAPI semantics (openapi-schema-validator: OAS 3.0 for 3.0 specs, OAS 3.1 /
draft 2020-12 otherwise); `$ref`s, relative-file ones included, resolve through the loaded
documents. What the spec means beyond the validator's letter:

- readOnly / writeOnly per direction: a readOnly property is never required in a request (also
  when an `allOf` branch makes it required), a writeOnly one never in a response; a readOnly
  property a client sends anyway is ignored, not refused (OpenAPI: it SHOULD NOT be sent);
- `nullable: true` admits null in 3.1 documents too (the normalizer reads it in every version),
  also beside `anyOf` / `oneOf` / `allOf`; an `enum` admits null only when it lists it (OpenAPI
  3.0.3); `type: "null"` is a type in 3.0 documents too;
- a keyword the validator cannot apply (`maximum: "1e400"`, a pattern that is not a regular
  expression) constrains nothing, and `schema_warnings` names it at start-up; nor does an
  empty `enum` (by the letter it allows no value; the client is generated as if it were absent),
  except as a whole subschema of `not`, `oneOf` or `anyOf`, where it keeps its letter.

Every problem is a JSON pointer into the instance, the keyword, and a sentence with the value
written as JSON: never a Python repr.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from jsonschema import validators
from jsonschema.exceptions import ValidationError, best_match

from ..diagnostics import MISSING, join_pointer, node_at, pointer_ref
from ..spec.load import Documents
from .bounded import bounded

BASE_URI = "file:///specgen-spec/"
MAX_DEPTH = 96  # nesting of a request value; deeper ones are refused before they reach a recursive validator
_RECURSION_ROOM = 16  # levels of schema walking kept for composition (allOf of allOf of $ref...)

Side = str  # "request" | "response"


@dataclass(frozen=True)
class Problem:
    """One validation failure: where (a JSON pointer into the instance), the keyword, and why."""

    pointer: str
    reason: str
    message: str


def depth_of(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deeply `value` nests (scalars 0), counted without recursion; stops past `limit`."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, dict):
            children: Any = v.values()
        elif isinstance(v, list):
            children = v
        else:
            continue
        deepest = max(deepest, d + 1)
        if deepest > limit:
            return deepest
        stack.extend((c, d + 1) for c in children)
    return deepest


# ------------------------------------------------------------------ readOnly / writeOnly per side


def _flagged_required(data: Any, flag: str, follow: Callable[[Any], Any]) -> Any:
    """`data` with each `required` list minus the properties marked `flag` (`readOnly` for
    requests, `writeOnly` for responses), looking through `allOf` branches and `$ref`s for the
    property schemas; unchanged subtrees are shared, not copied."""

    def props(schema: Any, room: int) -> dict[str, Any]:
        schema = follow(schema)
        out: dict[str, Any] = {}
        if not isinstance(schema, dict) or room <= 0:
            return out
        branches = schema.get("allOf")
        for b in branches if isinstance(branches, list) else ():
            out.update(props(b, room - 1))
        own = schema.get("properties")
        if isinstance(own, dict):
            out.update(own)
        return out

    def marked(prop: Any, room: int = 8) -> bool:
        prop = follow(prop)
        if not isinstance(prop, dict) or room <= 0:
            return False
        if prop.get(flag) is True:
            return True
        branches = prop.get("allOf")
        return any(marked(b, room - 1) for b in branches) if isinstance(branches, list) else False

    def walk(node: Any, inherited: dict[str, Any], room: int) -> Any:
        if room <= 0:
            return node
        if isinstance(node, list):
            items = [walk(x, {}, room - 1) for x in node]
            return items if any(a is not b for a, b in zip(items, node)) else node
        if not isinstance(node, dict):
            return node
        composed = isinstance(node.get("allOf"), list)
        known = {**inherited, **props(node, _RECURSION_ROOM)} if composed or isinstance(node.get("required"), list) else inherited
        out: dict[str, Any] = {}
        changed = False
        for k, v in node.items():
            if k == "allOf" and composed:
                nv = [walk(b, known, room - 1) for b in v]
                nv = nv if any(a is not b for a, b in zip(nv, v)) else v
            elif k == "required" and isinstance(v, list):
                nv = [n for n in v if not (isinstance(n, str) and n in known and marked(known[n]))]
                nv = nv if len(nv) != len(v) else v
            else:
                nv = walk(v, {}, room - 1)
            changed = changed or nv is not v
            out[k] = nv
        return out if changed else node

    return walk(data, {}, 400)


# ------------------------------------------------------------------ the validator


# keywords whose value holds subschemas: by name, in a list, or one
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "dependentSchemas"})
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_SCHEMA_ONE = frozenset({"items", "additionalItems", "additionalProperties", "contains", "propertyNames", "if", "then", "else", "unevaluatedItems", "unevaluatedProperties"})


def _schema(value: Any) -> Any:
    """A subschema as the validator can take it: a string or a number where a schema belongs
    (`properties: {$ref: file.yml}` holds a property called `$ref` whose schema is a string)
    constrains nothing, as the normalizer, which warns about it, reads it."""
    return value if isinstance(value, (dict, bool)) else True


def _chosen(value: Any) -> Any:
    """A subschema of `not`, `oneOf` or `anyOf`: an empty `enum` there keeps its letter (it
    matches nothing), as the normalizer reads it there; elsewhere it constrains nothing."""
    value = _schema(value)
    return False if isinstance(value, dict) and value.get("enum") == [] else value


def _subschemas(keyword: str, value: Any) -> Any:
    if keyword in _SCHEMA_MAPS and isinstance(value, dict):
        return value if all(isinstance(v, (dict, bool)) for v in value.values()) else {k: _schema(v) for k, v in value.items()}
    if keyword in _SCHEMA_LISTS and isinstance(value, list):
        fix = _chosen if keyword in ("oneOf", "anyOf") else _schema
        fixed = [fix(v) for v in value]
        return value if all(a is b for a, b in zip(fixed, value)) else fixed
    if keyword == "not":
        return _chosen(value)
    if keyword in _SCHEMA_ONE:
        # a list of items (JSON Schema's old tuple form, which OpenAPI does not allow and neither
        # validator here applies) constrains nothing
        return True if isinstance(value, list) else _schema(value)
    return value


def _points_at_no_schema(validator: Any, ref: Any) -> bool:
    """Whether `ref` leads to a value that is no schema (a string): the resolver would fail on
    it (it reads a schema's `$id` with .get); such a `$ref` constrains nothing. A `$ref` that
    does not resolve is left to the keyword, which says so."""
    try:
        target = validator._resolver.lookup(ref).contents
    except Exception:  # noqa: BLE001 - unresolvable: the keyword itself reports it
        return False
    return not isinstance(target, (dict, bool))


def _tolerant(fn: Callable[..., Iterator[ValidationError]], keyword: str) -> Callable[..., Iterator[ValidationError]]:
    """A keyword function that treats a broken keyword value (a string where a number belongs,
    a pattern that does not compile, a string where a subschema belongs, a `$ref` to one) as no
    constraint instead of raising."""

    def run(validator: Any, value: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
        if instance is None and isinstance(schema, dict) and schema.get("nullable") is True and keyword not in ("enum", "const"):
            return  # `nullable: true` admits null (around anyOf too) whatever the version; an enum must list it (3.0.3)
        if keyword == "enum" and value == []:
            return  # an empty enum constrains nothing, as the normalizer reads it (model/schemas.py)
        try:
            yield from fn(validator, _subschemas(keyword, value), instance, schema)
        except (TypeError, ValueError, OverflowError, re.error, LookupError):
            return
        except AttributeError:
            # only a `$ref` to a value that is no schema is no constraint (looked up here, off the
            # path every `$ref` takes); anything else below it is a fault to report
            if not (keyword == "$ref" and isinstance(value, str) and _points_at_no_schema(validator, value)):
                raise

    return run


def _by_discriminator(fn: Callable[..., Iterator[ValidationError]]) -> Callable[..., Iterator[ValidationError]]:
    """`oneOf` / `anyOf` with an explicit `discriminator`, read as OpenAPI 3.0 says (3.1 too):
    the tag's `mapping` entry, else the component schema it names (`{"kind": "Dog"}` is checked
    against `Dog` alone); no tag, or a tag that names no schema, falls back to the keyword's
    own letter (`fn`)."""

    def run(validator: Any, value: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
        disc = schema.get("discriminator") if isinstance(schema, dict) else None
        tag = instance.get(disc["propertyName"]) if isinstance(disc, dict) and isinstance(disc.get("propertyName"), str) and isinstance(instance, dict) else None
        if isinstance(tag, str) and tag:
            mapping = disc.get("mapping") if isinstance(disc, dict) else None
            target = mapping.get(tag) if isinstance(mapping, dict) else None
            ref = target if isinstance(target, str) and ("#" in target or "/" in target) else join_pointer("#/components/schemas", target if isinstance(target, str) else tag)
            from referencing.exceptions import Unresolvable

            try:
                validator._validate_reference(ref=ref, instance=instance)
            except Unresolvable:
                pass  # no such schema: the tag selects nothing, the keyword's letter decides
            else:
                yield from validator.descend(instance, {"$ref": ref})
                return
        yield from fn(validator, value, instance, schema)

    return run


def _ignore(validator: Any, value: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    return iter(())


@functools.cache
def validator_class(openapi: str) -> Any:
    """The jsonschema validator class the mock uses for a spec of this OpenAPI version."""
    import openapi_schema_validator as osv

    base: Any = osv.OAS30Validator if openapi == "3.0" else osv.OAS31Validator
    cls = bounded(base)
    keywords = {k: _tolerant(fn, k) for k, fn in cls.VALIDATORS.items()}
    # the same reading of a discriminator for both versions: 3.0's validator refuses a request
    # whose tag's mapping does not resolve (PagerDuty's points into another operation's schema,
    # through `$ref`s a pointer does not follow), where the keyword's own letter can decide
    from jsonschema import _keywords as letter

    plain: dict[str, Any] = {"oneOf": letter.oneOf, "anyOf": letter.anyOf} if openapi == "3.0" else cls.VALIDATORS
    keywords.update({k: _tolerant(_by_discriminator(plain[k]), k) for k in ("oneOf", "anyOf")})
    keywords["readOnly"] = keywords["writeOnly"] = _ignore  # sent anyway: ignored, as OpenAPI allows
    extend: Any = validators.extend
    checker = cls.TYPE_CHECKER.redefine("null", lambda c, i: i is None)
    return extend(cls, keywords, type_checker=checker)


@functools.cache
def format_checker(openapi: str) -> Any:
    """openapi-schema-validator's formats for the version, plus `uri` and `uri-reference`
    (RFC 3986), which it only checks when optional packages are present."""
    import openapi_schema_validator as osv
    from jsonschema import FormatChecker
    from rfc3986_validator import validate_rfc3986  # type: ignore[import-untyped]

    base = osv.oas30_format_checker if openapi == "3.0" else osv.oas31_format_checker
    checker = FormatChecker(formats=())
    checker.checkers = dict(base.checkers)
    checker.checks("uri")(lambda v: not isinstance(v, str) or bool(validate_rfc3986(v, rule="URI")))
    checker.checks("uri-reference")(lambda v: not isinstance(v, str) or bool(validate_rfc3986(v, rule="URI_reference")))
    return checker


class SchemaValidator:
    """Validates instances against schemas found by `file#pointer` in the loaded documents."""

    def __init__(self, docs: Documents, openapi: str):
        self.docs = docs
        self.openapi = openapi
        self._registries: dict[Side, Any] = {}
        self._cache: dict[tuple[str, Side], Any] = {}

    def _registry(self, side: Side) -> Any:
        reg = self._registries.get(side)
        if reg is not None:
            return reg
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4, DRAFT202012

        spec = DRAFT4 if self.openapi == "3.0" else DRAFT202012
        flag = "readOnly" if side == "request" else "writeOnly"
        views = {name: _flagged_required(d.data, flag, self._follower(name)) for name, d in self.docs.files.items()}
        docs = self.docs

        def retrieve(uri: str) -> Any:
            name = uri[len(BASE_URI):] if uri.startswith(BASE_URI) else None
            if name is None:
                raise LookupError(f"refusing to fetch {uri}")
            res = docs.resolve(name + "#", docs.main.name, "")
            if res is None:
                raise LookupError(uri)
            data = _flagged_required(docs.files[res.file].data, flag, self._follower(res.file))
            return Resource(contents=data, specification=spec)  # type: ignore[call-arg]

        resources = [(BASE_URI + name, Resource(contents=data, specification=spec)) for name, data in views.items()]  # type: ignore[call-arg]
        reg = Registry(retrieve=retrieve).with_resources(resources)  # type: ignore[call-arg]
        self._registries[side] = reg
        return reg

    def _follower(self, file: str) -> Callable[[Any], Any]:
        """Follows `$ref` chains (a few links) from schemas of `file`, quietly."""
        docs = self.docs

        def follow(node: Any) -> Any:
            here = file
            for _ in range(8):
                if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                    return node
                ref = node["$ref"]
                target, _, frag = ref.partition("#")
                if target:
                    return node  # another file: its own view prunes its own schemas
                doc = docs.files.get(here)
                node = _at(doc.data if doc is not None else None, frag)
            return node

        return follow

    def _validator(self, where: str, side: Side) -> Any:
        key = (where, side)
        v = self._cache.get(key)
        if v is None:
            file, pointer = self.docs.split_where(where)
            schema = {"$ref": BASE_URI + file + pointer_ref(pointer)}
            v = validator_class(self.openapi)(schema, registry=self._registry(side), format_checker=format_checker(self.openapi))
            self._cache[key] = v
        return v

    def problems(self, instance: Any, where: str, side: Side = "request") -> list[Problem]:
        """Every failure of `instance`, each in words; a schema that cannot be resolved, or an
        instance nested past MAX_DEPTH, validates nothing here (the caller bounds depth first)."""
        from referencing.exceptions import Unresolvable

        if depth_of(instance) > MAX_DEPTH:
            return [Problem("", "depth", f"nested deeper than {MAX_DEPTH} levels")]
        try:
            return [describe(err) for err in self._validator(where, side).iter_errors(instance)]
        except (Unresolvable, RecursionError):
            return []


def _at(data: Any, pointer: str) -> Any:
    node = node_at(data, pointer)
    return None if node is MISSING else node


# ------------------------------------------------------------------ problems in words


def show(value: Any, limit: int = 80) -> str:
    """A value as JSON text, shortened: what a message quotes (never a Python repr)."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=lambda o: f"<{type(o).__name__}>", allow_nan=True)
    except (ValueError, RecursionError):
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def kind(value: Any) -> str:
    """The JSON type of a value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else type(value).__name__


def _num(v: Any) -> str:
    return show(int(v)) if isinstance(v, float) and v.is_integer() and abs(v) < 1e15 else show(v)


def _missing_name(err: ValidationError) -> str | None:
    inst = err.instance if isinstance(err.instance, dict) else {}
    names = [n for n in err.validator_value if isinstance(n, str) and n not in inst] if isinstance(err.validator_value, list) else []
    return next((n for n in names if err.message.startswith(repr(n))), names[0] if names else None)


def describe(err: ValidationError) -> Problem:
    """A jsonschema error as a Problem: the pointer, the keyword, a sentence."""
    kw = str(err.validator)
    val: Any = err.validator_value
    inst = err.instance
    pointer = "".join(join_pointer("", p) for p in err.absolute_path)
    schema = err.schema if isinstance(err.schema, dict) else {}
    msg: str
    if kw == "type":
        wanted = val if isinstance(val, list) else [val]
        msg = f"expected {' or '.join(str(w) for w in wanted)}{' or null' if schema.get('nullable') is True else ''}, got {kind(inst)}" + (f" {show(inst, 40)}" if kind(inst) in ("string", "integer", "number", "boolean") else "")
    elif kw == "required":
        name = _missing_name(err)
        pointer = join_pointer(pointer, name) if name is not None else pointer
        msg = f"{show(name)} is required" if name is not None else "a required property is missing"
    elif kw in ("enum", "const"):
        allowed = val if kw == "enum" and isinstance(val, list) else [val]
        listed = ", ".join(show(v, 40) for v in allowed[:12]) + (f", … ({len(allowed)} values)" if len(allowed) > 12 else "")
        msg = f"{show(inst, 40)} is not one of {listed}" if kw == "enum" else f"must be {listed}"
    elif kw in ("minimum", "maximum"):
        exclusive = schema.get("exclusiveMinimum" if kw == "minimum" else "exclusiveMaximum") is True
        word = {("minimum", False): "at least", ("minimum", True): "greater than", ("maximum", False): "at most", ("maximum", True): "less than"}[(kw, exclusive)]
        msg = f"must be {word} {_num(val)}, got {show(inst, 40)}"
    elif kw in ("exclusiveMinimum", "exclusiveMaximum"):
        msg = f"must be {'greater' if kw == 'exclusiveMinimum' else 'less'} than {_num(val)}, got {show(inst, 40)}"
    elif kw == "multipleOf":
        msg = f"must be a multiple of {_num(val)}, got {show(inst, 40)}"
    elif kw in ("minLength", "maxLength"):
        msg = f"must be at {'least' if kw == 'minLength' else 'most'} {val} characters long, got {len(inst) if isinstance(inst, str) else '?'}"
    elif kw in ("minItems", "maxItems"):
        msg = f"must have at {'least' if kw == 'minItems' else 'most'} {val} items, got {len(inst) if isinstance(inst, list) else '?'}"
    elif kw in ("minProperties", "maxProperties"):
        msg = f"must have at {'least' if kw == 'minProperties' else 'most'} {val} properties, got {len(inst) if isinstance(inst, dict) else '?'}"
    elif kw == "uniqueItems":
        msg = "items must be unique"
    elif kw == "pattern":
        msg = f"{show(inst, 40)} does not match the pattern {show(val, 60)}"
    elif kw == "format":
        msg = f"{show(inst, 40)} is not a valid {val}"
    elif kw in ("additionalProperties", "unevaluatedProperties"):
        props = schema.get("properties")
        declared: dict[str, Any] = props if isinstance(props, dict) else {}
        extras = [k for k in inst if k not in declared] if isinstance(inst, dict) else []
        if len(extras) == 1:
            pointer = join_pointer(pointer, extras[0])
        msg = f"unexpected propert{'y' if len(extras) == 1 else 'ies'} {', '.join(show(k, 40) for k in extras[:8])}" if extras else "has properties the schema does not allow"
    elif kw in ("oneOf", "anyOf"):
        several = kw == "oneOf" and not err.context and "is valid under each of" in err.message
        if several:
            msg = "matches more than one of the variants; it must match exactly one"
        else:
            inner = best_match(err.context) if err.context else None
            detail = describe(inner) if inner is not None else None
            where = (f" at {detail.pointer}" if detail is not None and detail.pointer and detail.pointer != pointer else "")
            msg = "matches none of the variants" + (f" (closest: {detail.message}{where})" if detail is not None else "")
    elif kw == "not":
        msg = "matches a schema it must not match"
    elif kw == "nullable":
        msg = "must not be null"
    elif kw in ("dependentRequired", "dependencies"):
        msg = "a property that needs others is given without them"
    elif kw in ("contains", "minContains", "maxContains"):
        msg = "does not contain the items the schema asks for"
    elif kw == "propertyNames":
        msg = "has a property name the schema does not allow"
    elif kw == "discriminator":
        msg = "its discriminator does not name a variant this schema knows"
    elif kw == "$ref":
        msg = "does not match the referenced schema"
    else:
        msg = f"does not satisfy `{kw}` {show(val, 60)}"
    return Problem(pointer, kw, msg)
