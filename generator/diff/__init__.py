"""`specgen diff`: what changed between two spec versions, what breaks, and what it does to
the generated client.

Both specs go through load and normalize (validation is skipped: it says nothing about
change), and the two IRs are compared, never the raw YAML. Operations are matched by
method and path template; then each operation's request and response trees are walked
side by side. Named models, enums and unions are compared once per (old name, new name,
direction) pair, so a renamed but identical component gives no change and `$ref` cycles
end. Union variants are matched by discriminator tag (variants sharing a tag are told apart
by what follows), then the definition referred to, then title, then a renamed but identical
definition, then structure (the same type, a shape found once on each side, the objects
sharing most properties); never by position. Every change names a rule of `rules`; the
client section's changes have severities too, and both count in `Report.worst`.

Field paths: `path.<name>`, `query.<name>`, `header.<name>`, `cookie.<name>` for
parameters; `body` for the request body; `responses.<status>` for a response body;
`stream` for one server-sent event; then `.<property>`, `[]` for array items, `{}` for map
values and `<discriminator=tag>` or `<VariantName>` for a union variant. In a shared
component's group, paths start with the component's (new) name.

The modules, in the order a diff runs: `sources` (spec arguments to IRs), `operations`
(operations, parameters, bodies, responses and their headers, the API level), `security`
(schemes and requirements by what goes on the wire), `lifecycle` (x-sunset, x-stability-level),
`schemas` (types and named pairs), `scalars` (values, formats, constraints), `keywords` (the
JSON Schema keywords the IR keeps aside), `variants` (union variant pairing), `changes` (the
change record, fingerprints), `client` (the client section), `report` (grouping, `compare`,
filters, semver), `render` (text, Markdown cut to fit, JSON; the JSON format), `command`
(`specgen diff`, its arguments, the ignore file, committed reports) and `rules` (with
`DISAGREEMENTS.md`: where the rules depart from oasdiff's, and why).
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
