"""What a generated method tells the runtime about the wire, spelled as Python: its parameters'
styles (`_wire.Param`), its body's media types (`_bodies.Media` with their `Part`s), how its
answer is read (`_response.Outcome`), and the return annotation those outcomes give.

Everything here is read from the IR (the normalizer decided it); spec text reaches the code only
through `py_string`.
"""

from __future__ import annotations

from ...model import ir
from ...output.render import py_string
from .pytypes import Types

Mode = str  # "sync" | "async"


def param_expr(p: ir.Parameter) -> str:
    args = [py_string(p.name), py_string(p.location), py_string(p.style), repr(p.explode)]
    if p.allow_reserved or p.content_type is not None:
        args.append(repr(p.allow_reserved))
    if p.content_type is not None:
        args.append(py_string(p.content_type))
    return f"_wire.Param({', '.join(args)})"


def _part_expr(part: ir.PartEncoding) -> str:
    args = [py_string(part.name), py_string(part.content_type)]
    if part.style is not None:
        args += [py_string(part.style), repr(part.explode), repr(part.allow_reserved)]
    return f"_bodies.Part({', '.join(args)})"


def media_expr(m: ir.MediaType) -> str:
    args = [py_string(m.content_type), py_string(m.kind)]
    if m.parts:
        args.append("(" + "".join(_part_expr(p) + ", " for p in m.parts) + ")")
    return f"_bodies.Media({', '.join(args)})"


def outcome_expr(o: ir.Outcome, types: Types) -> str:
    args = [py_string(o.kind), "(" + "".join(py_string(c) + ", " for c in o.content_types) + ")"]
    if o.type is not None:
        args.append(types.spell(o.type, "response"))
    return f"_response.Outcome({', '.join(args)})"


def outcome_type(o: ir.Outcome, types: Types, mode: Mode) -> str:
    """What a call returns when it answers this way."""
    prefix = "Async" if mode == "async" else ""
    item = types.spell(o.type, "response") if o.type is not None else "Any"
    if o.kind == "json":
        return item
    if o.kind == "sse":
        return f"{prefix}Stream[{item}]"
    if o.kind == "jsonl":
        return f"{prefix}JSONLStream[{item}]"
    if o.kind == "binary":
        return f"{prefix}BinaryResponse"
    if o.kind == "text":
        return "str"
    return "None"


def union_of(parts: list[str]) -> str:
    """`A`, `Union[A, B]`, `Optional[A]`: the annotation for either of these."""
    unique = list(dict.fromkeys(parts))
    if "Any" in unique:
        return "Any"
    optional = "None" in unique and len(unique) > 1
    rest = [p for p in unique if p != "None"] if optional else unique
    inner = rest[0] if len(rest) == 1 else "Union[" + ", ".join(rest) + "]"
    return f"Optional[{inner}]" if optional else inner


def returns(outcomes: tuple[ir.Outcome, ...], types: Types, mode: Mode) -> str:
    return union_of([outcome_type(o, types, mode) for o in outcomes]) if outcomes else "Any"


def media_doc(body: ir.Body, selector: str | None) -> str:
    """How the method picks the body's media type, for its docstring."""
    if selector is None or len(body.media) < 2:
        return ""
    first = body.media[0]
    lines = [f"The body is sent as `{first.content_type}`"]
    alt = next((m for m in body.media if m.kind in ("multipart", "binary")), None)
    if alt is not None and alt is not first:
        lines[0] += f", or as `{alt.content_type}` when a file is given"
    lines[0] += "."
    lines.append(f"`{selector}=` chooses one of: " + ", ".join(f"`{m.content_type}`" for m in body.media) + ".")
    return " ".join(lines)
