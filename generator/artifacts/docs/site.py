"""The docs of one API as a site: where each page lives, links between pages, and the memos
that keep big specs fast. One `Site` is shared by every module that writes a page.
"""

from __future__ import annotations

import re

from ...model import ir
from ...model.naming import Namer, file_stem
from ...output.render import RenderContext
from .markdown import cell, code

_WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


class Site:
    """Everything the docs of one API need, with the caches that keep big specs fast."""

    def __init__(self, api: ir.Api, ctx: RenderContext):
        self.api = api
        self.ctx = ctx
        # memos of `phrases.phrase` and of field descriptions, keyed by the IR object's id
        self.phrases: dict[tuple[int, str, bool], str] = {}
        self.field_desc: dict[tuple[int, str, bool], str] = {}
        self.op_files: dict[str, str] = {}
        names = Namer(sep="_")
        for op in api.operations:
            stem = names.claim(file_stem(op.id, "operation"))
            self.op_files[op.id] = f"operations/{stem}.md"
        self.hook_files = {h.py_name: f"webhooks/{file_stem(h.py_name, 'webhook')}.md" for h in api.hooks}
        self.def_files: dict[str, str] = {}
        lower = Namer(sep="_")
        for name in [m.name for m in api.models] + [u.name for u in api.unions] + [e.name for e in api.enums]:
            base = re.sub(r"[^A-Za-z0-9_]", "_", name)[:100] or "Model"
            if base.lower() in _WINDOWS_DEVICES:
                base += "_"
            claimed = lower.claim(base.lower())
            self.def_files[name] = "models/" + base + claimed[len(base):] + ".md"

    def link(self, name: str, here: str) -> str:
        """A Markdown link to a model/enum/union page from a page in folder `here`."""
        target = self.def_files.get(name)
        if target is None:
            return code(name)
        return f"[{cell(name, 200)}]({_rel(here, target)})"


def _rel(here: str, target: str) -> str:
    """A link from a page in folder `here` ("" for docs/) to `target` (relative to docs/)."""
    if not here:
        return target
    if here == "tools":
        return "../docs/" + target
    folder, _, name = target.rpartition("/")
    if folder == here:
        return name
    return "../" + target
