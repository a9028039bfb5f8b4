"""Security requirements: does a request carry a credential of the right form?

An operation's requirement (its own `security`, else the API's) is a list of alternatives, each
a set of schemes that must all be present; an empty alternative (`{}`) admits anyone. The mock
cannot know real credentials, so any value of the right form is accepted:

- http `bearer`, `oauth2`, `openIdConnect`: `Authorization: Bearer <token>`;
- http `basic`: `Authorization: Basic <base64>`;
- `apiKey`: its header, query parameter or cookie, whatever it holds.

Schemes the mock cannot check (mutual TLS, other http schemes, names no client can send, names
the spec never defines) count as present.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from typing import Any, Mapping

from ..model import ir


@dataclass(frozen=True)
class Missing:
    """Why a request is not authenticated: what it should send, and the WWW-Authenticate header."""

    message: str
    challenge: str


def requirement(op: ir.Operation, api: ir.Api) -> tuple[tuple[str, ...], ...]:
    return op.security if op.security is not None else api.security


def cookies_of(header: str) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return {}
    return {k: m.value for k, m in jar.items()}


def _has(s: ir.SecurityScheme, headers: Mapping[str, str], query: list[tuple[str, str]], cookies: dict[str, str]) -> bool:
    if s.kind in ("bearer", "oauth2", "openIdConnect"):
        # the scheme is the form; a token's content is the server's to judge, not the mock's
        return headers.get("authorization", "").strip().partition(" ")[0].lower() == "bearer"
    if s.kind == "basic":
        scheme, _, token = headers.get("authorization", "").strip().partition(" ")
        if scheme.lower() != "basic" or not token.strip():
            return False
        try:
            base64.b64decode(token.strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
        return True
    if s.kind == "apiKey":
        # present is the form: what a key holds is the server's to judge
        if s.location == "query":
            return any(k == s.param_name for k, _ in query)
        if s.location == "cookie":
            return s.param_name in cookies
        return s.param_name.lower() in headers
    return True  # `other`: nothing the mock can check


def _how(s: ir.SecurityScheme) -> str:
    if s.kind in ("bearer", "oauth2", "openIdConnect"):
        return "an `Authorization: Bearer <token>` header"
    if s.kind == "basic":
        return "an `Authorization: Basic <base64 of user:password>` header"
    return f"the API key in the {'query parameter' if s.location == 'query' else s.location} `{s.param_name}`"


def check(op: ir.Operation, api: ir.Api, headers: Mapping[str, str], query: list[tuple[str, str]]) -> Missing | None:
    """None when the request satisfies one alternative of the operation's requirement."""
    alternatives = requirement(op, api)
    if not alternatives:
        return None
    schemes = {s.name: s for s in api.security_schemes}
    cookies = cookies_of(headers.get("cookie", "")) if "cookie" in headers else {}
    wanted: list[list[ir.SecurityScheme]] = []
    for alt in alternatives:
        known = [schemes[n] for n in alt if n in schemes]
        if all(_has(s, headers, query, cookies) for s in known):
            return None
        wanted.append([s for s in known if not _has(s, headers, query, cookies)])
    options = [" and ".join(_how(s) for s in w) for w in wanted if w]
    message = "this operation needs credentials: send " + " or ".join(dict.fromkeys(options))
    return Missing(message, _challenge([s for w in wanted for s in w]))


def _challenge(schemes: list[ir.SecurityScheme]) -> str:
    """The WWW-Authenticate value (RFC 9110): one challenge per auth scheme asked for."""
    out: list[str] = []
    for s in schemes:
        c = 'Basic realm="specgen mock"' if s.kind == "basic" else 'Bearer realm="specgen mock"' if s.kind in ("bearer", "oauth2", "openIdConnect") else f'ApiKey realm="specgen mock", in="{s.location}", name="{_quoted(s.param_name)}"'
        if c not in out:
            out.append(c)
    return ", ".join(out) or 'Bearer realm="specgen mock"'


def _quoted(text: str) -> str:
    return "".join(ch for ch in text if ch.isprintable() and ch not in '"\\')


def headers_dict(headers: Any) -> dict[str, str]:
    """Request headers as a plain dict with lower-case names (the last value of a repeated one)."""
    return {str(k).lower(): str(v) for k, v in headers.items()}
