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
from ...output.render import RenderContext
from ..fixtures.hooks import webhook_examples
from .examples import fixture_examples
from .pages import enum_page, index_page, model_page, operation_page, union_page, used_by, webhook_page
from .site import Site


def render(api: ir.Api, ctx: RenderContext) -> dict[str, str]:
    """Files of this artifact, keyed by their path relative to OUT."""
    return {**render_definitions(api, ctx), **render_operations(api, ctx)}


def render_operations(api: ir.Api, ctx: RenderContext) -> dict[str, str]:
    """The pages that show the synthesized fixtures: operations and webhooks."""
    site = Site(api, ctx)
    examples = fixture_examples(api)
    files: dict[str, str] = {}
    for op in api.operations:
        for path, text in operation_page(site, op, examples.get(op.id) or {}).items():
            files["docs/" + path] = text
    hook_examples = webhook_examples(api)
    for h in api.hooks:
        files["docs/" + site.hook_files[h.py_name]] = webhook_page(site, h, hook_examples.get(h.py_name))
    return files


def render_definitions(api: ir.Api, ctx: RenderContext) -> dict[str, str]:
    """The pages that need no fixtures, so they render beside those that do: the index and a
    page per model, union and enum."""
    site = Site(api, ctx)
    files: dict[str, str] = {"docs/" + path: text for path, text in index_page(site).items()}
    used = used_by(site)
    for m in api.models:
        files["docs/" + site.def_files[m.name]] = model_page(site, m, used.get(m.name, []))
    for u in api.unions:
        files["docs/" + site.def_files[u.name]] = union_page(site, u, used.get(u.name, []))
    for e in api.enums:
        files["docs/" + site.def_files[e.name]] = enum_page(site, e, used.get(e.name, []))
    return files
