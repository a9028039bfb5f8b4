"""The docs artifact: Markdown reference pages read by people.

`docs/README.md` (API overview, operation index, model index), one page per operation
(parameters, the request body flattened into dotted paths, union variants, the response
flattened the same way, streaming, examples) and one page per model, enum and union.

Every decision (how a type is phrased, what is flattened, where it is cut) lives here; the
templates in templates/docs/ only loop and place. Spec text is untrusted: it reaches a
page only through `cell` (one table cell), `block` (paragraphs) or `code` (inline code).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Literal

from ...model import ir
from ...model.naming import Namer, file_stem
from ...output.render import RenderContext, py_literal, render_template, to_json

# Where flattening stops: past these, a row links to the model's own page instead.
OP_DEPTH = 6  # nesting levels expanded on an operation page
MODEL_DEPTH = 3  # nesting levels expanded on a model page
TABLE_ROWS = 250  # rows in one flattened table
PAGE_ROWS = 600  # rows of one body or response: its table and its variant sections together
PAGE_SECTIONS = 40  # union variant sections of one body or response
INLINE_ENUM = 6  # enums with at most this many values are spelled out in the type
LIST_VALUES = 40  # possible values listed in a description before "and N more"
DESC_LIMIT = 400  # characters of description in a table cell
PHRASE_DEPTH = 3  # nesting of type phrases before only a link is given
INDEX_LIMIT = 160  # characters of description in index tables
EXAMPLES = 5  # spec examples shown per operation
EXAMPLE_CHARS = 20_000  # longer example payloads are left to the fixtures folder

Mode = Literal["request", "response"]
_PH = "\x00"  # placeholder delimiter for in-page anchors; spec text can never contain it


# --------------------------------------------------------------------------- escaping


_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_LINK = re.compile(r"(!?)\[([^\]]{0,300})\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"\n]*\")?\s*\)")
_SAFE_URL = re.compile(r"^(https?://|mailto:)", re.I)


def _printable(s: str, keep: str = "") -> str:
    if s.isprintable():
        return s
    out = []
    for c in s:
        if c.isprintable() or c in keep:
            out.append(c)
        else:
            o = ord(c)
            out.append(f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}")
    return "".join(out)


def _delink(text: str) -> str:
    """Spec links to relative URLs (`/docs/guides/x`) cannot resolve in our docs: keep their text.
    Absolute http(s) links stay; anything else (javascript:, data:) becomes text too."""

    def sub(m: re.Match[str]) -> str:
        bang, label, url = m.group(1), m.group(2), m.group(3)
        if not bang and _SAFE_URL.match(url):
            return m.group(0)
        return label

    return _LINK.sub(sub, text)


def _spans(s: str) -> list[tuple[bool, str]]:
    """Split text into (is_code, piece) by CommonMark backtick code spans."""
    out: list[tuple[bool, str]] = []
    i = last = 0
    n = len(s)
    while i < n:
        if s[i] != "`":
            i += 1
            continue
        j = i
        while j < n and s[j] == "`":
            j += 1
        run = j - i
        k = j
        close = -1
        while k < n:
            if s[k] == "`":
                m = k
                while m < n and s[m] == "`":
                    m += 1
                if m - k == run:
                    close = k
                    break
                k = m
            else:
                k += 1
        if close < 0:
            i = j
            continue
        if i > last:
            out.append((False, s[last:i]))
        out.append((True, s[i : close + run]))
        i = last = close + run
    if last < n:
        out.append((False, s[last:]))
    return out


def _escape_text(s: str) -> str:
    """Text outside code spans: HTML neutralized, and backticks escaped, since any backtick
    here is unpaired and could otherwise pair with one from a neighbouring fragment."""
    return s.replace("\\", "\\\\").replace("`", "\\`").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell(text: Any, limit: int = DESC_LIMIT) -> str:
    """One Markdown table cell from spec text: one line, folded past `limit`, pipes escaped
    (also inside code spans, as GFM tables require), HTML neutralized outside code spans."""
    s = _delink(" ".join(_BREAKS.sub(" ", str(text or "")).split()))
    if len(s) > limit:
        s = s[: limit - 1].rstrip() + "…"
    parts = []
    for is_code, piece in _spans(s):
        parts.append(piece if is_code else _escape_text(piece))
    return _printable("".join(parts).replace("|", "\\|"))


@functools.lru_cache(maxsize=65536)
def _code(s: str) -> str:
    s = " ".join(_BREAKS.sub(" ", s).split()).replace("|", "\\|")
    ticks = max((len(m) for m in re.findall(r"`+", s)), default=0)
    fence = "`" * (ticks + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or not s else ""
    return f"{fence}{pad}{_printable(s)}{pad}{fence}"


def code(text: Any, limit: int = 200) -> str:
    """Inline code from spec text (cells and headings), whatever it holds (as `md_code`)."""
    s = str(text)
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return _code(s)


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_DELIM_ROW = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-*:?\s*)*\|?\s*$")
_BLOCK_START = re.compile(r"^( {0,3})(#{1,6}(\s|$)|>|\[[^\]]*\]:)")


def block(text: Any) -> str:
    """Paragraph text from spec text: HTML neutralized, headings, tables, setext underlines
    and link definitions disarmed (they would change the page's outline and anchors), code
    fences balanced, relative links reduced to their text."""
    lines = _BREAKS.sub("\n", str(text or "").strip()).split("\n")
    lines = _delink_outside_fences(lines)
    out: list[str] = []
    fence: str | None = None
    for line in lines:
        line = line.rstrip()
        m = _FENCE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line[m.end():].strip():
                fence = None
            out.append(_printable(line, keep="\t"))
            continue
        if m:
            fence = m.group(1)
            info = line[m.end():]
            if fence[0] == "`" and "`" in info:
                info = info.replace("`", "")
            out.append(_printable(line[: m.end()] + _escape_text(info), keep="\t"))
            continue
        if _SETEXT.match(line) or (_DELIM_ROW.match(line) and "-" in line and "|" in line):
            line = "\\" + line.lstrip()
        else:
            bm = _BLOCK_START.match(line)
            if bm:
                line = bm.group(1) + "\\" + line[len(bm.group(1)):]
        parts = [p if c else _escape_text(p) for c, p in _spans(line)]
        out.append(_printable("".join(parts), keep="\t"))
    if fence is not None:
        out.append(fence)
    return "\n".join(out)


def _delink_outside_fences(lines: list[str]) -> list[str]:
    """`_delink` over each run of lines outside code fences (a link may span lines)."""
    out: list[str] = []
    run: list[str] = []
    fence: str | None = None

    def flush() -> None:
        if run:
            out.extend(_delink("\n".join(run)).split("\n"))
            run.clear()

    for line in lines:
        m = _FENCE.match(line)
        if fence is None and m:
            flush()
            fence = m.group(1)
            out.append(line)
        elif fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line[m.end():].strip():
                fence = None
            out.append(line)
        else:
            run.append(line)
    flush()
    return out


def first_sentence(text: str, limit: int = INDEX_LIMIT) -> str:
    """The first sentence (or line) of a description, for index tables."""
    s = " ".join(_BREAKS.sub(" ", str(text or "")).split())
    m = re.search(r"(?<=[.!?])\s", s)
    if m and m.start() <= limit:
        s = s[: m.start()]
    return s


def fence_for(text: str) -> str:
    """A code fence longer than any backtick run in the text."""
    runs = [len(r) for r in re.findall(r"`+", text)]
    return "`" * max(3, max(runs, default=0) + 1)


def slug(text: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def num(x: Any) -> str:
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return str(x)


def literal(v: Any) -> str:
    """A JSON value as inline code, for types and defaults."""
    try:
        s = to_json(v, indent=None)
    except (TypeError, ValueError):
        s = str(v)
    return code(s, limit=80)


# --------------------------------------------------------------------------- page model


@dataclass
class Row:
    path: str
    type: str
    required: str
    default: str
    description: str


@dataclass
class Block:
    """One variant of a union at a path: a heading, a line, and its own fields."""

    heading: str
    intro: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class Section:
    """The variants of one union, at one path of a body or response."""

    heading: str
    anchor: str
    intro: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Table:
    """A flattened body or response: the main table and its variant sections."""

    title: str
    intro: str
    rows: list[Row]
    sections: list[Section]
    response: bool = False
    note: str = ""


@dataclass
class _Pending:
    union: ir.Union
    path: str
    depth: int
    stack: tuple[str, ...]
    section: Section
    shown: str  # the path as the page shows it (a root union has no path: "the request body")


class _Page:
    """Budgets and anchors of one page being flattened."""

    def __init__(self, max_depth: int, sections: bool):
        self.max_depth = max_depth
        self.allow_sections = sections
        self.rows = 0
        self.sections = 0
        self.cut = False
        self.seen: dict[tuple[str, str], int] = {}
        self.paths: set[str] = set()
        self.slugs: dict[str, int] = {}
        self.queue: list[_Pending] = []

    def anchor(self, heading_text: str) -> str:
        base = slug(heading_text)
        n = self.slugs.get(base, 0)
        self.slugs[base] = n + 1
        return base if n == 0 else f"{base}-{n}"


# --------------------------------------------------------------------------- the renderer


class Docs:
    """Everything the docs of one API need, with the caches that keep big specs fast."""

    def __init__(self, api: ir.Api, ctx: RenderContext):
        self.api = api
        self.ctx = ctx
        self._phrases: dict[tuple[int, str, bool], str] = {}
        self._field_desc: dict[tuple[int, str], str] = {}
        self.op_files: dict[str, str] = {}
        names = Namer(sep="_")
        for op in api.operations:
            stem = names.claim(file_stem(op.id, "operation"))
            self.op_files[op.id] = f"operations/{stem}.md"
        self.def_files: dict[str, str] = {}
        lower = Namer(sep="_")
        for name in [m.name for m in api.models] + [u.name for u in api.unions] + [e.name for e in api.enums]:
            base = re.sub(r"[^A-Za-z0-9_]", "_", name)[:100] or "Model"
            if base.lower() in _WINDOWS_DEVICES:
                base += "_"
            claimed = lower.claim(base.lower())
            self.def_files[name] = "models/" + base + claimed[len(base):] + ".md"

    # ---- links

    def link(self, name: str, here: str) -> str:
        """A Markdown link to a model/enum/union page from a page in folder `here`."""
        target = self.def_files.get(name)
        if target is None:
            return code(name)
        return f"[{cell(name, 200)}]({_rel(here, target)})"

    # ---- type phrases

    def phrase(self, t: ir.TypeExpr, here: str, in_array: bool = False, level: int = 0) -> str:
        """A type as a reader says it: `integer (0..20)`, `"auto" | "low"`, `array of X, max 128 items`."""
        key = (id(t), here, in_array)
        got = self._phrases.get(key)
        if got is not None and level == 0:
            return got
        s = self._phrase(t, here, in_array, level)
        if t.nullable and t.kind != "null":
            s += ", nullable"
        if level == 0:
            self._phrases[key] = s
        return s

    def _phrase(self, t: ir.TypeExpr, here: str, in_array: bool, level: int) -> str:
        c = t.constraints
        k = t.kind
        if k == "string":
            bits = [cell(t.format, 40)] if t.format else []
            bits += _length(c.min_length, c.max_length, "char")
            return "string" + (f" ({', '.join(bits)})" if bits else "")
        if k in ("integer", "number"):
            bits = _range(c)
            if t.format and t.format not in ("int32", "int64", "float", "double"):
                bits.insert(0, cell(t.format, 40))
            return k + (f" ({', '.join(bits)})" if bits else "")
        if k == "boolean":
            return "boolean"
        if k == "null":
            return "null"
        if k == "any":
            return "any"
        if k == "binary":
            return "file (binary)"
        if k == "literal":
            return " \\| ".join(literal(v) for v in t.values) or "any"
        if k == "array":
            item = self.phrase(t.item, here, True, level + 1) if t.item is not None and level < PHRASE_DEPTH else "any"
            bits = _length(c.min_items, c.max_items, "item")
            if c.unique_items:
                bits.append("unique")
            return "array of " + item + (", " + ", ".join(bits) if bits else "")
        if k == "map":
            bits = _length(c.min_properties, c.max_properties, "key")
            if t.item is None or t.item.kind == "any":
                base = "object (free-form)"
            else:
                inner = self.phrase(t.item, here, False, level + 1) if level < PHRASE_DEPTH else "any"
                base = "map of " + inner
            return base + (", " + ", ".join(bits) if bits else "")
        if k == "enum" and t.ref in self.api.enum_map:
            return self.enum_phrase(self.api.enum_map[t.ref], here)
        if k == "model" and t.ref:
            return self.link(t.ref, here) + ("" if in_array else " object")
        if k == "union" and t.ref in self.api.union_map:
            return self.union_phrase(self.api.union_map[t.ref], here, level)
        if t.variants:
            return " \\| ".join(self.phrase(v, here, False, level + 1) for v in t.variants)
        if t.ref:
            return self.link(t.ref, here)
        return cell(k, 40)

    def enum_phrase(self, e: ir.Enum, here: str) -> str:
        values = e.values
        if len(values) <= INLINE_ENUM:
            s = " \\| ".join(literal(v) for v in values)
            return s + (" \\| any string" if e.open else "")
        kind = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}.get(e.value_type, "value")
        if e.open:
            return f"{kind} ({self.link(e.name, here)}: {len(values)} known values, others accepted)"
        return f"{kind} ({self.link(e.name, here)}: one of {len(values)} values)"

    def union_phrase(self, u: ir.Union, here: str, level: int = 0) -> str:
        tags = [v for v in u.variants if v.tag is not None]
        if tags and len(tags) == len(u.variants):
            names = ", ".join(cell(v.tag, 60) + (" (deprecated)" if v.deprecated else "") for v in u.variants)
            return f"{self.link(u.name, here)} (one of: {names})"
        simple = len(u.variants) <= 5 and level < PHRASE_DEPTH and all(v.type.kind != "union" for v in u.variants)
        if simple:
            return " \\| ".join(self.phrase(v.type, here, False, level + 1) for v in u.variants)
        names = ", ".join(cell(v.name, 60) for v in u.variants[:8])
        more = f", … ({len(u.variants)} in all)" if len(u.variants) > 8 else ""
        return f"{self.link(u.name, here)} (one of: {names}{more})"

    # ---- descriptions

    def values_note(self, t: ir.TypeExpr) -> str:
        """`Possible values: ...` for enums too long to spell out in the type."""
        inner = _unwrap(t)
        if inner.kind != "enum" or inner.ref not in self.api.enum_map:
            return ""
        e = self.api.enum_map[inner.ref]
        if len(e.values) <= INLINE_ENUM:
            return ""
        shown = ", ".join(literal(v) for v in e.values[:LIST_VALUES])
        more = f", … and {len(e.values) - LIST_VALUES} more" if len(e.values) > LIST_VALUES else ""
        head = "Known values (any string accepted)" if e.open else "Possible values"
        return f"{head}: {shown}{more}."

    def describe(
        self,
        description: str,
        t: ir.TypeExpr,
        deprecated: ir.Deprecation | None,
        extra: Iterable[str] = (),
    ) -> str:
        """A description cell: deprecation first, the text folded, then values and constraints."""
        parts: list[str] = []
        if deprecated is None:
            deprecated = self.deprecated_ref(t)
        if deprecated is not None:
            parts.append(_deprecation(deprecated))
            msg = deprecated.message.strip()
            if msg.endswith(".") and description.strip().startswith(msg):
                description = description.strip()[len(msg):]
        if description:
            parts.append(cell(description))
        note = self.values_note(t)
        if note:
            parts.append(note)
        pattern = _unwrap(t).constraints.pattern
        if pattern:
            parts.append(f"Pattern: {code(pattern)}.")
        if t.constraints.multiple_of is not None:
            parts.append(f"Multiple of {num(t.constraints.multiple_of)}.")
        parts.extend(extra)
        return " ".join(parts) or "—"

    def deprecated_ref(self, t: ir.TypeExpr) -> ir.Deprecation | None:
        """The deprecation of the model, union or enum a type refers to, if any."""
        inner = _unwrap(t)
        d = self.api.model_map.get(inner.ref or "") or self.api.union_map.get(inner.ref or "") or self.api.enum_map.get(inner.ref or "")
        return d.deprecated if d is not None else None

    # ---- flattening

    def fields_of(self, t: ir.TypeExpr) -> ir.Model | None:
        inner = _unwrap(t)
        if inner.kind == "model" and inner.ref in self.api.model_map:
            return self.api.model_map[inner.ref]
        return None

    def flatten(
        self,
        t: ir.TypeExpr,
        prefix: str,
        depth: int,
        stack: tuple[str, ...],
        mode: Mode,
        page: _Page,
        here: str,
        rows: list[Row],
    ) -> None:
        """Rows for every field reachable from `t` under `prefix`, in spec order, depth first."""
        path, inner = _descend(prefix, t)
        if inner.kind != "model" or inner.ref not in self.api.model_map:
            return
        model = self.api.model_map[inner.ref]
        for f in model.fields:
            if (mode == "request" and f.read_only) or (mode == "response" and f.write_only):
                continue
            if len(rows) >= TABLE_ROWS or page.rows >= PAGE_ROWS:
                page.cut = True
                return
            fpath = f"{path}.{f.name}" if path else f.name
            extra: list[str] = []
            sub = self.fields_of(f.type)
            child_union = _union_of(f.type, self.api)
            if sub is not None and sub.fields:
                if sub.name in stack:
                    extra.append(f"Recursive: see {self.link(sub.name, here)}.")
                elif depth + 1 >= page.max_depth:
                    extra.append(f"Fields: see {self.link(sub.name, here)}.")
            if child_union is not None:
                upath = _descend(fpath, f.type)[0]
                sec = self.section_for(child_union, upath, depth + 1, stack, page)
                if sec is not None:
                    extra.append(f"See [variants of {code(upath)}](#{_PH}{sec}{_PH}).")
            rows.append(self.row(f, fpath, mode, here, extra))
            page.rows += 1
            if sub is not None and sub.fields and sub.name not in stack and depth + 1 < page.max_depth:
                self.flatten(f.type, fpath, depth + 1, stack + (model.name,), mode, page, here, rows)
        if model.additional is not None and model.additional.kind not in ("any",) and len(rows) < TABLE_ROWS:
            apath = f"{path}.*" if path else "*"
            rows.append(
                Row(code(apath), self.phrase(model.additional, here), "No", "—", "Any other key, with a value of this type.")
            )
            page.rows += 1

    def row(self, f: ir.Field, path: str, mode: Mode, here: str, extra: list[str]) -> Row:
        key = (id(f), here)
        desc = self._field_desc.get(key)
        if desc is None:
            desc = self.describe(f.description, f.type, f.deprecated)
            self._field_desc[key] = desc
        if extra:
            desc = (desc if desc != "—" else "") + (" " if desc != "—" else "") + " ".join(extra)
        default = literal(f.default) if f.has_default else "—"
        return Row(code(path), self.phrase(f.type, here), "Yes" if f.required else "No", default, desc)

    def section_for(self, u: ir.Union, path: str, depth: int, stack: tuple[str, ...], page: _Page, root: str = "") -> int | None:
        """Register a variants section for union `u` at `path`; returns its placeholder number."""
        if not page.allow_sections or depth >= page.max_depth:
            return None
        if page.sections >= PAGE_SECTIONS:
            page.cut = True
            return None
        if not any(self._variant_model(v.type) is not None or _union_of(v.type, self.api) is not None for v in u.variants):
            return None  # all scalar: the type phrase already says everything
        if u.name in stack:
            return None
        seen = page.seen.get((u.name, path))
        if seen is not None:
            return seen  # the same union at the same path (another variant's field): one section
        shown, plain_path = (code(path), path) if path else (root, root)
        if path in page.paths:  # another union at this path: the heading names which
            heading, plain = f"Variants of {shown} ({cell(u.name, 200)})", f"Variants of {plain_path} ({u.name})"
        else:
            heading, plain = f"Variants of {shown}", f"Variants of {plain_path}"
        page.paths.add(path)
        sec = Section(heading, page.anchor(plain), "")
        page.sections += 1
        page.queue.append(_Pending(u, path, depth, stack + (u.name,), sec, shown))
        page.seen[(u.name, path)] = len(page.queue) - 1
        return len(page.queue) - 1

    def _variant_model(self, t: ir.TypeExpr) -> ir.Model | None:
        m = self.fields_of(t)
        return m if m is not None else None

    def fill_section(self, p: _Pending, mode: Mode, page: _Page, here: str) -> None:
        u, path, sec = p.union, p.path, p.section
        sec.intro = f"{p.shown[:1].upper() + p.shown[1:]} is one of these" + (f", chosen by {code(u.discriminator)}" if u.discriminator else "") + f" (see {self.link(u.name, here)}):"
        scalars: list[str] = []
        for v in u.variants:
            label = f"{code(u.discriminator)} = {literal(v.tag)}" if u.discriminator and v.tag is not None else code(v.name)
            dep = " " + _deprecation(v.deprecated) if v.deprecated else ""
            model = self._variant_model(v.type)
            nested = _union_of(v.type, self.api)
            if model is None and nested is None:
                scalars.append(self.phrase(v.type, here) + dep)
                continue
            plain = (f"{u.discriminator} = {v.tag}" if u.discriminator and v.tag is not None else str(v.name))
            b = Block(f"{p.shown[:1].upper() + p.shown[1:]} with {label}", self.phrase(v.type, here) + "." + dep)
            page.anchor(f"{path or 'root'} with {plain}")
            if model is not None:
                if model.name in p.stack:
                    b.intro += f" Recursive: see {self.link(model.name, here)}."
                elif page.rows >= PAGE_ROWS:
                    page.cut = True
                    b.intro += f" Fields: see {self.link(model.name, here)}."
                else:
                    self.flatten(v.type, path, p.depth, p.stack, mode, page, here, b.rows)
            else:
                assert nested is not None
                vpath = _descend(path, v.type)[0]
                n = self.section_for(nested, vpath, p.depth + 1, p.stack, page)
                if n is not None:
                    b.intro += f" See [variants of {code(vpath)}](#{_PH}{n}{_PH})."
            sec.blocks.append(b)
        if scalars:
            sec.intro += " " + " \\| ".join(scalars) + (" or:" if sec.blocks else ".")

    def table(self, t: ir.TypeExpr, mode: Mode, page: _Page, here: str, title: str, intro: str) -> Table:
        rows: list[Row] = []
        start = len(page.queue)
        page.rows = page.sections = 0
        page.cut = False
        self.flatten(t, "", 0, (), mode, page, here, rows)
        u = _union_of(t, self.api)
        if u is not None and not rows:  # the body or response itself is a union
            root = "the request body" if mode == "request" else "the response"
            self.section_for(u, _descend("", t)[0], 0, (), page, root)
        i = start
        while i < len(page.queue):
            self.fill_section(page.queue[i], mode, page, here)
            i += 1
        secs = [p.section for p in page.queue[start:]]
        note = ""
        if page.cut:
            m = self.fields_of(t)
            whole = f"; {self.link(m.name, here)} and the pages it links to have the whole schema" if m else ""
            note = f"Some fields are not expanded here, to keep the page readable{whole}."
        return Table(title, intro, rows, secs, mode == "response", note)

    # ---- operation pages

    def params(self, op: ir.Operation, here: str) -> list[Row]:
        rows = []
        for p in op.parameters:
            default = literal(p.default) if p.has_default else "—"
            rows.append(
                Row(
                    f"{code(p.name)} ({p.location})",
                    self.phrase(p.type, here),
                    "Yes" if p.required else "No",
                    default,
                    self.describe(p.description, p.type, p.deprecated),
                )
            )
        body = op.body
        model = self.api.model_map.get(op.body_model or "") if body is not None else None
        if body is not None and model is not None:
            for f in model.fields:
                if f.read_only:
                    continue
                rows.append(self.row(f, f.name, "request", here, []))
        elif body is not None:
            rows.append(
                Row(
                    "body",
                    self.phrase(body.type, here),
                    "Yes" if body.required else "No",
                    "—",
                    self.describe(body.description, body.type, None),
                )
            )
        return rows

    def operation_page(self, op: ir.Operation, examples: dict[str, Any]) -> str:
        here = "operations"
        page = _Page(OP_DEPTH, sections=True)
        title = cell(op.summary or op.id, 200)
        facts = [code(f"{op.method.upper()} {op.path}"), code(op.call)]
        if op.streaming:
            facts.append("streaming (server-sent events)")
        if op.pagination is not None:
            pg = op.pagination
            facts.append(f"paginated: cursor {code(pg.cursor_param)}, items in {code(pg.items_field)}")
        if op.deprecated:
            facts.append("**deprecated**")
        body_table = None
        body_line = ""
        if op.body is not None:
            b = op.body
            cts = ", ".join(code(c) for c in (b.content_types or (b.content_type,)))
            body_line = f"Content type: {cts}; {'required' if b.required else 'optional'}. Schema: {self.phrase(b.type, here)}."
            if b.description:
                body_line += " " + cell(b.description)
            if self.fields_of(b.type) is not None or _union_of(b.type, self.api) is not None:
                body_table = self.table(b.type, "request", page, here, "Request body fields", "")
        responses = []
        for r in op.responses:
            responses.append(
                Row(
                    code(r.status),
                    code(r.content_type) if r.content_type else "—",
                    self.phrase(r.type, here) if r.type is not None else "—",
                    "",
                    cell(r.description) or "—",
                )
            )
        success = op.success
        resp_table = None
        if success is not None and success.type is not None and success.encoding == "json":
            resp_table = self.table(success.type, "response", page, here, f"Response fields ({success.status})", "")
        stream_table = None
        stream_line = ""
        if op.streaming:
            ev = self.phrase(op.stream_type, here) if op.stream_type is not None else "an event"
            how = f"Set {code(op.stream_param)} to {code('true')} and the" if op.stream_param else "The"
            stream_line = (
                f"{how} response is a stream of server-sent events ({code('text/event-stream')}); "
                f"the {code('data:')} of each event is a {ev}."
            )
            if op.stream_type is not None and self.fields_of(op.stream_type) is not None:
                stream_table = self.table(op.stream_type, "response", page, here, "Stream event fields", "")
        text = render_template(
            "docs/operation.md.j2",
            title=title,
            facts=" · ".join(facts),
            deprecation=_deprecation(op.deprecated) if op.deprecated else "",
            description=block(op.description) if op.description and op.description != op.summary else "",
            params=self.params(op, here),
            body_line=body_line,
            body=body_table,
            responses=responses,
            response=resp_table,
            stream_line=stream_line,
            stream=stream_table,
            notes=[cell(n) for n in op.notes],
            examples=self.examples_md(op, examples),
        )
        anchors = [p.section.anchor for p in page.queue]
        return re.sub(f"{_PH}(\\d+){_PH}", lambda m: anchors[int(m.group(1))] if int(m.group(1)) < len(anchors) else "", text)

    # ---- examples

    def examples_md(self, op: ir.Operation, given: dict[str, Any]) -> list[dict[str, str]]:
        """Spec examples first (curated by the spec's authors), then the fixtures' minimal and
        full requests, a Python call, and the success response (fixtures, else spec, else a
        small synthesized one)."""
        out: list[dict[str, str]] = []
        body = op.body
        json_body = body is not None and body.encoding == "json"
        params, minimal = _split_request(op, given.get("minimal", _MISSING))
        full_params, full = _split_request(op, given.get("request", _MISSING))
        for p in op.parameters:
            if p.location in ("path", "query") and p.required and p.name not in params:
                params[p.name] = full_params.get(p.name, p.examples[0] if p.examples else Example(self.api).value(p.type, name=p.name))
        spec_examples = list(body.examples[:EXAMPLES]) if body is not None and json_body else []
        for i, ex in enumerate(spec_examples):
            title = "Request body (spec example)" if len(spec_examples) == 1 else f"Request body (spec example {i + 1})"
            out.append(_fenced(title, "json", to_json(ex)))
        if json_body and minimal is not _MISSING and minimal is not None:
            out.append(_fenced("Minimal request body", "json", to_json(minimal)))
        if json_body and full is not _MISSING and full is not None and full != minimal:
            text = to_json(full)
            if len(text) <= EXAMPLE_CHARS:
                out.append(_fenced("Request body with every field", "json", text))
        call_body: Any = spec_examples[0] if spec_examples else minimal
        if call_body is _MISSING and body is not None:
            call_body = Example(self.api).value(body.type)
        stream_body = None if minimal is _MISSING else minimal
        out.append(_fenced("Python", "python", self.python_call(op, params, None if call_body is _MISSING else call_body, stream_body)))
        success = op.success
        resp = given.get("response", _MISSING)
        if resp is None:
            resp = _MISSING
        if resp is _MISSING and success is not None and success.type is not None and success.encoding == "json":
            resp = success.examples[0] if success.examples else Example(self.api).value(success.type)
        if resp is not _MISSING:
            status = success.status if success is not None else "200"
            text = to_json(resp)
            if len(text) <= EXAMPLE_CHARS:
                out.append(_fenced(f"Response ({status})", "json", text))
        event = given.get("stream")
        if op.streaming and event is not None:
            out.append(_fenced("One stream event", "json", to_json(event)))
        return out

    def python_call(self, op: ir.Operation, params: dict[str, Any], body: Any, stream_body: Any = None) -> str:
        """How to call the operation with the generated client, with the example's values
        (and, for streaming operations, how to iterate the stream, with `stream_body`)."""
        stream_arg = next((a.py_name for a in op.arguments if a.source == "body" and a.wire_name == op.stream_param), None)
        args = self._call_args(op, params, body)
        head = [
            f"from {self.ctx.package} import Client",
            "",
            f"client = Client()  # reads the API key from {comment_safe(self.ctx.api_key_env)}",
        ]
        lines = head + _call_lines("result = ", op.call, args)
        if op.streaming and stream_arg is not None:
            lines += ["", "# streaming: iterate the events as they arrive"]
            sargs = self._call_args(op, params, body if stream_body is None else stream_body)
            lines += _call_lines("for event in ", op.call, sargs + [(stream_arg, True)], ":")
            lines.append("    print(event)")
        return "\n".join(lines)

    def _call_args(self, op: ir.Operation, params: dict[str, Any], body: Any) -> list[tuple[str, Any]]:
        args: list[tuple[str, Any]] = []
        for a in op.arguments:
            if a.source == "body" and a.wire_name == op.stream_param:
                continue
            if a.source in ("path", "query") and a.wire_name in params:
                args.append((a.py_name, params[a.wire_name]))
            elif a.source == "body" and isinstance(body, dict) and a.wire_name in body:
                args.append((a.py_name, body[a.wire_name]))
            elif a.source == "body_whole" and body is not None:
                args.append((a.py_name, body))
        return args

    # ---- definition pages

    def model_page(self, m: ir.Model, used: list[str]) -> str:
        here = "models"
        page = _Page(MODEL_DEPTH, sections=False)
        rows: list[Row] = []
        mode: Mode = "response" if m.used_in_response and not m.used_in_request else "request"
        self.flatten(ir.TypeExpr("model", ref=m.name), "", 0, (), mode, page, here, rows)
        facts = ["object"]
        if m.used_in_request:
            facts.append("used in requests")
        if m.used_in_response:
            facts.append("used in responses")
        return render_template(
            "docs/model.md.j2",
            title=cell(m.name, 200),
            facts=", ".join(facts),
            deprecation=_deprecation(m.deprecated) if m.deprecated else "",
            description=block(m.description),
            rows=rows,
            additional=self.phrase(m.additional, here) if m.additional is not None else "",
            used=used,
            cut=len(rows) >= TABLE_ROWS,
        )

    def union_page(self, u: ir.Union, used: list[str]) -> str:
        here = "models"
        rows = []
        for v in u.variants:
            rows.append(
                Row(
                    code(v.name),
                    self.phrase(v.type, here),
                    literal(v.tag) if v.tag is not None else "—",
                    "",
                    _deprecation(v.deprecated) if v.deprecated else (cell(v.title) if v.title else "—"),
                )
            )
        how = f"Chosen by the {code(u.discriminator)} property" + (" (inferred: every variant fixes it to one value)" if u.inferred else "") if u.discriminator else "Tried in order; the first variant that matches wins" if u.keyword == "oneOf" else "Any variant that matches"
        return render_template(
            "docs/union.md.j2",
            title=cell(u.name, 200),
            facts=f"one of {len(u.variants)} variants ({u.keyword}). {how}.",
            deprecation=_deprecation(u.deprecated) if u.deprecated else "",
            description=block(u.description),
            rows=rows,
            used=used,
        )

    def enum_page(self, e: ir.Enum, used: list[str]) -> str:
        rows = [Row(literal(m.value), code(m.py_name), "", "", "") for m in e.members]
        facts = f"{e.value_type} enum, {len(e.members)} values" + ("; open: any other value is accepted too" if e.open else "")
        return render_template(
            "docs/enum.md.j2",
            title=cell(e.name, 200),
            facts=facts,
            deprecation=_deprecation(e.deprecated) if e.deprecated else "",
            description=block(e.description),
            rows=rows,
            used=used,
        )

    def used_by(self) -> dict[str, list[str]]:
        """Who refers to each definition directly: operations first, then other definitions."""
        users: dict[str, list[str]] = {}

        def add(t: ir.TypeExpr | None, label: str) -> None:
            for ref in _refs(t):
                lst = users.setdefault(ref, [])
                if (not lst or lst[-1] != label) and len(lst) < 30:
                    lst.append(label)

        for op in self.api.operations:
            label = f"[{cell(op.summary or op.id, 120)}](../{self.op_files[op.id]})"
            for p in op.parameters:
                add(p.type, label)
            if op.body is not None:
                add(op.body.type, label)
            for r in op.responses:
                add(r.type, label)
            add(op.stream_type, label)
        for m in self.api.models:
            label = self.link(m.name, "models")
            for f in m.fields:
                add(f.type, label)
            add(m.additional, label)
        for u in self.api.unions:
            label = self.link(u.name, "models")
            for v in u.variants:
                add(v.type, label)
        return {k: list(dict.fromkeys(v)) for k, v in users.items()}

    # ---- index

    def index_page(self) -> str:
        api, ctx = self.api, self.ctx
        groups: dict[str, list[Row]] = {}
        for op in api.operations:
            group = op.resource[0] if op.resource else "client"
            summary = f"[{cell(op.summary or first_sentence(op.description) or op.id, 200)}]({self.op_files[op.id]})"
            groups.setdefault(group, []).append(
                Row(
                    code(op.method.upper()),
                    code(op.path),
                    code(op.call),
                    summary,
                    ("**Deprecated**" + (f": use {code(op.deprecated.replacement)}" if op.deprecated.replacement else "")) if op.deprecated else "",
                )
            )
        defs: list[Row] = []
        kinds = [(m.name, "object", m.description, m.deprecated) for m in api.models]
        kinds += [(u.name, "union", u.description, u.deprecated) for u in api.unions]
        kinds += [(e.name, "enum" + (" (open)" if e.open else ""), e.description, e.deprecated) for e in api.enums]
        for name, kind, desc, dep in sorted(kinds, key=lambda k: (k[0].lower(), k[0])):
            d = cell(first_sentence(desc)) or "—"
            if dep is not None:
                d = "**Deprecated.** " + (d if d != "—" else "")
            defs.append(Row(self.link(name, ""), kind, "", "", d))
        auth = []
        schemes = {s.name: s for s in api.security_schemes}
        for s in api.security_schemes:
            how = {
                "bearer": f"{code('Authorization: Bearer <key>')} header",
                "basic": f"{code('Authorization: Basic ...')} header",
                "apiKey": f"{code(s.param_name)} {s.location}",
            }.get(s.kind, s.kind)
            auth.append(Row(code(s.name), s.kind, how, "", cell(s.description) or "—"))
        required = [" + ".join(code(n) for n in req) for req in api.security if all(n in schemes for n in req)]
        deprecated = []
        for item in api.deprecated:
            deprecated.append(Row(code(item.name), item.kind, code(item.replacement) if item.replacement else "—", "", code(item.where, 120)))
        return render_template(
            "docs/index.md.j2",
            title=cell(api.title, 200),
            version=code(api.version),
            spec=code(ctx.spec_label),
            description=block(api.description),
            servers=[code(s) for s in api.servers],
            auth=auth,
            auth_required=" or ".join(required),
            api_key_env=code(ctx.api_key_env),
            groups=[(code(g), rows) for g, rows in groups.items()],
            deprecated=deprecated[:500],
            defs=defs,
            operations=len(api.operations),
        )


# --------------------------------------------------------------------------- helpers


_MISSING: Any = object()
_WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def _rel(here: str, target: str) -> str:
    """A link from a page in folder `here` ("" for docs/) to `target` (relative to docs/)."""
    if not here:
        return target
    if here == "tools":
        return "../docs/" + target
    folder, _, name = target.rpartition("/")
    if folder == here:
        return name
    return "../" + target


def _unwrap(t: ir.TypeExpr) -> ir.TypeExpr:
    while t.kind in ("array", "map") and t.item is not None:
        t = t.item
    return t


def _descend(prefix: str, t: ir.TypeExpr) -> tuple[str, ir.TypeExpr]:
    """The path where the fields of `t` sit: `tools` + array -> `tools[]`, map -> `x.*`."""
    path = prefix
    while t.kind in ("array", "map") and t.item is not None:
        path = path + "[]" if t.kind == "array" else (f"{path}.*" if path else "*")
        t = t.item
    return path, t


def _union_of(t: ir.TypeExpr, api: ir.Api) -> ir.Union | None:
    inner = _unwrap(t)
    if inner.kind == "union" and inner.ref in api.union_map:
        return api.union_map[inner.ref]
    return None


def _refs(t: ir.TypeExpr | None) -> list[str]:
    out: list[str] = []
    todo = [t]
    while todo:
        x = todo.pop()
        if x is None:
            continue
        if x.ref:
            out.append(x.ref)
        if x.item is not None:
            todo.append(x.item)
        todo.extend(x.variants)
    return out


_INT_BOUNDS = {(-(2**63), 2**63 - 1), (-(2**31), 2**31 - 1), (0, 2**64 - 1), (0, 2**32 - 1)}


def _range(c: ir.Constraints) -> list[str]:
    if (c.minimum, c.maximum) in _INT_BOUNDS:
        return []  # the bounds of int64/int32 say nothing a reader needs
    lo = c.minimum if c.minimum is not None else c.exclusive_minimum
    hi = c.maximum if c.maximum is not None else c.exclusive_maximum
    lo_x = c.minimum is None and c.exclusive_minimum is not None
    hi_x = c.maximum is None and c.exclusive_maximum is not None
    if lo is not None and hi is not None and not lo_x and not hi_x:
        return [f"{num(lo)}..{num(hi)}"]
    bits = []
    if lo is not None:
        bits.append(f"min {num(lo)}" + (" exclusive" if lo_x else ""))
    if hi is not None:
        bits.append(f"max {num(hi)}" + (" exclusive" if hi_x else ""))
    return bits


def _length(lo: int | None, hi: int | None, unit: str) -> list[str]:
    if lo is None and hi is None:
        return []
    if lo is not None and hi is not None:
        if lo == hi:
            return [f"exactly {lo} {unit}{'s' if lo != 1 else ''}"]
        return [f"{lo}..{hi} {unit}s"]
    if lo is not None:
        return [f"min {lo} {unit}{'s' if lo != 1 else ''}"]
    return [f"max {hi} {unit}{'s' if hi != 1 else ''}"]


def _deprecation(d: ir.Deprecation) -> str:
    if d.replacement:
        return f"**Deprecated**: use {code(d.replacement)} instead."
    return "**Deprecated.**"


def _fenced(title: str, lang: str, text: str) -> dict[str, str]:
    f = fence_for(text)
    return {"title": title, "open": f + lang, "text": text, "close": f}


def _call_lines(lead: str, call: str, args: list[tuple[str, Any]], tail: str = "") -> list[str]:
    if not args:
        return [f"{lead}{call}(){tail}"]
    return [f"{lead}{call}("] + [f"    {name}={_pretty(value, 4)}," for name, value in args] + [f"){tail}"]


def comment_safe(text: str) -> str:
    return " ".join(_BREAKS.sub(" ", str(text)).split())


def _pretty(value: Any, indent: int, width: int = 88) -> str:
    """A Python literal, on one line when short, else one item per line."""
    flat = py_literal(value)
    if len(flat) + indent <= width or not isinstance(value, (dict, list, tuple)) or not value:
        return flat
    pad = " " * (indent + 4)
    if isinstance(value, dict):
        items = [f"{pad}{py_literal(str(k))}: {_pretty(v, indent + 4, width)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"
    items = [f"{pad}{_pretty(v, indent + 4, width)}," for v in value]
    return "[\n" + "\n".join(items) + "\n" + " " * indent + "]"


class Example:
    """A small, deterministic example value for a type: defaults, enums and required fields."""

    def __init__(self, api: ir.Api, max_depth: int = 5):
        self.api = api
        self.max_depth = max_depth

    def value(self, t: ir.TypeExpr, depth: int = 0, name: str = "") -> Any:
        k = t.kind
        if depth > self.max_depth:
            return None
        if k == "string":
            return {"date-time": "2025-01-01T00:00:00Z", "date": "2025-01-01", "uri": "https://example.com", "email": "user@example.com", "uuid": "00000000-0000-0000-0000-000000000000"}.get(t.format or "", f"{name or 'string'}")
        if k == "integer":
            c = t.constraints
            return int(c.minimum) if c.minimum is not None else (int(c.maximum) if c.maximum is not None and c.maximum < 0 else 0)
        if k == "number":
            c = t.constraints
            return c.minimum if c.minimum is not None else 0
        if k == "boolean":
            return False
        if k == "literal":
            return t.values[0] if t.values else None
        if k == "enum" and t.ref in self.api.enum_map:
            vals = self.api.enum_map[t.ref].values
            return vals[0] if vals else None
        if k == "array":
            item = self.value(t.item, depth + 1, name) if t.item is not None else None
            return [item] if item is not None else []
        if k == "map":
            return {}
        if k == "binary":
            return "<file>"
        if k == "model" and t.ref in self.api.model_map:
            m = self.api.model_map[t.ref]
            out: dict[str, Any] = {}
            for f in m.fields:
                if f.required and not f.read_only:
                    if f.examples:
                        out[f.name] = f.examples[0]
                    elif f.has_default:
                        out[f.name] = f.default
                    else:
                        out[f.name] = self.value(f.type, depth + 1, f.name)
            return out
        if k == "union" and t.ref in self.api.union_map:
            u = self.api.union_map[t.ref]
            live = [v for v in u.variants if v.deprecated is None] or list(u.variants)
            return self.value(live[0].type, depth + 1, name) if live else None
        if t.variants:
            return self.value(t.variants[0], depth + 1, name)
        return None


def fixture_examples(api: ir.Api) -> dict[str, dict[str, Any]]:
    """Example payloads per operation id from the fixtures artifact, when it offers them:
    `generator.fixtures.examples(api) -> {op id: {"request", "minimal", "response", "stream"}}`
    (requests of operations with parameters wrapped as {"path", "query", "header", "body"}).
    Without it (or if it fails) docs fall back to spec examples and a synthesized one."""
    try:
        from .. import fixtures

        fn = getattr(fixtures, "examples", None)
        got = fn(api) if callable(fn) else {}
    except Exception:  # docs must not fail because an example could not be built
        return {}
    return got if isinstance(got, dict) else {}


def _split_request(op: ir.Operation, req: Any) -> tuple[dict[str, Any], Any]:
    """(path + query parameter values, body) of a fixture request, unwrapping it if wrapped."""
    if req is _MISSING or req is None:
        return {}, _MISSING
    if op.parameters and isinstance(req, dict) and req and set(req) <= {"path", "query", "header", "cookie", "body"}:
        params: dict[str, Any] = {}
        for where in ("path", "query"):
            if isinstance(req.get(where), dict):
                params.update(req[where])
        return params, req.get("body", _MISSING) if op.body is not None else _MISSING
    return {}, req if op.body is not None else _MISSING


def render(api: ir.Api, ctx: RenderContext) -> dict[str, str]:
    """Files of this artifact, keyed by their path relative to OUT."""
    d = Docs(api, ctx)
    examples = fixture_examples(api)
    files: dict[str, str] = {"docs/README.md": d.index_page()}
    for op in api.operations:
        files["docs/" + d.op_files[op.id]] = d.operation_page(op, examples.get(op.id) or {})
    used = d.used_by()
    for m in api.models:
        files["docs/" + d.def_files[m.name]] = d.model_page(m, used.get(m.name, []))
    for u in api.unions:
        files["docs/" + d.def_files[u.name]] = d.union_page(u, used.get(u.name, []))
    for e in api.enums:
        files["docs/" + d.def_files[e.name]] = d.enum_page(e, used.get(e.name, []))
    return files
