"""Webhooks (3.1 `webhooks:`) and callbacks: typed payload models, `client.webhooks.unwrap`
(by discriminator, naming header or name; unknown events kept raw), docs pages, fixtures,
generated tests, `specgen mock --send-webhook` (loopback only) and the diff; the real specs
of readmeio/oas-examples (../shared/corpus/real) as the outside check."""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import yaml

from support import CORPUS_IR, GENERATED_SUITE_ENV, ROOT, corpus, generated_suite, openapi, run_specgen, specgen_in_process, write_spec

pytestmark = CORPUS_IR  # shares each corpus spec's one normalization (support.CORPUS_IR)

SPEC = ROOT / "tests" / "specs" / "webhooks-3.1.yaml"
PACKAGE = "pet_events"


def _generate(out: Path, spec: Path, package: str, *extra: str) -> Any:
    res = specgen_in_process("generate", str(spec), "-o", str(out), "--package", package, "--quiet", *extra)
    assert res.returncode == 0, res.stderr
    sys.path.insert(0, str(out))
    try:
        return importlib.import_module(package)
    finally:
        sys.path.remove(str(out))


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pet-events") / "out"


@pytest.fixture(scope="module")
def pkg(out: Path) -> Any:
    return _generate(out, SPEC, PACKAGE)


def test_a_webhooks_only_spec_validates_and_generates_typed_payloads(pkg: Any, out: Path) -> None:
    assert specgen_in_process("validate", str(SPEC), "--strict").returncode == 0
    hooks = importlib.import_module(PACKAGE + ".webhooks")
    assert [h.name for h in hooks.WEBHOOKS] == ["petCreated", "petDeleted", "ping"]
    assert {h.name: h.type.__name__ for h in hooks.WEBHOOKS} == {"petCreated": "PetCreated", "petDeleted": "PetDeleted", "ping": "PingPayload"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert "pet_events/webhooks.py" in manifest["files"] and "docs/webhooks/pet_created.md" in manifest["files"]


def test_unwrap_reads_each_event_by_its_discriminator(pkg: Any) -> None:
    client = pkg.Client(base_url="http://h")
    created = client.webhooks.unwrap(b'{"type": "pet.created", "pet": {"id": 1, "name": "Rex", "species": "dog"}, "extra": 1}')
    assert isinstance(created, pkg.types.PetCreated) and created.pet.name == "Rex"
    deleted = client.webhooks.unwrap('{"type": "pet.deleted", "id": 7}')
    assert isinstance(deleted, pkg.types.PetDeleted) and deleted.id == 7


def test_unwrap_reads_an_event_named_by_its_header_or_by_its_name(pkg: Any) -> None:
    client = pkg.Client(base_url="http://h")
    ping = client.webhooks.unwrap({"sent_at": "2026-01-01T00:00:00Z"}, {"X-Pet-Event": "ping"})
    assert type(ping).__name__ == "PingPayload"
    named = client.webhooks.unwrap({"id": 3}, event="petDeleted")
    assert isinstance(named, pkg.types.PetDeleted) and named.id == 3


def test_an_event_the_spec_does_not_know_is_kept_raw(pkg: Any) -> None:
    hooks = importlib.import_module(PACKAGE + ".webhooks")
    client = pkg.Client(base_url="http://h")
    renamed = client.webhooks.unwrap({"type": "pet.renamed", "id": 1})
    assert isinstance(renamed, hooks.UnknownWebhookEvent) and renamed.raw == {"type": "pet.renamed", "id": 1}
    later = client.webhooks.unwrap({"a": 1}, event="petAdopted")
    assert isinstance(later, hooks.UnknownWebhookEvent) and later.name == "petAdopted"


def test_strict_unwrap_refuses_a_payload_that_does_not_match_and_any_refuses_non_json(pkg: Any) -> None:
    hooks = importlib.import_module(PACKAGE + ".webhooks")
    strict = pkg.Client(base_url="http://h", strict_response_validation=True)
    with pytest.raises(hooks.InvalidWebhookError, match="petDeleted"):
        strict.webhooks.unwrap({"type": "pet.deleted"})
    lenient = pkg.Client(base_url="http://h")
    assert lenient.webhooks.unwrap({"type": "pet.deleted"}).id is None  # forward compatible: built anyway
    with pytest.raises(hooks.InvalidWebhookError, match="not JSON"):
        lenient.webhooks.unwrap(b"<xml/>")
    with pytest.raises(pkg.ClientError):
        lenient.webhooks.unwrap(b"{")


def test_the_async_client_unwraps_too(pkg: Any) -> None:
    async def run() -> Any:
        async with pkg.AsyncClient(base_url="http://h") as client:
            return client.webhooks.unwrap({"type": "pet.created", "pet": {"id": 2, "name": "Tom"}})

    assert isinstance(asyncio.run(run()), pkg.types.PetCreated)


@pytest.mark.slow
def test_the_webhooks_package_passes_mypy_strict_and_black(pkg: Any, out: Path) -> None:
    usage = out / "usage.py"
    usage.write_text(
        "from pet_events import Client\n"
        "from pet_events.types import PetCreated\n"
        "from pet_events.webhooks import UnknownWebhookEvent\n"
        "e = Client().webhooks.unwrap(b'{}', {})\n"
        "reveal_type(e)\n"
        "if isinstance(e, PetCreated):\n"
        "    reveal_type(e.pet)\n"
        "reveal_type(Client().webhooks.unwrap({}, event='petDeleted'))\n"
    )
    res = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(ROOT / ".mypy_cache"), PACKAGE, "usage.py"], cwd=out, capture_output=True, text=True, timeout=600)
    revealed = [ln.split("Revealed type is ")[1] for ln in res.stdout.splitlines() if "Revealed type is" in ln]
    assert len(revealed) == 3, res.stdout[-3000:]
    assert "PetCreated" in revealed[0] and "PetDeleted" in revealed[0] and "UnknownWebhookEvent" in revealed[0]
    assert revealed[1].endswith('.Pet"')
    assert revealed[2].endswith('.PetDeleted"')  # named: the overload gives its payload model
    assert "error" not in res.stdout, res.stdout[-3000:]
    usage.unlink()
    black = subprocess.run([sys.executable, "-m", "black", "--check", "-q", PACKAGE], cwd=out, capture_output=True, text=True, timeout=300)
    assert black.returncode == 0, black.stderr[-2000:]


def test_docs_fixtures_and_generated_tests_cover_every_webhook(pkg: Any, out: Path) -> None:
    index = (out / "docs" / "README.md").read_text()
    assert "## Webhooks" in index and "[`petCreated`](webhooks/pet_created.md)" in index
    page = (out / "docs" / "webhooks" / "pet_deleted.md").read_text()
    assert "Told apart from the other webhooks when its `type` is `\"pet.deleted\"`" in page
    assert "| `reason` | string |" in page
    assert json.loads(page.split("```json\n")[1].split("```")[0]) == {"type": "pet.deleted", "id": 7, "reason": "adopted"}  # the spec's example
    ping = (out / "docs" / "webhooks" / "ping.md").read_text()
    assert "the header `x-pet-event` is `ping`" in ping
    for stem in ("pet_created", "pet_deleted", "ping"):
        assert json.loads((out / "fixtures" / "webhooks" / f"{stem}.json").read_text())
    args = generated_suite("--import-mode=importlib", str(out / "tests"))
    ran = subprocess.run(args, cwd=out, env={**os.environ, "SPECGEN_MOCK_SPEC": str(SPEC), **GENERATED_SUITE_ENV}, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0 and "6 passed" in ran.stdout, ran.stdout[-3000:]


class _Receiver:
    """A webhook receiver on 127.0.0.1 that records what it gets."""

    def __init__(self) -> None:
        got: list[tuple[str, str, dict[str, str], bytes]] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the http.server API)
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                got.append(("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.got = got
        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "_Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_mock_sends_a_sample_webhook_that_the_client_unwraps(pkg: Any, out: Path) -> None:
    with _Receiver() as receiver:
        res = run_specgen("mock", str(SPEC), "--send-webhook", "ping", "--to", receiver.url, "--fixtures", str(out / "fixtures"))
        res2 = run_specgen("mock", str(SPEC), "--send-webhook", "pet_created", "--to", receiver.url)
    assert res.returncode == 0 and res2.returncode == 0, res.stderr + res2.stderr
    (m1, path, headers, body), (_, _, _, body2) = receiver.got
    assert (m1, path, headers["content-type"], headers["x-pet-event"]) == ("POST", "/hooks", "application/json", "ping")
    client = pkg.Client(base_url="http://h")
    assert type(client.webhooks.unwrap(body, headers)).__name__ == "PingPayload"
    assert isinstance(client.webhooks.unwrap(body2, {}), pkg.types.PetCreated)


@pytest.mark.parametrize("to", ["http://example.com/hook", "http://10.0.0.1:8000/", "http://127.0.0.1.nip.io/", "ftp://127.0.0.1/", "http:///x"])
def test_mock_refuses_to_send_a_webhook_anywhere_but_this_machine(to: str) -> None:
    res = run_specgen("mock", str(SPEC), "--send-webhook", "ping", "--to", to)
    assert res.returncode == 2 and "127.0.0.1" in res.stderr and "Traceback" not in res.stderr, res.stderr


def test_mock_names_the_webhooks_when_asked_for_one_the_spec_lacks() -> None:
    res = run_specgen("mock", str(SPEC), "--send-webhook", "petRenamed", "--to", "http://127.0.0.1:9/")
    assert res.returncode == 2 and "petCreated, petDeleted, ping" in res.stderr
    res = run_specgen("mock", str(SPEC), "--send-webhook", "ping")
    assert res.returncode == 2 and "--to" in res.stderr


def test_diff_judges_a_webhook_payload_like_an_answer(tmp_path: Path) -> None:
    doc = yaml.safe_load(SPEC.read_text())
    doc["components"]["schemas"]["PetDeleted"]["properties"]["reason"]["enum"] = ["adopted", "lost"]
    doc["components"]["schemas"]["Pet"]["properties"]["species"]["enum"].append("fish")
    new = write_spec(tmp_path, doc, "new.yaml")
    res = specgen_in_process("diff", str(SPEC), str(new), "--format", "json")
    found = {(c["rule"], c["path"], c["severity"]) for g in json.loads(res.stdout)["groups"] for c in g["changes"]}
    assert ("response-enum-closed", "webhooks.petDeleted.payload.reason", "info") in found
    assert any(rule == "response-enum-value-added" and path == "webhooks.petCreated.payload.pet.species" for rule, path, _ in found), found
    assert not any(rule == "webhook-changed" for rule, _, _ in found)


def test_a_resource_named_webhooks_keeps_its_name(tmp_path: Path) -> None:
    hook = {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}}}}}, "responses": {"200": {"description": "ok"}}}}
    listing = {"get": {"operationId": "listWebhooks", "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "string"}}}}}}}}
    spec = write_spec(tmp_path, openapi({"/webhooks": listing}, webhooks={"ping": hook}, servers=[{"url": "http://h"}]), "hooks.yaml")
    mod = _generate(tmp_path / "out", spec, "hooked", "--formatter", "none")
    client = mod.Client()
    assert hasattr(client.webhooks, "list") and type(client.webhook_events.unwrap({"id": "1"})).__name__ == "PingPayload"
    tests = tmp_path / "out" / "tests"
    assert "client.webhook_events" in (tests / "test_webhooks.py").read_text() and "listWebhooks" in (tests / "cases" / "test_webhooks2.json").read_text()


@pytest.mark.corpus
def test_readme_webhooks_spec_generates_typed_webhook_models(tmp_path: Path) -> None:
    mod = _generate(tmp_path / "out", corpus("real/readme-3.1/webhooks.yaml"), "readme_webhooks", "--formatter", "none")
    pet = mod.Client(base_url="http://h").webhooks.unwrap(b'{"id": 1, "name": "doggie", "tag": "dog"}', {"content-type": "application/json"})
    assert isinstance(pet, mod.types.Pet) and (pet.id, pet.name, pet.tag) == (1, "doggie", "dog")
    assert (tmp_path / "out" / "docs" / "webhooks" / "new_pet.md").is_file()
    assert json.loads((tmp_path / "out" / "fixtures" / "webhooks" / "new_pet.json").read_text())["name"]


@pytest.mark.corpus
def test_readme_webhook_of_train_travel_and_callback_spec_are_typed(normalized: Callable[[Path], Any]) -> None:
    travel = normalized(corpus("real/readme-3.1/train-travel.yaml"))
    (booking,) = travel.hooks
    assert (booking.name, booking.kind, booking.method) == ("newBooking", "webhook", "post")
    assert {f.name for f in travel.model(booking.payload.ref).fields} >= {"id", "trip_id", "passenger_name", "links"}
    callbacks = normalized(corpus("real/readme-3.0/callbacks.yaml"))
    (on_data,) = callbacks.hooks
    assert (on_data.name, on_data.kind, on_data.expression) == ("onData", "callback", "{$request.query.callbackUrl}/data")
    assert on_data.operation == callbacks.operations[0].id
    assert {f.name for f in callbacks.model(on_data.payload.ref).fields} == {"timestamp", "userData"}


@pytest.mark.corpus
def test_readme_callback_payload_unwraps_in_the_generated_client(tmp_path: Path) -> None:
    mod = _generate(tmp_path / "out", corpus("real/readme-3.0/callbacks.yaml"), "readme_callbacks", "--formatter", "none")
    data = mod.Client(base_url="http://h").webhooks.unwrap({"timestamp": "2026-01-01T00:00:00Z", "userData": "x"})
    assert type(data).__name__ == "OnDataPayload" and data.userData == "x"
    page = (tmp_path / "out" / "docs" / "webhooks" / "on_data.md").read_text()
    assert "`POST {$request.query.callbackUrl}/data` · callback · registered by [`client.streams.create`]" in page


@pytest.mark.corpus
def test_openai_webhooks_match_the_official_sdk(normalized: Callable[[Path], Any]) -> None:
    """The official `openai` package's `UnwrapWebhookEvent` as the oracle: every webhook of the
    OpenAI spec is told apart by the same `type` values, and every sample payload specgen makes
    parses there into the event class of that type."""
    import typing

    from pydantic import TypeAdapter
    from openai.types.webhooks import UnwrapWebhookEvent

    from specgen.artifacts.fixtures.hooks import webhook_fixtures

    api = normalized(corpus("openai-2026-08-21.yaml"))
    assert api.webhook_discriminator == "type" and len(api.hooks) >= 16
    sdk_types = {a.model_fields["type"].annotation.__args__[0]: a for a in typing.get_args(typing.get_args(UnwrapWebhookEvent)[0])}
    assert {h.tag for h in api.hooks} <= set(sdk_types)
    samples, skipped = webhook_fixtures(api)
    assert not skipped and len(samples) == len(api.hooks)
    adapter = TypeAdapter(UnwrapWebhookEvent)
    for h in api.hooks:
        event = adapter.validate_python(samples[h.py_name])
        assert type(event) is sdk_types[h.tag] and event.type == h.tag, h.name
