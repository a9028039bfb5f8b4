"""What a diff does to the generated client: how the client spells a type (`pytype`, also
used in messages) and the generated symbols that change (methods, keyword arguments, models,
fields, enums and members, unions)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Sequence

from ..model import ir
from .changes import show, vkey


@dataclass
class ClientChange:
    kind: str  # method | argument | model | field | enum | member | union
    symbol: str
    change: str  # added | removed | renamed | retyped | now required | now optional
    old: str | None = None
    new: str | None = None


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


def client_changes(
    old: ir.Api, new: ir.Api, op_pairs: Sequence[tuple[ir.Operation | None, ir.Operation | None]], renames: dict[str, dict[str, str]]
) -> list[ClientChange]:
    """The generated symbols that change: methods, keyword arguments, models, fields, enums.
    `op_pairs` are the matched operations ((None, new) added, (old, None) removed)."""
    flat = {k: v for kind in renames.values() for k, v in kind.items()}
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
            om = {vkey(m.value): m for m in od.members}
            nm = {vkey(m.value): m for m in nd.members}
            for k, m in om.items():
                if k not in nm:
                    out.append(ClientChange("member", f"{nd.name}.{m.py_name}", "removed", show(m.value), None))
            for k, m in nm.items():
                if k not in om:
                    out.append(ClientChange("member", f"{nd.name}.{m.py_name}", "added", None, show(m.value)))
    return out
