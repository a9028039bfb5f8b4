"""The pages: one per operation (parameters, body, responses, streaming, examples), one per
model, union and enum, and the index (`docs/README.md`); and who uses each definition.

Each page is a function of the `Site` and one IR item that returns the page's text; the
templates in templates/docs/ only loop and place.
"""

from __future__ import annotations

from typing import Any

from ...model import ir
from ...output.render import render_template
from .examples import examples_md
from .markdown import block, cell, code, first_sentence, literal
from .phrases import deprecation, describe, phrase
from .site import Site
from .tables import MODEL_DEPTH, OP_DEPTH, TABLE_ROWS, Mode, Page, Row, fields_of, flatten, link_sections, row, table, union_of


def params(site: Site, op: ir.Operation, here: str) -> list[Row]:
    """An operation's parameters, then its body's top-level fields (or the body as one row)."""
    rows = []
    for p in op.parameters:
        default = literal(p.default) if p.has_default else "—"
        rows.append(
            Row(
                f"{code(p.name)} ({p.location})",
                phrase(site, p.type, here),
                "Yes" if p.required else "No",
                default,
                describe(site, p.description, p.type, p.deprecated),
            )
        )
    body = op.body
    model = site.api.model_map.get(op.body_model or "") if body is not None else None
    if body is not None and model is not None:
        for f in model.fields:
            if f.read_only:
                continue
            rows.append(row(site, f, f.name, "request", here, []))
    elif body is not None:
        rows.append(
            Row(
                "body",
                phrase(site, body.type, here),
                "Yes" if body.required else "No",
                "—",
                describe(site, body.description, body.type, None),
            )
        )
    return rows


def operation_page(site: Site, op: ir.Operation, examples: dict[str, Any]) -> str:
    here = "operations"
    page = Page(OP_DEPTH, sections=True)
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
        body_line = f"Content type: {cts}; {'required' if b.required else 'optional'}. Schema: {phrase(site, b.type, here)}."
        if b.description:
            body_line += " " + cell(b.description)
        if fields_of(b.type, site.api) is not None or union_of(b.type, site.api) is not None:
            body_table = table(site, b.type, "request", page, here, "Request body fields", "")
    responses = []
    for r in op.responses:
        responses.append(
            Row(
                code(r.status),
                code(r.content_type) if r.content_type else "—",
                phrase(site, r.type, here) if r.type is not None else "—",
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
        stream_line = (
            f"{how} response is a stream of server-sent events ({code('text/event-stream')}); "
            f"the {code('data:')} of each event is a {ev}."
        )
        if op.stream_type is not None and fields_of(op.stream_type, site.api) is not None:
            stream_table = table(site, op.stream_type, "response", page, here, "Stream event fields", "")
    text = render_template(
        "docs/operation.md.j2",
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


def index_page(site: Site) -> str:
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
    defs: list[Row] = []
    kinds = [(m.name, "object", m.description, m.deprecated) for m in api.models]
    kinds += [(u.name, "union", u.description, u.deprecated) for u in api.unions]
    kinds += [(e.name, "enum" + (" (open)" if e.open else ""), e.description, e.deprecated) for e in api.enums]
    for name, kind, desc, dep in sorted(kinds, key=lambda k: (k[0].lower(), k[0])):
        d = cell(first_sentence(desc)) or "—"
        if dep is not None:
            d = "**Deprecated.** " + (d if d != "—" else "")
        defs.append(Row(site.link(name, ""), kind, "", "", d))
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
