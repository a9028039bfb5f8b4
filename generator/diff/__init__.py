"""`specgen diff`: what changed between two spec versions, what breaks, and what it does to
the generated client.

Both specs go through load and normalize (validation is skipped: it says nothing about
change), and the two IRs are compared, never the raw YAML. Operations are matched by
method and path template; then each operation's request and response trees are walked
side by side. Named models, enums and unions are compared once per (old name, new name,
direction) pair, so a renamed but identical component gives no change and `$ref` cycles
end. Union variants are matched by discriminator tag, then title, then name, then
structure or (for untagged variants) a shape found once on each side; never by position.
Every change names a rule of `rules`.

Field paths: `path.<name>`, `query.<name>`, `header.<name>`, `cookie.<name>` for
parameters; `body` for the request body; `responses.<status>` for a response body;
`stream` for one server-sent event; then `.<property>`, `[]` for array items, `{}` for map
values and `<discriminator=tag>` or `<VariantName>` for a union variant. In a shared
component's group, paths start with the component's (new) name.

The modules, in the order a diff runs: `sources` (spec arguments to IRs), `operations`
(operations and the API level), `schemas` (types and named pairs), `scalars` (values,
formats, constraints), `variants` (union variant pairing), `changes` (the change record),
`client` (the client section), `report` (grouping, `compare`), `render` (text, Markdown,
JSON; the JSON format), `command` (`specgen diff`, committed reports) and `rules`.
"""

from __future__ import annotations

from typing import Sequence

from .changes import Change
from .command import check_reports, diff_specs, run, write_reports
from .render import render_json, render_markdown, render_rules, render_text
from .report import Report, compare
from .sources import load_api, open_spec

__all__: Sequence[str] = (
    "Change",
    "Report",
    "compare",
    "diff_specs",
    "load_api",
    "run",
    "write_reports",
    "check_reports",
    "open_spec",
    "render_markdown",
    "render_text",
    "render_json",
    "render_rules",
)
