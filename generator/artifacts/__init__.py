"""Stage 3, the artifacts: each renders the IR into files (path -> text).

To add one, write a module here with `render(api, ctx) -> dict[str, str]` (templates in
templates/<artifact>/) and list it in `renderers()`.
"""

from __future__ import annotations

from typing import Callable

from ..model import ir
from ..output.render import RenderContext

Renderer = Callable[[ir.Api, RenderContext], dict[str, str]]


def renderers() -> list[tuple[Renderer, bool]]:
    """Every artifact's renderer in output order (client, docs, tools, fixtures, tests), and
    whether it renders in the forked child beside the rest: those that need the synthesized
    fixtures (docs' operation pages, the fixture files, the tests that replay them) go together,
    so the fixtures are built once, there, while the client, the other docs pages, the tools and
    the MCP server render here."""
    from . import docs, fixtures, mcp, testgen, tools
    from .client import views as client

    # the docs pages that need no fixtures render here: the parent has the lighter share
    return [(client.render, False), (docs.render_definitions, False), (docs.render_operations, True), (tools.render, False), (mcp.render, False), (fixtures.render, True), (testgen.render, True)]
