"""Streams whose events are named (`event: thread.run.created` / `data: {...}`): items typed by
the event name.

A spec maps event names to schemas with an `event` property holding one value per variant
beside a `data` property (OpenAI's `AssistantStreamEvent`, or the objects a 3.2 `itemSchema`
describes). Such a stream is read with `stream_framing = "event"`: each item is
`{"event": <name>, "data": <payload>}`, validated against that union, so its variant follows the
name. Where an operation that streams declares no event schema at all, the event union whose
`data` carries the operation's own answer (`RunObject` for `POST /threads/{id}/runs`) is taken.
"""

from __future__ import annotations

from dataclasses import replace

from . import ir
from .context import Context


def _models_of(cx: Context, t: ir.TypeExpr | None, depth: int = 0) -> list[str] | None:
    """The models a type is made of (through unions); None when something else is in it."""
    if t is None or depth > 16:
        return None
    if t.kind == "model" and t.ref in cx.models:
        return [t.ref]
    if t.kind == "union" and t.ref in cx.unions:
        out: list[str] = []
        for v in cx.unions[t.ref].variants:
            sub = _models_of(cx, v.type, depth + 1)
            if sub is None:
                return None
            out.extend(sub)
        return out
    return None


def _event_model(cx: Context, name: str) -> bool:
    """A model with a required single-value `event` and a `data` property."""
    fields = {f.name: f for f in cx.models[name].fields}
    event, data = fields.get("event"), fields.get("data")
    if event is None or data is None or not event.required:
        return False
    if event.type.kind == "literal" and len(event.type.values) == 1:
        return True
    return event.type.kind == "enum" and event.type.ref in cx.enums and len(cx.enums[event.type.ref].members) == 1


def event_named(cx: Context, t: ir.TypeExpr | None) -> bool:
    """Whether every event of this type names itself with `event` beside its `data`."""
    models = _models_of(cx, t)
    return bool(models) and all(_event_model(cx, m) for m in models or ())


def _data_refs(cx: Context, t: ir.TypeExpr) -> set[str]:
    return {f.type.ref for m in _models_of(cx, t) or () for f in cx.models[m].fields if f.name == "data" and f.type.ref}


def link_event_streams(cx: Context, ops: list[ir.Operation]) -> None:
    """Type the streams of operations by their event names (see the module's docstring)."""
    candidates = [ir.TypeExpr("union", ref=name) for name in cx.unions if event_named(cx, ir.TypeExpr("union", ref=name))]
    for i, op in enumerate(ops):
        if not op.streaming:
            continue
        stream_type = op.stream_type
        if stream_type is None or stream_type.kind == "any":
            ok = op.success
            answer = ok.type.ref if ok is not None and ok.type is not None else None
            fits = [c for c in candidates if answer is not None and answer in _data_refs(cx, c)]
            if fits:
                # the widest union that carries it (all of a run's events, not only the run's own)
                best = max(fits, key=lambda c: (len(_models_of(cx, c) or ()), c.ref or ""))
                stream_type = replace(best, pointer=cx.unions[best.ref or ""].pointer)
        if event_named(cx, stream_type):
            # the answer's event-stream outcome reads the same items
            outcomes = tuple(replace(o, type=stream_type) if o.kind == "sse" else o for o in op.outcomes)
            ops[i] = replace(op, stream_type=stream_type, stream_framing="event", outcomes=outcomes)
