"""Which operation a request is for: method and path template, the servers' base path optional.

Literal segments beat parameters (`/chat/completions/messages` before `/chat/completions/{id}`),
also for a method only the less specific template has (that is 405, as the path names the first);
a path key's own query (`/responses?beta=true`) must be present in the request; path keys that
differ only by a `#fragment` (Box: `/files/{id}#get_shared_link`) are one URL on the wire, so
the operation whose required query parameters the request carries wins (most of them first).
Path parameters are matched on the raw, still percent-encoded path (`a%2Fb` is one segment)
and decoded afterwards by their style.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from ..model import ir

METHODS = ("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE")
_PATH_SAFE = "/!$&'()*+,;=:@-._~"


@dataclass(frozen=True)
class Route:
    op: ir.Operation
    regex: re.Pattern[str]
    names: tuple[str, ...]
    literal_segments: int
    fixed_query: tuple[tuple[str, str], ...]  # `/responses?beta=true`: the template's own query
    required_query: frozenset[str]


@dataclass(frozen=True)
class Match:
    """The operation found (None: none), its path parameters as sent, and the methods the path
    allows (for 405 and OPTIONS)."""

    op: ir.Operation | None
    path_params: dict[str, str]
    allowed: tuple[str, ...]


def route_of(op: ir.Operation) -> Route:
    names: list[str] = []
    parts = []
    literal = 0
    # dot segments are resolved in the IR already (`/files/../admin` is `/admin` to every client)
    for seg in op.url_path.partition("#")[0].strip("/").split("/"):
        rx = ""
        has_param = False
        for piece in re.split(r"(\{[^}/]+\})", seg):
            if piece.startswith("{") and piece.endswith("}"):
                names.append(piece[1:-1])
                rx += f"(?P<p{len(names) - 1}>[^/]*)"  # empty: an undefined value (RFC 6570)
                has_param = True
            else:
                # a client sends literal characters percent-encoded where a URL needs it
                quoted = quote(piece, safe=_PATH_SAFE)
                rx += re.escape(piece) if quoted == piece else f"(?:{re.escape(piece)}|{re.escape(quoted)})"
        literal += 0 if has_param else 1
        parts.append(rx)
    required = frozenset(p.name for p in op.parameters if p.location == "query" and p.required and p.style != "querystring")
    return Route(op, re.compile("^/" + "/".join(parts) + "/?$"), tuple(names), literal, tuple(op.fixed_query), required)


def base_paths(api: ir.Api) -> list[str]:
    out = []
    for url in api.servers:
        path = urlsplit(url).path.rstrip("/") if "://" in url else url.rstrip("/")
        if path and path not in out:
            out.append(path)
    return out


class Router:
    """Every operation's route, most specific first."""

    def __init__(self, api: ir.Api):
        routes = [route_of(op) for op in api.operations]
        # a template's own query string makes it more specific (/responses?beta=true)
        self.routes = sorted(routes, key=lambda r: (-r.literal_segments, len(r.names), -len(r.fixed_query)))
        self.bases = base_paths(api)

    def match(self, method: str, path: str, query: list[tuple[str, str]]) -> Match:
        """The operation for a raw request path (percent-encoded, without the query)."""
        given = set(query)
        given_names = {unquote(k) for k, _ in query}
        candidates = [path]
        for b in self.bases:
            if path == b or path.startswith(b + "/"):
                candidates.append(path[len(b):] or "/")
        method = method.lower()
        for cand in candidates:
            hits = [(r, m) for r in self.routes if (m := r.regex.match(cand)) is not None and set(r.fixed_query) <= given]
            if not hits:
                continue
            # the methods of the most specific template that matches: what `Allow` lists
            first = hits[0][0].regex.pattern
            allowed = tuple(dict.fromkeys(r.op.method.upper() for r, _ in hits if r.regex.pattern == first))
            # the path names the most specific template: another method there is 405, never a
            # less specific template's operation (`/services/usecases` is not `/services/{sid}`)
            mine = [(r, m) for r, m in hits if r.op.method == method and r.regex.pattern == first]
            if not mine:
                return Match(None, {}, allowed)
            pattern = first
            same = [(r, m) for r, m in mine if r.regex.pattern == pattern]
            # Box: one URL, several keys; the one whose required query the request carries
            r, m = max(same, key=lambda h: (h[0].required_query <= given_names, len(h[0].required_query) if h[0].required_query <= given_names else -len(h[0].required_query)))
            return Match(r.op, {n: m.group(f"p{i}") for i, n in enumerate(r.names)}, allowed)
        return Match(None, {}, ())
