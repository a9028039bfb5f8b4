"""Normalize: spec -> IR. Every decision about meaning is made here, by the rule modules beside
this one, which share one `Context`:

- oneOf/anyOf -> unions, with an explicit discriminator or one inferred from a required
  single-value `enum`/`const` property that differs per variant;
- anyOf [string, enum of strings] -> an open enum;
- `nullable: true` (3.0), `type: [X, "null"]` and null variants (3.1) -> one `nullable` flag;
- `deprecated: true` anywhere -> a Deprecation with the replacement parsed from the text;
- allOf merged; recursion kept as references to named definitions;
- every name made unique, stable and Python-safe;
- paths mapped to resources (`client.chat.completions.create`);
- a path key's own query (`/responses?beta=true`) -> `Operation.fixed_query`, sent on every call;
- header and cookie names that are not HTTP tokens (no client can send them) -> a warning, and
  the parameter or apiKey scheme is left out (the scheme becomes kind `other`); query names may
  be any text (percent-encoded on the wire), control characters there are only warned about.

The rules, one module each: `schemas` (dispatch, primitives, nullable), `objects` (properties,
allOf), `enums`, `unions` (variants, discriminators), `operations` (paths, parameters), `media`
(bodies, responses, streaming), `resources` (client layout, arguments, pagination) and `api`
(the finished Api). `keywords` reads what a node's keywords say, with no state.
"""

from __future__ import annotations

from typing import Iterable

from ..diagnostics import Diagnostics, pointer_ref
from ..spec.load import Documents
from . import api, ir, operations, schemas, streams, tags, webhooks
from .context import At, Context
from .keywords import parse_replacement

__all__ = ["normalize", "iter_types", "parse_replacement"]


def normalize(docs: Documents, diags: Diagnostics) -> ir.Api:
    """Spec -> IR. Problems are recorded in `diags`; errors raise SpecError."""
    cx = Context(docs, diags, schemas.convert)
    cx.claim_component_names()
    cx.tags = tags.tags(cx) if cx.version != "jsonschema" else ()
    ops = operations.operations(cx) if cx.version != "jsonschema" else []
    hooks = webhooks.webhooks(cx, ops) if cx.version != "jsonschema" else ((), None)
    # every component becomes a definition even when no operation reaches it
    if cx.version == "jsonschema":
        cx.schema(cx.root, At(cx.main, "", cx.component_names[(cx.main, "")]))
    for (file, pointer), name in list(cx.component_names.items()):
        node, _, _ = cx.deref({"$ref": pointer_ref(pointer)}, file, "") if pointer else (cx.root, file, pointer)
        if (file, pointer) not in cx.memo and node is not None:
            cx.schema(node, At(file, pointer, name))
    streams.link_event_streams(cx, ops)
    result = api.finish(cx, ops, hooks)
    diags.raise_if_errors()
    return result


def iter_types(api: ir.Api) -> Iterable[ir.TypeExpr]:
    """Every TypeExpr that a definition's fields or variants hold directly."""
    for m in api.models:
        for f in m.fields:
            yield f.type
        if m.additional is not None:
            yield m.additional
    for u in api.unions:
        for v in u.variants:
            yield v.type
