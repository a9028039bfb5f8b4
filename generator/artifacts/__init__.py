"""Stage 3, the artifacts: each renders the IR into files (path -> text).

To add one, write a module here with `render(api, ctx) -> dict[str, str]` (templates in
templates/<artifact>/) and list it in `renderers()`.
"""

from __future__ import annotations

from typing import Callable

from ..model import ir
from ..output.render import RenderContext

Renderer = Callable[[ir.Api, RenderContext], dict[str, str]]


def renderers(warm: bool = False) -> list[tuple[Renderer, bool]]:
    """Every artifact's renderer in output order (client, docs, tools, fixtures, tests), and
    whether it renders in the forked child beside the rest: those that need the synthesized
    fixtures (docs' operation pages, the fixture files, the tests that replay them) go together,
    so the fixtures are built once, there, while the client, the other docs pages, the tools
    and the MCP server render here: this process also writes every file and computes the page
    cache's fingerprints, and the two end nearest together so (issue 19, measured on openai-2026).

    `warm`: a run whose pages are mostly reused (a prose edit). The child's share is then small
    (its fixtures and tests are reused whole), so the docs' definition pages render there too:
    the two shares then end together (0.04 s each of reuse on openai-2026)."""
    from . import docs, fixtures, mcp, testgen, tools
    from .client import views as client

    # the parent also writes every file and starts formatting: it has the lighter share
    return [(client.render, False), (docs.render_definitions, warm), (docs.render_operations, True), (tools.render, False), (mcp.render, False), (fixtures.render, True), (testgen.render, True)]


def name_of(render: Renderer) -> str:
    """The artifact's name (`client`, `docs`...): its units' namespace in the page cache; a part
    of an artifact rendered in another process (`docs.operations`) has a namespace of its own,
    or the two processes would each keep only their half."""
    name = render.__module__.rpartition(".artifacts.")[2].removesuffix(".views")
    part = render.__name__.removeprefix("render").removeprefix("_")
    return f"{name}.{part}" if part else name


# artifacts cached as one unit (output/incremental.py), with the roots it is rendered from:
# the fixtures and the tests that replay them read no prose, so the structure decides them.
# The others cut themselves into units (pages, one tool per operation).
WHOLE: dict[str, tuple[str, ...] | None] = {"fixtures": (), "testgen": ()}


def render_artifact(render: Renderer, api: ir.Api, ctx: RenderContext) -> dict[str, str]:
    """One artifact's files, through the page cache when the run has one (saved as it ends)."""
    name = name_of(render)
    if ctx.pages is None:
        return render(api, ctx)
    if name in WHOLE:
        files = ctx.cached(name, "*", WHOLE[name], lambda: render(api, ctx))
    else:
        files = render(api, ctx)
    ctx.pages.save(name)
    return files
