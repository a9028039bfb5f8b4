"""Security compared by what goes on the wire: a scheme is how credentials travel (kind,
location, parameter name), not what the spec calls it. Two bearer schemes swapped, or a
scheme renamed, send the same `Authorization: Bearer ...`: no change. An operation's
requirements are compared as sets of such ways, with the OAuth scopes each asks for."""

from __future__ import annotations

from ..model import ir
from .changes import Acc, Vals, seg

Wire = tuple[str, str, str]  # (kind, location, parameter name)
Requirement = frozenset[Wire]


def wire(s: ir.SecurityScheme) -> Wire:
    # a scheme specgen can't send (`other`) is only the same as itself
    return (s.kind, s.location, s.param_name if s.kind != "other" else s.name)


def _show(w: Wire) -> str:
    kind, loc, name = w
    if kind in ("bearer", "oauth2", "openIdConnect"):
        return f"{kind} (Authorization header)"
    if kind == "basic":
        return "basic (Authorization header)"
    if kind == "apiKey":
        return f"API key in {loc} {name}"
    return name


def compare_schemes(old: ir.Api, new: ir.Api, acc: Acc) -> None:
    """The API's security schemes: one that changed how credentials travel breaks; one renamed
    but sent the same way is info."""
    osch = {s.name: s for s in old.security_schemes}
    nsch = {s.name: s for s in new.security_schemes}
    gone = [s for n, s in osch.items() if n not in nsch]
    came = [s for n, s in nsch.items() if n not in osch]
    for s in list(gone):
        twin = next((t for t in came if wire(t) == wire(s)), None)
        if twin is not None:
            gone.remove(s)
            came.remove(twin)
            acc.add("security-scheme-renamed", "securitySchemes" + seg(twin.name), "renamed from {0}; sent the same way", s.name, old=s.name, new=twin.name)
    for s in gone:
        acc.add("security-scheme-removed", "securitySchemes" + seg(s.name), "security scheme removed", old=s.kind)
    for name, s in osch.items():
        ns = nsch.get(name)
        if ns is not None and wire(s) != wire(ns):
            before, after = _show(wire(s)), _show(wire(ns))
            acc.add("security-scheme-changed", "securitySchemes" + seg(name), "credentials sent as {0} → {1}", before, after, old=before, new=after, direction="request")
    for s in came:
        acc.add("security-scheme-added", "securitySchemes" + seg(s.name), "security scheme added ({0})", s.kind, new=s.kind)


def requirements(api: ir.Api, op: ir.Operation) -> dict[Requirement, dict[Wire, frozenset[str]]]:
    """What an operation accepts: each alternative as the set of ways credentials travel,
    with the scopes asked per way (the API's default where the operation says nothing)."""
    schemes = {s.name: wire(s) for s in api.security_schemes}
    reqs: tuple[tuple[tuple[str, tuple[str, ...]], ...], ...]
    if op.security is not None:
        reqs = op.security_scopes if op.security_scopes is not None else tuple(tuple((n, ()) for n in r) for r in op.security)
    else:
        reqs = api.security_scopes if api.security_scopes or not api.security else tuple(tuple((n, ()) for n in r) for r in api.security)
    out: dict[Requirement, dict[Wire, frozenset[str]]] = {}
    for r in reqs:
        ways = {schemes.get(name, ("other", "header", name)): frozenset(scopes) for name, scopes in r}
        out[frozenset(ways)] = ways
    return out


def compare_requirements(old: ir.Api, new: ir.Api, o: ir.Operation, n: ir.Operation, acc: Acc) -> None:
    d = "request"
    oreq, nreq = requirements(old, o), requirements(new, n)
    oneeds = bool(oreq) and frozenset() not in oreq
    nneeds = bool(nreq) and frozenset() not in nreq
    if oneeds and not nneeds:
        acc.add("security-removed", "security", "no credentials needed now", direction=d)
    elif nneeds and not oneeds:
        shown = [_req(r) for r in _sorted(nreq)]
        acc.add("security-added", "security", "credentials needed now: {0}", Vals(shown), new=shown, direction=d)
    elif oneeds and nneeds:
        for r in _sorted(set(oreq) - set(nreq)):
            acc.add("security-requirement-removed", "security", "no longer accepts {0}", _req(r), old=_req(r), direction=d)
        for r in _sorted(set(nreq) - set(oreq)):
            acc.add("security-requirement-added", "security", "accepts {0}", _req(r), new=_req(r), direction=d)
        for r in _sorted(set(oreq) & set(nreq)):
            for w in sorted(r):
                added, removed = sorted(nreq[r][w] - oreq[r][w]), sorted(oreq[r][w] - nreq[r][w])
                if added:
                    acc.add("security-scope-added", "security", "{0} asks for scopes {1}", _show(w), Vals(added), new=added, direction=d)
                if removed:
                    acc.add("security-scope-removed", "security", "{0} no longer asks for scopes {1}", _show(w), Vals(removed), old=removed, direction=d)


def _sorted(reqs: set[Requirement] | dict[Requirement, dict[Wire, frozenset[str]]]) -> list[Requirement]:
    return sorted(reqs, key=lambda r: sorted(r))


def _req(r: Requirement) -> str:
    return " + ".join(sorted(_show(w) for w in r)) or "(none)"
