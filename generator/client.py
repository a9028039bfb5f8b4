"""The client artifact: a vendorable Python package per API (rendered from templates/client)."""

from __future__ import annotations

from generator import ir
from generator.pytypes import py_type
from generator.render import RenderContext, render_template


def render(api: ir.Api, ctx: RenderContext) -> dict[str, str]:
    """Files of OUT/<package>/, keyed by their path relative to OUT."""
    values = {"api": api, "ctx": ctx, "py_type": py_type}
    pkg = ctx.package
    return {
        f"{pkg}/__init__.py": render_template("client/__init__.py.j2", **values),
        f"{pkg}/models.py": render_template("client/models.py.j2", **values),
        f"{pkg}/py.typed": "",
    }
