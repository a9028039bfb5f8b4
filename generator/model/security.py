"""Security: the spec's `securitySchemes`, each with the client arguments that carry its
credentials, and the environment variables' prefix (`OPENAI` for "OpenAI API").

Credential arguments: bearer and apiKey schemes take `api_key`, basic takes `username` and
`password`, oauth2 and openIdConnect take `access_token` (a ready token) and, with a
client-credentials flow, `client_id` and `client_secret` (the client fetches the token). The
first scheme of a kind (the API's default requirement first) takes these names; the others
are named after their scheme (`AdminApiKeyAuth` -> `admin_api_key`). A scheme no client can send
(mutual TLS, an apiKey whose name is not an HTTP token, an unknown type) is kind `other` and
takes none; the operations needing only it get a warning.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..diagnostics import join_pointer
from . import ir
from .context import Context
from .keywords import text_of
from .naming import CLIENT_ATTRS, PY_RESERVED, Namer, env_prefix, snake


def _scheme_kind(cx: Context, name: str, s: dict[str, Any]) -> tuple[str, str, str]:
    """(kind, location, parameter name) of one scheme object."""
    typ = s.get("type")
    http_scheme = str(s.get("scheme", "")).lower()
    if typ == "http" and http_scheme == "bearer":
        return "bearer", "header", "Authorization"
    if typ == "http" and http_scheme == "basic":
        return "basic", "header", "Authorization"
    if typ == "apiKey" and s.get("in") in ("header", "query", "cookie") and isinstance(s.get("name"), str):
        sptr = join_pointer("/components/securitySchemes", name, "name")
        usable = cx.wire_name_ok(s["name"], s["in"], "security scheme", cx.main, sptr)
        # a header or cookie name no HTTP client can send: the client skips the scheme
        return ("apiKey" if usable else "other"), s["in"], s["name"]
    if typ in ("oauth2", "openIdConnect"):
        return typ, "header", "Authorization"
    return "other", "header", "Authorization"


def _client_credentials(s: dict[str, Any]) -> tuple[str | None, tuple[str, ...]]:
    """The token URL and scopes of an oauth2 scheme's clientCredentials flow, if it has one."""
    flows = s.get("flows")
    flow = flows.get("clientCredentials") if isinstance(flows, dict) else None
    if not isinstance(flow, dict) or not isinstance(flow.get("tokenUrl"), str) or not flow["tokenUrl"]:
        return None, ()
    scopes = flow.get("scopes")
    return flow["tokenUrl"], tuple(str(k) for k in scopes) if isinstance(scopes, dict) else ()


def _own_name(scheme: str, kind: str, suffix: str) -> str:
    """A second scheme's argument, after the scheme: `AdminApiKeyAuth` -> `admin_api_key`,
    `bearer_jwt` -> `bearer_jwt_token`, `partner` (apiKey) -> `partner_key`, `basic2` -> `basic2_username`."""
    words = [w for w in snake(scheme, "auth").split("_") if w not in ("auth", "security", "scheme")] or ["auth"]
    base = "_".join(words)
    if suffix in ("api_key", "access_token") and ("key" in words or "token" in words):
        return base
    tail = {"api_key": "key" if kind == "apiKey" else "token", "access_token": "token"}.get(suffix, suffix)
    return f"{base}_{tail}"


def security_schemes(cx: Context, default: tuple[tuple[str, ...], ...]) -> tuple[ir.SecurityScheme, ...]:
    """Every scheme, with its credential arguments (unique, shadowing nothing on the client)."""
    comps = cx.root.get("components")
    raw = comps.get("securitySchemes") if isinstance(comps, dict) else None
    if not isinstance(raw, dict):
        return ()
    found: list[tuple[str, dict[str, Any], str, str, str]] = []
    for name, s in raw.items():
        s, _, _ = cx.deref(s, cx.main, join_pointer("/components/securitySchemes", name))
        if isinstance(s, dict):
            kind, location, param = _scheme_kind(cx, str(name), s)
            found.append((str(name), s, kind, location, param))
    # the API's default schemes name their credentials first
    first = [n for req in default for n in req]
    found.sort(key=lambda f: (first.index(f[0]) if f[0] in first else len(first), f[0]))  # not the document's order
    args = Namer(reserved=(CLIENT_ATTRS - {"api_key", "username", "password", "client_id", "client_secret", "access_token"}) | PY_RESERVED)
    taken_kinds: set[str] = set()
    out: dict[str, ir.SecurityScheme] = {}
    for name, s, kind, location, param in found:
        token_url, scopes = _client_credentials(s) if kind == "oauth2" else (None, ())
        wanted: tuple[str, ...]
        if kind in ("bearer", "apiKey"):
            wanted = ("api_key",)
            family = "key"
        elif kind == "basic":
            wanted = ("username", "password")
            family = "basic"
        elif kind in ("oauth2", "openIdConnect"):
            wanted = ("access_token", "client_id", "client_secret") if token_url else ("access_token",)
            family = "oauth"
        else:
            wanted, family = (), ""
        if family and family in taken_kinds:
            wanted = tuple(_own_name(name, kind, w) for w in wanted)
        taken_kinds.add(family)
        creds = tuple(args.claim(w) if w not in args else args.claim(_own_name(name, kind, w)) for w in wanted)
        out[name] = ir.SecurityScheme(name, kind, location, param, text_of(s.get("description")), creds, token_url, scopes)  # type: ignore[arg-type]
    return tuple(out[n] for n in raw if str(n) in out)


# the form a scheme's value takes in its carrier; apiKeys hold anything, so they share a carrier freely
_FORMS = {"bearer": "Bearer", "oauth2": "Bearer", "openIdConnect": "Bearer", "basic": "Basic"}


def _clash(alternative: tuple[str, ...], schemes: dict[str, ir.SecurityScheme]) -> str | None:
    """Why one request cannot carry every scheme of `alternative`: two of them need the same
    header in different forms (`basic` and `oauth2` both in `Authorization`), else None."""
    forms: dict[str, dict[str, str]] = {}  # carrier -> form -> scheme
    for name in alternative:
        s = schemes.get(name)
        if s is not None and s.kind in _FORMS:
            forms.setdefault(s.param_name.lower(), {}).setdefault(_FORMS[s.kind], name)
    for carrier, by_form in forms.items():
        if len(by_form) > 1:
            named = " and ".join(f"`{n}` ({form})" for form, n in sorted(by_form.items()))
            return f"{named} both need the `{schemes[next(iter(by_form.values()))].param_name}` header, and a request has one"
    return None


def unsendable(cx: Context, operations: list[ir.Operation], schemes: tuple[ir.SecurityScheme, ...], default: tuple[tuple[str, ...], ...]) -> list[ir.Operation]:
    """Operations whose every security alternative needs one header twice get the reason (no
    request can satisfy them as written: their generated tests are skipped, saying so) and a warning."""
    by_name = {s.name: s for s in schemes}
    out: list[ir.Operation] = []
    for op in operations:
        alternatives = op.security if op.security is not None else default
        reasons = [_clash(alt, by_name) for alt in alternatives]
        if alternatives and all(reasons):
            why = "no request can carry its security requirement as written: " + "; or ".join(dict.fromkeys(r for r in reasons if r))
            file, pointer = cx.docs.split_where(op.pointer)
            cx.diags.warning("unsendable-security", f"{op.method.upper()} {op.path}: {why}", hint="list these schemes as alternatives (separate requirement objects) instead of one set", file=file, pointer=pointer + ("/security" if op.security is not None else ""))
            op = replace(op, security_unsendable=why)
        out.append(op)
    return out


def api_env_prefix(title: str) -> str:
    """The environment variables' prefix: the title's first word (`OpenAI API` -> `OPENAI`)."""
    return env_prefix(title) or ""
