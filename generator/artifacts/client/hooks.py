"""The view of the API's webhooks for the client's `webhooks.py`: each webhook's payload type
spelled, the discriminator value and headers that select it, and the types to import."""

from __future__ import annotations

from dataclasses import dataclass

from ...model import ir
from .pytypes import Types


@dataclass
class HookView:
    name: str  # as the spec names it (a string literal in the template)
    type: str  # the payload's Python type, "None" without a JSON body
    tag: object  # the discriminator value selecting it (a literal), or None
    headers: dict[str, str] | None
    doc: str  # one line: kind, method, summary


@dataclass
class WebhooksView:
    hooks: list[HookView]
    discriminator: str | None
    event: str  # `Union[...]` of every payload type and UnknownWebhookEvent
    named: list[tuple[str, str]]  # (webhook name, what `unwrap(..., event=name)` returns)
    imports: list[tuple[str, list[str]]]  # (types module stem, names)


def webhooks_view(api: ir.Api, types: Types) -> WebhooksView:
    refs: set[str] = set()
    hooks = []
    members: list[str] = []
    for h in api.hooks:
        spelled = types.spell(h.payload, "response", refs) if h.payload is not None else "None"
        if h.payload is not None and spelled not in members:
            members.append(spelled)
        where = f"callback of {h.operation}" if h.kind == "callback" and h.operation else h.kind
        hooks.append(HookView(h.name, spelled, h.tag, dict(h.headers) or None, f"{where}, {h.method.upper()}: {h.summary or h.description.split(chr(10))[0]}".rstrip(": ")))
    by_module: dict[str, set[str]] = {}
    for name in refs:
        home = types.module_of.get(name)
        if home is not None:
            by_module.setdefault(home, set()).add(name)
    event = f"Union[{', '.join(members + ['UnknownWebhookEvent'])}]"
    by_name: dict[str, list[str]] = {}
    for hv in hooks:
        by_name.setdefault(hv.name, []).append(hv.type)
    # a name with one payload type parses into it (several methods, or none: the union as a whole)
    named = [(n, ts[0]) for n, ts in sorted(by_name.items()) if len(ts) == 1 and ts[0] != "None"]
    return WebhooksView(hooks, api.webhook_discriminator, event, named, [(m, sorted(ns)) for m, ns in sorted(by_module.items())])
