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

from typing import Any, Callable, TypeVar, cast

from ...model import ir
from ...output.render import RenderContext
from ..fixtures.hooks import webhook_examples
from .examples import fixture_examples
from .pages import enum_page, index_page, model_page, operation_page, union_page, used_by, webhook_page
from .site import Site

T = TypeVar("T")


def render(api: ir.Api, ctx: RenderContext) -> dict[str, str]:
    """Files of this artifact, keyed by their path relative to OUT. Each page is a unit of the
    page cache (`ctx.cached`): rendered from its own definition (an operation, a model...) and
    what that reaches, the index from everything; what pages share is built only when one renders."""
    site = Site(api, ctx)
    shared: dict[str, Any] = {}

    def once(key: str, make: Callable[[], T]) -> T:
        if key not in shared:
            shared[key] = make()
        return cast(T, shared[key])

    # the fixtures read no prose: their examples depend on the structure alone (roots ());
    # asked for every run, so the cache keeps them for the next page that renders
    examples = ctx.cached("docs", "examples", (), lambda: fixture_examples(api))
    hook_examples = ctx.cached("docs", "hook-examples", (), lambda: webhook_examples(api))

    def used() -> dict[str, list[str]]:
        return once("used", lambda: used_by(site))

    files: dict[str, str] = {}
    for path, text in ctx.cached("docs", "index", None, lambda: index_page(site)).items():
        files["docs/" + path] = text
    for op in api.operations:
        pages = ctx.cached("docs", "op:" + op.id, ["op:" + op.id], lambda op=op: operation_page(site, op, examples.get(op.id) or {}))  # type: ignore[misc]
        for path, text in pages.items():
            files["docs/" + path] = text
    for h in api.hooks:
        files["docs/" + site.hook_files[h.py_name]] = ctx.cached("docs", "hook:" + h.py_name, ["hook:" + h.py_name], lambda h=h: webhook_page(site, h, hook_examples.get(h.py_name)))  # type: ignore[misc]
    users = ctx.pages.prints.users if ctx.pages is not None else {}
    # a definition's page lists who uses it (an operation by its summary): their prose too
    for m in api.models:
        files["docs/" + site.def_files[m.name]] = ctx.cached("docs", m.name, [m.name], lambda m=m: model_page(site, m, used().get(m.name, [])), own=users.get(m.name, ()))  # type: ignore[misc]
    for u in api.unions:
        files["docs/" + site.def_files[u.name]] = ctx.cached("docs", u.name, [u.name], lambda u=u: union_page(site, u, used().get(u.name, [])), own=users.get(u.name, ()))  # type: ignore[misc]
    for e in api.enums:
        files["docs/" + site.def_files[e.name]] = ctx.cached("docs", e.name, [e.name], lambda e=e: enum_page(site, e, used().get(e.name, [])), own=users.get(e.name, ()))  # type: ignore[misc]
    return files
