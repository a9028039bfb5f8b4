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
from typing import Any

from ..diagnostics import join_pointer
from ..runtime._wire import is_json
from . import ir
from .context import At, Context
from .naming import pascal


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
        if not op.streaming or op.stream_framing != "data":
            continue  # a 3.2 `itemSchema` said how its events are framed
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


# ---- OpenAPI 3.2 `itemSchema` of `text/event-stream`: one event, `data` decoded by its content keywords


def _data_node(cx: Context, data: Any, file: str, ptr: str) -> tuple[Any, bool]:
    """What an event's `data` holds once read, and whether it is JSON: `contentSchema` (JSON
    inside the text), any JSON for `contentMediaType: application/json` alone, the schema itself
    where it describes JSON (an object, array, number...), else the text."""
    node, _, _ = cx.deref(data, file, ptr)
    if not isinstance(node, dict):
        return data, True
    media = node.get("contentMediaType")
    if "contentSchema" in node and (media is None or (isinstance(media, str) and is_json(media))):
        return node["contentSchema"], True
    if isinstance(media, str) and is_json(media):
        return {}, True
    kind = node.get("type")
    text = kind == "string" or (isinstance(kind, list) and "string" in kind and len([k for k in kind if k != "null"]) == 1)
    return data, not text


def _event_node(cx: Context, node: Any, file: str, ptr: str) -> tuple[Any, bool | None]:
    """An event object with its `data` replaced by what it holds once read; (node, None) when it
    has no `data` property (then it is not an SSE event object, and is read as before)."""
    target, _, tptr = cx.deref(node, file, ptr)
    props = target.get("properties") if isinstance(target, dict) else None
    if not isinstance(props, dict) or "data" not in props:
        return node, None
    data, is_json_data = _data_node(cx, props["data"], file, join_pointer(tptr, "properties", "data"))
    return {**target, "properties": {**props, "data": data}}, is_json_data


def sse_item_type(cx: Context, node: Any, at: At) -> tuple[ir.TypeExpr, bool | None]:
    """The type of one event a 3.2 `itemSchema` describes, and whether its `data` is JSON (None:
    the schema describes no event object, only what `data` holds). Events named by a `oneOf` /
    `anyOf` keep their components' names: each is converted with its `data` decoded first."""
    target, tfile, tptr = cx.deref(node, at.file, at.pointer)
    if not isinstance(target, dict):
        return cx.schema(node, at), None
    for kw in ("oneOf", "anyOf"):
        variants = target.get(kw)
        if isinstance(variants, list) and variants:
            found: list[bool] = []
            for i, v in enumerate(variants):
                vptr = join_pointer(tptr, kw, i)
                vtarget, vfile, vptr2 = cx.deref(v, tfile, vptr)
                fixed, is_json_data = _event_node(cx, vtarget, vfile, vptr2)
                if is_json_data is None:
                    return cx.schema(node, at), None
                found.append(is_json_data)
                # converted first under its own place, so `$ref`s to it read the decoded event
                cx.schema(fixed, At(vfile, vptr2, cx.component_names.get((vfile, vptr2), at.hint + pascal(str(i), "Variant"))))
            return cx.schema(node, at), all(found)
    fixed, is_json_data = _event_node(cx, target, tfile, tptr)
    if is_json_data is None:
        return cx.schema(node, at), None
    return cx.schema(fixed, At(tfile, tptr, cx.component_names.get((tfile, tptr), at.hint))), is_json_data
