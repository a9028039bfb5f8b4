"""Semantics a hostile (or careless) spec can get wrong in the client (issue 20, item 6), on
tests/hostile/semantics-30.yaml and its 3.1 twin: readOnly / writeOnly per direction, a
discriminator without `mapping` (the schema name is the tag), and path templates with dot
segments. The client, the fixtures and the mock must agree: the generated suite proves it."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import httpx
import pydantic
import pytest

from support import GENERATED_SUITE_ENV, ROOT, generated_suite, run_specgen

from specgen.mock.server import MockServer
from specgen.model import normalize  # noqa: F401 - first: model.operations is imported through it
from specgen.model.operations import dot_free

HOSTILE = ROOT / "tests" / "hostile"
VERSIONS = {"30": HOSTILE / "semantics-30.yaml", "31": HOSTILE / "semantics-31.yaml"}


class Generated:
    def __init__(self, version: str, out: Path, stderr: str) -> None:
        self.version, self.out, self.stderr = version, out, stderr
        self.spec = VERSIONS[version]
        self.package = f"sem{version}"

    def module(self, name: str = "") -> Any:
        if str(self.out) not in sys.path:
            sys.path.insert(0, str(self.out))
        return importlib.import_module(self.package + (f".{name}" if name else ""))


@pytest.fixture(scope="module", params=sorted(VERSIONS))
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    version = str(request.param)
    out = tmp_path_factory.mktemp(f"sem{version}") / "out"
    res = run_specgen("generate", str(VERSIONS[version]), "-o", str(out), "--package", f"sem{version}", "--formatter", "none")
    assert res.returncode == 0, res.stderr
    gen = Generated(version, out, res.stderr)
    yield gen
    sys.path.remove(str(out)) if str(out) in sys.path else None


def _recording_client(gen: Generated, seen: list[httpx.Request], status: int = 204) -> Any:
    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return httpx.Response(status, json={"id": "u1", "name": "n"} if status == 200 else None)

    return gen.module().Client(base_url="http://api.test/v1", http_client=httpx.Client(transport=httpx.MockTransport(handler)))


# ------------------------------------------------------------------ readOnly / writeOnly


def test_required_write_only_property_is_optional_in_the_response_model(generated: Generated) -> None:
    types = generated.module("types")
    user = types.User.model_validate({"id": "u1", "name": "n"})  # pydantic itself: no lenient fallback
    assert user.password is None and "password" not in user.model_fields_set
    with pytest.raises(pydantic.ValidationError):
        types.User.model_validate({"name": "n"})  # readOnly `id` stays required in a response


def test_required_read_only_property_is_not_sent_and_write_only_one_is_required(generated: Generated) -> None:
    import inspect

    seen: list[httpx.Request] = []
    client = _recording_client(generated, seen, status=200)
    params = inspect.signature(client.users.create).parameters
    assert "id" not in params
    assert params["name"].default is inspect.Parameter.empty and params["password"].default is inspect.Parameter.empty
    user = client.users.create(name="n", password="p")
    assert json.loads(seen[0].content) == {"name": "n", "password": "p"}
    assert user.id == "u1" and user.password is None


# ------------------------------------------------------------------ discriminator without mapping


def test_discriminator_without_mapping_reads_the_schema_the_tag_names(generated: Generated) -> None:
    types, models = generated.module("types"), generated.module("_models")
    dog = models.validate_as(types.Pet, {"kind": "Dog"}, strict=True)
    assert type(dog) is types.Dog  # was Cat: the first variant whose fields fit
    assert type(models.validate_as(types.Pet, {"kind": "Cat", "lives": 9}, strict=True)) is types.Cat
    owner = models.validate_as(types.Owner, {"pet": {"kind": "Dog", "bark": "woof"}}, strict=True)
    assert type(owner.pet) is types.Dog and owner.pet.bark == "woof"


def test_discriminator_without_mapping_stays_forward_compatible(generated: Generated) -> None:
    types, models = generated.module("types"), generated.module("_models")
    bird = models.validate_as(types.Pet, {"kind": "Bird", "wings": 2})
    assert type(bird) is types.UnknownPet and bird.kind == "Bird" and bird.raw == {"kind": "Bird", "wings": 2}
    with pytest.raises(pydantic.ValidationError):
        models.validate_as(types.Pet, {"kind": "Bird"}, strict=True)
    # a known tag with a field the spec types otherwise: still that variant, built leniently
    odd = models.validate_as(types.Owner, {"pet": {"kind": "Dog", "bark": 5}})
    assert type(odd.pet) is types.Dog and odd.pet.bark == 5


# ------------------------------------------------------------------ dot segments


@pytest.mark.parametrize(
    ("template", "sent"),
    [
        # RFC 3986 section 5.2.4's own examples, then templates and the key's own query / fragment
        ("/a/b/c/./../../g", "/a/g"),
        ("/mid/content=5/../6", "/mid/6"),
        ("/files/../../admin/{id}", "/admin/{id}"),
        ("/reports/./%2e%2E/today", "/today"),
        ("/a/b/../", "/a/"),
        ("/a/..b/.../c", "/a/..b/.../c"),
        ("/x/../y?beta=true", "/y?beta=true"),
        ("/x/./y#shared", "/x/y#shared"),
    ],
)
def test_dot_segments_resolve_as_a_client_resolves_them(template: str, sent: str) -> None:
    assert dot_free(template) == sent
    if not set(template) & set("{?#%"):
        assert httpx.URL("http://h" + template).path == sent  # httpx resolves them alike


def test_dot_segment_path_is_generated_as_sent_with_a_warning_at_its_pointer(generated: Generated) -> None:
    name = generated.spec.name
    lines = [ln for ln in generated.stderr.splitlines() if "[dot-segments]" in ln]
    assert any(ln.startswith(f"{name}:51: warning[dot-segments]") and "(at /paths/~1files~1..~1..~1admin~1{id})" in ln for ln in lines), generated.stderr
    assert any(ln.startswith(f"{name}:58: ") and "'/today'" in ln for ln in lines), generated.stderr
    manifest = json.loads((generated.out / "manifest.json").read_text())
    assert not any(".." in json.dumps(op) for op in manifest["operations"]), manifest["operations"]
    seen: list[httpx.Request] = []
    client = _recording_client(generated, seen)
    client.admin.retrieve("x")
    client.today.list()
    assert [r.url.path for r in seen] == ["/v1/admin/x", "/v1/today"]
    for page in (generated.out / "docs").rglob("*.md"):
        assert "/../" not in page.read_text() and "%2e%2E" not in page.read_text(), page


def test_path_parameter_of_dots_is_refused_before_sending(generated: Generated) -> None:
    seen: list[httpx.Request] = []
    client = _recording_client(generated, seen)
    for value in ("..", "."):
        with pytest.raises(ValueError, match="another path"):
            client.admin.retrieve(value)
    client.admin.retrieve("a/../b")  # one segment: its slashes are percent-encoded
    assert [r.url.raw_path for r in seen] == [b"/v1/admin/a%2F..%2Fb"]


def test_mock_routes_the_resolved_path_and_reads_the_tag(generated: Generated) -> None:
    server = MockServer(generated.spec).start()
    try:
        assert httpx.get(server.base_url + "/admin/x").status_code == 204
        assert httpx.get(server.base_url + "/today").status_code == 204
        assert httpx.post(server.base_url + "/pets", json={"kind": "Dog", "bark": "woof"}).status_code == 204
        wrong = httpx.post(server.base_url + "/pets", json={"kind": "Dog", "bark": 5})
        assert wrong.status_code == 422 and wrong.json()["errors"][0]["pointer"] == "/bark", wrong.text
        assert httpx.post(server.base_url + "/users", json={"name": "n", "password": "p"}).status_code == 200
    finally:
        server.stop()


# ------------------------------------------------------------------ the three agree


def test_client_fixtures_and_mock_agree_in_the_generated_suite(generated: Generated) -> None:
    """OUT/tests sends every fixture through the client to the mock and reads every answer."""
    env = {**os.environ, "SPECGEN_MOCK_SPEC": str(generated.spec), **GENERATED_SUITE_ENV}
    res = subprocess.run(generated_suite("tests"), cwd=generated.out, env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout[-4000:]
    assert " passed" in res.stdout and "skipped" not in res.stdout, res.stdout[-2000:]
