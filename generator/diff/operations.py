"""Operations compared: old and new matched by method and path template (a moved path by its
operationId), then each pair's parameters, request body, responses, event stream and security
walked side by side; plus the API's servers and security schemes. `compare_apis` runs the
whole comparison of two IRs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ..model import ir
from .changes import Acc, Code, Vals, seg
from .client import pytype
from .schemas import Pairs, compare_default, compare_type

# (old op or None, new op or None, what the comparison found at the operation level)
OpResult = tuple[ir.Operation | None, ir.Operation | None, Acc]


@dataclass
class Comparison:
    """What comparing two IRs found: API-level changes, one result per operation pair (in
    match order) and every named pair reached (`pairs.found`)."""

    pairs: Pairs
    api_changes: Acc
    op_results: list[OpResult]


def compare_apis(old: ir.Api, new: ir.Api) -> Comparison:
    """Compare two IRs: the API level, each matched operation, then every named pair reached."""
    pairs = Pairs(old, new)
    api_changes = _api_level(old, new)
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
        if po.deprecated is not None:
            acc.add("operation-removed-after-deprecation", "", "deprecated operation removed: {0}", Code(po.call), old=po.call)
        else:
            acc.add("operation-removed", "", "operation removed: {0}", Code(po.call), old=po.call)
    elif po is not None and pn is not None:
        _operation(pairs, po, pn, acc)
    return acc


def _api_level(old: ir.Api, new: ir.Api) -> Acc:
    acc = Acc()
    for url in old.servers:
        if url not in new.servers:
            acc.add("server-removed", "servers", "server {0} removed", url, old=url)
    for url in new.servers:
        if url not in old.servers:
            acc.add("server-added", "servers", "server {0} added", url, new=url)
    osch = {s.name: s for s in old.security_schemes}
    nsch = {s.name: s for s in new.security_schemes}
    for name, s in osch.items():
        ns = nsch.get(name)
        p = "securitySchemes" + seg(name)
        if ns is None:
            acc.add("security-scheme-removed", p, "security scheme removed", old=s.kind)
        elif (s.kind, s.location, s.param_name) != (ns.kind, ns.location, ns.param_name):
            before, after = f"{s.kind} in {s.location} {s.param_name}", f"{ns.kind} in {ns.location} {ns.param_name}"
            acc.add("security-scheme-changed", p, "credentials sent as {0} → {1}", before, after, old=before, new=after, direction="request")
    for name, ns in nsch.items():
        if name not in osch:
            acc.add("security-scheme-added", "securitySchemes" + seg(name), "security scheme added ({0})", ns.kind, new=ns.kind)
    return acc


def _operation(pairs: Pairs, o: ir.Operation, n: ir.Operation, acc: Acc) -> None:
    if o.id != n.id:
        acc.add("operation-id-changed", "", "operationId {0} → {1}", o.id, n.id, old=o.id, new=n.id)
    if (o.deprecated is None) != (n.deprecated is None):
        if n.deprecated is not None:
            rep = n.deprecated.replacement
            acc.add("operation-deprecated", "", "operation deprecated" + (" in favor of {0}" if rep else ""), *([Code(rep)] if rep else []), new=rep)
        else:
            acc.add("operation-undeprecated", "", "operation no longer deprecated")
    _parameters(pairs, o, n, acc)
    _body(pairs, o, n, acc)
    _responses(pairs, o, n, acc)
    _security(pairs, o, n, acc)


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
            if op_.deprecated is not None:
                acc.add("request-parameter-removed-after-deprecation", p, "deprecated parameter removed", direction=d)
            else:
                acc.add("request-parameter-removed", p, "parameter removed", old=pytype(op_.type), direction=d)
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
        compare_default(op_.has_default, op_.default, np_.has_default, np_.default, p, d, acc)
        compare_type(pairs, op_.type, np_.type, p, d, acc)
    for key, np_ in nps.items():
        if key in ops:
            continue
        p = key[0] + seg(key[1])
        if np_.required:
            acc.add("request-required-parameter-added", p, "required parameter added: {0}", Code(pytype(np_.type)), new=pytype(np_.type), direction=d)
        else:
            acc.add("request-parameter-added", p, "optional parameter added: {0}", Code(pytype(np_.type)), new=pytype(np_.type), direction=d)


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


def _is_success(status: str) -> bool:
    return status.startswith("2") or status.upper() == "2XX"


def _security(pairs: Pairs, o: ir.Operation, n: ir.Operation, acc: Acc) -> None:
    d = "request"
    osec = o.security if o.security is not None else pairs.old.security
    nsec = n.security if n.security is not None else pairs.new.security
    oset, nset = {frozenset(r) for r in osec}, {frozenset(r) for r in nsec}
    oneeds = bool(oset) and frozenset() not in oset
    nneeds = bool(nset) and frozenset() not in nset
    if oneeds and not nneeds:
        acc.add("security-removed", "security", "no credentials needed now", direction=d)
    elif nneeds and not oneeds:
        acc.add("security-added", "security", "credentials needed now: {0}", Vals(_req(r) for r in _sorted_reqs(nset)), new=[_req(r) for r in _sorted_reqs(nset)], direction=d)
    elif oneeds and nneeds:
        for r in _sorted_reqs(oset - nset):
            acc.add("security-requirement-removed", "security", "no longer accepts {0}", _req(r), old=_req(r), direction=d)
        for r in _sorted_reqs(nset - oset):
            acc.add("security-requirement-added", "security", "accepts {0}", _req(r), new=_req(r), direction=d)


def _sorted_reqs(reqs: set[frozenset[str]]) -> list[frozenset[str]]:
    return sorted(reqs, key=lambda r: sorted(r))


def _req(r: frozenset[str]) -> str:
    return " + ".join(sorted(r)) or "(none)"
