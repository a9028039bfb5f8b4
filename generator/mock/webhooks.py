"""`specgen mock SPEC --send-webhook NAME --to URL`: send one sample webhook (or callback) to a
receiver on this machine, as the API would.

The payload is the webhook's fixture (`fixtures/webhooks/<name>.json` under `--fixtures`, else
built from the spec), with the content type and the naming headers the spec declares. Only a
loopback host may receive it (127.0.0.0/8, ::1, localhost): specgen never sends to the network,
and redirects are not followed (one could point elsewhere).
"""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..diagnostics import UsageError
from ..model import ir

SEND_TIMEOUT = 10.0  # seconds for the receiver to answer


def loopback_url(url: str) -> str:
    """The URL when it is http(s) on a loopback host; UsageError naming what is wrong otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UsageError(f"--to {url!r}: give an http:// URL on 127.0.0.1 (the receiver of the webhook)")
    host = (parts.hostname or "").lower()
    try:
        ok = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        raise UsageError(f"--to {url!r}: {host or 'no host'} is not this machine; specgen sends webhooks to 127.0.0.1, ::1 or localhost only")
    return url


def find_hook(api: ir.Api, name: str) -> ir.Webhook:
    """The webhook or callback by its spec name or its snake-case name."""
    for h in api.hooks:
        if name in (h.name, h.py_name):
            return h
    known = ", ".join(h.name for h in api.hooks) or "none: the spec declares no webhooks or callbacks"
    raise UsageError(f"--send-webhook {name!r}: no such webhook (the spec's: {known})")


def sample(api: ir.Api, hook: ir.Webhook, fixtures_dir: Path | None) -> Any:
    from ..artifacts.fixtures.hooks import webhook_fixtures

    if fixtures_dir is not None:
        p = Path(fixtures_dir) / "webhooks" / f"{hook.py_name}.json"
        if p.is_file():
            try:
                return json.loads(p.read_text(encoding="utf-8"))
            except ValueError as e:
                raise UsageError(f"{p}: not JSON ({e})") from None
    samples, skipped = webhook_fixtures(api)
    if hook.py_name not in samples:
        why = dict(skipped).get(hook.py_name, "no sample could be built")
        raise UsageError(f"--send-webhook {hook.name!r}: no sample payload ({why})")
    return samples[hook.py_name]


def send(api: ir.Api, name: str, url: str, fixtures_dir: Path | None = None) -> tuple[int, str]:
    """Send the sample of webhook `name` to `url` (loopback only): (status, the answer's start)."""
    import httpx

    target = loopback_url(url)
    hook = find_hook(api, name)
    payload = sample(api, hook, fixtures_dir)
    headers = {"content-type": hook.content_type or "application/json", "user-agent": "specgen-mock", **dict(hook.headers)}
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    try:
        with httpx.Client(timeout=SEND_TIMEOUT, follow_redirects=False, trust_env=False) as client:
            r = client.request(hook.method.upper(), target, content=body, headers=headers)
    except httpx.HTTPError as e:
        raise UsageError(f"--to {url!r}: could not deliver the webhook ({type(e).__name__}: {e})") from None
    return r.status_code, " ".join(r.text[:200].split())
