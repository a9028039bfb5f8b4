"""The docs artifact: Markdown reference pages read by people.

`docs/README.md` (API overview, operation index, model index), one page per operation
(parameters; the request body flattened into dotted paths in its own table; union variants; the
response flattened the same way; streaming; examples with runnable Python) and one page per
model, enum and union. A page past `pages.PAGE_BYTES` moves its longest variant sections (the
index: its model index) to pages of their own, linked from where they stood.

Every decision (how a type is phrased, what is flattened, where it is cut) lives in this
package; the templates in templates/docs/ only loop and place. Spec text is untrusted: it
reaches a page only through `markdown.cell` (one table cell), `markdown.block` (paragraphs)
or `markdown.code` (inline code).

The modules, one concern each, sharing one `site.Site` (file names, links, memos):
`markdown` (text safety and small formats), `phrases` (type phrases, description cells),
`tables` (flattened field tables, union variant sections, page budgets), `examples` (the
Python and JSON examples of an operation page) and `pages` (the pages themselves).
"""

from __future__ import annotations

from ...model import ir
from ...output.incremental import HEADS
from ...output.render import RenderContext
from ..fixtures.hooks import webhook_examples
from .examples import fixture_examples
from .pages import enum_page, index_page, model_page, operation_page, union_page, used_by, webhook_page
from .site import Site

def render(api: ir.Api, ctx: RenderContext) -> dict[str, str]:
    """Files of this artifact, keyed by their path relative to OUT."""
    return {**render_definitions(api, ctx), **render_operations(api, ctx)}


# the page cache's namespaces of the two halves (artifacts.name_of): each process keeps its own
_OPS = "docs.operations"
_DEFS = "docs.definitions"


def render_operations(api: ir.Api, ctx: RenderContext) -> dict[str, str]:
    """The pages that show the synthesized fixtures: operations and webhooks. Each page is a unit
    of the page cache (`ctx.cached`), rendered from its own operation and what that reaches."""
    site = Site(api, ctx)
    # the fixtures read no prose: their examples depend on the structure alone (roots ());
    # asked for every run, so the cache keeps them for the next page that renders
    examples = ctx.cached(_OPS, "examples", (), lambda: fixture_examples(api))
    hook_examples = ctx.cached(_OPS, "hook-examples", (), lambda: webhook_examples(api))
    files: dict[str, str] = {}
    for op in api.operations:
        pages = ctx.cached(_OPS, "op:" + op.id, ["op:" + op.id], lambda op=op: operation_page(site, op, examples.get(op.id) or {}))  # type: ignore[misc]
        for path, text in pages.items():
            files["docs/" + path] = text
    for h in api.hooks:
        files["docs/" + site.hook_files[h.py_name]] = ctx.cached(_OPS, "hook:" + h.py_name, ["hook:" + h.py_name], lambda h=h: webhook_page(site, h, hook_examples.get(h.py_name)))  # type: ignore[misc]
    return files


def render_definitions(api: ir.Api, ctx: RenderContext) -> dict[str, str]:
    """The pages that need no fixtures, so they render beside those that do: the index and a page
    per model, union and enum. The index and the table of who uses each definition read the
    structure and each definition's own summary and description (`HEADS`), so an edit of the
    prose inside a definition (a field's description) renders its page alone."""
    site = Site(api, ctx)
    used = ctx.cached(_DEFS, "used-by", HEADS, lambda: used_by(site))  # an operation by its summary
    files = {"docs/" + path: text for path, text in ctx.cached(_DEFS, "index", HEADS, lambda: index_page(site)).items()}
    users = ctx.pages.users_of if ctx.pages is not None else (lambda name: ())
    # a definition's page lists who uses it (an operation by its summary): their prose too
    for m in api.models:
        files["docs/" + site.def_files[m.name]] = ctx.cached(_DEFS, m.name, [m.name], lambda m=m: model_page(site, m, used.get(m.name, [])), own=users(m.name))  # type: ignore[misc]
    for u in api.unions:
        files["docs/" + site.def_files[u.name]] = ctx.cached(_DEFS, u.name, [u.name], lambda u=u: union_page(site, u, used.get(u.name, [])), own=users(u.name))  # type: ignore[misc]
    for e in api.enums:
        files["docs/" + site.def_files[e.name]] = ctx.cached(_DEFS, e.name, [e.name], lambda e=e: enum_page(site, e, used.get(e.name, [])), own=users(e.name))  # type: ignore[misc]
    return files
