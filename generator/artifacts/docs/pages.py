"""The pages: one per operation (parameters, body, responses, streaming, examples), one per
model, union and enum, and the index (`docs/README.md`); and who uses each definition.

Each page is a function of the `Site` and one IR item that returns the page's text; the
templates in templates/docs/ only loop and place.
"""

from __future__ import annotations

import json
from typing import Any

from ...model import ir
from ...model.naming import Namer
from ...output.render import environment, render_template
from .examples import examples_md
from .markdown import block, cell, code, first_sentence, literal, slug
from .phrases import deprecation, describe, phrase
from .site import Site
from .tables import MODEL_DEPTH, OP_DEPTH, TABLE_ROWS, Mode, Page, Row, Section, Table, fields_of, flatten, link_sections, row, table, union_of

PAGE_BYTES = 100_000  # an operation page past this moves its largest variant sections to pages of their own


def params(site: Site, op: ir.Operation, here: str, with_body: bool = False) -> list[Row]:
    """An operation's path, query, header and cookie parameters; `with_body` adds its body's
    top-level fields (or the body as one row), as a tool catalog lists a tool's arguments.
    An operation page gives the body its own table instead: one table per concern."""
    rows = []
    for p in op.parameters:
        default = literal(p.default) if p.has_default else "—"
        rows.append(
            Row(
                f"{code(p.name)} ({'the whole query string' if p.style == 'querystring' else p.location})",
                phrase(site, p.type, here),
                "Yes" if p.required else "No",
                default,
                describe(site, p.description, p.type, p.deprecated, here=here),
            )
        )
    body = op.body
    if body is None or not with_body:
        return rows
    model = site.api.model_map.get(op.body_model or "")
    if model is not None:
        for f in model.fields:
            if not f.read_only:
                rows.append(row(site, f, f.name, "request", here, []))
    else:
        rows.append(Row("body", phrase(site, body.type, here), "Yes" if body.required else "No", "—", describe(site, body.description, body.type, None, here=here)))
    return rows


def operation_page(site: Site, op: ir.Operation, examples: dict[str, Any]) -> dict[str, str]:
    """The operation's page, and the pages its longest variant sections moved to when the page
    would pass PAGE_BYTES; keyed by path under docs/."""
    here = "operations"
    page = Page(OP_DEPTH, sections=True)
    page.file = site.op_files[op.id].rpartition("/")[2]
    title = cell(op.summary or op.id, 200)
    facts = [code(f"{op.method.upper()} {op.path}"), code(op.call)]
    if op.streaming:
        facts.append("streaming (server-sent events)")
    if op.pagination is not None:
        pg = op.pagination
        items = f"items in {code(pg.items_field)}" if pg.items_field else "the answer is the list"
        how = {"cursor": f"by cursor {code(pg.cursor_param)}", "offset": f"by offset {code(pg.cursor_param)}", "page": f"by page number {code(pg.cursor_param)}", "link": "by the `Link` header", "next_url": f"by the URL in {code(pg.next_cursor_field)}"}.get(pg.style, "one page")
        facts.append(f"paginated {how}, {items}")
    if op.deprecated:
        facts.append("**deprecated**")
    body_table = None
    body_line = ""
    if op.body is not None:
        b = op.body
        cts = ", ".join(code(c) for c in (b.content_types or (b.content_type,)))
        body_line = f"Content type: {cts}; {'required' if b.required else 'optional'}. Schema: {phrase(site, b.type, here)}."
        if b.description:
            body_line += " " + cell(b.description)
        if fields_of(b.type, site.api) is not None or union_of(b.type, site.api) is not None:
            body_table = table(site, b.type, "request", page, here, "Request body fields", "")
    responses = []
    for r in op.responses:
        itemwise = any(m.itemwise and m.type is r.type for m in r.media)  # 3.2 `itemSchema`: one item's type
        responses.append(
            Row(
                code(r.status),
                code(r.content_type) if r.content_type else "—",
                ("each item: " if itemwise else "") + phrase(site, r.type, here) if r.type is not None else "—",
                "",
                cell(r.description) or "—",
            )
        )
    success = op.success
    resp_table = None
    if success is not None and success.type is not None and success.encoding == "json":
        resp_table = table(site, success.type, "response", page, here, f"Response fields ({success.status})", "")
    stream_table = None
    stream_line = ""
    if op.streaming:
        ev = phrase(site, op.stream_type, here) if op.stream_type is not None else "an event"
        how = f"Set {code(op.stream_param)} to {code('true')} and the" if op.stream_param else "The"
        each = {
            "data": f"the {code('data:')} of each event is a {ev}.",
            "event": f"each event is a {ev}: the whole event ({code('event')}, {code('id')} and {code('retry')} where the server sends them), its {code('data')} decoded from JSON.",
            "event-text": f"each event is a {ev}: the whole event ({code('event')}, {code('id')} and {code('retry')} where the server sends them), its {code('data')} kept as text.",
        }[op.stream_framing]
        stream_line = f"{how} response is a stream of server-sent events ({code('text/event-stream')}); {each}"
        if op.stream_type is not None and fields_of(op.stream_type, site.api) is not None:
            stream_table = table(site, op.stream_type, "response", page, here, "Stream event fields", "")
    lines = next((o for o in op.outcomes if o.kind == "jsonl"), None)
    if lines is not None:
        item = phrase(site, lines.type, here) if lines.type is not None else "JSON value"
        kinds = ", ".join(code(c) for c in lines.content_types)
        stream_line = (stream_line + "\n\n" if stream_line else "") + f"The response is a stream of JSON items ({kinds}: one a line, or after a record separator for {code('application/json-seq')}); each item is a {item}."
        if stream_table is None and lines.type is not None and fields_of(lines.type, site.api) is not None:
            stream_table = table(site, lines.type, "response", page, here, "Stream item fields", "")
    values = dict(
        title=title,
        facts=" · ".join(facts),
        deprecation=deprecation(op.deprecated) if op.deprecated else "",
        description=block(op.description) if op.description and op.description != op.summary else "",
        params=params(site, op, here),
        body_line=body_line,
        body=body_table,
        responses=responses,
        response=resp_table,
        stream_line=stream_line,
        stream=stream_table,
        notes=[cell(n) for n in op.notes],
        examples=examples_md(site, op, examples),
    )
    text = render_template("docs/operation.md.j2", **values)
    tables = [t for t in (body_table, resp_table, stream_table) if t is not None]
    moved = _move_sections(page, tables, len(text.encode()) - PAGE_BYTES)
    folder = site.op_files[op.id].rpartition("/")[0]
    files = {site.op_files[op.id]: link_sections(render_template("docs/operation.md.j2", **values) if moved else text, page)}
    for t, sec in moved:
        sub = render_template(
            "docs/variants.md.j2",
            title=f"{title}: {sec.heading[:1].lower()}{sec.heading[1:]}",
            facts=values["facts"],
            back=page.file,
            s=sec,
            response=t.response,
        )
        files[f"{folder}/{sec.file}"] = link_sections(sub, page, sec.file)
    return files


def _move_sections(page: Page, tables: list[Table], excess: int) -> list[tuple[Table, Section]]:
    """Move the largest variant sections to pages of their own until the page is `excess`
    bytes shorter; name their files and give every section its anchor on its new page."""
    if excess <= 0:
        return []
    macro = environment().get_template("docs/_fields.md.j2").module.section  # type: ignore[attr-defined]
    sized = sorted(((len(macro(s, t.response).encode()), i, t, s) for t in tables for i, s in enumerate(t.sections)), key=lambda x: (-x[0], x[1]))
    names = Namer(sep="-")
    stem = page.file.removesuffix(".md")
    moved: list[tuple[Table, Section]] = []
    for size, _, t, s in sized:
        if excess <= 0:
            break
        s.file = f"{stem}.{names.claim(slug(s.plain)[:80] or 'variants')}.md"
        s.anchor = slug(s.plain)  # the first section heading of its own page
        t.moved.append(s)
        moved.append((t, s))
        excess -= size - 300  # the section leaves; a line linking to its page comes in
    # anchors of the sections left behind, counted again without the moved ones
    counts: dict[str, int] = {}
    for t in tables:
        for s in t.sections:
            if not s.file:
                base = slug(s.plain)
                n = counts.get(base, 0)
                counts[base] = n + 1
                s.anchor = base if n == 0 else f"{base}-{n}"
    return moved


def webhook_page(site: Site, h: ir.Webhook, example: Any) -> str:
    """A webhook's or callback's page: what it sends, how it is told apart, and how to parse it."""
    here = "webhooks"
    page = Page(OP_DEPTH, sections=True)
    page.file = site.hook_files[h.py_name].rpartition("/")[2]
    attr = site.api.webhooks_attr
    facts = [code(f"{h.method.upper()} {h.expression}") if h.expression else code(h.method.upper()), "webhook" if h.kind == "webhook" else "callback"]
    if h.operation is not None:
        op = next((o for o in site.api.operations if o.id == h.operation), None)
        if op is not None:
            facts.append(f"registered by [{code(op.call)}](../{site.op_files[op.id]})")
    if h.deprecated:
        facts.append("**deprecated**")
    told = []
    if site.api.webhook_discriminator is not None and h.tag is not None:
        told.append(f"its {code(site.api.webhook_discriminator)} is {literal(h.tag)}")
    told.extend(f"the header {code(name)} is {code(value)}" for name, value in h.headers)
    payload_table = None
    if h.payload is None:
        payload_line = f"No JSON body{f' ({code(h.content_type)})' if h.content_type else ''}: {code('unwrap')} keeps what it is given as an {code('UnknownWebhookEvent')}."
    else:
        payload_line = f"Content type: {code(h.content_type or 'application/json')}. Schema: {phrase(site, h.payload, here)}."
        if told:
            payload_line += " Told apart from the other webhooks when " + " and ".join(told) + "."
        if fields_of(h.payload, site.api) is not None or union_of(h.payload, site.api) is not None:
            payload_table = table(site, h.payload, "response", page, here, "Payload fields", "")
    python = (
        f"from {site.ctx.package} import Client\n\n"
        f"client = Client()\n"
        f"event = client.{attr}.unwrap(request_body, request_headers, event={h.name!r})"
        f"  # or without event=: found by {'its ' + site.api.webhook_discriminator if site.api.webhook_discriminator else 'the headers or the payload'}"
    )
    text = render_template(
        "docs/webhook.md.j2",
        title=cell(h.summary or h.name, 200),
        facts=" · ".join(facts),
        deprecation=deprecation(h.deprecated) if h.deprecated else "",
        description=block(h.description) if h.description and h.description != h.summary else "",
        payload_line=payload_line,
        payload=payload_table,
        python=python.replace("```", "` ` `"),
        example=json.dumps(example, indent=2, ensure_ascii=False).replace("```", "` ` `") if example is not None else "",
    )
    return link_sections(text, page)


def model_page(site: Site, m: ir.Model, used: list[str]) -> str:
    here = "models"
    page = Page(MODEL_DEPTH, sections=False, home=True)
    rows: list[Row] = []
    mode: Mode = "response" if m.used_in_response and not m.used_in_request else "request"
    flatten(site, ir.TypeExpr("model", ref=m.name), "", 0, (), mode, page, here, rows)
    facts = ["object"]
    if m.used_in_request:
        facts.append("used in requests")
    if m.used_in_response:
        facts.append("used in responses")
    return render_template(
        "docs/model.md.j2",
        title=cell(m.name, 200),
        facts=", ".join(facts),
        deprecation=deprecation(m.deprecated) if m.deprecated else "",
        description=block(m.description),
        rows=rows,
        additional=phrase(site, m.additional, here) if m.additional is not None else "",
        used=used,
        cut=len(rows) >= TABLE_ROWS,
    )


def union_page(site: Site, u: ir.Union, used: list[str]) -> str:
    here = "models"
    rows = []
    for v in u.variants:
        rows.append(
            Row(
                code(v.name),
                phrase(site, v.type, here),
                literal(v.tag) if v.tag is not None else "—",
                "",
                deprecation(v.deprecated) if v.deprecated else (cell(v.title) if v.title else "—"),
            )
        )
    how = f"Chosen by the {code(u.discriminator)} property" + (" (inferred: every variant fixes it to one value)" if u.inferred else "") if u.discriminator else "Tried in order; the first variant that matches wins" if u.keyword == "oneOf" else "Any variant that matches"
    if u.discriminator and u.default_variant is not None:
        how += f"; a value whose {code(u.discriminator)} is not listed is {code(u.default_variant)}"
    return render_template(
        "docs/union.md.j2",
        title=cell(u.name, 200),
        facts=f"one of {len(u.variants)} variants ({u.keyword}). {how}.",
        deprecation=deprecation(u.deprecated) if u.deprecated else "",
        description=block(u.description),
        rows=rows,
        used=used,
    )


def enum_page(site: Site, e: ir.Enum, used: list[str]) -> str:
    rows = [Row(literal(m.value), code(m.py_name), "", "", "") for m in e.members]
    facts = f"{e.value_type} enum, {len(e.members)} values" + ("; open: any other value is accepted too" if e.open else "")
    return render_template(
        "docs/enum.md.j2",
        title=cell(e.name, 200),
        facts=facts,
        deprecation=deprecation(e.deprecated) if e.deprecated else "",
        description=block(e.description),
        rows=rows,
        used=used,
    )


def used_by(site: Site) -> dict[str, list[str]]:
    """Who refers to each definition directly: operations first, then other definitions."""
    users: dict[str, list[str]] = {}

    def add(t: ir.TypeExpr | None, label: str) -> None:
        for ref in _refs(t):
            lst = users.setdefault(ref, [])
            if (not lst or lst[-1] != label) and len(lst) < 30:
                lst.append(label)

    for op in site.api.operations:
        label = f"[{cell(op.summary or op.id, 120)}](../{site.op_files[op.id]})"
        for p in op.parameters:
            add(p.type, label)
        if op.body is not None:
            add(op.body.type, label)
        for r in op.responses:
            add(r.type, label)
        add(op.stream_type, label)
    for m in site.api.models:
        label = site.link(m.name, "models")
        for f in m.fields:
            add(f.type, label)
        add(m.additional, label)
    for u in site.api.unions:
        label = site.link(u.name, "models")
        for v in u.variants:
            add(v.type, label)
    return {k: list(dict.fromkeys(v)) for k, v in users.items()}


def tag_tree(site: Site) -> list[str]:
    """The index's "Operations by tag" lines: the declared tags as nested bullets, each with its
    summary, its kind when it has one, and links to its operations. Only for a tree (some tag
    names a `parent`, OpenAPI 3.2): flat tags add nothing the resource index does not show."""
    declared = site.api.tags
    if not any(t.parent is not None for t in declared):
        return []
    children: dict[str | None, list[ir.Tag]] = {}
    for t in declared:
        children.setdefault(t.parent, []).append(t)
    lines: list[str] = []
    stack = [(t, 0) for t in reversed(children.get(None, []))]
    while stack:
        t, depth = stack.pop()
        title = f"**{cell(t.summary, 200)}** ({code(t.name)})" if t.summary else f"**{cell(t.name, 200)}**"
        kind = f" · {cell(t.kind, 40)}" if t.kind else ""
        ops = [f"[{code(op.call)}]({site.op_files[op.id]})" for op in site.api.operations if t.name in op.tags]
        about = cell(first_sentence(t.description), 200)
        lines.append("  " * depth + f"- {title}{kind}" + (f": {about}" if about else "") + (" — " + ", ".join(ops) if ops else ""))
        stack.extend((c, depth + 1) for c in reversed(children.get(t.name, [])))
    return lines


def index_page(site: Site) -> dict[str, str]:
    """docs/README.md, and the model index's own pages when it would pass PAGE_BYTES."""
    api, ctx = site.api, site.ctx
    groups: dict[str, list[Row]] = {}
    for op in api.operations:
        group = op.resource[0] if op.resource else "client"
        summary = f"[{cell(op.summary or first_sentence(op.description) or op.id, 200)}]({site.op_files[op.id]})"
        groups.setdefault(group, []).append(
            Row(
                code(op.method.upper()),
                code(op.path),
                code(op.call),
                summary,
                ("**Deprecated**" + (f": use {code(op.deprecated.replacement)}" if op.deprecated.replacement else "")) if op.deprecated else "",
            )
        )
    defs = _definition_rows(site, "")
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
    hooks = [
        Row(f"[{code(h.name)}]({site.hook_files[h.py_name]})", h.kind, code(h.method.upper()), phrase(site, h.payload, "") if h.payload is not None else "—", cell(h.summary or first_sentence(h.description), 200) or "—")
        for h in api.hooks
    ]
    values = dict(
        hooks=hooks,
        hooks_attr=code(f"client.{api.webhooks_attr}.unwrap(body, headers)"),
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
        def_pages=[],
        operations=len(api.operations),
        tag_tree=tag_tree(site),
    )
    text = render_template("docs/index.md.j2", **values)
    if len(text.encode()) <= PAGE_BYTES:
        return {"README.md": text}
    # past the budget, the model index moves to pages of its own, in alphabetical runs
    files: dict[str, str] = {}
    rows = _definition_rows(site, "model-index")
    chunks: list[list[Row]] = [[]]
    size = 0
    for r in rows:
        n = len(f"| {r.path} | {r.type} | {r.description} |".encode()) + 1
        if chunks[-1] and size + n > PAGE_BYTES - 2000:
            chunks.append([])
            size = 0
        chunks[-1].append(r)
        size += n
    names = Namer(sep="-")
    pages = []
    for chunk in chunks:
        first, last = _initial(chunk[0].path), _initial(chunk[-1].path)
        label = first if first == last else f"{first}–{last}"
        stem = names.claim(label.replace("–", "-").lower())
        files[f"model-index/{stem}.md"] = render_template("docs/model_index.md.j2", title=cell(api.title, 200), label=label, rows=chunk)
        pages.append((f"model-index/{stem}.md", label, len(chunk)))
    values.update(defs=[], def_pages=pages)
    files["README.md"] = render_template("docs/index.md.j2", **values)
    return files


def _definition_rows(site: Site, here: str) -> list[Row]:
    """The model index: every model, union and enum by name, with its first sentence."""
    api = site.api
    defs: list[Row] = []
    kinds = [(m.name, "object", m.description, m.deprecated) for m in api.models]
    kinds += [(u.name, "union", u.description, u.deprecated) for u in api.unions]
    kinds += [(e.name, "enum" + (" (open)" if e.open else ""), e.description, e.deprecated) for e in api.enums]
    for name, kind, desc, dep in sorted(kinds, key=lambda k: (k[0].lower(), k[0])):
        d = cell(first_sentence(desc)) or "—"
        if dep is not None:
            d = "**Deprecated.** " + (d if d != "—" else "")
        defs.append(Row(site.link(name, here), kind, "", "", d))
    return defs


def _initial(link: str) -> str:
    """The first letter of a definition's name in an index row (`[Name](...)`), upper case."""
    name = link.lstrip("[`")
    return name[:1].upper() if name[:1].isalnum() else "_"


def _refs(t: ir.TypeExpr | None) -> list[str]:
    """The names of the definitions a type refers to, through items and variants."""
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
