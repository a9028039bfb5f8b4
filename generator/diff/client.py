"""What a diff does to the generated client: how the client spells a type (`pytype`, also
used in messages) and the generated symbols that change (methods, keyword arguments, models,
fields, enums and members, unions)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from ..model import ir
from .changes import show, vkey
from .rules import RULE_MAP

# (kind, change) -> rule; any kind not listed takes the ("*", change) row
_CLIENT_RULES = {
    ("*", "added"): "client-symbol-added",
    ("*", "removed"): "client-symbol-removed",
    ("*", "renamed"): "client-symbol-renamed",
    ("*", "retyped"): "client-symbol-retyped",
    ("argument", "now required"): "client-argument-now-required",
    ("argument", "now optional"): "client-symbol-loosened",
    ("field", "now required"): "client-field-now-required",
    ("field", "now optional"): "client-symbol-retyped",  # a field that may be None: code may not check
}


@dataclass
class ClientChange:
    kind: str  # method | argument | model | field | enum | member | union
    symbol: str
    change: str  # added | removed | renamed | retyped | now required | now optional
    old: str | None = None
    new: str | None = None
    fingerprint: str = ""

    @property
    def rule(self) -> str:
        return _CLIENT_RULES.get((self.kind, self.change)) or _CLIENT_RULES[("*", self.change)]

    @property
    def severity(self) -> str:
        return RULE_MAP[self.rule].severity


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


# do two named definitions (kind, old name, new name) compare without any change?
Identical = Callable[[str, str, str], bool]


def same_type(a: ir.TypeExpr | None, b: ir.TypeExpr | None, identical: Identical) -> bool:
    """The same type, up to the names of definitions that compare identical (a schema moved
    or inlined is named after where it is written; what a value may be is unchanged)."""
    if a is None or b is None:
        return a is b
    if (a.kind, a.nullable) != (b.kind, b.nullable):
        return False
    if a.ref or b.ref:
        return bool(a.ref and b.ref) and (a.ref == b.ref or identical(a.kind, a.ref or "", b.ref or ""))
    if len(a.variants) != len(b.variants) or not same_type(a.item, b.item, identical):
        return False
    return all(same_type(x, y, identical) for x, y in zip(a.variants, b.variants)) and list(a.values) == list(b.values)


def client_changes(
    old: ir.Api,
    new: ir.Api,
    op_pairs: Sequence[tuple[ir.Operation | None, ir.Operation | None]],
    renames: dict[str, dict[str, str]],
    identical: Identical = lambda kind, o, n: False,
) -> list[ClientChange]:
    """The generated symbols that change: methods, keyword arguments, models, fields, enums.
    `op_pairs` are the matched operations ((None, new) added, (old, None) removed); an
    argument or field whose type differs only by the names of identical definitions is not
    retyped."""
    flat = {k: v for kind in renames.values() for k, v in kind.items() if k != v}
    out: list[ClientChange] = []
    for o, n in op_pairs:
        if o is None and n is not None:
            out.append(ClientChange("method", n.call, "added", None, _signature(n)))
        elif n is None and o is not None:
            out.append(ClientChange("method", o.call, "removed", _signature(o), None))
    for o, n in op_pairs:
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
            if ot != nt and not same_type(a.type, b.type, identical):
                out.append(ClientChange("argument", sym, "retyped", pytype(a.type), nt))
            if a.required != b.required:
                out.append(ClientChange("argument", sym, "now required" if b.required else "now optional", _arg(a), _arg(b)))
        for name, b in nargs.items():
            if name not in oargs:
                out.append(ClientChange("argument", f"{n.call}({name})", "added", None, _arg(b)))

    out.extend(_definitions("model", old.model_map, new.model_map, renames["model"], flat, identical))
    out.extend(_definitions("enum", old.enum_map, new.enum_map, renames["enum"], flat))
    out.extend(_definitions("union", old.union_map, new.union_map, renames["union"], flat))
    return out


def _signature(op: ir.Operation) -> str:
    return f"{op.call}(" + ", ".join(a.py_name for a in op.arguments) + ")"


def _arg(a: ir.Argument) -> str:
    return f"{a.py_name}: {pytype(a.type)}" + ("" if a.required else " = ...")


def _definitions(
    kind: str, omap: dict[str, Any], nmap: dict[str, Any], renames: dict[str, str], flat: dict[str, str], identical: Identical = lambda kind, o, n: False
) -> list[ClientChange]:
    out: list[ClientChange] = []
    # the partner each old definition was compared with; otherwise the same name, when no
    # other old definition was compared with it
    taken = {n for o, n in renames.items() if o in omap and n in nmap}
    partner = {o: n for o, n in renames.items() if o in omap and n in nmap}
    for name in omap:
        if name not in partner and name in nmap and name not in taken:
            partner[name] = name
            taken.add(name)
    pairs: list[tuple[Any, Any]] = []
    for name, d in omap.items():
        n = partner.get(name)
        if n is None:
            out.append(ClientChange(kind, name, "removed"))
            continue
        if n != name:
            out.append(ClientChange(kind, n, "renamed", name, n))
        pairs.append((d, nmap[n]))
    for name in nmap:
        if name not in taken:
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
                if pytype(f.type, flat) != pytype(g.type, flat) and not same_type(f.type, g.type, identical):
                    out.append(ClientChange("field", sym, "retyped", pytype(f.type), pytype(g.type)))
                if f.required != g.required:
                    out.append(ClientChange("field", sym, "now required" if g.required else "now optional", None, None))
            for fname, g in nfs.items():
                if fname not in ofs:
                    out.append(ClientChange("field", f"{nd.name}.{fname}", "added", None, pytype(g.type)))
        elif kind == "enum":
            om = {vkey(m.value): m for m in od.members}
            nm = {vkey(m.value): m for m in nd.members}
            for k, m in om.items():
                if k not in nm:
                    out.append(ClientChange("member", f"{nd.name}.{m.py_name}", "removed", show(m.value), None))
            for k, m in nm.items():
                if k not in om:
                    out.append(ClientChange("member", f"{nd.name}.{m.py_name}", "added", None, show(m.value)))
    return out
