"""Operations compared: old and new matched by method and path template (a moved path by its
operationId), then each pair's parameters, request body, responses, event stream and security
walked side by side; plus the API's servers and security schemes. `compare_apis` runs the
whole comparison of two IRs."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Sequence

from ..model import ir
from .changes import Acc, Code, Pointer, seg
from .client import pytype
from .lifecycle import compare_stability, compare_sunset, removal
from .schemas import Pairs, compare_default, compare_type
from .security import compare_requirements, compare_schemes

# (old op or None, new op or None, what the comparison found at the operation level)
OpResult = tuple[ir.Operation | None, ir.Operation | None, Acc]


@dataclass
class Comparison:
    """What comparing two IRs found: API-level changes, one result per operation pair (in
    match order) and every named pair reached (`pairs.found`)."""

    pairs: Pairs
    api_changes: Acc
    op_results: list[OpResult]


def compare_apis(old: ir.Api, new: ir.Api, today: dt.date | None = None) -> Comparison:
    """Compare two IRs: the API level, each matched operation, then every named pair reached.
    `today` decides whether a deprecated item's x-sunset date has passed."""
    pairs = Pairs(old, new, today or dt.date.today())
    api_changes = _api_level(pairs, old, new)
    op_results = [(po, pn, _operation_pair(pairs, po, pn)) for po, pn in match_operations(old.operations, new.operations)]
    pairs.drain()
    return Comparison(pairs, api_changes, op_results)


def match_operations(olds: Sequence[ir.Operation], news: Sequence[ir.Operation]) -> list[tuple[ir.Operation | None, ir.Operation | None]]:
    """(old, new) pairs: by method and path template, then by operationId (a moved path keeps
    it); (None, new) for an added operation and (old, None) for a removed one."""
    by_key = {_op_key(o): o for o in olds}
    pairs: list[tuple[ir.Operation | None, ir.Operation | None]] = []
    used: set[int] = set()
    unmatched_new: list[ir.Operation] = []
    for n in news:
        o = by_key.get(_op_key(n))
        if o is not None and id(o) not in used:
            used.add(id(o))
            pairs.append((o, n))
        else:
            unmatched_new.append(n)
    by_id = {o.id: o for o in olds if id(o) not in used}
    for n in unmatched_new:  # a moved path keeps its operationId
        o = by_id.get(n.id)
        if o is not None and id(o) not in used and o.method == n.method:
            used.add(id(o))
            pairs.append((o, n))
        else:
            pairs.append((None, n))
    for gone in olds:
        if id(gone) not in used:
            pairs.append((gone, None))
    return pairs


def _op_key(op: ir.Operation) -> tuple[str, str]:
    return (op.method, re.sub(r"\{[^}/]*\}", "{}", op.path))


def _operation_pair(pairs: Pairs, po: ir.Operation | None, pn: ir.Operation | None) -> Acc:
    acc = Acc()
    if po is None and pn is not None:
        acc.add("operation-added", "", "operation added: {0}", Code(pn.call), new=pn.call)
    elif pn is None and po is not None:
        rule, why = removal("operation-removed", po.deprecated, pairs.today)
        acc.add(rule, "", ("deprecated " if po.deprecated else "") + "operation removed: {0}" + why, Code(po.call), old=po.call)
    elif po is not None and pn is not None:
        _operation(pairs, po, pn, acc)
    return acc


def compare_tags(old: ir.Api, new: ir.Api, acc: Acc) -> None:
    """Tags declared in both: where each sits in the tree (3.2 `parent`), its `kind` and `summary`."""
    otags, ntags = {t.name: t for t in old.tags}, {t.name: t for t in new.tags}
    # a tag declared or dropped changes nothing a client or its docs tree shows unless the
    # operations' tags change too, and those are compared per operation
    for name in sorted(set(otags) & set(ntags)):
        o, n = otags[name], ntags[name]
        for what in ("parent", "kind", "summary"):
            before, after = getattr(o, what), getattr(n, what)
            if before != after:
                acc.add("tag-changed", "tags" + seg(name), f"{what} {{0}} → {{1}}", Code(before or "none"), Code(after or "none"), old=before, new=after)


def _api_level(pairs: Pairs, old: ir.Api, new: ir.Api) -> Acc:
    acc = Acc()
    for url in old.servers:
        if url not in new.servers:
            acc.add("server-removed", "servers", "server {0} removed", url, old=url)
    for url in new.servers:
        if url not in old.servers:
            acc.add("server-added", "servers", "server {0} added", url, new=url)
    compare_schemes(old, new, acc)
    compare_tags(old, new, acc)
    ohooks, nhooks = dict(old.webhooks), dict(new.webhooks)
    for name, item in ohooks.items():
        if name not in nhooks:
            acc.add("webhook-removed", "webhooks" + seg(name), "webhook removed", old=name)
        elif nhooks[name] != item and not _payloads(pairs, old, new, name, acc):
            acc.add("webhook-changed", "webhooks" + seg(name), "what the webhook sends or expects changed (not modeled: read it)", old=name, new=name)
    for name in nhooks:
        if name not in ohooks:
            acc.add("webhook-added", "webhooks" + seg(name), "webhook added", new=name)
    return acc


def _payloads(pairs: Pairs, old: ir.Api, new: ir.Api, name: str, acc: Acc) -> bool:
    """Compare what webhook `name` sends, method by method, as an answer its receiver reads
    (a wider payload breaks a receiver); whether any change was found."""
    found = Acc()
    ohooks = {h.method: h for h in old.hooks if h.kind == "webhook" and h.name == name}
    for h in new.hooks:
        o = ohooks.get(h.method)
        if h.kind == "webhook" and h.name == name and o is not None and o.payload is not None and h.payload is not None:
            compare_type(pairs, o.payload, h.payload, "webhooks" + seg(name) + ".payload", "response", found)
    acc.changes.extend(found.changes)
    acc.children.extend(found.children)
    return bool(found.changes) or any(not pairs.identical(key) for _, key in found.children)


def _operation(pairs: Pairs, o: ir.Operation, n: ir.Operation, acc: Acc) -> None:
    if o.id != n.id:
        acc.add("operation-id-changed", "", "operationId {0} → {1}", o.id, n.id, old=o.id, new=n.id)
    if (o.deprecated is None) != (n.deprecated is None):
        if n.deprecated is not None:
            rep = n.deprecated.replacement
            acc.add("operation-deprecated", "", "operation deprecated" + (" in favor of {0}" if rep else ""), *([Code(rep)] if rep else []), new=rep)
        else:
            acc.add("operation-undeprecated", "", "operation no longer deprecated")
    compare_sunset(o.deprecated, n.deprecated, "", "both", acc)
    compare_stability(o.stability, n.stability, "", "both", acc)
    _parameters(pairs, o, n, acc)
    _body(pairs, o, n, acc)
    _responses(pairs, o, n, acc)
    compare_requirements(pairs.old, pairs.new, o, n, acc)
    oextra, nextra = dict(o.extra), dict(n.extra)
    for key in sorted(set(oextra) | set(nextra)):
        if oextra.get(key) != nextra.get(key):
            ptr = Pointer(f"{n.pointer}/{key}")
            acc.add("unmodeled-change", "", "unmodeled change at {0}: {1} {2} → {3}", ptr, Code(key.rsplit("/", 1)[-1]), _short(oextra.get(key)), _short(nextra.get(key)), direction="both")


def _parameters(pairs: Pairs, o: ir.Operation, n: ir.Operation, acc: Acc) -> None:
    d = "request"
    ops = {(p.location, p.name): p for p in o.parameters}
    nps = {(p.location, p.name): p for p in n.parameters}
    if o.path != n.path:
        # path parameters renamed with the template: match them by position in the path
        opath = [p for p in o.parameters if p.location == "path"]
        npath = [p for p in n.parameters if p.location == "path"]
        if len(opath) == len(npath):
            for op_, np_ in zip(opath, npath):
                if op_.name != np_.name:
                    ops.pop(("path", op_.name), None)
                    ops[("path", np_.name)] = op_
    for key, op_ in ops.items():
        p = key[0] + seg(key[1])
        found = nps.get(key)
        if found is None:
            rule, why = removal("request-parameter-removed", op_.deprecated, pairs.today)
            acc.add(rule, p, ("deprecated " if op_.deprecated else "") + "parameter removed" + why, old=pytype(op_.type), direction=d)
            continue
        np_ = found
        if op_.required != np_.required:
            if np_.required:
                acc.add("request-parameter-became-required", p, "became required", old=False, new=True, direction=d)
            else:
                acc.add("request-parameter-became-optional", p, "became optional", old=True, new=False, direction=d)
        if (op_.deprecated is None) != (np_.deprecated is None):
            if np_.deprecated is not None:
                rep = np_.deprecated.replacement
                acc.add("parameter-deprecated", p, "deprecated" + (" in favor of {0}" if rep else ""), *([Code(rep)] if rep else []), new=rep, direction=d)
            else:
                acc.add("parameter-undeprecated", p, "no longer deprecated", direction=d)
        compare_sunset(op_.deprecated, np_.deprecated, p, d, acc)
        compare_stability(op_.stability, np_.stability, p, d, acc)
        _serialization(op_, np_, p, acc)
        compare_default(op_.has_default, op_.default, np_.has_default, np_.default, p, d, acc, parameter=True)
        if _text_widened(op_.type, np_.type):
            before, after = pytype(op_.type), pytype(np_.type)
            acc.add("request-type-widened", p, "type widened: {0} → {1} (what was sent before reads the same on the wire)", Code(before), Code(after), old=before, new=after, direction=d)
        else:
            compare_type(pairs, op_.type, np_.type, p, d, acc)
    for key, np_ in nps.items():
        if key in ops:
            continue
        p = key[0] + seg(key[1])
        if np_.required:
            acc.add("request-required-parameter-added", p, "required parameter added: {0}", Code(pytype(np_.type)), new=pytype(np_.type), direction=d)
        else:
            acc.add("request-parameter-added", p, "optional parameter added: {0}", Code(pytype(np_.type)), new=pytype(np_.type), direction=d)


_SCALARS = ("string", "integer", "number", "boolean", "enum", "literal", "binary")


def wire_form(p: ir.Parameter) -> tuple[str, bool | None, str | None]:
    """How a parameter's value is written on the wire: its style, whether explode changes
    anything for its type (it does not for a scalar; nor do form, spaceDelimited and
    pipeDelimited differ for one), and the media type of a `content` parameter. (The IR has
    decided each location's defaults; allowReserved only spares characters an encoded value
    reads the same as, so it is not part of it.)"""
    if p.type.kind in _SCALARS:
        return ("form" if p.style in ("spaceDelimited", "pipeDelimited") else p.style), None, p.content_type
    return p.style, p.explode, p.content_type


def _short(v: str | None) -> Code | None:
    return Code(v) if v is not None else None


def _text_widened(o: ir.TypeExpr, n: ir.TypeExpr) -> bool:
    """A parameter travels as text: a string takes what a number or boolean was written as,
    and one value is written as a one-item array is (in every style). Does `n` take all `o`
    did, though it is another type?"""
    olds = o.variants if o.kind == "union" and o.ref is None else (o,)
    target = n.item if n.kind == "array" and n.item is not None else n
    if o.nullable and not n.nullable or target.kind not in ("string", "number") or o == n:
        return False
    if target.constraints != ir.Constraints() or target.format not in (None, "") or target.extra:
        return False

    def fits(x: ir.TypeExpr) -> bool:
        if x.kind == target.kind:
            return n.kind == "array"  # the same scalar, now also a list of them
        return x.kind in (("integer", "number", "boolean") if target.kind == "string" else ("integer",))

    return all(fits(x) for x in olds)


def _serialization(o: ir.Parameter, n: ir.Parameter, p: str, acc: Acc) -> None:
    def shown(x: ir.Parameter) -> str:
        return f"style {x.style}, explode {str(x.explode).lower()}" + (", allowReserved" if x.allow_reserved else "") + (f", as {x.content_type}" if x.content_type else "")

    if shown(o) == shown(n):
        return
    rule = "request-parameter-serialization-changed" if wire_form(o) != wire_form(n) else "request-parameter-serialization-restated"
    acc.add(rule, p, "{0} → {1}", shown(o), shown(n), old=shown(o), new=shown(n), direction="request")


def _body(pairs: Pairs, o: ir.Operation, n: ir.Operation, acc: Acc) -> None:
    d = "request"
    ob, nb = o.body, n.body
    if ob is None and nb is None:
        return
    if ob is None and nb is not None:
        if nb.required:
            acc.add("request-required-body-added", "body", "required request body added: {0}", Code(nb.content_type), new=nb.content_type, direction=d)
        else:
            acc.add("request-body-added", "body", "optional request body added: {0}", Code(nb.content_type), new=nb.content_type, direction=d)
        return
    if nb is None and ob is not None:
        acc.add("request-body-removed", "body", "request body removed", old=ob.content_type, direction=d)
        return
    assert ob is not None and nb is not None
    if ob.required != nb.required:
        if nb.required:
            acc.add("request-body-became-required", "body", "request body became required", old=False, new=True, direction=d)
        else:
            acc.add("request-body-became-optional", "body", "request body became optional", old=True, new=False, direction=d)
    octs, ncts = ob.content_types or (ob.content_type,), nb.content_types or (nb.content_type,)
    for ct in octs:
        if ct not in ncts:
            acc.add("request-content-type-removed", "body", "media type {0} no longer accepted", ct, old=ct, direction=d)
    for ct in ncts:
        if ct not in octs:
            acc.add("request-content-type-added", "body", "media type {0} accepted", ct, new=ct, direction=d)
    if ob.content_type == nb.content_type or ob.content_type not in ncts:
        compare_type(pairs, ob.type, nb.type, "body", d, acc)


def _responses(pairs: Pairs, o: ir.Operation, n: ir.Operation, acc: Acc) -> None:
    d = "response"
    ors = {r.status: r for r in o.responses}
    nrs = {r.status: r for r in n.responses}
    for status, orr in ors.items():
        p = "responses." + status
        nr = nrs.get(status)
        if nr is None:
            if _is_success(status):
                acc.add("response-success-status-removed", p, "success status {0} removed", status, old=status, direction=d)
            else:
                acc.add("response-error-status-removed", p, "status {0} no longer documented", status, old=status, direction=d)
            continue
        for ct in orr.content_types:
            if ct not in nr.content_types:
                acc.add("response-content-type-removed", p, "media type {0} removed", ct, old=ct, direction=d)
        for ct in nr.content_types:
            if ct not in orr.content_types:
                acc.add("response-content-type-added", p, "media type {0} added", ct, new=ct, direction=d)
        _headers(pairs, orr, nr, p, acc)
        moved = orr.content_type != nr.content_type and orr.content_type in nr.content_types
        if moved:
            pass  # another media type became the primary one; the old one is still offered
        elif orr.type is not None and nr.type is not None:
            compare_type(pairs, orr.type, nr.type, p, d, acc)
        elif orr.type is not None:
            acc.add("response-body-removed", p, "response body removed", old=pytype(orr.type), direction=d)
        elif nr.type is not None:
            acc.add("response-body-added", p, "response body added: {0}", Code(pytype(nr.type)), new=pytype(nr.type), direction=d)
    for status, nr in nrs.items():
        if status in ors:
            continue
        p = "responses." + status
        if _is_success(status):
            acc.add("response-success-status-added", p, "success status {0} added", status, new=status, direction=d)
        else:
            acc.add("response-error-status-added", p, "status {0} documented", status, new=status, direction=d)
    if o.streaming and not n.streaming:
        acc.add("operation-streaming-removed", "stream", "no longer streams server-sent events", old=True, new=False, direction=d)
    elif n.streaming and not o.streaming:
        acc.add("operation-streaming-added", "stream", "can stream server-sent events now", old=False, new=True, direction=d)
    elif o.stream_type is not None and n.stream_type is not None:
        compare_type(pairs, o.stream_type, n.stream_type, "stream", d, acc)


def _headers(pairs: Pairs, orr: ir.Response, nr: ir.Response, path: str, acc: Acc) -> None:
    """A response's headers: each one a value the client may read."""
    d = "response"
    ohs = {h.name.lower(): h for h in orr.header_params}
    nhs = {h.name.lower(): h for h in nr.header_params}
    for key, oh in ohs.items():
        p = path + ".headers" + seg(oh.name)
        nh = nhs.get(key)
        if nh is None:
            rule = "response-required-header-removed" if oh.required else "response-header-removed"
            acc.add(rule, p, ("required " if oh.required else "") + "header removed", old=pytype(oh.type), direction=d)
            continue
        if oh.required != nh.required:
            acc.add("response-header-became-" + ("required" if nh.required else "optional"), p, "became " + ("required" if nh.required else "optional"), old=oh.required, new=nh.required, direction=d)
        if oh.deprecated is None and nh.deprecated is not None:
            acc.add("response-header-deprecated", p, "deprecated", direction=d)
        compare_type(pairs, oh.type, nh.type, p, d, acc)
    for key, nh in nhs.items():
        if key not in ohs:
            acc.add("response-header-added", path + ".headers" + seg(nh.name), ("required " if nh.required else "") + "header added: {0}", Code(pytype(nh.type)), new=pytype(nh.type), direction=d)


def _is_success(status: str) -> bool:
    return status.startswith("2") or status.upper() == "2XX"
