"""`specgen diff`: what changed between two spec versions, what breaks, and what it does to
the generated client.

Both specs go through load and normalize (validation is skipped: it says nothing about
change), and the two IRs are compared, never the raw YAML. Operations are matched by
method and path template; then each operation's request and response trees are walked
side by side. Named models, enums and unions are compared once per (old name, new name,
direction) pair, so a renamed but identical component gives no change and `$ref` cycles
end. Union variants are matched by discriminator tag, then title, then name, then
structure or (for untagged variants) a shape found once on each side; never by position.
Every change names a rule of `generator.diff_rules`.

Changes are grouped: the API as a whole, then one group per operation, then one group per
component reached by more than one operation (reported once there instead of once per
operation). Within a group, changes are ordered by field path.

Field paths: `path.<name>`, `query.<name>`, `header.<name>`, `cookie.<name>` for
parameters; `body` for the request body; `responses.<status>` for a response body;
`stream` for one server-sent event; then `.<property>`, `[]` for array items, `{}` for map
values and `<discriminator=tag>` or `<VariantName>` for a union variant. In a shared
component's group, paths start with the component's (new) name.

`--format json` prints one object:

    {
      "old": {"label": str, "title": str, "version": str},
      "new": {"label": str, "title": str, "version": str},
      "summary": {"breaking": int, "warning": int, "info": int, "total": int},
      "groups": [
        {
          "kind": "api" | "operation" | "shared",
          "key": str,                 # "api", "POST /chat/completions", "model Error"
          "method": str | null,       # operation groups
          "path": str | null,         # operation groups
          "call": str | null,         # operation groups: client.chat.completions.create
          "operations": [str],        # shared groups: the client calls that reach it
          "changes": [
            {"rule": str, "severity": "breaking" | "warning" | "info",
             "direction": "request" | "response" | "both",
             "path": str, "message": str, "old": any, "new": any}
          ]
        }
      ],
      "client": [
        {"kind": "method" | "argument" | "model" | "field" | "enum" | "member" | "union",
         "symbol": str, "change": "added" | "removed" | "renamed" | "retyped"
                                  | "now required" | "now optional",
         "old": str | null, "new": str | null}
      ]
    }

`specgen diff --rules --format json` prints the rule table as
`[{"id", "severity", "direction", "description"}]`.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterator, Sequence

from ..model import ir
from ..diagnostics import Diagnostics, UsageError
from .rules import RANK, RULE_MAP, RULES, SEVERITIES
from ..output.write import compare_trees

PairKey = tuple[str, str, str, str]  # (kind, old name, new name, direction)

# ------------------------------------------------------------------------------ changes


class Code(str):
    """A message argument shown as code (a name or value from the spec)."""


class Vals(tuple[Any, ...]):
    """A message argument that is a list of values, each shown as code."""


@dataclass(frozen=True)
class Change:
    """One change: a rule, where (field path), a message template and the values."""

    rule: str
    path: str
    template: str
    args: tuple[Any, ...] = ()
    old: Any = None
    new: Any = None
    direction: str = "both"

    @property
    def severity(self) -> str:
        return RULE_MAP[self.rule].severity

    def message(self, code: Callable[[str], str] | None = None) -> str:
        """The message with its arguments rendered (spec values through `code`)."""
        code = code or _plain_code
        return self.template.format(*(_render_arg(a, code) for a in self.args))

    def with_path(self, path: str) -> Change:
        return Change(self.rule, path, self.template, self.args, self.old, self.new, self.direction)


def _show(v: Any) -> str:
    """A spec value as short text."""
    if isinstance(v, str):
        s = v
    else:
        try:
            s = json.dumps(v, sort_keys=True, ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            s = str(v)
    s = " ".join(s.split())
    return s if len(s) <= 80 else s[:77] + "..."


def _render_arg(a: Any, code: Callable[[str], str]) -> str:
    if isinstance(a, Vals):
        shown = [code(_show(v)) for v in a[:12]]
        if len(a) > 12:
            shown.append(f"and {len(a) - 12} more")
        return ", ".join(shown)
    if isinstance(a, Code):
        return code(_show(str(a)))
    if a is None:
        return "none"
    if isinstance(a, bool) or isinstance(a, (int, float)):
        return json.dumps(a)
    if isinstance(a, str):
        return code(_show(a))
    return code(_show(a))


def _plain_code(s: str) -> str:
    return "`" + s.replace("`", "'") + "`"


def _md_code(s: str) -> str:
    """A Markdown code span safe inside a table cell, whatever the spec put in `s`."""
    s = s.replace("|", "\\|")
    longest = max((len(m) for m in re.findall(r"`+", s)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or not s.strip() else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def _jsonable(v: Any) -> Any:
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    return str(v)


class _Acc:
    """What one comparison found: changes (paths relative to it) and the named pairs below."""

    __slots__ = ("changes", "children")

    def __init__(self) -> None:
        self.changes: list[Change] = []
        self.children: list[tuple[str, PairKey]] = []

    def add(self, rule: str, path: str, template: str, *args: Any, old: Any = None, new: Any = None, direction: str = "both") -> None:
        assert rule in RULE_MAP, rule
        self.changes.append(Change(rule, path, template, tuple(args), _jsonable(old), _jsonable(new), direction))


# ------------------------------------------------------------------------------ helpers

_PRIMITIVES = ("string", "integer", "number", "boolean", "binary", "any", "null")
_VALUE_KINDS = ("enum", "literal")
_UPPER = (
    ("maximum", "max", "maximum"),
    ("exclusive_maximum", "max", "exclusiveMaximum"),
    ("max_length", "max-length", "maxLength"),
    ("max_items", "max-items", "maxItems"),
    ("max_properties", "max-properties", "maxProperties"),
)
_LOWER = (
    ("minimum", "min", "minimum"),
    ("exclusive_minimum", "min", "exclusiveMinimum"),
    ("min_length", "min-length", "minLength"),
    ("min_items", "min-items", "minItems"),
    ("min_properties", "min-properties", "minProperties"),
)
_KIND_WORD = {"model": "object", "enum": "enum", "union": "union"}
# the range an integer format implies, compared as if it were written as minimum/maximum
_FORMAT_RANGE = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1), "uint32": (0, 2**32 - 1), "uint64": (0, 2**64 - 1)}
_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$-]*$")


def _seg(name: str) -> str:
    return "." + name if _IDENT.match(name) else "[" + json.dumps(name, ensure_ascii=False) + "]"


def _vkey(v: Any) -> tuple[str, str]:
    return (type(v).__name__, json.dumps(v, sort_keys=True, default=str))


def _canon(v: Any) -> str:
    return json.dumps(v, sort_keys=True, default=str)


def _value_type(v: Any) -> str:
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    return "mixed"


def _is_success(status: str) -> bool:
    return status.startswith("2") or status.upper() == "2XX"


def _op_key(op: ir.Operation) -> tuple[str, str]:
    return (op.method, re.sub(r"\{[^}/]*\}", "{}", op.path))


def _op_label(op: ir.Operation) -> str:
    return f"{op.method.upper()} {op.path}"


def pytype(t: ir.TypeExpr | None, rename: dict[str, str] | None = None) -> str:
    """How the generated client spells a type, roughly (for the client section)."""
    if t is None:
        return "None"
    rename = rename or {}
    k = t.kind
    if k in ("model", "enum", "union") and t.ref:
        s = rename.get(t.ref, t.ref)
    elif k == "union":
        s = " | ".join(pytype(v, rename) for v in t.variants)
    elif k == "array":
        s = f"list[{pytype(t.item, rename)}]"
    elif k == "map":
        s = f"dict[str, {pytype(t.item, rename)}]"
    elif k == "literal":
        s = "Literal[" + ", ".join(json.dumps(v, ensure_ascii=False, default=str) for v in t.values) + "]"
    else:
        s = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None", "any": "Any", "binary": "bytes"}.get(k, k)
    if t.nullable and k != "null":
        s += " | None"
    return s


@dataclass(frozen=True)
class _ValueSet:
    values: tuple[Any, ...]
    open: bool
    vtype: str


@dataclass(frozen=True)
class _Var:
    """A union variant as the differ sees it (named unions and inline `type: [a, b]` alike)."""

    name: str
    type: ir.TypeExpr
    tag: Any = None
    title: str | None = None
    deprecated: ir.Deprecation | None = None


# ------------------------------------------------------------------------------ the differ


class Differ:
    """Compares two IRs. `run()` fills `api_changes`, `op_results` and `pairs`."""

    def __init__(self, old: ir.Api, new: ir.Api):
        self.old, self.new = old, new
        self.pairs: dict[PairKey, _Acc] = {}
        self._todo: list[PairKey] = []
        self.api_changes = _Acc()
        # (old op or None, new op or None, what the comparison found at the operation level)
        self.op_results: list[tuple[ir.Operation | None, ir.Operation | None, _Acc]] = []

    # --------------------------------------------------------------- pairs (memoized)

    def _child(self, acc: _Acc, path: str, key: PairKey) -> None:
        acc.children.append((path, key))
        if key not in self.pairs:
            self._todo.append(key)

    def compute(self, key: PairKey) -> _Acc:
        """The comparison of one named pair, computed once (a placeholder first: cycles end)."""
        acc = self.pairs.get(key)
        if acc is not None:
            return acc
        acc = _Acc()
        self.pairs[key] = acc
        kind, o, n, d = key
        if kind == "model":
            self._model(o, n, d, acc)
        elif kind == "enum":
            self._enum(o, n, d, acc)
        else:
            self._union(o, n, d, acc)
        return acc

    def drain(self) -> None:
        while self._todo:
            self.compute(self._todo.pop())

    def identical(self, key: PairKey) -> bool:
        """No change in the pair nor anywhere below it (a cycle counts as identical)."""
        stack, seen = [key], set()
        while stack:
            k = stack.pop()
            if k in seen:
                continue
            seen.add(k)
            acc = self.compute(k)
            if acc.changes:
                return False
            stack.extend(c for _, c in acc.children)
        return True

    # --------------------------------------------------------------- definitions

    def _deprecation(self, od: ir.Deprecation | None, nd: ir.Deprecation | None, path: str, acc: _Acc, what: str, d: str) -> None:
        if (od is None) == (nd is None):
            return
        if nd is not None:
            if nd.replacement:
                acc.add(f"{what}-deprecated", path, "deprecated in favor of {0}", Code(nd.replacement), new=nd.replacement, direction=d)
            else:
                acc.add(f"{what}-deprecated", path, "deprecated", direction=d)
        else:
            acc.add(f"{what}-undeprecated", path, "no longer deprecated", direction=d)

    def _model(self, oname: str, nname: str, d: str, acc: _Acc) -> None:
        om, nm = self.old.model_map.get(oname), self.new.model_map.get(nname)
        if om is None or nm is None:
            return
        self._deprecation(om.deprecated, nm.deprecated, "", acc, "schema", d)
        hidden = "read_only" if d == "request" else "write_only"
        ofs = {f.name: f for f in om.fields if not getattr(f, hidden)}
        nfs = {f.name: f for f in nm.fields if not getattr(f, hidden)}
        for name, of in ofs.items():
            nf = nfs.get(name)
            p = _seg(name)
            if nf is None:
                if of.deprecated is not None:
                    acc.add(f"{d}-property-removed-after-deprecation", p, "deprecated property removed", direction=d)
                else:
                    acc.add(f"{d}-property-removed", p, "property removed", old=pytype(of.type), direction=d)
            else:
                self._field(of, nf, p, d, acc)
        for name, nf in nfs.items():
            if name in ofs:
                continue
            p = _seg(name)
            req = "required" if nf.required else "optional"
            if d == "request" and nf.required:
                acc.add("request-required-property-added", p, "required property added: {0}", Code(pytype(nf.type)), new=pytype(nf.type), direction=d)
            else:
                acc.add(f"{d}-property-added", p, req + " property added: {0}", Code(pytype(nf.type)), new=pytype(nf.type), direction=d)
        if om.additional is not None and nm.additional is not None:
            self.compare_type(om.additional, nm.additional, "{}", d, acc)

    def _field(self, of: ir.Field, nf: ir.Field, p: str, d: str, acc: _Acc) -> None:
        if of.required != nf.required:
            if nf.required:
                acc.add(f"{d}-property-became-required", p, "became required", old=False, new=True, direction=d)
            else:
                acc.add(f"{d}-property-became-optional", p, "became optional", old=True, new=False, direction=d)
        self._deprecation(of.deprecated, nf.deprecated, p, acc, "property", d)
        self._default(of.has_default, of.default, nf.has_default, nf.default, p, d, acc)
        self.compare_type(of.type, nf.type, p, d, acc)

    def _default(self, oh: bool, ov: Any, nh: bool, nv: Any, p: str, d: str, acc: _Acc) -> None:
        if (oh, _canon(ov) if oh else None) == (nh, _canon(nv) if nh else None):
            return
        acc.add(f"{d}-default-changed", p, "default {0} → {1}", Code(_show(ov)) if oh else None, Code(_show(nv)) if nh else None, old=ov if oh else None, new=nv if nh else None, direction=d)

    def _enum(self, oname: str, nname: str, d: str, acc: _Acc) -> None:
        oe, ne = self.old.enum_map.get(oname), self.new.enum_map.get(nname)
        if oe is None or ne is None:
            return
        self._deprecation(oe.deprecated, ne.deprecated, "", acc, "schema", d)
        self._values(_ValueSet(oe.values, oe.open, oe.value_type), _ValueSet(ne.values, ne.open, ne.value_type), "", d, acc)

    def _union(self, oname: str, nname: str, d: str, acc: _Acc) -> None:
        ou, nu = self.old.union_map.get(oname), self.new.union_map.get(nname)
        if ou is None or nu is None:
            return
        self._deprecation(ou.deprecated, nu.deprecated, "", acc, "schema", d)
        if ou.discriminator and nu.discriminator and ou.discriminator != nu.discriminator:
            acc.add("union-discriminator-changed", "", "discriminator {0} → {1}", ou.discriminator, nu.discriminator, old=ou.discriminator, new=nu.discriminator, direction=d)
        self._variants(self._vars_of(ou), self._vars_of(nu), "", d, acc, ou.discriminator, nu.discriminator)

    @staticmethod
    def _vars_of(u: ir.Union) -> list[_Var]:
        return [_Var(v.name, v.type, v.tag, v.title, v.deprecated) for v in u.variants]

    def _union_vars(self, t: ir.TypeExpr, api: ir.Api) -> tuple[list[_Var], str | None]:
        if t.ref and t.ref in api.union_map:
            u = api.union_map[t.ref]
            return self._vars_of(u), u.discriminator
        return [_Var(_shape(v), v) for v in t.variants], None

    # --------------------------------------------------------------- types

    def compare_type(self, o: ir.TypeExpr, n: ir.TypeExpr, path: str, d: str, acc: _Acc) -> None:
        """Compare two types found at the same place; named pairs are recorded, not entered."""
        if o.nullable != n.nullable and "null" not in (o.kind, n.kind):
            if n.nullable:
                acc.add(f"{d}-became-nullable", path, "accepts null now" if d == "request" else "may be null now", old=False, new=True, direction=d)
            else:
                acc.add(f"{d}-became-not-nullable", path, "no longer accepts null" if d == "request" else "is never null now", old=True, new=False, direction=d)
        ok, nk = o.kind, n.kind
        if ok in _VALUE_KINDS or nk in _VALUE_KINDS:
            ov, nv = self._valueset(o, self.old), self._valueset(n, self.new)
            if ov is not None and nv is not None and _compatible(ov.vtype, nv.vtype):
                if ok == nk == "enum" and o.ref and n.ref:
                    self._child(acc, path, ("enum", o.ref, n.ref, d))
                else:
                    self._values(ov, nv, path, d, acc)
                return
        elif ok == nk:
            if ok in _PRIMITIVES:
                if ok in ("integer", "number"):
                    # int32/int64 are ranges; float/double are all `float` to a Python client
                    self._constraints(_effective(o), _effective(n), path, d, acc)
                else:
                    self._format(o, n, path, d, acc)
                    self._constraints(o.constraints, n.constraints, path, d, acc)
                return
            if ok in ("array", "map"):
                self._constraints(o.constraints, n.constraints, path, d, acc)
                if o.item is not None and n.item is not None:
                    self.compare_type(o.item, n.item, path + ("[]" if ok == "array" else "{}"), d, acc)
                return
            if ok == "model" and o.ref and n.ref:
                self._child(acc, path, ("model", o.ref, n.ref, d))
                return
            if ok == "union":
                if o.ref and n.ref:
                    self._child(acc, path, ("union", o.ref, n.ref, d))
                    return
                ovars, odisc = self._union_vars(o, self.old)
                nvars, ndisc = self._union_vars(n, self.new)
                self._variants(ovars, nvars, path, d, acc, odisc, ndisc)
                return
        self._kind_change(o, n, path, d, acc)

    def _kind_change(self, o: ir.TypeExpr, n: ir.TypeExpr, path: str, d: str, acc: _Acc) -> None:
        # a definition that became one variant of a union, or the other way round: variants
        # added or removed (deprecation-aware), not a change of type
        if n.kind == "union" and o.kind != "union" and o.ref:
            nvars, ndisc = self._union_vars(n, self.new)
            if any(v.type.kind == o.kind and v.type.ref == o.ref for v in nvars):
                self._variants([_Var(o.ref, o.with_nullable(False))], nvars, path, d, acc, None, ndisc)
                return
        if o.kind == "union" and n.kind != "union" and n.ref:
            ovars, odisc = self._union_vars(o, self.old)
            if any(v.type.kind == n.kind and v.type.ref == n.ref for v in ovars):
                self._variants(ovars, [_Var(n.ref, n.with_nullable(False))], path, d, acc, odisc, None)
                return
        before, after = pytype(o.with_nullable(False)), pytype(n.with_nullable(False))
        if before == after:  # same name, another kind of definition
            before, after = f"{_KIND_WORD.get(o.kind, o.kind)} {before}", f"{_KIND_WORD.get(n.kind, n.kind)} {after}"
        wide = self._covers(n, self.new, o, self.old, d)
        if wide is not None:
            acc.add(f"{d}-type-widened", path, "type widened: {0} → {1}", Code(before), Code(after), old=before, new=after, direction=d)
            if isinstance(wide, ir.TypeExpr):
                self.compare_type(o, wide.with_nullable(o.nullable), path, d, acc)
            return
        if self._covers(o, self.old, n, self.new, d) is not None:
            acc.add(f"{d}-type-narrowed", path, "type narrowed: {0} → {1}", Code(before), Code(after), old=before, new=after, direction=d)
            return
        acc.add(f"{d}-type-changed", path, "type changed: {0} → {1}", Code(before), Code(after), old=before, new=after, direction=d)

    def _covers(self, wide: ir.TypeExpr, wapi: ir.Api, narrow: ir.TypeExpr, napi: ir.Api, d: str) -> ir.TypeExpr | bool | None:
        """Does every value of `narrow` fit `wide`? The matching variant when `wide` is a union."""
        if wide.kind == "any":
            return True
        if wide.kind == "number" and narrow.kind == "integer":
            return True
        if wide.kind == "map" and narrow.kind == "model" and wide.item is not None and wide.item.kind == "any":
            return True  # a free-form object takes any object
        if wide.kind != "union":
            if wide.kind == "string" and narrow.kind in _VALUE_KINDS:
                vs = self._valueset(narrow, napi)
                return True if vs is not None and vs.vtype == "string" else None
            return None
        variants, disc = self._union_vars(wide, wapi)
        shape = _shape(narrow)
        for v in variants:
            if _shape(v.type) == shape and (v.type.ref == narrow.ref or narrow.ref is None):
                return v.type
        same = [v.type for v in variants if _shape(v.type) == shape]
        if len(same) == 1 and narrow.kind != "model":
            return same[0]  # the one variant of that shape (an enum that became enum-or-object)
        if narrow.kind == "model" and narrow.ref in napi.model_map and narrow.ref:
            if disc:
                # one object split into a union told apart by one of its properties
                f = napi.model_map[narrow.ref].field_map.get(disc)
                tags = {_vkey(v.tag) for v in variants if v.tag is not None}
                vs = self._valueset(f.type, napi) if f is not None else None
                if vs is not None and vs.values and not vs.open and {_vkey(x) for x in vs.values} <= tags:
                    return True
            # an object that became one of several: compare it with the closest object variant
            return self._closest_model(narrow.ref, [v.type for v in variants], wapi is self.new, d)
        return None

    def _closest_model(self, name: str, candidates: list[ir.TypeExpr], old_is_narrow: bool, d: str) -> ir.TypeExpr | None:
        """The model among `candidates` sharing properties with `name` and differing least."""
        napi, wapi = (self.old, self.new) if old_is_narrow else (self.new, self.old)
        own = set(napi.model_map[name].field_map)
        best: tuple[int, int, ir.TypeExpr] | None = None
        for i, t in enumerate(candidates):
            if t.kind != "model" or t.ref not in wapi.model_map or not own & set(wapi.model_map[t.ref].field_map):
                continue
            key: PairKey = ("model", name, t.ref, d) if old_is_narrow else ("model", t.ref, name, d)
            score = len(self.compute(key).changes)
            if best is None or score < best[0]:
                best = (score, i, t)
        return best[2] if best is not None else None

    def _valueset(self, t: ir.TypeExpr, api: ir.Api) -> _ValueSet | None:
        if t.kind == "enum" and t.ref in api.enum_map:
            e = api.enum_map[t.ref]
            return _ValueSet(e.values, e.open, e.value_type)
        if t.kind == "literal":
            types = {_value_type(v) for v in t.values}
            return _ValueSet(t.values, False, types.pop() if len(types) == 1 else "mixed")
        if t.kind in ("string", "integer", "number", "boolean"):
            return _ValueSet((), True, t.kind)
        return None

    def _values(self, ov: _ValueSet, nv: _ValueSet, path: str, d: str, acc: _Acc) -> None:
        if ov.open != nv.open:
            if nv.open:
                acc.add(f"{d}-enum-opened", path, "accepts any value now" if d == "request" else "may be any value now", old=list(ov.values), new=None, direction=d)
            else:
                acc.add(f"{d}-enum-closed", path, "limited to {0}", Vals(nv.values), old=None, new=list(nv.values), direction=d)
        if not ov.values or not nv.values:
            return
        okeys = {_vkey(v) for v in ov.values}
        nkeys = {_vkey(v) for v in nv.values}
        removed = [v for v in ov.values if _vkey(v) not in nkeys]
        added = [v for v in nv.values if _vkey(v) not in okeys]
        if removed:
            if d == "request":
                rule = "request-open-enum-value-removed" if nv.open else "request-enum-value-removed"
            else:
                rule = "response-enum-value-removed"
            acc.add(rule, path, "no longer lists {0}", Vals(removed), old=removed, direction=d)
        if added:
            if d == "request":
                rule = "request-enum-value-added"
            else:
                rule = "response-open-enum-value-added" if ov.open and nv.open else "response-enum-value-added"
            acc.add(rule, path, "gains {0}", Vals(added), new=added, direction=d)

    def _format(self, o: ir.TypeExpr, n: ir.TypeExpr, path: str, d: str, acc: _Acc) -> None:
        if o.format != n.format:
            acc.add("format-changed", path, "format {0} → {1}", o.format, n.format, old=o.format, new=n.format, direction=d)

    def _constraints(self, oc: ir.Constraints, nc: ir.Constraints, path: str, d: str, acc: _Acc) -> None:
        if oc == nc:
            return
        for attr, fam, label in _UPPER:
            a, b = getattr(oc, attr), getattr(nc, attr)
            if a == b:
                continue
            up = b is None or (a is not None and b > a)
            acc.add(f"{d}-{fam}-{'increased' if up else 'decreased'}", path, label + " {0} → {1}", a, b, old=a, new=b, direction=d)
        for attr, fam, label in _LOWER:
            a, b = getattr(oc, attr), getattr(nc, attr)
            if a == b:
                continue
            down = b is None or (a is not None and b < a)
            acc.add(f"{d}-{fam}-{'decreased' if down else 'increased'}", path, label + " {0} → {1}", a, b, old=a, new=b, direction=d)
        if oc.pattern != nc.pattern:
            acc.add("pattern-changed", path, "pattern {0} → {1}", oc.pattern, nc.pattern, old=oc.pattern, new=nc.pattern, direction=d)
        if oc.multiple_of != nc.multiple_of:
            acc.add("multiple-of-changed", path, "multipleOf {0} → {1}", oc.multiple_of, nc.multiple_of, old=oc.multiple_of, new=nc.multiple_of, direction=d)
        if oc.unique_items != nc.unique_items:
            acc.add("unique-items-changed", path, "uniqueItems {0} → {1}", oc.unique_items, nc.unique_items, old=oc.unique_items, new=nc.unique_items, direction=d)

    # --------------------------------------------------------------- union variants

    def _variants(self, ovars: list[_Var], nvars: list[_Var], path: str, d: str, acc: _Acc, odisc: str | None, ndisc: str | None) -> None:
        rem_o, rem_n = list(ovars), list(nvars)
        matched: list[tuple[_Var, _Var, bool]] = []  # (old, new, matched by tag)

        def take(ov: _Var, nv: _Var, by_tag: bool = False) -> None:
            matched.append((ov, nv, by_tag))
            rem_o.remove(ov)
            rem_n.remove(nv)

        tagged = bool(odisc) and odisc == ndisc
        if tagged:
            by_tag = {_vkey(v.tag): v for v in rem_n if v.tag is not None}
            for ov in list(rem_o):
                nv = by_tag.get(_vkey(ov.tag)) if ov.tag is not None else None
                if nv is not None and nv in rem_n:
                    take(ov, nv, True)
        for ov in list(rem_o):  # then by title
            if ov.title:
                nv = next((v for v in rem_n if v.title == ov.title), None)
                if nv is not None:
                    take(ov, nv)
        for ov in list(rem_o):  # then by the name of the definition
            if ov.type.ref:
                nv = next((v for v in rem_n if v.type.kind == ov.type.kind and v.type.ref == ov.type.ref), None)
                if nv is not None:
                    take(ov, nv)
        for ov in list(rem_o):  # then a renamed but identical definition
            if ov.type.ref and ov.type.kind in ("model", "enum", "union"):
                for nv in rem_n:
                    if nv.type.kind == ov.type.kind and nv.type.ref and self.identical((ov.type.kind, ov.type.ref, nv.type.ref, d)):
                        take(ov, nv)
                        break
        # last, for untagged variants only: a shape that occurs once on each side
        untagged_o = [v for v in rem_o if not (tagged and v.tag is not None)]
        untagged_n = [v for v in rem_n if not (tagged and v.tag is not None)]
        oshapes, nshapes = Counter(_shape(v.type) for v in untagged_o), Counter(_shape(v.type) for v in untagged_n)
        for ov in untagged_o:
            s = _shape(ov.type)
            if oshapes[s] == 1 and nshapes.get(s) == 1:
                nv = next(v for v in untagged_n if _shape(v.type) == s)
                take(ov, nv)

        order = {id(v): i for i, v in enumerate(nvars)}
        for ov, nv, tag_matched in sorted(matched, key=lambda m: order[id(m[1])]):
            p = path + _vseg(nv, ndisc)
            if not tag_matched and ov.tag is not None and nv.tag is not None and _vkey(ov.tag) != _vkey(nv.tag):
                acc.add("union-variant-tag-changed", p, "tag {0} → {1}", Code(_show(ov.tag)), Code(_show(nv.tag)), old=ov.tag, new=nv.tag, direction=d)
            if (ov.deprecated is None) != (nv.deprecated is None):
                if nv.deprecated is not None:
                    rep = nv.deprecated.replacement
                    acc.add("union-variant-deprecated", p, "variant deprecated" + (" in favor of {0}" if rep else ""), *([Code(rep)] if rep else []), new=rep, direction=d)
                else:
                    acc.add("union-variant-undeprecated", p, "variant no longer deprecated", direction=d)
            self.compare_type(ov.type, nv.type, p, d, acc)
        for ov in rem_o:
            p = path + _vseg(ov, odisc)
            if d == "request":
                rule = "request-union-variant-removed-after-deprecation" if ov.deprecated is not None else "request-union-variant-removed"
            else:
                rule = "response-union-variant-removed"
            acc.add(rule, p, "variant " + _vtemplate(ov) + " removed", *_vargs(ov), old=ov.name, direction=d)
        for nv in rem_n:
            p = path + _vseg(nv, ndisc)
            acc.add(f"{d}-union-variant-added", p, "variant " + _vtemplate(nv) + " added", *_vargs(nv), new=nv.name, direction=d)

    # --------------------------------------------------------------- operations

    def run(self) -> Differ:
        self._api_level()
        olds = list(self.old.operations)
        news = list(self.new.operations)
        by_key = {_op_key(o): o for o in olds}
        pairs: list[tuple[ir.Operation | None, ir.Operation | None]] = []
        used: set[int] = set()
        unmatched_new: list[ir.Operation] = []
        for n in news:
            o = by_key.get(_op_key(n))
            if o is not None and id(o) not in used:
                used.add(id(o))
                pairs.append((o, n))
            else:
                unmatched_new.append(n)
        by_id = {o.id: o for o in olds if id(o) not in used}
        for n in unmatched_new:  # a moved path keeps its operationId
            o = by_id.get(n.id)
            if o is not None and id(o) not in used and o.method == n.method:
                used.add(id(o))
                pairs.append((o, n))
            else:
                pairs.append((None, n))
        for gone in olds:
            if id(gone) not in used:
                pairs.append((gone, None))
        for po, pn in pairs:
            acc = _Acc()
            if po is None and pn is not None:
                acc.add("operation-added", "", "operation added: {0}", Code(pn.call), new=pn.call)
            elif pn is None and po is not None:
                if po.deprecated is not None:
                    acc.add("operation-removed-after-deprecation", "", "deprecated operation removed: {0}", Code(po.call), old=po.call)
                else:
                    acc.add("operation-removed", "", "operation removed: {0}", Code(po.call), old=po.call)
            elif po is not None and pn is not None:
                self._operation(po, pn, acc)
            self.op_results.append((po, pn, acc))
        self.drain()
        return self

    def _api_level(self) -> None:
        acc = self.api_changes
        for url in self.old.servers:
            if url not in self.new.servers:
                acc.add("server-removed", "servers", "server {0} removed", url, old=url)
        for url in self.new.servers:
            if url not in self.old.servers:
                acc.add("server-added", "servers", "server {0} added", url, new=url)
        osch = {s.name: s for s in self.old.security_schemes}
        nsch = {s.name: s for s in self.new.security_schemes}
        for name, s in osch.items():
            ns = nsch.get(name)
            p = "securitySchemes" + _seg(name)
            if ns is None:
                acc.add("security-scheme-removed", p, "security scheme removed", old=s.kind)
            elif (s.kind, s.location, s.param_name) != (ns.kind, ns.location, ns.param_name):
                before, after = f"{s.kind} in {s.location} {s.param_name}", f"{ns.kind} in {ns.location} {ns.param_name}"
                acc.add("security-scheme-changed", p, "credentials sent as {0} → {1}", before, after, old=before, new=after, direction="request")
        for name, ns in nsch.items():
            if name not in osch:
                acc.add("security-scheme-added", "securitySchemes" + _seg(name), "security scheme added ({0})", ns.kind, new=ns.kind)

    def _operation(self, o: ir.Operation, n: ir.Operation, acc: _Acc) -> None:
        if o.id != n.id:
            acc.add("operation-id-changed", "", "operationId {0} → {1}", o.id, n.id, old=o.id, new=n.id)
        if (o.deprecated is None) != (n.deprecated is None):
            if n.deprecated is not None:
                rep = n.deprecated.replacement
                acc.add("operation-deprecated", "", "operation deprecated" + (" in favor of {0}" if rep else ""), *([Code(rep)] if rep else []), new=rep)
            else:
                acc.add("operation-undeprecated", "", "operation no longer deprecated")
        self._parameters(o, n, acc)
        self._body(o, n, acc)
        self._responses(o, n, acc)
        self._security(o, n, acc)

    def _parameters(self, o: ir.Operation, n: ir.Operation, acc: _Acc) -> None:
        d = "request"
        ops = {(p.location, p.name): p for p in o.parameters}
        nps = {(p.location, p.name): p for p in n.parameters}
        if o.path != n.path:
            # path parameters renamed with the template: match them by position in the path
            opath = [p for p in o.parameters if p.location == "path"]
            npath = [p for p in n.parameters if p.location == "path"]
            if len(opath) == len(npath):
                for op_, np_ in zip(opath, npath):
                    if op_.name != np_.name:
                        ops.pop(("path", op_.name), None)
                        ops[("path", np_.name)] = op_
        for key, op_ in ops.items():
            p = key[0] + _seg(key[1])
            found = nps.get(key)
            if found is None:
                if op_.deprecated is not None:
                    acc.add("request-parameter-removed-after-deprecation", p, "deprecated parameter removed", direction=d)
                else:
                    acc.add("request-parameter-removed", p, "parameter removed", old=pytype(op_.type), direction=d)
                continue
            np_ = found
            if op_.required != np_.required:
                if np_.required:
                    acc.add("request-parameter-became-required", p, "became required", old=False, new=True, direction=d)
                else:
                    acc.add("request-parameter-became-optional", p, "became optional", old=True, new=False, direction=d)
            if (op_.deprecated is None) != (np_.deprecated is None):
                if np_.deprecated is not None:
                    rep = np_.deprecated.replacement
                    acc.add("parameter-deprecated", p, "deprecated" + (" in favor of {0}" if rep else ""), *([Code(rep)] if rep else []), new=rep, direction=d)
                else:
                    acc.add("parameter-undeprecated", p, "no longer deprecated", direction=d)
            self._default(op_.has_default, op_.default, np_.has_default, np_.default, p, d, acc)
            self.compare_type(op_.type, np_.type, p, d, acc)
        for key, np_ in nps.items():
            if key in ops:
                continue
            p = key[0] + _seg(key[1])
            if np_.required:
                acc.add("request-required-parameter-added", p, "required parameter added: {0}", Code(pytype(np_.type)), new=pytype(np_.type), direction=d)
            else:
                acc.add("request-parameter-added", p, "optional parameter added: {0}", Code(pytype(np_.type)), new=pytype(np_.type), direction=d)

    def _body(self, o: ir.Operation, n: ir.Operation, acc: _Acc) -> None:
        d = "request"
        ob, nb = o.body, n.body
        if ob is None and nb is None:
            return
        if ob is None and nb is not None:
            if nb.required:
                acc.add("request-required-body-added", "body", "required request body added: {0}", Code(nb.content_type), new=nb.content_type, direction=d)
            else:
                acc.add("request-body-added", "body", "optional request body added: {0}", Code(nb.content_type), new=nb.content_type, direction=d)
            return
        if nb is None and ob is not None:
            acc.add("request-body-removed", "body", "request body removed", old=ob.content_type, direction=d)
            return
        assert ob is not None and nb is not None
        if ob.required != nb.required:
            if nb.required:
                acc.add("request-body-became-required", "body", "request body became required", old=False, new=True, direction=d)
            else:
                acc.add("request-body-became-optional", "body", "request body became optional", old=True, new=False, direction=d)
        octs, ncts = ob.content_types or (ob.content_type,), nb.content_types or (nb.content_type,)
        for ct in octs:
            if ct not in ncts:
                acc.add("request-content-type-removed", "body", "media type {0} no longer accepted", ct, old=ct, direction=d)
        for ct in ncts:
            if ct not in octs:
                acc.add("request-content-type-added", "body", "media type {0} accepted", ct, new=ct, direction=d)
        if ob.content_type == nb.content_type or ob.content_type not in ncts:
            self.compare_type(ob.type, nb.type, "body", d, acc)

    def _responses(self, o: ir.Operation, n: ir.Operation, acc: _Acc) -> None:
        d = "response"
        ors = {r.status: r for r in o.responses}
        nrs = {r.status: r for r in n.responses}
        for status, orr in ors.items():
            p = "responses." + status
            nr = nrs.get(status)
            if nr is None:
                if _is_success(status):
                    acc.add("response-success-status-removed", p, "success status {0} removed", status, old=status, direction=d)
                else:
                    acc.add("response-error-status-removed", p, "status {0} no longer documented", status, old=status, direction=d)
                continue
            for ct in orr.content_types:
                if ct not in nr.content_types:
                    acc.add("response-content-type-removed", p, "media type {0} removed", ct, old=ct, direction=d)
            for ct in nr.content_types:
                if ct not in orr.content_types:
                    acc.add("response-content-type-added", p, "media type {0} added", ct, new=ct, direction=d)
            moved = orr.content_type != nr.content_type and orr.content_type in nr.content_types
            if moved:
                pass  # another media type became the primary one; the old one is still offered
            elif orr.type is not None and nr.type is not None:
                self.compare_type(orr.type, nr.type, p, d, acc)
            elif orr.type is not None:
                acc.add("response-body-removed", p, "response body removed", old=pytype(orr.type), direction=d)
            elif nr.type is not None:
                acc.add("response-body-added", p, "response body added: {0}", Code(pytype(nr.type)), new=pytype(nr.type), direction=d)
        for status, nr in nrs.items():
            if status in ors:
                continue
            p = "responses." + status
            if _is_success(status):
                acc.add("response-success-status-added", p, "success status {0} added", status, new=status, direction=d)
            else:
                acc.add("response-error-status-added", p, "status {0} documented", status, new=status, direction=d)
        if o.streaming and not n.streaming:
            acc.add("operation-streaming-removed", "stream", "no longer streams server-sent events", old=True, new=False, direction=d)
        elif n.streaming and not o.streaming:
            acc.add("operation-streaming-added", "stream", "can stream server-sent events now", old=False, new=True, direction=d)
        elif o.stream_type is not None and n.stream_type is not None:
            self.compare_type(o.stream_type, n.stream_type, "stream", d, acc)

    def _security(self, o: ir.Operation, n: ir.Operation, acc: _Acc) -> None:
        d = "request"
        osec = o.security if o.security is not None else self.old.security
        nsec = n.security if n.security is not None else self.new.security
        oset, nset = {frozenset(r) for r in osec}, {frozenset(r) for r in nsec}
        oneeds = bool(oset) and frozenset() not in oset
        nneeds = bool(nset) and frozenset() not in nset
        if oneeds and not nneeds:
            acc.add("security-removed", "security", "no credentials needed now", direction=d)
        elif nneeds and not oneeds:
            acc.add("security-added", "security", "credentials needed now: {0}", Vals(_req(r) for r in _sorted_reqs(nset)), new=[_req(r) for r in _sorted_reqs(nset)], direction=d)
        elif oneeds and nneeds:
            for r in _sorted_reqs(oset - nset):
                acc.add("security-requirement-removed", "security", "no longer accepts {0}", _req(r), old=_req(r), direction=d)
            for r in _sorted_reqs(nset - oset):
                acc.add("security-requirement-added", "security", "accepts {0}", _req(r), new=_req(r), direction=d)


def _sorted_reqs(reqs: set[frozenset[str]]) -> list[frozenset[str]]:
    return sorted(reqs, key=lambda r: sorted(r))


def _req(r: frozenset[str]) -> str:
    return " + ".join(sorted(r)) or "(none)"


def _effective(t: ir.TypeExpr) -> ir.Constraints:
    """A number's constraints with the range its format implies folded in."""
    rng = _FORMAT_RANGE.get(t.format or "", (None, None))
    c = t.constraints
    lo = c.minimum if c.minimum is not None else rng[0]
    hi = c.maximum if c.maximum is not None else rng[1]
    # 64-bit limits say "any integer" to a Python client: the same as no limit
    lo = None if lo is not None and lo <= -(2**63) else lo
    hi = None if hi is not None and hi >= 2**63 - 1 else hi
    if (lo, hi) == (c.minimum, c.maximum):
        return c
    return replace(c, minimum=lo, maximum=hi)


def _compatible(a: str, b: str) -> bool:
    return a == b or "mixed" in (a, b) or {a, b} == {"integer", "number"}


def _shape(t: ir.TypeExpr) -> str:
    """What a variant looks like, without its name: `model`, `array<string>`, `literal:"auto"`."""
    if t.kind == "literal":
        return "literal:" + _canon(list(t.values))
    if t.kind in ("array", "map") and t.item is not None:
        return f"{t.kind}<{_shape(t.item)}>"
    return t.kind


def _vseg(v: _Var, disc: str | None) -> str:
    if v.tag is not None and disc:
        return f"<{disc}={_show(v.tag)}>"
    return f"<{v.name}>"


def _vtemplate(v: _Var) -> str:
    return "{0} ({1})" if v.tag is not None and _show(v.tag) != v.name else "{0}"


def _vargs(v: _Var) -> tuple[Code, ...]:
    if v.tag is not None and _show(v.tag) != v.name:
        return (Code(_show(v.tag)), Code(v.name))
    return (Code(v.name),)


# ------------------------------------------------------------------------------ the report


@dataclass
class Group:
    kind: str  # api | operation | shared
    key: str
    method: str | None = None
    path: str | None = None
    call: str | None = None
    operations: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


@dataclass
class ClientChange:
    kind: str  # method | argument | model | field | enum | member | union
    symbol: str
    change: str  # added | removed | renamed | retyped | now required | now optional
    old: str | None = None
    new: str | None = None


@dataclass
class SpecInfo:
    label: str
    title: str
    version: str


@dataclass
class Report:
    old: SpecInfo
    new: SpecInfo
    groups: list[Group]
    client: list[ClientChange]

    @property
    def changes(self) -> list[Change]:
        return [c for g in self.groups for c in g.changes]

    def counts(self) -> dict[str, int]:
        c = Counter(ch.severity for ch in self.changes)
        return {s: c.get(s, 0) for s in SEVERITIES}

    def worst(self) -> str | None:
        sevs = [ch.severity for ch in self.changes]
        return min(sevs, key=lambda s: RANK[s]) if sevs else None

    def as_dict(self) -> dict[str, Any]:
        counts = self.counts()
        return {
            "old": vars(self.old),
            "new": vars(self.new),
            "summary": {**counts, "total": sum(counts.values())},
            "groups": [
                {
                    "kind": g.kind,
                    "key": g.key,
                    "method": g.method,
                    "path": g.path,
                    "call": g.call,
                    "operations": g.operations,
                    "changes": [
                        {"rule": c.rule, "severity": c.severity, "direction": c.direction, "path": c.path, "message": c.message(), "old": c.old, "new": c.new}
                        for c in g.changes
                    ],
                }
                for g in self.groups
            ],
            "client": [vars(c) for c in self.client],
        }


def _join(prefix: str, rel: str) -> str:
    if not rel:
        return prefix
    if not prefix:
        return rel[1:] if rel.startswith(".") else rel
    return prefix + rel


def compare(old: ir.Api, new: ir.Api, old_label: str = "old", new_label: str = "new") -> Report:
    """Diff two IRs: changes grouped by operation and field path, plus the client's changes."""
    differ = Differ(old, new).run()
    groups: list[Group] = []
    if differ.api_changes.changes:
        groups.append(Group("api", "api", changes=list(differ.api_changes.changes)))

    op_groups: list[Group] = []
    reach: dict[PairKey, dict[int, str]] = {}  # pair -> {op group index: first path}
    parents: dict[PairKey, set[tuple[PairKey | None, str]]] = {}  # pair -> {(parent, rel path)}
    for o, n, acc in differ.op_results:
        op = n or o
        assert op is not None
        g = Group("operation", _op_label(op), op.method.upper(), op.path, op.call, changes=list(acc.changes))
        idx = len(op_groups)
        op_groups.append(g)
        # breadth first, so each pair is placed at the shortest path that reaches it
        queue: list[tuple[str, PairKey, PairKey | None, str]] = [(p, k, None, p) for p, k in acc.children]
        seen: set[PairKey] = set()
        i = 0
        while i < len(queue):
            path, key, parent, rel_from_parent = queue[i]
            i += 1
            if key in seen:
                continue
            seen.add(key)
            reach.setdefault(key, {})[idx] = path
            parents.setdefault(key, set()).add((parent, rel_from_parent))
            for rel, child in differ.pairs[key].children:
                if child not in seen:
                    queue.append((_join(path, rel), child, key, rel))

    def home(key: PairKey, depth: int = 0) -> tuple[PairKey, str]:
        """Where a shared pair's changes go: into the shared pair that is the only way every
        operation reaches it (with the path from there), else its own group."""
        via = parents.get(key, set())
        if len(via) == 1 and depth < 50:
            (parent, rel), = via
            if parent is not None and set(reach[parent]) == set(reach[key]):
                top, prefix = home(parent, depth + 1)
                return top, prefix + rel
        return key, ""

    shared: dict[str, Group] = {}
    for key, where in reach.items():
        changes = differ.pairs[key].changes
        if not changes:
            continue
        if len(where) == 1:
            (idx, path), = where.items()
            op_groups[idx].changes.extend(c.with_path(_join(path, c.path)) for c in changes)
            continue
        top, prefix = home(key)
        kind, oname, nname, _ = top
        gkey = f"{kind} {nname}"
        if gkey not in shared:
            shared[gkey] = Group("shared", gkey)
        g = shared[gkey]
        calls = [op_groups[i].call or op_groups[i].key for i in sorted(where)]
        g.operations = sorted(set(g.operations) | set(calls))
        g.changes.extend(c.with_path(_join(nname + prefix, c.path)) for c in changes)

    op_order = {(op.method, op.path): i for i, op in enumerate(new.operations)}
    op_order_old = {(op.method, op.path): i for i, op in enumerate(old.operations)}

    def op_sort(g: Group) -> tuple[int, int, str]:
        k = ((g.method or "").lower(), g.path or "")
        if k in op_order:
            return (0, op_order[k], g.key)
        return (1, op_order_old.get(k, 0), g.key)

    groups.extend(sorted((g for g in op_groups if g.changes), key=op_sort))
    groups.extend(shared[k] for k in sorted(shared))
    for g in groups:
        g.changes = _dedupe(g.changes)
    renames = _renames(differ, reach)
    client = client_changes(old, new, differ, renames)
    return Report(
        SpecInfo(old_label, old.title, old.version),
        SpecInfo(new_label, new.title, new.version),
        groups,
        client,
    )


def _dedupe(changes: list[Change]) -> list[Change]:
    """Each fact once: the same message at the same path (a component seen from both the
    request and the response side, say) is kept at its worst severity only."""
    seen: set[tuple[str, str]] = set()
    out = []
    for c in sorted(changes, key=lambda c: (c.path, RANK[c.severity], c.rule, c.message())):
        k = (c.path, c.message())
        if k not in seen:
            seen.add(k)
            out.append(c)
    return out


def _renames(differ: Differ, reach: dict[PairKey, dict[int, str]]) -> dict[str, dict[str, str]]:
    """Old name -> new name per kind, for definitions renamed one to one (as compared)."""
    names = {
        "model": (set(differ.old.model_map), set(differ.new.model_map)),
        "enum": (set(differ.old.enum_map), set(differ.new.enum_map)),
        "union": (set(differ.old.union_map), set(differ.new.union_map)),
    }
    fwd: dict[str, dict[str, set[str]]] = {k: {} for k in names}
    back: dict[str, dict[str, set[str]]] = {k: {} for k in names}
    for kind, o, n, _ in reach:
        onames, nnames = names[kind]
        if o != n and o not in nnames and n not in onames:
            fwd[kind].setdefault(o, set()).add(n)
            back[kind].setdefault(n, set()).add(o)
    out: dict[str, dict[str, str]] = {}
    for kind in names:
        out[kind] = {o: next(iter(ns)) for o, ns in sorted(fwd[kind].items()) if len(ns) == 1 and len(back[kind][next(iter(ns))]) == 1}
    return out


# ------------------------------------------------------------------------------ the client


def client_changes(old: ir.Api, new: ir.Api, differ: Differ, renames: dict[str, dict[str, str]]) -> list[ClientChange]:
    """The generated symbols that change: methods, keyword arguments, models, fields, enums."""
    flat = {k: v for kind in renames.values() for k, v in kind.items()}
    out: list[ClientChange] = []
    for o, n, _ in differ.op_results:
        if o is None and n is not None:
            out.append(ClientChange("method", n.call, "added", None, _signature(n)))
        elif n is None and o is not None:
            out.append(ClientChange("method", o.call, "removed", _signature(o), None))
    for o, n, _ in differ.op_results:
        if o is None or n is None:
            continue
        if o.call != n.call:
            out.append(ClientChange("method", n.call, "renamed", o.call, n.call))
        oargs = {a.py_name: a for a in o.arguments}
        nargs = {a.py_name: a for a in n.arguments}
        for name, a in oargs.items():
            sym = f"{n.call}({name})"
            b = nargs.get(name)
            if b is None:
                out.append(ClientChange("argument", sym, "removed", _arg(a), None))
                continue
            ot, nt = pytype(a.type, flat), pytype(b.type, flat)
            if ot != nt:
                out.append(ClientChange("argument", sym, "retyped", pytype(a.type), nt))
            if a.required != b.required:
                out.append(ClientChange("argument", sym, "now required" if b.required else "now optional", _arg(a), _arg(b)))
        for name, b in nargs.items():
            if name not in oargs:
                out.append(ClientChange("argument", f"{n.call}({name})", "added", None, _arg(b)))

    out.extend(_definitions("model", old.model_map, new.model_map, renames["model"], flat))
    out.extend(_definitions("enum", old.enum_map, new.enum_map, renames["enum"], flat))
    out.extend(_definitions("union", old.union_map, new.union_map, renames["union"], flat))
    return out


def _signature(op: ir.Operation) -> str:
    return f"{op.call}(" + ", ".join(a.py_name for a in op.arguments) + ")"


def _arg(a: ir.Argument) -> str:
    return f"{a.py_name}: {pytype(a.type)}" + ("" if a.required else " = ...")


def _definitions(kind: str, omap: dict[str, Any], nmap: dict[str, Any], renames: dict[str, str], flat: dict[str, str]) -> list[ClientChange]:
    out: list[ClientChange] = []
    renamed_to = set(renames.values())
    pairs: list[tuple[Any, Any]] = []
    for name, d in omap.items():
        if name in nmap:
            pairs.append((d, nmap[name]))
        elif name in renames and renames[name] in nmap:
            out.append(ClientChange(kind, renames[name], "renamed", name, renames[name]))
            pairs.append((d, nmap[renames[name]]))
        else:
            out.append(ClientChange(kind, name, "removed"))
    for name in nmap:
        if name not in omap and name not in renamed_to:
            out.append(ClientChange(kind, name, "added"))
    for od, nd in pairs:
        if kind == "model":
            ofs = {f.py_name: f for f in od.fields}
            nfs = {f.py_name: f for f in nd.fields}
            for fname, f in ofs.items():
                sym = f"{nd.name}.{fname}"
                g = nfs.get(fname)
                if g is None:
                    out.append(ClientChange("field", sym, "removed", pytype(f.type), None))
                    continue
                if pytype(f.type, flat) != pytype(g.type, flat):
                    out.append(ClientChange("field", sym, "retyped", pytype(f.type), pytype(g.type)))
                if f.required != g.required:
                    out.append(ClientChange("field", sym, "now required" if g.required else "now optional", None, None))
            for fname, g in nfs.items():
                if fname not in ofs:
                    out.append(ClientChange("field", f"{nd.name}.{fname}", "added", None, pytype(g.type)))
        elif kind == "enum":
            om = {_vkey(m.value): m for m in od.members}
            nm = {_vkey(m.value): m for m in nd.members}
            for k, m in om.items():
                if k not in nm:
                    out.append(ClientChange("member", f"{nd.name}.{m.py_name}", "removed", _show(m.value), None))
            for k, m in nm.items():
                if k not in om:
                    out.append(ClientChange("member", f"{nd.name}.{m.py_name}", "added", None, _show(m.value)))
    return out


# ------------------------------------------------------------------------------ rendering

_EMOJI = {"breaking": "🔴", "warning": "🟡", "info": "🔵"}
_COLORS = {"breaking": "\x1b[1;31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def _group_title(g: Group, code: Callable[[str], str]) -> str:
    if g.kind == "api":
        return "The API as a whole"
    if g.kind == "operation":
        return f"{code(g.key)} · {code(g.call or '')}"
    kind, _, name = g.key.partition(" ")
    n = len(g.operations)
    return f"Shared {kind} {code(name)} (used by {n} operations)"


def _summary_line(rep: Report) -> str:
    c = rep.counts()
    ops = sum(1 for g in rep.groups if g.kind == "operation")
    return f"{c['breaking']} breaking, {c['warning']} warning, {c['info']} info in {ops} operation{'s' if ops != 1 else ''}"


def render_markdown(rep: Report, title: str | None = None) -> str:
    """A report ready to paste in a pull-request comment."""
    md = _md_code
    c = rep.counts()
    lines = [f"## {_md_text(title) if title else 'API changes'}", ""]
    lines.append(f"{md(rep.old.label)} ({md(rep.old.title + ' ' + rep.old.version)}) → {md(rep.new.label)} ({md(rep.new.title + ' ' + rep.new.version)})")
    lines.append("")
    lines.append(f"**{_summary_line(rep)}**")
    lines.append("")
    lines.append("| Severity | Changes |")
    lines.append("|---|---:|")
    for s in SEVERITIES:
        lines.append(f"| {_EMOJI[s]} {s} | {c[s]} |")
    lines.append("")
    if not rep.groups:
        lines.append("No changes.")
        lines.append("")
    for g in rep.groups:
        lines.append(f"### {_group_title(g, md)}")
        lines.append("")
        if g.kind == "shared":
            shown = ", ".join(md(x) for x in g.operations[:8])
            more = f" and {len(g.operations) - 8} more" if len(g.operations) > 8 else ""
            lines.append(f"Reached from {shown}{more}.")
            lines.append("")
        lines.append("| | Where | Change | Rule |")
        lines.append("|---|---|---|---|")
        for ch in g.changes:
            where = md(ch.path) if ch.path else "(operation)"
            lines.append(f"| {_EMOJI[ch.severity]} {ch.severity} | {where} | {ch.message(md)} | {md(ch.rule)} |")
        lines.append("")
    lines.append("## What it does to your client")
    lines.append("")
    if not rep.client:
        lines.append("No generated symbol changes.")
        lines.append("")
    else:
        counts = Counter(cc.change for cc in rep.client)
        summary = ", ".join(f"{counts[k]} {k}" for k in ("added", "removed", "renamed", "retyped", "now required", "now optional") if counts.get(k))
        big = len(rep.client) > 40
        if big:
            lines.append(f"<details><summary>{len(rep.client)} generated symbols change ({summary})</summary>")
            lines.append("")
        else:
            lines.append(f"{len(rep.client)} generated symbols change ({summary}).")
            lines.append("")
        lines.append("| Kind | Symbol | Change | Before | After |")
        lines.append("|---|---|---|---|---|")
        for cc in rep.client:
            before = md(cc.old) if cc.old else ""
            after = md(cc.new) if cc.new else ""
            lines.append(f"| {cc.kind} | {md(cc.symbol)} | {cc.change} | {before} | {after} |")
        lines.append("")
        if big:
            lines.append("</details>")
            lines.append("")
    lines.append(f"<sub>Generated by `specgen diff`; `specgen diff --rules` explains each rule.</sub>")
    return "\n".join(lines) + "\n"


def _md_text(s: str) -> str:
    """Plain text from config or spec, made inert in Markdown."""
    s = " ".join(s.split())
    return re.sub(r"([\\`*_\[\]<|~])", r"\\\1", s)


def render_text(rep: Report, color: bool = False) -> str:
    def paint(s: str, style: str) -> str:
        return f"{style}{s}{_RESET}" if color else s

    def code(s: str) -> str:
        return _plain_code(s)

    c = rep.counts()
    lines = [f"specgen diff: {rep.old.label} ({rep.old.title} {rep.old.version}) → {rep.new.label} ({rep.new.title} {rep.new.version})"]
    lines.append(", ".join(paint(f"{c[s]} {s}", _COLORS[s]) if c[s] else f"{c[s]} {s}" for s in SEVERITIES) + f" in {sum(1 for g in rep.groups if g.kind == 'operation')} operations")
    for g in rep.groups:
        lines.append("")
        title = _group_title(g, lambda s: s)
        lines.append(paint(title, _BOLD))
        if g.kind == "shared":
            lines.append(paint("  reached from " + ", ".join(g.operations[:8]) + (f" and {len(g.operations) - 8} more" if len(g.operations) > 8 else ""), _DIM))
        last = None
        for ch in g.changes:
            if ch.path != last:
                lines.append(f"  {ch.path or '(operation)'}")
                last = ch.path
            sev = paint(f"{ch.severity:<8}", _COLORS[ch.severity])
            lines.append(f"    {sev}  {ch.message(code)}  " + paint(f"[{ch.rule}]", _DIM))
    if rep.client:
        lines.append("")
        lines.append(paint("What it does to your client", _BOLD))
        for cc in rep.client:
            detail = ""
            if cc.old and cc.new:
                detail = f": {cc.old} → {cc.new}"
            elif cc.old or cc.new:
                detail = f": {cc.old or cc.new}"
            lines.append(f"  {cc.kind:<8} {cc.symbol} {cc.change}{detail}")
    return "\n".join(lines) + "\n"


def render_json(rep: Report) -> str:
    return json.dumps(rep.as_dict(), indent=2, ensure_ascii=False) + "\n"


def render_rules(fmt: str) -> str:
    if fmt == "json":
        return json.dumps([vars(r) for r in RULES], indent=2) + "\n"
    if fmt == "markdown":
        lines = ["| Rule | Severity | Direction | Description |", "|---|---|---|---|"]
        lines += [f"| `{r.id}` | {r.severity} | {r.direction} | {r.description} |" for r in RULES]
        return "\n".join(lines) + "\n"
    width = max(len(r.id) for r in RULES)
    lines = [f"{r.id:<{width}}  {r.severity:<8}  {r.direction:<8}  {r.description}" for r in RULES]
    lines.append(f"{len(RULES)} rules")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------ inputs


@contextmanager
def open_spec(spec: str, cwd: Path | None = None) -> Iterator[Path]:
    """A spec argument as a file: a path, or `git:REV:path` materialized in a temporary folder
    with every YAML/JSON file of the spec's folder at that revision (so relative $refs resolve)."""
    cwd = cwd or Path.cwd()
    if not spec.startswith("git:"):
        p = Path(spec)
        p = p if p.is_absolute() else cwd / p
        if not p.exists():
            raise UsageError(f"{spec}: no such file")
        if p.is_dir():
            raise UsageError(f"{spec} is a folder; give the path of a spec file")
        yield p
        return
    rev, sep, rel = spec[4:].partition(":")
    if not sep or not rev or not rel:
        raise UsageError(f"{spec}: write git:REV:path, e.g. git:HEAD~1:specs/api.yaml")
    top = _git(["rev-parse", "--show-toplevel"], cwd).decode().strip()
    if rel.startswith(("./", "../")):
        rel = os.path.relpath((cwd / rel).resolve(), Path(top).resolve())
    rel = PurePosixPath(rel.replace(os.sep, "/")).as_posix()
    folder = str(PurePosixPath(rel).parent)
    listing = _git(["ls-tree", "-r", "-z", "--name-only", rev, "--", "." if folder == "." else folder + "/"], Path(top))
    names = [n for n in listing.decode().split("\0") if n]
    if rel not in names:
        raise UsageError(f"{spec}: {rel} does not exist at {rev}")
    wanted = [n for n in names if n == rel or n.lower().endswith((".yaml", ".yml", ".json"))]
    tmp = Path(tempfile.mkdtemp(prefix="specgen-diff-"))
    try:
        blobs = _git(["cat-file", "--batch"], Path(top), "".join(f"{rev}:{n}\n" for n in wanted).encode())
        buf = io.BytesIO(blobs)
        for n in wanted:
            header = buf.readline().decode().split()
            if len(header) < 3 or header[1] != "blob":
                continue
            data = buf.read(int(header[2]))
            buf.read(1)  # the newline after each object
            target = tmp / n
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        yield tmp / rel
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    try:
        res = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, timeout=120)
    except FileNotFoundError:
        raise UsageError("git:REV:path needs git, which is not installed") from None
    if res.returncode != 0:
        msg = res.stderr.decode(errors="replace").strip().splitlines()
        raise UsageError(f"git {' '.join(args[:2])} failed: {msg[-1] if msg else 'exit ' + str(res.returncode)}")
    return res.stdout


def load_api(path: Path, use_cache: bool = True) -> ir.Api:
    """Load and normalize one spec (no validation: it says nothing about change)."""
    from ..spec.load import load
    from ..model.normalize import normalize

    diags = Diagnostics()
    return normalize(load(path, diags, use_cache=use_cache), diags)


def diff_specs(old: str, new: str, cwd: Path | None = None) -> Report:
    """Diff two spec arguments (files or git:REV:path), labelled as given."""
    with open_spec(old, cwd) as op, open_spec(new, cwd) as np_:
        return compare(load_api(op), load_api(np_), old, new)


# ------------------------------------------------------------------------------ the command


def run(args: argparse.Namespace) -> int:
    """`specgen diff`: print the report; exit 1 when --fail-on finds that severity or worse."""
    fmt = getattr(args, "format", "text") or "text"
    if getattr(args, "rules", False):
        sys.stdout.write(render_rules(fmt))
        return 0
    if not args.old or not args.new:
        raise UsageError("diff needs OLD and NEW (spec files or git:REV:path); `specgen diff --rules` lists the rules")
    rep = diff_specs(args.old, args.new)
    if fmt == "json":
        out = render_json(rep)
    elif fmt == "markdown":
        out = render_markdown(rep)
    else:
        mode = getattr(args, "color", "auto") or "auto"
        color = mode == "always" or (mode == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb")
        out = render_text(rep, color=color)
    sys.stdout.write(out)
    fail_on = getattr(args, "fail_on", None)
    if fail_on:
        worst = rep.worst()
        if worst is not None and RANK[worst] <= RANK[fail_on]:
            return 1
    return 0


# ------------------------------------------------------------------------------ committed reports

_REPORTS = "diffs"


def _expected_reports(project: Any) -> dict[str, str]:
    files: dict[str, str] = {}
    for name, old, new, title in project.diffs:
        rep = diff_specs(old, new, cwd=project.root)
        files[f"{name}.md"] = render_markdown(rep, title)
    return files


def write_reports(project: Any, quiet: bool = False) -> None:
    """Write generated/diffs/<name>.md for every configured diff, each atomically; drop
    reports that are no longer configured."""
    out = Path(project.output_dir) / _REPORTS
    files = _expected_reports(project)
    out.mkdir(parents=True, exist_ok=True)
    for fname, text in sorted(files.items()):
        target = out / fname
        data = text.encode("utf-8")
        if target.is_file() and target.read_bytes() == data:
            continue
        tmp = out / f".{fname}.tmp{os.getpid()}"
        tmp.write_bytes(data)
        os.replace(tmp, target)
    for extra in sorted(out.glob("*.md")):
        if extra.name not in files:
            extra.unlink()
    if not quiet:
        print(f"specgen: diffs: {len(files)} report(s) in {out.relative_to(project.root) if out.is_relative_to(project.root) else out}")


def check_reports(project: Any) -> dict[str, list[str]]:
    """{"generated/diffs": [problem lines]}: stale, missing or extra reports ([] when current)."""
    out = Path(project.output_dir) / _REPORTS
    key = out.relative_to(project.root).as_posix() if out.is_relative_to(project.root) else str(out)
    expected = _expected_reports(project)
    actual = {p.name: p.read_bytes() for p in sorted(out.glob("*.md"))} if out.is_dir() else {}
    problems = compare_trees({name: text.encode("utf-8") for name, text in expected.items()}, actual)
    return {key: problems}


__all__: Sequence[str] = ("Change", "Report", "compare", "diff_specs", "run", "write_reports", "check_reports", "open_spec", "render_markdown", "render_text", "render_json", "render_rules")
