"""Webhooks and callbacks: the requests an API sends to its users (3.1 `webhooks:`, and each
operation's `callbacks`), with their payloads typed like any request body.

- each method of each webhook path item (and of each callback expression) is one `Webhook`,
  its payload the JSON body's schema (the first JSON media type, else the first declared);
- a payload property that tells them apart (required, one `const`/`enum` value, distinct per
  webhook: `type`, `event`...) becomes the API's webhook discriminator, so an incoming request
  is parsed by it; headers the request carries with one value (`X-Event: pet.created`) name it too;
- names are claimed in an order of their own (webhooks by name, callbacks by path, method and
  name), never the document's.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ..diagnostics import join_pointer
from ..runtime._wire import is_json
from . import ir
from .context import At, Context
from .keywords import deprecation_of, examples_of, text_of
from .naming import Namer, pascal, snake

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_PREFERENCE = ("type", "event", "event_type", "kind", "object", "action")


def _path_item_hooks(cx: Context, name: str, kind: str, item: Any, file: str, ptr: str, operation: str | None, expression: str) -> list[tuple[str, ir.Webhook]]:
    """(wanted name, webhook) for each method of one path item."""
    item, ifile, iptr = cx.deref(item, file, ptr)
    if not isinstance(item, dict):
        return []
    methods = [m for m in _METHODS if isinstance(item.get(m), dict)]
    out = []
    for method in methods:
        op, ofile, optr = cx.deref(item[method], ifile, join_pointer(iptr, method))
        if not isinstance(op, dict):
            continue
        wanted = name if len(methods) == 1 else f"{name} {method}"
        payload, content_type, examples, where = _payload(cx, op, ofile, optr, pascal(wanted, "Webhook") + "Payload")
        if payload is None and content_type is not None:
            cx.degraded.append({"where": cx.where(ofile, optr), "reason": f"{kind} {name!r} sends {content_type}: unwrap reads JSON only, so it keeps this body as an UnknownWebhookEvent"})
        dep = deprecation_of(op)
        cx.note_deprecated("operation", wanted, ofile, optr, dep)
        hook = ir.Webhook(
            name=name,
            kind=kind,  # type: ignore[arg-type]
            method=method,
            py_name="",
            payload=payload,
            content_type=content_type,
            summary=text_of(op.get("summary")),
            description=text_of(op.get("description")),
            operation=operation,
            expression=expression,
            headers=_naming_headers(cx, op, item, ofile, optr, ifile, iptr),
            deprecated=dep,
            examples=examples,
            pointer=where or cx.where(ofile, optr),
        )
        out.append((wanted, hook))
    return out


def _payload(cx: Context, op: dict[str, Any], file: str, optr: str, hint: str) -> tuple[ir.TypeExpr | None, str | None, tuple[Any, ...], str]:
    """The JSON body's type, media type, examples and place (None where no JSON body is sent)."""
    rb, bfile, bptr = cx.deref(op.get("requestBody"), file, optr + "/requestBody")
    content = rb.get("content") if isinstance(rb, dict) else None
    if not isinstance(content, dict) or not content:
        return None, None, (), ""
    keys = [str(k) for k in content]
    ct = next((k for k in keys if is_json(k)), None)
    if ct is None:
        return None, keys[0], (), ""
    mt = content[ct] if isinstance(content[ct], dict) else {}
    sptr = join_pointer(bptr, "content", ct, "schema")
    t = cx.schema(mt["schema"], At(bfile, sptr, hint)) if "schema" in mt else ir.TypeExpr("any", pointer=cx.where(bfile, sptr))
    return t, ct, examples_of(mt), cx.where(bfile, sptr)


def _naming_headers(cx: Context, op: dict[str, Any], item: dict[str, Any], file: str, optr: str, ifile: str, iptr: str) -> tuple[tuple[str, str], ...]:
    """Required header parameters with one possible string value: they name the webhook."""
    out = []
    for src, sfile, sptr in ((item.get("parameters"), ifile, iptr + "/parameters"), (op.get("parameters"), file, optr + "/parameters")):
        if not isinstance(src, list):
            continue
        for i, p in enumerate(src):
            p, pfile, pptr = cx.deref(p, sfile, join_pointer(sptr, i))
            if not isinstance(p, dict) or p.get("in") != "header" or not isinstance(p.get("name"), str) or p.get("required") is not True:
                continue
            schema, _, _ = cx.deref(p.get("schema"), pfile, pptr + "/schema")
            value = _single_value(schema)
            # only what an HTTP request can carry: a token name, a value without control characters
            if isinstance(value, str) and _TOKEN.fullmatch(p["name"]) and not any(ord(c) < 32 or ord(c) == 127 for c in value):
                out.append((p["name"].lower(), value))
    return tuple(sorted(set(out)))


def _single_value(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return None
    if "const" in schema:
        return schema["const"]
    values = schema.get("enum")
    return values[0] if isinstance(values, list) and len(values) == 1 else None


def _tag_field(cx: Context, t: ir.TypeExpr | None) -> dict[str, Any]:
    """{wire name: value} of a payload model's required single-value properties."""
    if t is None or t.kind != "model" or t.ref not in cx.models:
        return {}
    out: dict[str, Any] = {}
    for f in cx.models[t.ref].fields:
        if not f.required:
            continue
        if f.type.kind == "literal" and len(f.type.values) == 1:
            out[f.name] = f.type.values[0]
        elif f.type.kind == "enum" and f.type.ref in cx.enums and len(cx.enums[f.type.ref].members) == 1:
            out[f.name] = cx.enums[f.type.ref].members[0].value
    return out


def discriminator(cx: Context, hooks: list[ir.Webhook]) -> str | None:
    """The payload property whose value differs for every webhook that sends a payload."""
    typed = [h for h in hooks if h.payload is not None]
    if len(typed) < 2:
        return None
    tags = [_tag_field(cx, h.payload) for h in typed]
    common = set.intersection(*(set(t) for t in tags))
    usable = sorted((name for name in common if len({repr(t[name]) for t in tags}) == len(tags)), key=lambda n: (_PREFERENCE.index(n) if n in _PREFERENCE else len(_PREFERENCE), n))
    return usable[0] if usable else None


def webhooks(cx: Context, ops: list[ir.Operation]) -> tuple[tuple[ir.Webhook, ...], str | None]:
    """Every webhook and callback, named, with the discriminator that tells them apart."""
    found: list[tuple[str, ir.Webhook]] = []
    hooks = cx.root.get("webhooks")
    if isinstance(hooks, dict):
        for name in sorted(hooks, key=str):
            found.extend(_path_item_hooks(cx, str(name), "webhook", hooks[name], cx.main, join_pointer("/webhooks", name), None, ""))
    by_pointer = {op.pointer: op.id for op in ops}
    paths = cx.root.get("paths")
    if isinstance(paths, dict):
        for path in sorted(paths, key=str):
            item, ifile, iptr = cx.deref(paths[path], cx.main, join_pointer("/paths", path))
            if not isinstance(item, dict):
                continue
            for method in _METHODS:
                op, ofile, optr = cx.deref(item.get(method), ifile, join_pointer(iptr, method))
                if not isinstance(op, dict) or not isinstance(op.get("callbacks"), dict):
                    continue
                for cb_name in sorted(op["callbacks"], key=str):
                    cb, cfile, cptr = cx.deref(op["callbacks"][cb_name], ofile, join_pointer(optr, "callbacks", cb_name))
                    if not isinstance(cb, dict):
                        continue
                    operation = by_pointer.get(cx.where(ofile, optr))
                    expressions = sorted(cb, key=str)
                    for i, expression in enumerate(expressions):
                        # one name per expression where a callback has several
                        wanted = str(cb_name) if len(expressions) == 1 else f"{cb_name} {i + 1}"
                        hooks_here = _path_item_hooks(cx, str(cb_name), "callback", cb[expression], cfile, join_pointer(cptr, expression), operation, str(expression))
                        found.extend((w.replace(str(cb_name), wanted, 1), h) for w, h in hooks_here)
    names = Namer()
    named = [replace(h, py_name=names.claim(snake(wanted, "webhook"))) for wanted, h in found]
    disc = discriminator(cx, named)
    if disc is not None:
        named = [replace(h, tag=_tag_field(cx, h.payload).get(disc)) for h in named]
    return tuple(sorted(named, key=lambda h: h.py_name)), disc


def attribute(ops: list[ir.Operation]) -> str:
    """`client.webhooks`, unless a resource of the API is called that."""
    roots = {op.resource[0] for op in ops if op.resource}
    return next(a for a in ("webhooks", "webhook_events", "incoming_webhooks", "webhooks_") if a not in roots)
