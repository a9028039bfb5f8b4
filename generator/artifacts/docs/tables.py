"""Flattened field tables: a body, response or model as one table of dotted paths
(`messages[].content`), with a section of variants for each union met on the way.

Flattening stops at a depth, at a model already on the path (recursion) and at the page's
budgets of rows and sections; a row then links to the model's own page instead. Sections are
referred to by placeholders until the page is written (`link_sections`), since their anchors
are only known once every heading of the page is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from ...model import ir
from .markdown import DESC_LIMIT, cell, code, literal, slug
from .phrases import deprecation, describe, phrase, unwrap
from .site import Site

# Where flattening stops: past these, a row links to the model's own page instead.
OP_DEPTH = 6  # nesting levels expanded on an operation page
MODEL_DEPTH = 3  # nesting levels expanded on a model page
TABLE_ROWS = 250  # rows in one flattened table
PAGE_ROWS = 600  # rows of one body or response: its table and its variant sections together
PAGE_SECTIONS = 40  # union variant sections of one body or response

Mode = Literal["request", "response"]
_PH = "\x00"  # placeholder delimiter for in-page anchors; spec text can never contain it


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
    plain: str = ""  # the heading as text, for its anchor
    rows: list[Row] = field(default_factory=list)


@dataclass
class Section:
    """The variants of one union, at one path of a body or response."""

    heading: str
    anchor: str
    intro: str
    plain: str = ""  # the heading as text, for its anchor
    blocks: list[Block] = field(default_factory=list)
    file: str = ""  # its own page (a file name beside the operation's), when moved off the page


@dataclass
class Table:
    """A flattened body or response: the main table and its variant sections."""

    title: str
    intro: str
    rows: list[Row]
    sections: list[Section]
    response: bool = False
    note: str = ""
    moved: list[Section] = field(default_factory=list)  # sections on their own pages


@dataclass
class _Pending:
    union: ir.Union
    path: str
    depth: int
    stack: tuple[str, ...]
    section: Section
    shown: str  # the path as the page shows it (a root union has no path: "the request body")


class Page:
    """Budgets and anchors of one page being flattened."""

    def __init__(self, max_depth: int, sections: bool, home: bool = False):
        self.max_depth = max_depth
        self.allow_sections = sections
        self.home = home  # a model's own page: its top-level rows are its fields' homes
        self.file = ""  # the page's file name, for links back to it from section pages
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


def link_sections(text: str, page: Page, here_file: str = "") -> str:
    """Text of the page file `here_file` ("" for the operation's own page) with each section
    placeholder replaced by a link to that section: `#anchor` on the same page, else
    `file#anchor` (every page of an operation sits in one folder)."""
    sections = [p.section for p in page.queue]

    def href(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if n >= len(sections):
            return ""
        sec = sections[n]
        return ("" if sec.file == here_file else sec.file or page.file) + "#" + sec.anchor

    return re.sub(f"{_PH}(\\d+){_PH}", href, text)


def table(site: Site, t: ir.TypeExpr, mode: Mode, page: Page, here: str, title: str, intro: str) -> Table:
    rows: list[Row] = []
    start = len(page.queue)
    page.rows = page.sections = 0
    page.cut = False
    flatten(site, t, "", 0, (), mode, page, here, rows)
    u = union_of(t, site.api)
    if u is not None and not rows:  # the body or response itself is a union
        root = "the request body" if mode == "request" else "the response"
        _section_for(site, u, descend("", t)[0], 0, (), page, root)
    i = start
    while i < len(page.queue):
        _fill_section(site, page.queue[i], mode, page, here)
        i += 1
    secs = [p.section for p in page.queue[start:]]
    note = ""
    if page.cut:
        m = fields_of(t, site.api)
        whole = f"; {site.link(m.name, here)} and the pages it links to have the whole schema" if m else ""
        note = f"Some fields are not expanded here, to keep the page readable{whole}."
    return Table(title, intro, rows, secs, mode == "response", note)


def flatten(
    site: Site,
    t: ir.TypeExpr,
    prefix: str,
    depth: int,
    stack: tuple[str, ...],
    mode: Mode,
    page: Page,
    here: str,
    rows: list[Row],
) -> None:
    """Rows for every field reachable from `t` under `prefix`, in spec order, depth first."""
    path, inner = descend(prefix, t)
    if inner.kind != "model" or inner.ref not in site.api.model_map:
        return
    model = site.api.model_map[inner.ref]
    for f in model.fields:
        if (mode == "request" and f.read_only) or (mode == "response" and f.write_only):
            continue
        if len(rows) >= TABLE_ROWS or page.rows >= PAGE_ROWS:
            page.cut = True
            return
        fpath = f"{path}.{f.name}" if path else f.name
        extra: list[str] = []
        sub = fields_of(f.type, site.api)
        child_union = union_of(f.type, site.api)
        if sub is not None and sub.fields:
            if sub.name in stack:
                extra.append(f"Recursive: see {site.link(sub.name, here)}.")
            elif depth + 1 >= page.max_depth:
                extra.append(f"Fields: see {site.link(sub.name, here)}.")
        if child_union is not None:
            upath = descend(fpath, f.type)[0]
            sec = _section_for(site, child_union, upath, depth + 1, stack, page)
            if sec is not None:
                extra.append(f"See [variants of {code(upath)}]({_PH}{sec}{_PH}).")
        rows.append(row(site, f, fpath, mode, here, extra, home=page.home and depth == 0))
        page.rows += 1
        if sub is not None and sub.fields and sub.name not in stack and depth + 1 < page.max_depth:
            flatten(site, f.type, fpath, depth + 1, stack + (model.name,), mode, page, here, rows)
    if model.additional is not None and model.additional.kind not in ("any",) and len(rows) < TABLE_ROWS:
        apath = f"{path}.*" if path else "*"
        rows.append(
            Row(code(apath), phrase(site, model.additional, here), "No", "—", "Any other key, with a value of this type.")
        )
        page.rows += 1


def row(site: Site, f: ir.Field, path: str, mode: Mode, here: str, extra: list[str], home: bool = False) -> Row:
    """A field's row; on its `home` (the top level of its model's page) the description is whole."""
    key = (id(f), here, home)
    desc = site.field_desc.get(key)
    if desc is None:
        desc = describe(site, f.description, f.type, f.deprecated, here=here, limit=None if home else DESC_LIMIT)
        site.field_desc[key] = desc
    if f.sdk_computed:
        # the spec marks it computed by the vendor's own SDKs: no server sends it
        extra = ["**Computed by the API vendor's SDKs, not sent by the server**: the generated client has it only where a server sends it."] + extra
    if extra:
        desc = (desc if desc != "—" else "") + (" " if desc != "—" else "") + " ".join(extra)
    default = literal(f.default) if f.has_default else "—"
    return Row(code(path), phrase(site, f.type, here), "Yes" if f.required else "No", default, desc)


def _section_for(site: Site, u: ir.Union, path: str, depth: int, stack: tuple[str, ...], page: Page, root: str = "") -> int | None:
    """Register a variants section for union `u` at `path`; returns its placeholder number."""
    if not page.allow_sections or depth >= page.max_depth:
        return None
    if page.sections >= PAGE_SECTIONS:
        page.cut = True
        return None
    if not any(fields_of(v.type, site.api) is not None or union_of(v.type, site.api) is not None for v in u.variants):
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
    sec = Section(heading, page.anchor(plain), "", plain)
    page.sections += 1
    page.queue.append(_Pending(u, path, depth, stack + (u.name,), sec, shown))
    page.seen[(u.name, path)] = len(page.queue) - 1
    return len(page.queue) - 1


def _fill_section(site: Site, p: _Pending, mode: Mode, page: Page, here: str) -> None:
    u, path, sec = p.union, p.path, p.section
    sec.intro = f"{p.shown[:1].upper() + p.shown[1:]} is one of these" + (f", chosen by {code(u.discriminator)}" if u.discriminator else "") + f" (see {site.link(u.name, here)}):"
    scalars: list[str] = []
    for v in u.variants:
        label = f"{code(u.discriminator)} = {literal(v.tag)}" if u.discriminator and v.tag is not None else code(v.name)
        dep = " " + deprecation(v.deprecated) if v.deprecated else ""
        model = fields_of(v.type, site.api)
        nested = union_of(v.type, site.api)
        if model is None and nested is None:
            scalars.append(phrase(site, v.type, here) + dep)
            continue
        plain = (f"{u.discriminator} = {v.tag}" if u.discriminator and v.tag is not None else str(v.name))
        b = Block(f"{p.shown[:1].upper() + p.shown[1:]} with {label}", phrase(site, v.type, here) + "." + dep, f"{path or 'root'} with {plain}")
        page.anchor(b.plain)
        if model is not None:
            if model.name in p.stack:
                b.intro += f" Recursive: see {site.link(model.name, here)}."
            elif page.rows >= PAGE_ROWS:
                page.cut = True
                b.intro += f" Fields: see {site.link(model.name, here)}."
            else:
                flatten(site, v.type, path, p.depth, p.stack, mode, page, here, b.rows)
        else:
            assert nested is not None
            vpath = descend(path, v.type)[0]
            n = _section_for(site, nested, vpath, p.depth + 1, p.stack, page)
            if n is not None:
                b.intro += f" See [variants of {code(vpath)}]({_PH}{n}{_PH})."
        sec.blocks.append(b)
    if scalars:
        sec.intro += " " + " \\| ".join(scalars) + (" or:" if sec.blocks else ".")


def fields_of(t: ir.TypeExpr, api: ir.Api) -> ir.Model | None:
    """The model whose fields sit under `t` (through arrays and maps), if any."""
    inner = unwrap(t)
    if inner.kind == "model" and inner.ref in api.model_map:
        return api.model_map[inner.ref]
    return None


def union_of(t: ir.TypeExpr, api: ir.Api) -> ir.Union | None:
    """The union under `t` (through arrays and maps), if any."""
    inner = unwrap(t)
    if inner.kind == "union" and inner.ref in api.union_map:
        return api.union_map[inner.ref]
    return None


def descend(prefix: str, t: ir.TypeExpr) -> tuple[str, ir.TypeExpr]:
    """The path where the fields of `t` sit: `tools` + array -> `tools[]`, map -> `x.*`."""
    path = prefix
    while t.kind in ("array", "map") and t.item is not None:
        path = path + "[]" if t.kind == "array" else (f"{path}.*" if path else "*")
        t = t.item
    return path, t
