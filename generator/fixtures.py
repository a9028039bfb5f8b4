"""The fixtures artifact: valid and invalid requests, responses and SSE streams per operation.

Layout, under OUT/fixtures/<file_stem(operation id)>/:

- `request.minimal.json`   required fields only;
- `request.full.json`      every non-deprecated field;
- `request.deprecated.json` every field, deprecated ones included (only when there are some);
- `request.variant-<name>.json` one per union variant reachable from the request body (each
  message role, each content part type, each tool_choice form...): the minimal request with
  the path to that union filled in and the variant chosen there;
- `invalid/<case>.json`    `{"payload": ..., "pointer": "/temperature", "reason": "maximum",
  "detail": "..."}`: the payload fails JSON Schema validation at `pointer` (a JSON pointer into
  the payload, as jsonschema reports it) for the keyword `reason` (`required`, `type`,
  `minimum`/`maximum`/`exclusiveMinimum`/`exclusiveMaximum`, `minLength`/`maxLength`,
  `enum`, `maxItems`/`minItems`; `discriminator` means the union's tag property fails its
  `enum`/`const` there);
- `response.<status>.json` one per declared response with a JSON body (`default` and ranges
  such as `2XX` keep their spelling);
- `stream.sse`             for streaming operations: chunk events, `data: [DONE]` last.

A request fixture is the JSON body itself when the operation has no parameters; otherwise it
is `{"path": {...}, "query": {...}, "header": {...}, "body": ...}` (empty sections and a
missing body left out), and invalid pointers are relative to that wrapper (`/query/limit`).

Values: the spec's `example`/`examples`/`default` first (when they satisfy the schema), else
synthesized to satisfy every constraint the IR records. Everything is deterministic: no
randomness, no clock; regenerating gives identical files. `examples(api)` gives the same data
to other artifacts (docs) without files.
"""

from __future__ import annotations

import copy
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterator, Literal

from generator import ir
from generator.naming import Namer, file_stem
from generator.render import RenderContext, to_json

Mode = Literal["minimal", "full", "deprecated"]
Side = Literal["request", "response"]

_MAX_DEPTH = 8  # nested models below this depth are filled minimally
_MISSING = object()


def render(api: ir.Api, ctx: RenderContext) -> dict[str, str]:
    """Files of this artifact, keyed by their path relative to OUT."""
    out: dict[str, str] = {}
    for op, fx in all_fixtures(api):
        base = f"fixtures/{fx.stem}"
        for name, payload in fx.requests.items():
            out[f"{base}/request.{name}.json"] = dump(payload)
        for case in fx.invalid:
            out[f"{base}/invalid/{case.name}.json"] = dump({"payload": case.payload, "pointer": case.pointer, "reason": case.reason, "detail": case.detail})
        for status, payload in fx.responses.items():
            out[f"{base}/response.{status}.json"] = dump(payload)
        if fx.stream is not None:
            out[f"{base}/stream.sse"] = fx.stream
    return out


def dump(value: Any) -> str:
    """JSON text of a fixture file (inf/nan spelled as strings, which never happens for valid ones)."""
    return to_json(value, indent=2) + "\n"


# ------------------------------------------------------------------------- public data


@dataclass(frozen=True)
class InvalidCase:
    name: str
    payload: Any
    pointer: str
    reason: str
    detail: str


@dataclass
class OperationFixtures:
    """Every fixture of one operation, as data."""

    op_id: str
    stem: str
    wrapped: bool  # request fixtures are {"path", "query", "header", "body"} wrappers
    requests: dict[str, Any] = field(default_factory=dict)  # "minimal", "full", "variant-x"...
    invalid: list[InvalidCase] = field(default_factory=list)
    responses: dict[str, Any] = field(default_factory=dict)  # status -> JSON body
    stream: str | None = None
    stream_events: list[Any] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (variant label, why no fixture)


def all_fixtures(api: ir.Api) -> list[tuple[ir.Operation, OperationFixtures]]:
    """Fixtures of every operation, in the IR's order (cached on the Api object)."""
    cache = api.__dict__.setdefault("_specgen_fixtures", {})
    if "all" not in cache:
        stems = Namer()
        out = []
        for op in api.operations:
            out.append((op, operation_fixtures(api, op, stems.claim(file_stem(op.id, "operation")))))
        cache["all"] = out
    return cache["all"]  # type: ignore[no-any-return]


def fixture_stems(api: ir.Api) -> dict[str, str]:
    """Operation id -> the folder name of its fixtures (unique, file-system safe)."""
    stems = Namer()
    return {op.id: stems.claim(file_stem(op.id, "operation")) for op in api.operations}


def operation_fixtures(api: ir.Api, op: ir.Operation, stem: str | None = None) -> OperationFixtures:
    """Every fixture of one operation (the mock server asks for them one operation at a time)."""
    cache = api.__dict__.setdefault("_specgen_fixtures", {})
    key = ("op", op.id)
    if key in cache:
        return cache[key]  # type: ignore[no-any-return]
    synth = _synth(api)
    fx = _Builder(api, op, synth).build(stem or fixture_stems(api)[op.id])
    cache[key] = fx
    return fx


def examples(api: ir.Api) -> dict[str, dict[str, Any]]:
    """op.id -> {"request": full request (or None), "minimal": ..., "response": success body
    (or None), "status": its status, "stream": first stream event (or None)}: for docs."""
    out: dict[str, dict[str, Any]] = {}
    for op, fx in all_fixtures(api):
        ok = op.success
        status = ok.status if ok is not None else None
        out[op.id] = {
            "request": copy.deepcopy(fx.requests.get("full")),
            "minimal": copy.deepcopy(fx.requests.get("minimal")),
            "response": copy.deepcopy(fx.responses.get(status)) if status is not None else None,
            "status": status,
            "stream": copy.deepcopy(fx.stream_events[0]) if fx.stream_events else None,
        }
    return out


def _synth(api: ir.Api) -> Synth:
    cache = api.__dict__.setdefault("_specgen_fixtures", {})
    if "synth" not in cache:
        cache["synth"] = Synth(api)
    return cache["synth"]  # type: ignore[no-any-return]


# ------------------------------------------------------------------ conformance (IR level)


def conforms(api: ir.Api, value: Any, t: ir.TypeExpr, side: Side = "request", depth: int = 0) -> bool:
    """Does `value` satisfy type `t` as the IR records it? Conservative: unsure means no.
    Used to vet spec examples and to keep oneOf values matching exactly one variant."""
    if depth > 40:
        return False
    if value is None:
        return t.nullable or t.kind in ("null", "any")
    k = t.kind
    if k == "any":
        return True
    if k == "null":
        return False
    if k == "string" or k == "binary":
        return isinstance(value, str) and (k == "binary" or _string_ok(value, t))
    if k == "integer":
        return isinstance(value, int) and not isinstance(value, bool) and _number_ok(value, t.constraints)
    if k == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and _number_ok(value, t.constraints)
    if k == "boolean":
        return isinstance(value, bool)
    if k == "literal":
        return any(_same(value, v) for v in t.values)
    if k == "enum":
        e = api.enum_map.get(t.ref or "")
        if e is None:
            return False
        if e.open:
            return isinstance(value, str)
        return any(_same(value, v) for v in e.values)
    if k == "array":
        if not isinstance(value, list):
            return False
        c = t.constraints
        if c.min_items is not None and len(value) < c.min_items:
            return False
        if c.max_items is not None and len(value) > c.max_items:
            return False
        if c.unique_items and len({json.dumps(v, sort_keys=True) for v in value}) != len(value):
            return False
        return t.item is None or all(conforms(api, v, t.item, side, depth + 1) for v in value)
    if k == "map":
        if not isinstance(value, dict):
            return False
        c = t.constraints
        if c.min_properties is not None and len(value) < c.min_properties:
            return False
        if c.max_properties is not None and len(value) > c.max_properties:
            return False
        return t.item is None or all(conforms(api, v, t.item, side, depth + 1) for v in value.values())
    if k == "model":
        m = api.model_map.get(t.ref or "")
        if m is None or not isinstance(value, dict):
            return False
        for f in m.fields:
            if f.name in value:
                if not conforms(api, value[f.name], f.type, side, depth + 1):
                    return False
            elif f.required:
                return False
        if m.alternatives:
            hits = sum(1 for alt in m.alternatives if all(n in value for n in alt))
            if hits == 0 or (m.alternatives_exclusive and hits > 1):
                return False
        extra = [key for key in value if key not in m.field_map]
        if extra:
            if m.closed:
                return False
            if m.additional is not None:
                return all(conforms(api, value[key], m.additional, side, depth + 1) for key in extra)
        return True
    if k == "union":
        variants = [v.type for v in api.union_map[t.ref].variants] if t.ref and t.ref in api.union_map else list(t.variants)
        hits = sum(1 for v in variants if conforms(api, value, v, side, depth + 1))
        keyword = api.union_map[t.ref].keyword if t.ref and t.ref in api.union_map else "anyOf"
        return hits == 1 if keyword == "oneOf" else hits >= 1
    return False


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a == b) and (isinstance(a, (int, float)) == isinstance(b, (int, float)))


def _number_ok(v: float, c: ir.Constraints) -> bool:
    if c.minimum is not None and v < c.minimum:
        return False
    if c.maximum is not None and v > c.maximum:
        return False
    if c.exclusive_minimum is not None and v <= c.exclusive_minimum:
        return False
    if c.exclusive_maximum is not None and v >= c.exclusive_maximum:
        return False
    if c.multiple_of:
        q = v / c.multiple_of
        if abs(q - round(q)) > 1e-9:
            return False
    return True


def _string_ok(s: str, t: ir.TypeExpr) -> bool:
    c = t.constraints
    if c.min_length is not None and len(s) < c.min_length:
        return False
    if c.max_length is not None and len(s) > c.max_length:
        return False
    if c.pattern is not None:
        try:
            if re.search(c.pattern, s) is None:
                return False
        except re.error:
            return False
    fmt = t.format
    if fmt in _FORMAT_CHECKS and not _FORMAT_CHECKS[fmt](s):
        return False
    return True


_FORMAT_CHECKS = {
    "date-time": lambda s: re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", s) is not None,
    "date": lambda s: re.fullmatch(r"\d{4}-\d\d-\d\d", s) is not None,
    "email": lambda s: re.fullmatch(r"[^@\s]+@[^@\s]+", s) is not None,
    "uuid": lambda s: re.fullmatch(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", s) is not None,
    "uri": lambda s: re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", s) is not None,
    "ipv4": lambda s: re.fullmatch(r"(\d{1,3}\.){3}\d{1,3}", s) is not None,
}

# ------------------------------------------------------------------------ synthesis


_FORMAT_VALUES = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "12:00:00Z",
    "duration": "P1D",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "uri": "https://example.com/resource",
    "url": "https://example.com/resource",
    "iri": "https://example.com/resource",
    "uri-reference": "https://example.com/resource",
    "iri-reference": "https://example.com/resource",
    "uri-template": "https://example.com/{id}",
    "uuid": "123e4567-e89b-42d3-a456-426614174000",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "byte": "aGVsbG8=",
    "base64": "aGVsbG8=",
    "password": "secret-password",
    "regex": "^[a-z]+$",
    "json-pointer": "/a",
    "relative-json-pointer": "0",
}

_NAME_VALUES = {
    "content": "Hello!",
    "text": "Hello!",
    "prompt": "Hello!",
    "input": "Hello!",
    "message": "Hello!",
    "instructions": "Be helpful.",
    "description": "An example.",
    "name": "example_name",
    "model": "gpt-4o",
    "role": "user",
    "language": "en",
    "url": "https://example.com/resource",
    "image_url": "https://example.com/image.png",
}


class Synth:
    """Builds values for IR types, deterministically. Values of a named model are memoized per
    (side, mode, ordinal); recursion is cut by preferring the cheapest valid choice."""

    def __init__(self, api: ir.Api):
        self.api = api
        self.memo: dict[tuple[str, str, str, int], Any] = {}

    def value(
        self,
        t: ir.TypeExpr,
        side: Side,
        mode: Mode,
        name: str = "",
        stack: tuple[str, ...] = (),
        ordinal: int = 0,
        examples: tuple[Any, ...] = (),
        default: Any = _MISSING,
        steer: Steer | None = None,
    ) -> Any:
        """A value of type `t`. `name` (the field's) picks realistic strings; `stack` holds the
        definitions being built (recursion); `steer` forces union choices and fields."""
        api = self.api
        # the spec's own values first, when they are valid
        if steer is None and (t.kind not in ("model", "union", "map") or (t.kind == "union" and t.ref is None)):
            for cand in ((default,) if default is not _MISSING else ()) + tuple(examples):
                if cand is not None and ordinal == 0 and conforms(api, cand, t, side):
                    return copy.deepcopy(cand)
        k = t.kind
        if k == "model" and t.ref in api.model_map:
            return self.model(api.model_map[t.ref], side, mode, stack, ordinal, steer)
        if k == "union" and t.ref in api.union_map:
            return self.union(api.union_map[t.ref], side, mode, name, stack, ordinal, steer)
        if k == "union":
            return self.value(t.variants[0], side, mode, name, stack, ordinal) if t.variants else None
        if k == "enum":
            e = api.enum_map.get(t.ref or "")
            if e is None or not e.members:
                return "value"
            return e.members[ordinal % len(e.members)].value
        if k == "literal":
            return t.values[0] if t.values else None
        if k == "string":
            return self.string(t, name, ordinal)
        if k == "binary":
            return "file-content"
        if k == "integer" or k == "number":
            return self.number(t, ordinal)
        if k == "boolean":
            return ordinal % 2 == 1
        if k == "null":
            return None
        if k == "array":
            return self.array(t, side, mode, name, stack, ordinal, steer)
        if k == "map":
            return self.mapping(t, side, mode, name, stack, ordinal, steer)
        return {}  # `any`: an empty object is valid for `{}` schemas

    # ---- strings and numbers

    def string(self, t: ir.TypeExpr, name: str, ordinal: int) -> str:
        c = t.constraints
        if t.format in _FORMAT_VALUES:
            base = _FORMAT_VALUES[t.format]
        elif c.pattern is not None:
            base = regex_example(c.pattern, c.min_length, c.max_length) or "a"
        else:
            lname = name.lower()
            if lname in _NAME_VALUES:
                base = _NAME_VALUES[lname]
            elif lname == "id" or lname.endswith("_id"):
                base = f"{lname}_abc123"
            else:
                base = "example"
        if ordinal:
            if c.pattern is None and t.format is None:
                base = f"{base}-{ordinal}"
            elif c.pattern is not None:
                alt = regex_example(c.pattern, c.min_length, c.max_length, ordinal)
                base = alt or base
        lo, hi = c.min_length or 0, c.max_length
        if len(base) < lo:
            base = base + "x" * (lo - len(base))
        if hi is not None and len(base) > hi:
            base = base[:hi]
        if c.pattern is not None and not _string_ok(base, t):
            alt = regex_example(c.pattern, c.min_length, c.max_length, ordinal)
            if alt is not None:
                base = alt
        return base

    def number(self, t: ir.TypeExpr, ordinal: int) -> int | float:
        c = t.constraints
        is_int = t.kind == "integer"
        lo, hi = c.minimum, c.maximum
        if c.exclusive_minimum is not None:
            em = math.floor(c.exclusive_minimum) + 1 if is_int else c.exclusive_minimum + min(1.0, _room(c))
            lo = em if lo is None else max(lo, em)
        if c.exclusive_maximum is not None:
            em = math.ceil(c.exclusive_maximum) - 1 if is_int else c.exclusive_maximum - min(1.0, _room(c))
            hi = em if hi is None else min(hi, em)
        v: float = 1 + ordinal
        if c.exclusive_minimum is not None and self.api.openapi != "3.0" and (hi is None or hi >= 2):
            # a 3.0-style `exclusiveMinimum: true` in a 3.1 document reads as "> 1" to a 2020-12
            # validator: stay above 1 so both readings accept the value
            v = max(v, 2)
        if lo is not None and v < lo:
            v = math.ceil(lo) if is_int else lo
        if hi is not None and v > hi:
            v = math.floor(hi) if is_int else hi
        cands: list[float] = [v]
        m = c.multiple_of
        if m:
            cands = []
            for base in (v, lo, hi):
                if base is None:
                    continue
                for q in (round(base / m), math.ceil(base / m), math.floor(base / m), math.ceil(base / m) + 1, math.floor(base / m) - 1):
                    cands.append(round(q * m, 12))
        for cand in cands:
            out: int | float = int(round(cand)) if is_int or float(cand).is_integer() else cand
            if is_int and float(cand) != float(out):
                continue
            if _number_ok(out, c):
                return out
        return int(v) if is_int else v

    # ---- containers

    def array(self, t: ir.TypeExpr, side: Side, mode: Mode, name: str, stack: tuple[str, ...], ordinal: int, steer: Steer | None) -> list[Any]:
        c = t.constraints
        n = max(c.min_items or 0, 1)
        if c.max_items is not None:
            n = min(n, c.max_items)
        item = t.item or ir.TypeExpr("any")
        if item.ref is not None and item.ref in stack and (c.min_items or 0) == 0 and self._recursive(item.ref, stack):
            n = 0  # cut recursion where an empty list is allowed
        out: list[Any] = []
        seen: set[str] = set()
        i = 0
        while len(out) < n and i < n + 16:
            sub = steer.child_item() if steer is not None else None
            v = self.value(item, side, mode, _singular(name), stack, ordinal + i, steer=sub if len(out) == 0 else None)
            i += 1
            key = json.dumps(v, sort_keys=True)
            if c.unique_items and key in seen:
                continue
            seen.add(key)
            out.append(v)
        return out

    def mapping(self, t: ir.TypeExpr, side: Side, mode: Mode, name: str, stack: tuple[str, ...], ordinal: int, steer: Steer | None) -> dict[str, Any]:
        c = t.constraints
        n = c.min_properties or 0
        if mode != "minimal" and n == 0:
            n = 1
        if c.max_properties is not None:
            n = min(n, c.max_properties)
        item = t.item or ir.TypeExpr("any")
        if item.ref is not None and item.ref in stack and (c.min_properties or 0) == 0:
            n = 0
        if item.kind == "any":
            return {f"key{i + 1}" if i else "key": "value" for i in range(n)}
        return {(f"key{i + 1}" if i else "key"): self.value(item, side, mode, "value", stack, ordinal + i) for i in range(n)}

    # ---- models and unions

    def _include(self, f: ir.Field, side: Side, mode: Mode, depth: int) -> bool:
        if side == "request" and f.read_only and not (f.required and self.api.openapi != "3.0"):
            return False
        if side == "response" and f.write_only and not (f.required and self.api.openapi != "3.0"):
            return False
        if f.required:
            return True
        if mode == "minimal" or depth >= _MAX_DEPTH:
            return False
        if f.deprecated is not None and mode != "deprecated":
            return False
        return True

    def model(self, m: ir.Model, side: Side, mode: Mode, stack: tuple[str, ...], ordinal: int, steer: Steer | None) -> dict[str, Any]:
        depth = len(stack)
        eff: Mode = "minimal" if depth >= _MAX_DEPTH or m.name in stack else mode
        key = (m.name, side, eff, ordinal)
        if steer is None and key in self.memo:
            return copy.deepcopy(self.memo[key])
        inner = stack + (m.name,)
        out: dict[str, Any] = {}
        forced = steer.fields if steer is not None else {}
        # `oneOf`/`anyOf` of required sets: the first set is required, the others' fields
        # stay out when only one set may be present
        chosen = set(m.alternatives[0]) if m.alternatives else set()
        for alt in m.alternatives:
            if set(forced) & set(alt):
                chosen = set(alt)  # a steered field decides the set
                break
        excluded = {n for alt in m.alternatives[1:] for n in alt} - chosen if m.alternatives_exclusive else set()
        for f in m.fields:
            if f.name in excluded and f.name not in forced:
                continue
            if f.name not in forced and f.name not in chosen and not self._include(f, side, eff, depth):
                continue
            if f.type.ref is not None and f.type.ref in stack and f.name not in forced:
                if not f.required:
                    continue  # optional recursion: leave it out
                if f.type.nullable:
                    out[f.name] = None
                    continue
            if len(stack) > 40:
                continue  # give up on a chain of required objects this deep
            v = self.value(
                f.type, side, eff, f.name, inner, ordinal, f.examples, f.default if f.has_default else _MISSING,
                steer=forced.get(f.name),
            )
            out[f.name] = v
        if m.additional is not None and eff != "minimal" and not m.fields:
            out.setdefault("key", self.value(m.additional, side, "minimal", "value", inner, ordinal))
        if steer is None:
            self.memo[key] = copy.deepcopy(out)
        return out

    def union(self, u: ir.Union, side: Side, mode: Mode, name: str, stack: tuple[str, ...], ordinal: int, steer: Steer | None) -> Any:
        order = self.variant_order(u, stack)
        if ordinal and len(order) > 1:
            r = ordinal % len(order)
            order = order[r:] + order[:r]
        if steer is not None and steer.variant is not None:
            order = [steer.variant]
        inner = stack + (u.name,)
        first: Any = _MISSING
        modes: tuple[Mode, ...] = (mode, "full", "minimal") if mode == "minimal" else (mode, "minimal")
        for idx in order:
            v = u.variants[idx]
            # a oneOf value must match one variant only: try other shapes (modes) and other
            # choices further down (ordinals rotate nested unions) before giving up
            tries = [(m2, ordinal + k) for k in range(3) for m2 in modes] if u.keyword == "oneOf" else [(mode, ordinal)]
            for m2, o2 in tries:
                val = self.value(v.type, side, m2, name, inner, o2, steer=steer.child_variant() if steer is not None else None)
                if first is _MISSING:
                    first = val
                if u.keyword != "oneOf" or self._exactly(u, idx, val, side):
                    return val
        if steer is not None:
            steer.failed = True  # this variant cannot be told apart from another one
        return None if first is _MISSING else first

    def _exactly(self, u: ir.Union, idx: int, val: Any, side: Side) -> bool:
        for j, other in enumerate(u.variants):
            if j != idx and conforms(self.api, val, other.type, side):
                return False
        return True

    def variant_order(self, u: ir.Union, stack: tuple[str, ...]) -> list[int]:
        """Non-deprecated variants first, and ones that do not lead back into `stack`."""
        def rank(i: int) -> tuple[int, int, int]:
            v = u.variants[i]
            rec = 1 if v.type.ref is not None and (v.type.ref in stack or self._recursive(v.type.ref, stack)) else 0
            return (rec, 1 if v.deprecated is not None else 0, i)

        return sorted(range(len(u.variants)), key=rank)

    def _recursive(self, ref: str, stack: tuple[str, ...]) -> bool:
        """Does the definition `ref` reach back into a definition of `stack` via required fields?"""
        if not stack:
            return False
        seen: set[str] = set()
        todo = [ref]
        targets = set(stack)
        while todo:
            cur = todo.pop()
            if cur in seen:
                continue
            seen.add(cur)
            if cur in targets and cur != ref:
                return True
            for t in self._required_refs(cur):
                if t in targets:
                    return True
                todo.append(t)
        return False

    def _required_refs(self, ref: str) -> list[str]:
        api = self.api
        out: list[str] = []
        if ref in api.model_map:
            for f in api.model_map[ref].fields:
                if f.required:
                    out.extend(_refs_of(f.type))
        return out


def _refs_of(t: ir.TypeExpr) -> list[str]:
    out = []
    if t.ref is not None:
        out.append(t.ref)
    if t.item is not None and t.kind != "array":
        out.extend(_refs_of(t.item))
    for v in t.variants:
        out.extend(_refs_of(v))
    return out


def _room(c: ir.Constraints) -> float:
    lo = c.exclusive_minimum if c.exclusive_minimum is not None else c.minimum
    hi = c.exclusive_maximum if c.exclusive_maximum is not None else c.maximum
    if lo is None or hi is None:
        return 0.5
    return max((hi - lo) / 2, 1e-6)


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") and len(name) > 3 else name


@dataclass
class Steer:
    """Forced choices along one path into a request: the fields to include at each model and
    the variant to take at each union (`variant`), down to the target union."""

    fields: dict[str, Steer] = field(default_factory=dict)
    variant: int | None = None
    item: Steer | None = None
    inner: Steer | None = None  # what follows the chosen variant
    failed: bool = False  # set when the forced variant could not be made valid on its own

    def child_item(self) -> Steer | None:
        return self.item

    def child_variant(self) -> Steer | None:
        return self.inner


# ------------------------------------------------------------------------ regex examples


def regex_example(pattern: str, min_len: int | None = None, max_len: int | None = None, ordinal: int = 0) -> str | None:
    """A short string that `re.search(pattern, s)` accepts, within the length bounds; None when
    the pattern is beyond this small generator (lookarounds, back-references)."""
    import importlib

    sre: Any = importlib.import_module("re._parser")  # the stdlib's own regex parser (3.11+)
    try:
        parsed = sre.parse(pattern)
    except Exception:
        return None
    target_lo = min_len or 0
    for extra in range(0, 64):
        try:
            s = _emit(parsed, extra, ordinal, sre)
        except _Unsupported:
            return None
        if len(s) < target_lo and extra < 63:
            continue
        if max_len is not None and len(s) > max_len:
            break
        try:
            if re.search(pattern, s) is not None and len(s) >= target_lo:
                return s
        except re.error:
            return None
        if extra > 4 and len(s) >= target_lo:
            break
    return None


class _Unsupported(Exception):
    pass


def _emit(parsed: Any, extra: int, ordinal: int, sre: Any) -> str:
    out: list[str] = []
    budget = [extra]
    _emit_seq(list(parsed), out, budget, ordinal, sre)
    return "".join(out)


def _first_in(items: list[Any], sre: Any, ordinal: int) -> str:
    chars: list[str] = []
    negate = False
    for op, av in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            chars.append(chr(av))
        elif name == "RANGE":
            lo, hi = av
            chars.extend(chr(c) for c in range(lo, min(hi, lo + 26) + 1))
        elif name == "CATEGORY":
            cat = str(av)
            chars.extend({"CATEGORY_DIGIT": "0123456789", "CATEGORY_WORD": "abc", "CATEGORY_SPACE": " ", "CATEGORY_NOT_DIGIT": "a", "CATEGORY_NOT_WORD": "-", "CATEGORY_NOT_SPACE": "a"}.get(cat, "a"))
    if negate:
        for cand in "aAz0_-x.":
            if cand not in chars:
                return cand
        raise _Unsupported()
    if not chars:
        raise _Unsupported()
    return chars[ordinal % len(chars)]


def _emit_seq(items: list[Any], out: list[str], budget: list[int], ordinal: int, sre: Any) -> None:
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(av))
        elif name == "NOT_LITERAL":
            out.append("a" if chr(av) != "a" else "b")
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            out.append(_first_in(list(av), sre, ordinal))
        elif name == "CATEGORY":
            out.append(_first_in([(op, av)], sre, ordinal))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, hi, sub = av
            n = lo
            if budget[0] > 0 and (hi == sre.MAXREPEAT or hi > n):
                cap = hi if hi != sre.MAXREPEAT else n + budget[0]
                add = min(budget[0], cap - n)
                n += add
                budget[0] -= add
            if n == 0 and lo == 0:
                continue
            for _ in range(n):
                _emit_seq(list(sub), out, budget, ordinal, sre)
        elif name == "SUBPATTERN":
            sub = av[-1]
            _emit_seq(list(sub), out, budget, ordinal, sre)
        elif name == "BRANCH":
            branches = av[1]
            _emit_seq(list(branches[ordinal % len(branches)]), out, budget, ordinal, sre)
        elif name in ("AT",):
            continue
        elif name == "ATOMIC_GROUP":
            _emit_seq(list(av), out, budget, ordinal, sre)
        else:
            raise _Unsupported(name)


# ------------------------------------------------------------------------ per operation


@dataclass
class _Site:
    """A union reachable from the request body, and the way there: steps of `("field", name)`,
    `("item",)` and `("variant", index)` from the body down to the union."""

    union: str
    labels: tuple[str, ...]
    steps: tuple[tuple[Any, ...], ...]

    def build(self, variant: int) -> Steer:
        """The Steer that takes a body to this union and picks `variant` there."""
        steer = Steer(variant=variant)
        for step in reversed(self.steps):
            if step[0] == "field":
                steer = Steer(fields={step[1]: steer})
            elif step[0] == "item":
                steer = Steer(item=steer)
            else:
                steer = Steer(variant=step[1], inner=steer)
        return steer


class _Builder:
    def __init__(self, api: ir.Api, op: ir.Operation, synth: Synth):
        self.api = api
        self.op = op
        self.s = synth

    @property
    def wrapped(self) -> bool:
        return any(p.location in ("path", "query", "header") for p in self.op.parameters)

    def params(self, mode: Mode) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for p in self.op.parameters:
            if p.location not in ("path", "query", "header"):
                continue
            if not p.required and (mode == "minimal" or (p.deprecated is not None and mode != "deprecated")):
                continue
            if p.location == "header" and _HTTP_TOKEN.fullmatch(p.name) is None:
                continue  # no HTTP request can carry a header of that name
            v = self.s.value(p.type, "request", "minimal" if p.location == "path" else mode, p.name, (), 0, p.examples, p.default if p.has_default else _MISSING)
            if p.location == "header" and not _header_safe(v):
                v = self.s.value(p.type, "request", mode, p.name, (), 0)  # the spec's own value cannot be sent
                if not _header_safe(v) and not p.required:
                    continue
            if p.location == "path" and isinstance(v, str):
                v = _path_safe(v, p, self.api)
            out.setdefault(p.location, {})[p.name] = v
        return out

    def body(self, mode: Mode, steer: Steer | None = None) -> Any:
        b = self.op.body
        if b is None:
            return _MISSING
        v = self.s.value(b.type, "request", mode, "body", (), 0, steer=steer)
        if self.op.stream_param and isinstance(v, dict) and self.op.stream_param in v:
            v[self.op.stream_param] = False  # streaming is asked for by the tests, not the fixtures
        return v

    def wrap(self, params: dict[str, dict[str, Any]], body: Any) -> Any:
        if not self.wrapped:
            return None if body is _MISSING else body
        out: dict[str, Any] = {}
        for loc in ("path", "query", "header"):
            if params.get(loc):
                out[loc] = params[loc]
        if body is not _MISSING:
            out["body"] = body
        return out

    def build(self, stem: str) -> OperationFixtures:
        op = self.op
        fx = OperationFixtures(op.id, stem, self.wrapped)
        minimal_params = self.params("minimal")
        fx.requests["minimal"] = self.wrap(minimal_params, self.body("minimal"))
        fx.requests["full"] = self.wrap(self.params("full"), self.body("full"))
        if self._has_deprecated():
            fx.requests["deprecated"] = self.wrap(self.params("deprecated"), self.body("deprecated"))
        names = Namer()
        for site in self.sites():
            u = self.api.union_map[site.union]
            for idx, v in enumerate(u.variants):
                label = file_stem("-".join(site.labels + (_variant_label(v),)), "variant")
                steer = site.build(idx)
                body = self.body("minimal", steer)
                if any(st.failed for st in _walk(steer)):
                    fx.skipped.append((label, f"{u.name}: variant {v.name} always matches another variant of the oneOf too"))
                    continue
                fx.requests[f"variant-{names.claim(label)}"] = self.wrap(minimal_params, body)
        fx.invalid = self.invalid(fx.requests["minimal"], fx.requests["full"])
        for r in op.responses:
            if r.type is not None and r.encoding == "json":
                fx.responses[r.status] = self.s.value(r.type, "response", "full", "response", (), 0, r.examples)
        if op.streaming and op.stream_type is not None:
            fx.stream_events = self.stream_events(op.stream_type)
            fx.stream = "".join(f"data: {json.dumps(e, separators=(',', ':'))}\n\n" for e in fx.stream_events) + "data: [DONE]\n\n"
        return fx

    def _has_deprecated(self) -> bool:
        if any(p.deprecated is not None for p in self.op.parameters):
            return True
        return any(a.deprecated is not None for a in self.op.arguments if a.source == "body")

    # ---- streams

    def stream_events(self, t: ir.TypeExpr) -> list[Any]:
        api = self.api
        if t.kind == "union" and t.ref in api.union_map:
            u = api.union_map[t.ref]
            events = []
            for idx, v in enumerate(u.variants):
                if v.deprecated is not None or "error" in str(v.tag or v.name).lower():
                    continue
                e = self.s.value(t, "response", "full", "event", (), 0, steer=Steer(variant=idx))
                if isinstance(e, dict) and "error" in e:
                    continue
                events.append(e)
            if events:
                return events
        first = self.s.value(t, "response", "full", "chunk", (), 0)
        second = self.s.value(t, "response", "minimal", "chunk", (), 1)
        third = self.s.value(t, "response", "full", "chunk", (), 0)
        return [e for e in (first, second, third) if not (isinstance(e, dict) and "error" in e)] or [first]

    # ---- union sites

    def sites(self) -> list[_Site]:
        """Every union reachable from the body, each at its shallowest place (BFS)."""
        b = self.op.body
        if b is None:
            return []
        api = self.api
        out: list[_Site] = []
        seen: set[str] = set()
        visited_models: set[str] = set()
        Step = tuple[Any, ...]
        queue: list[tuple[ir.TypeExpr, tuple[str, ...], tuple[Step, ...]]] = [(b.type, (), ())]
        while queue:
            t, labels, steps = queue.pop(0)
            if len(steps) > 24:
                continue
            if t.kind == "array" and t.item is not None:
                queue.append((t.item, labels, steps + (("item",),)))
            elif t.kind == "model" and t.ref in api.model_map and t.ref not in visited_models:
                visited_models.add(t.ref)
                for f in api.model_map[t.ref].fields:
                    if not f.read_only:
                        queue.append((f.type, labels + (f.name,), steps + (("field", f.name),)))
            elif t.kind == "union" and t.ref in api.union_map and t.ref not in seen:
                seen.add(t.ref)
                u = api.union_map[t.ref]
                out.append(_Site(u.name, labels, steps))
                for idx, v in enumerate(u.variants):
                    tag = (str(v.tag),) if v.tag is not None and u.discriminator else ()
                    queue.append((v.type, labels + tag, steps + (("variant", idx),)))
        return out

    # ---- invalid cases

    def invalid(self, minimal: Any, full: Any) -> list[InvalidCase]:
        cases: list[InvalidCase] = []
        names = Namer()
        prefix = "/body" if self.wrapped else ""
        body_min = minimal.get("body", _MISSING) if self.wrapped and isinstance(minimal, dict) else minimal
        body_full = full.get("body", _MISSING) if self.wrapped and isinstance(full, dict) else full

        def add(name: str, payload_body: Any, pointer: str, reason: str, detail: str, base: Any = minimal, where: str = "body") -> None:
            payload = copy.deepcopy(base)
            if self.wrapped:
                if where == "body":
                    payload["body"] = payload_body
                else:
                    payload = payload_body
            else:
                payload = payload_body
            cases.append(InvalidCase(names.claim(file_stem(name, "case")), payload, pointer, reason, detail))

        b = self.op.body
        if b is not None and b.encoding == "json" and body_min is not _MISSING:
            t = b.type
            if t.kind == "model" and t.ref in self.api.model_map and isinstance(body_min, dict):
                m = self.api.model_map[t.ref]
                req = [f for f in m.fields if f.required and f.name in body_min]
                if req:
                    f = req[0]
                    broken = copy.deepcopy(body_min)
                    del broken[f.name]
                    add(f"missing-{f.name}", broken, prefix or "", "required", f"`{f.name}` is required")
                for probe in self._probes(m, body_full if isinstance(body_full, dict) else body_min):
                    fname, bad, reason, detail = probe
                    broken = copy.deepcopy(body_min)
                    broken[fname] = bad
                    add(f"{reason}-{fname}", broken, f"{prefix}/{_esc(fname)}", reason, detail)
                for case in self._bad_tags(m, body_min):
                    path, bad_body, detail = case
                    add(f"discriminator-{'-'.join(str(x) for x in path if not isinstance(x, int)) or 'tag'}", bad_body, prefix + "".join("/" + _esc(str(x)) for x in path), "discriminator", detail)
            elif t.kind != "any":
                bad = _wrong_type(t, self.api)
                if bad is not _MISSING:
                    add("wrong-type-body", bad, prefix or "", "type", "the body has the wrong type")
        # parameters
        for p in self.op.parameters:
            if p.location != "query" or p.deprecated is not None:
                continue
            got = _probe_value(p.type, self.api)
            if got is None:
                continue
            bad, reason = got
            if reason == "type" and p.type.kind == "string":
                continue  # every query value is a string on the wire
            payload = copy.deepcopy(minimal) if isinstance(minimal, dict) else {}
            payload.setdefault("query", {})[p.name] = bad
            cases.append(InvalidCase(names.claim(file_stem(f"{reason}-query-{p.name}", "case")), payload, f"/query/{_esc(p.name)}", reason, f"query parameter `{p.name}` fails `{reason}`"))
        return cases

    def _probes(self, m: ir.Model, sample: dict[str, Any]) -> Iterator[tuple[str, Any, str, str]]:
        """(field, bad value, reason, detail) for fields whose bad value fails in one place only."""
        done: set[str] = set()
        for f in m.fields:
            if f.read_only or f.deprecated is not None:
                continue
            got = _probe_value(f.type, self.api, sample.get(f.name, _MISSING))
            if got is None:
                continue
            bad, reason = got
            if reason in done and reason == "type":
                continue
            done.add(reason)
            yield f.name, bad, reason, f"`{f.name}` fails `{reason}`"

    def _bad_tags(self, m: ir.Model, body: dict[str, Any]) -> Iterator[tuple[list[Any], Any, str]]:
        """A wrong discriminator tag in the first discriminated union the minimal body holds."""
        for f in m.fields:
            if f.name not in body:
                continue
            t = f.type
            path: list[Any] = [f.name]
            val = body[f.name]
            if t.kind == "array" and t.item is not None and isinstance(val, list) and val:
                t, val, path = t.item, val[0], path + [0]
            if t.kind == "union" and t.ref in self.api.union_map:
                u = self.api.union_map[t.ref]
                if u.discriminator and isinstance(val, dict) and u.discriminator in val:
                    bad_body = copy.deepcopy(body)
                    node = bad_body
                    for step in path:
                        node = node[step]
                    node[u.discriminator] = "specgen_unknown_tag"
                    yield path + [u.discriminator], bad_body, f"`{u.discriminator}` is not one of the tags of {u.name}"
                    return


def _walk(steer: Steer | None) -> Iterator[Steer]:
    while steer is not None:
        yield steer
        for sub in steer.fields.values():
            yield from _walk(sub)
        if steer.item is not None:
            yield from _walk(steer.item)
        steer = steer.inner


_HTTP_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def _header_safe(value: Any) -> bool:
    return not isinstance(value, (dict, list)) and re.fullmatch(r"[\x20-\x7e]*", str(value)) is not None


def _variant_label(v: ir.Variant) -> str:
    return str(v.tag) if v.tag is not None else v.name


def _esc(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _path_safe(v: str, p: ir.Parameter, api: ir.Api) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.~-]", "_", v)
    if safe != v and conforms(api, safe, p.type):
        return safe
    return v


def _wrong_type(t: ir.TypeExpr, api: ir.Api) -> Any:
    if t.kind in ("model", "map"):
        return "not an object"
    if t.kind == "array":
        return "not an array"
    if t.kind in ("integer", "number", "boolean"):
        return "not a " + t.kind
    if t.kind == "string":
        return 12345
    return _MISSING


def _probe_value(t: ir.TypeExpr, api: ir.Api, sample: Any = _MISSING) -> tuple[Any, str] | None:
    """A value that breaks exactly one keyword of a plain (non-union) type, and that keyword."""
    c = t.constraints
    k = t.kind
    if k in ("integer", "number"):
        if c.maximum is not None:
            return (c.maximum + 1, "maximum")
        if c.exclusive_maximum is not None:
            # 3.0 spells it as a flag on `maximum`, and validators report `maximum`
            return (c.exclusive_maximum, "maximum" if api.openapi == "3.0" else "exclusiveMaximum")
        if c.minimum is not None:
            return (c.minimum - 1, "minimum")
        if c.exclusive_minimum is not None:
            return (c.exclusive_minimum, "minimum" if api.openapi == "3.0" else "exclusiveMinimum")
        return ("not a number", "type")
    if k == "string":
        if c.max_length is not None and not c.pattern:
            return ("x" * (c.max_length + 1), "maxLength")
        if c.min_length and not c.pattern:
            return ("x" * (c.min_length - 1), "minLength") if c.min_length > 1 or not t.nullable else None
        if t.format is None and not c.pattern:
            return (12345, "type")
        return None
    if k == "enum":
        e = api.enum_map.get(t.ref or "")
        if e is not None and not e.open and e.value_type == "string":
            return ("specgen_unknown_value", "enum")
        return None
    if k == "boolean":
        return ("not a boolean", "type")
    if k == "array" and c.max_items is not None and t.item is not None:
        item = sample[0] if isinstance(sample, list) and sample else _MISSING
        if item is _MISSING:
            return None
        if c.unique_items:
            return None
        return ([copy.deepcopy(item) for _ in range(c.max_items + 1)], "maxItems")
    if k == "array" and c.min_items:
        return ([], "minItems")
    return None
