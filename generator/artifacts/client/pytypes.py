"""Python type expressions for IR types: the one place that decides how a TypeExpr is spelled
in generated code, on the response side (pydantic models) and the request side (TypedDicts).

`Types` also decides which definitions exist on which side, their names and the module
(`types/<group>.py`) each one lives in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Literal

from ...model import ir
from ...model.naming import Namer, module_stem
from ...model.naming import CLIENT_RUNTIME_NAMES
from ...output.render import py_literal

Side = Literal["response", "request"]

_PRIMS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None", "any": "Any"}

# what the generated modules import besides the API's own types
RUNTIME_NAMES = frozenset(CLIENT_RUNTIME_NAMES)


def _literal_ok(value: object) -> bool:
    """Values `typing.Literal` can hold (no floats, containers or None)."""
    return isinstance(value, (str, bool, int))


# request models, request unions, response models, response unions, union param names, module of, dependencies
Plan = tuple[set[str], set[str], set[str], set[str], dict[str, str], dict[str, str], dict[str, set[str]]]


@dataclass
class Types:
    """Names and homes of every generated type, and how a TypeExpr is spelled."""

    api: ir.Api
    request_models: set[str] = field(default_factory=set)
    request_unions: set[str] = field(default_factory=set)
    response_models: set[str] = field(default_factory=set)
    response_unions: set[str] = field(default_factory=set)
    union_param_names: dict[str, str] = field(default_factory=dict)
    module_of: dict[str, str] = field(default_factory=dict)  # generated name -> module stem
    _deps: dict[str, set[str]] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def build(cls, api: ir.Api) -> Types:
        t = cls(api)
        t._reach()
        t._name_unions()
        t._place()
        return t

    def plan(self) -> Plan:
        """What `build` decided, without the IR: it reads the IR's structure only (names, types,
        sides, groups; never prose), so a run whose structure is unchanged may keep it."""
        return (self.request_models, self.request_unions, self.response_models, self.response_unions, self.union_param_names, self.module_of, self.dependencies())

    @classmethod
    def of(cls, api: ir.Api, plan: Plan) -> Types:
        """The Types `build` gives for an IR of the structure `plan` was made from."""
        req_m, req_u, resp_m, resp_u, params, module_of, deps = plan
        return cls(api, req_m, req_u, resp_m, resp_u, params, module_of, deps)

    # ------------------------------------------------------------ which side

    def _walk(self, roots: Iterable[ir.TypeExpr | None], models: set[str], unions: set[str]) -> None:
        stack = list(roots)
        while stack:
            cur = stack.pop()
            if cur is None:
                continue
            if cur.kind == "model" and cur.ref in self.api.model_map and cur.ref not in models:
                models.add(cur.ref)
                m = self.api.model_map[cur.ref]
                stack.extend(f.type for f in m.fields)
                stack.append(m.additional)
            elif cur.kind == "union" and cur.ref in self.api.union_map and cur.ref not in unions:
                unions.add(cur.ref)
                stack.extend(v.type for v in self.api.union_map[cur.ref].variants)
            stack.append(cur.item)
            stack.extend(cur.variants)

    def _reach(self) -> None:
        api = self.api
        req_roots: list[ir.TypeExpr | None] = []
        resp_roots: list[ir.TypeExpr | None] = []
        for op in api.operations:
            req_roots.extend(a.type for a in op.arguments)
            resp_roots.extend(r.type for r in op.responses)
            resp_roots.append(op.stream_type)
        resp_roots.extend(h.payload for h in api.hooks)  # `unwrap` parses them as answers
        self._walk(req_roots, self.request_models, self.request_unions)
        # response side: what answers reach, plus every definition no request reaches
        resp_roots.extend(ir.TypeExpr("model", ref=m.name) for m in api.models if m.used_in_response or m.name not in self.request_models)
        resp_roots.extend(ir.TypeExpr("union", ref=u.name) for u in api.unions if u.name not in self.request_unions)
        if api.error_model:
            resp_roots.append(ir.TypeExpr("model", ref=api.error_model))
        self._walk(resp_roots, self.response_models, self.response_unions)

    def _union_has_model(self, name: str, seen: set[str] | None = None) -> bool:
        seen = seen if seen is not None else set()
        if name in seen:
            return False
        seen.add(name)
        stack: list[ir.TypeExpr | None] = [v.type for v in self.api.union_map[name].variants]
        while stack:
            cur = stack.pop()
            if cur is None:
                continue
            if cur.kind == "model":
                return True
            if cur.kind == "union" and cur.ref in self.api.union_map and self._union_has_model(cur.ref, seen):
                return True
            stack.append(cur.item)
            stack.extend(cur.variants)
        return False

    def _name_unions(self) -> None:
        """A union that holds models has a request twin made of TypedDicts: `<Name>Param`."""
        api = self.api
        taken = {m.name for m in api.models} | {m.param_name for m in api.models} | {e.name for e in api.enums} | {u.name for u in api.unions}
        taken |= {u.unknown_name for u in api.unions if u.unknown_name}
        namer = Namer(reserved=taken | RUNTIME_NAMES)
        for u in api.unions:
            if u.name in self.request_unions and self._union_has_model(u.name):
                self.union_param_names[u.name] = namer.claim(u.name + "Param")

    # ------------------------------------------------------------ which module

    def _place(self) -> None:
        """Each definition goes to `types/<group>.py`; groups that import each other in a cycle
        are merged into one module so every module imports cleanly."""
        api = self.api
        group: dict[str, str] = {}
        for m in api.models:
            g = module_stem(m.group, "shared")
            if m.name in self.response_models:
                group[m.name] = g
            if m.name in self.request_models:
                group[m.param_name] = g
        for e in api.enums:
            group[e.name] = module_stem(e.group, "shared")
        for u in api.unions:
            g = module_stem(u.group, "shared")
            if u.name in self.response_unions or u.name not in self.union_param_names:
                group[u.name] = g
            if u.name in self.union_param_names:
                group[self.union_param_names[u.name]] = g
        edges: dict[str, set[str]] = {g: set() for g in group.values()}
        for name, deps in self.dependencies().items():
            if name in group:
                for d in deps:
                    if d in group and group[d] != group[name]:
                        edges[group[name]].add(group[d])
        merged = _merge_cycles(edges)
        self.module_of = {name: merged[g] for name, g in group.items()}

    def dependencies(self) -> dict[str, set[str]]:
        """Generated name -> generated names its definition refers to (worked out once: the
        sides and union names it reads are decided before `_place` asks)."""
        if self._deps is None:
            self._deps = self._dependencies()
        return self._deps

    def _dependencies(self) -> dict[str, set[str]]:
        api = self.api
        deps: dict[str, set[str]] = {}
        for m in api.models:
            types = [f.type for f in m.fields] + ([m.additional] if m.additional else [])
            if m.name in self.response_models:
                deps[m.name] = self.names_in(types, "response")
            if m.name in self.request_models:
                deps[m.param_name] = self.names_in([f.type for f in m.fields if not f.read_only], "request")
        for u in api.unions:
            types = [v.type for v in u.variants]
            if u.name in self.response_unions or u.name not in self.union_param_names:
                deps[u.name] = self.names_in(types, "response")
            if u.name in self.union_param_names:
                deps[self.union_param_names[u.name]] = self.names_in(types, "request")
        for e in api.enums:
            deps[e.name] = set()
        return deps

    def names_in(self, types: Iterable[ir.TypeExpr | None], side: Side) -> set[str]:
        refs: set[str] = set()
        for t in types:
            if t is not None:
                self.spell(t, side, refs)
        return refs

    # ------------------------------------------------------------ spelling

    def name(self, t: ir.TypeExpr, side: Side) -> str:
        """The generated name a model/enum/union reference stands for on `side`."""
        assert t.ref is not None
        if t.kind == "model":
            return self.api.model(t.ref).param_name if side == "request" else t.ref
        if t.kind == "union" and side == "request":
            return self.union_param_names.get(t.ref, t.ref)
        return t.ref

    def spell(self, t: ir.TypeExpr, side: Side = "response", refs: set[str] | None = None, quote: frozenset[str] = frozenset()) -> str:
        """`Optional[List[ChatCompletionTool]]` and the like; names used are added to `refs`,
        names in `quote` are written as forward references (`"Name"`)."""
        inner = self._base(t, side, refs, quote)
        if t.nullable and inner not in ("Any", "None"):
            return f"Optional[{inner}]"
        return inner

    def _base(self, t: ir.TypeExpr, side: Side, refs: set[str] | None, quote: frozenset[str]) -> str:
        if t.kind == "string" and t.format == "byte" and side == "request":
            return "Union[str, bytes]"  # base64 text, or bytes the client encodes
        if t.kind in _PRIMS:
            return _PRIMS[t.kind]
        if t.kind == "binary":
            return "FileTypes" if side == "request" else "bytes"
        if t.kind == "literal":
            if t.values and all(_literal_ok(v) for v in t.values):
                return "Literal[" + ", ".join(py_literal(v) for v in t.values) + "]"
            kinds = {type(v) for v in t.values}
            return "float" if kinds <= {int, float} and kinds else "Any"
        if t.kind == "array":
            inner = self.spell(t.item, side, refs, quote) if t.item else "Any"
            return f"Sequence[{inner}]" if side == "request" else f"List[{inner}]"
        if t.kind == "map":
            inner = self.spell(t.item, side, refs, quote) if t.item else "Any"
            return f"Mapping[str, {inner}]" if side == "request" else f"Dict[str, {inner}]"
        if t.kind in ("model", "enum", "union") and t.ref:
            known = self.api.model_map if t.kind == "model" else self.api.enum_map if t.kind == "enum" else self.api.union_map
            if t.ref not in known:
                return "Any"
            name = self.name(t, side)
            if refs is not None:
                refs.add(name)
            return f'"{name}"' if name in quote else name
        if t.kind == "union":
            parts = _unique(self.spell(v, side, refs, quote) for v in t.variants)
            return parts[0] if len(parts) == 1 else "Union[" + ", ".join(parts) + "]"
        return "Any"

    def enum_type(self, e: ir.Enum) -> str:
        """`Literal[...]` of the known values; open enums accept any string too."""
        values = [v for v in e.values if _literal_ok(v)]
        if len(values) != len(e.values) or not values:
            kinds = {type(v) for v in e.values}
            base = "float" if kinds <= {int, float} else "str" if kinds <= {str} else "Any"
        else:
            base = "Literal[" + ", ".join(py_literal(v) for v in values) + "]"
        if e.open and base != "Any":
            return f"Union[{base}, str]"
        return base


def _unique(items: Iterable[str]) -> list[str]:
    out: list[str] = []
    for i in items:
        if i not in out:
            out.append(i)
    return out


def _merge_cycles(edges: dict[str, set[str]]) -> dict[str, str]:
    """Group -> module: groups on an import cycle share the module of the first one by name."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: dict[str, str] = {}
    counter = [0]

    def strongconnect(v: str) -> None:
        # iterative Tarjan would be longer; group graphs are small (one node per resource root)
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp: list[str] = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            home = "shared" if "shared" in comp else min(comp)
            for w in comp:
                result[w] = home

    for v in sorted(edges):
        if v not in index:
            strongconnect(v)
    return result


def py_type(t: ir.TypeExpr, api: ir.Api, side: Side = "response") -> str:
    """Spell one type without the module bookkeeping (for other artifacts)."""
    return Types(api).spell(t, side)
