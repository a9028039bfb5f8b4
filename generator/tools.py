"""The tools artifact (built out by its own issue)."""

from __future__ import annotations

from generator import ir
from generator.render import RenderContext


def render(api: ir.Api, ctx: RenderContext) -> dict[str, str]:
    """Files of this artifact, keyed by their path relative to OUT."""
    return {}
