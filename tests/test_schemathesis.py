"""Schemathesis, an API tester nobody here wrote, against `specgen mock` (issue 15 item 5).

For the seed specs, the OpenAI 2025 corpus spec and real specs that exercise parameter styles,
forms, uploads, encodings and security, every Schemathesis check passes except the ones listed
in EXCLUDED (with why). Bounded: a few examples per operation, deterministic generation (no
seed drawn at random), one worker, requests only to the mock on 127.0.0.1, a time limit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import CORPUS, ROOT, SEED_SPECS

from specgen.mock.server import MockServer

# checks that need what a mock cannot have, and why
EXCLUDED = {
    "use_after_free": "stateful: needs a backend that really deletes what it created",
    "ensure_resource_availability": "stateful: needs a backend that keeps what it created",
    "ignored_auth": "the mock accepts any credential of the right form: it cannot tell a real key from a wrong one",
    "status_code_conformance": "run as status_code_conformance_where_documentable (tests/schemathesis_hooks.py): the same check, "
    "except for a refusal the spec documents no status for, where its other checks demand the refusal",
    "response_schema_conformance": "run as response_schema_conformance_but_event_streams (tests/schemathesis_hooks.py): the same check, "
    "except for event streams, whose schema 3.0 / 3.1 specs give for each event's data, not for the event object",
    "content_type_conformance": "run as content_type_conformance_but_asked_streams (tests/schemathesis_hooks.py): the same check, "
    "except for an event stream a body's `stream: true` asked for where the spec declares none",
    "negative_data_rejection": "run as negative_data_rejection_but_same_on_the_wire (tests/schemathesis_hooks.py): the same check, "
    "except where the invalid value's bytes in a path or form are also a valid value's (a one-item array)",
}
_CHILD_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")  # all the Schemathesis child needs
PHASES = "examples,coverage,fuzzing"  # stateful testing needs a real backend, like the checks above

SPECS = {
    **{name: (path, 5) for name, path in SEED_SPECS.items()},
    # the largest: one example per operation still tests all 110 of 110 (as 2 did), for ~20% less CPU
    "openai-2025-02-10": (CORPUS / "openai-2025-02-10.yaml", 1),
    "readme-3.0/parameters-style": (CORPUS / "real/readme-3.0/parameters-style.yaml", 3),
    "readme-3.0/form-data": (CORPUS / "real/readme-3.0/form-data.yaml", 5),
    "readme-3.0/file-uploads": (CORPUS / "real/readme-3.0/file-uploads.yaml", 5),
    "readme-3.0/security": (CORPUS / "real/readme-3.0/security.yaml", 5),
    "readme-3.0/schema-encoding-style": (CORPUS / "real/readme-3.0/schema-encoding-style.yaml", 5),
    "museum": (CORPUS / "real/museum.yaml", 3),
    "twilio-messaging-v1": (CORPUS / "real/twilio-messaging-v1.yaml", 2),
    "spotify": (CORPUS / "real/spotify.yaml", 2),
}


def auth_config(spec: Path) -> str:
    """schemathesis.toml giving a credential of the right form for every security scheme of the
    spec (Schemathesis' OpenAPI-aware auth), so that checks reach past the mock's 401: without
    it every secured operation is refused before its parameters and body are read."""
    import yaml

    doc = yaml.load(spec.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    schemes = ((doc.get("components") or {}).get("securitySchemes") or {}) if isinstance(doc, dict) else {}
    lines: list[str] = []
    bearer_only = False  # oauth2 / openIdConnect: a Bearer header, which Schemathesis' auth config has no entry for
    has_basic = False
    for name, s in schemes.items():
        kind, scheme = s.get("type"), str(s.get("scheme", "")).lower()
        if kind == "apiKey":
            lines += [f"[auth.openapi.{json.dumps(name)}]", 'api_key = "test"']
        elif kind == "http" and scheme == "basic":
            lines += [f"[auth.openapi.{json.dumps(name)}]", 'username = "test"', 'password = "test"']
            has_basic = True
        elif kind == "http" and scheme == "bearer":
            lines += [f"[auth.openapi.{json.dumps(name)}]", 'bearer = "test"']
        elif kind in ("oauth2", "openIdConnect"):
            bearer_only = True
    head = ['headers = { Authorization = "Bearer test" }'] if bearer_only and not has_basic else []
    return "\n".join(head + lines) + "\n"


def test_auth_config_gives_each_scheme_a_credential_of_its_form(tmp_path: Path) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text(json.dumps({"components": {"securitySchemes": {"k": {"type": "apiKey", "in": "query", "name": "key"}, "b": {"type": "http", "scheme": "bearer"}, "o": {"type": "oauth2", "flows": {}}}}}))
    text = auth_config(spec)
    assert '[auth.openapi."k"]\napi_key = "test"' in text and '[auth.openapi."b"]\nbearer = "test"' in text
    assert text.startswith('headers = { Authorization = "Bearer test" }')


def test_excluded_checks_are_listed_with_a_reason() -> None:
    from schemathesis.checks import CHECKS, load_all_checks

    load_all_checks()
    known = set(CHECKS.get_all_names())
    assert set(EXCLUDED) <= known, set(EXCLUDED) - known
    assert all(len(why) > 20 for why in EXCLUDED.values())


def _params() -> list[object]:
    """One case per spec, each its own xdist group (they share nothing), weighted by spec size
    times examples so that the long ones start first (tests/conftest.py orders groups)."""
    def weight(path: Path, examples: int) -> int:
        return (path.stat().st_size if path.is_file() else 0) * examples

    return [pytest.param(name, marks=pytest.mark.xdist_group(f"schemathesis-{name}", weight=weight(*SPECS[name]))) for name in sorted(SPECS)]


@pytest.mark.parametrize("name", _params())
def test_schemathesis_passes_against_the_mock(name: str, tmp_path: Path) -> None:
    spec, examples = SPECS[name]
    if not spec.is_file():
        pytest.skip(f"{spec} is absent (../shared/corpus is only beside developer and CI checkouts)")
    report = tmp_path / "report.json"
    config = tmp_path / "schemathesis.toml"
    config.write_text(auth_config(spec))
    cmd = [
        str(Path(sys.executable).parent / "schemathesis"), "--no-color", "--config-file", str(config), "run", str(spec),
        "--max-examples", str(examples), "--generation-deterministic", "--workers", "1",
        "--phases", PHASES, "--checks", "all", "--exclude-checks", ",".join(EXCLUDED),
        "--request-timeout", "30", "--max-failures", "25", "--report", "json", "--report-json-path", str(report),
    ]  # fmt: skip
    # a bare environment: requests reads every variable on every request (for proxies: ~10% of the
    # child's CPU with this machine's 35), and no proxy setting can route a request off 127.0.0.1
    env = {k: v for k, v in os.environ.items() if k in _CHILD_ENV}
    env |= {"SCHEMATHESIS_HOOKS": "schemathesis_hooks", "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")])}
    with MockServer(spec) as server:
        res = subprocess.run([*cmd, "--url", server.base_url], capture_output=True, text=True, timeout=900, cwd=tmp_path, env=env)
    assert report.is_file(), res.stdout[-3000:] + res.stderr[-3000:]
    data = json.loads(report.read_text())
    assert data["operations"]["tested"] > 0 and not data["errors"], res.stdout[-6000:]
    failures = {f["code"] + " " + f["title"]: f["operations"] for f in data["failures"]}
    assert not failures, json.dumps(failures, indent=1)[:2000] + "\n" + res.stdout[-8000:]
