"""Fixtures (issue 5): every valid fixture validates against the spec's own schemas, every
invalid one fails exactly where and why it says, regeneration is byte-identical, every union
variant of a request body has a fixture, and the 2026 corpus spec gets fixtures for all of its
operations, all valid.

Validity is checked independently of the generator's IR: straight jsonschema over the raw spec
(openapi-schema-validator's OAS 3.0 read/write validators for 3.0 specs, the OAS 3.1 / draft
2020-12 validator for 3.1), with `$ref`s resolved by `referencing` over the loaded files.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import openapi_schema_validator as osv
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012
from support import SEED_SPECS, corpus, normalize_dict, openapi

from specgen.artifacts import fixtures

from specgen.model import ir
from specgen.diagnostics import Diagnostics
from specgen.spec.load import Documents, load
from specgen.model.normalize import normalize

BASE = "file:///spec/"


class SpecSchemas:
    """jsonschema validators for schemas named by `file#pointer`, built from the raw documents."""

    def __init__(self, docs: Documents, openapi_version: str):
        self.docs = docs
        self.v30 = openapi_version == "3.0"
        spec = DRAFT4 if self.v30 else DRAFT202012
        self.registry: Any = Registry().with_resources(  # type: ignore[call-arg]
            [(BASE + name, Resource(contents=d.data, specification=spec)) for name, d in docs.files.items()]
        )

    def errors(self, instance: Any, where: str, side: str) -> list[tuple[str, str, str]]:
        """(pointer, keyword, message) of every failure, those inside oneOf/anyOf included."""
        file, _, pointer = where.rpartition("#") if "#" in where else (self.docs.main.name, "", where)
        schema = {"$ref": BASE + (file or self.docs.main.name) + "#" + pointer.replace("%", "%25")}
        if self.v30:
            cls: Any = osv.OAS30WriteValidator if side == "request" else osv.OAS30ReadValidator
            checker = osv.oas30_format_checker
        else:
            cls, checker = osv.OAS31Validator, osv.oas31_format_checker
        out = []
        stack = list(cls(schema, registry=self.registry, format_checker=checker).iter_errors(instance))
        top = len(stack)
        while stack:
            e = stack.pop()
            out.append(("".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in e.absolute_path), str(e.validator), e.message[:200]))
            stack.extend(e.context or ())
        return out if top else []


def build(spec: Path) -> tuple[ir.Api, Documents]:
    diags = Diagnostics()
    docs = load(spec, diags, use_cache=False)
    return normalize(docs, diags), docs


def request_errors(schemas: SpecSchemas, op: ir.Operation, fx: fixtures.OperationFixtures, payload: Any) -> list[tuple[str, str, str]]:
    """Failures of a request fixture: each parameter and the body, pointers into the fixture."""
    out: list[tuple[str, str, str]] = []
    if fx.wrapped:
        for p in op.parameters:
            section = payload.get(p.location, {})
            if p.name in section:
                out += [(f"/{p.location}/{p.name}{ptr}", kw, msg) for ptr, kw, msg in schemas.errors(section[p.name], p.pointer + "/schema", "request")]
        body, prefix = payload.get("body"), "/body"
    else:
        body, prefix = payload, ""
    if op.body is not None and op.body.encoding == "json" and body is not None:
        out += [(prefix + ptr, kw, msg) for ptr, kw, msg in schemas.errors(body, op.body.pointer, "request")]
    return out


def check_all(api: ir.Api, docs: Documents) -> tuple[int, list[str]]:
    """(fixtures checked, problems) over every fixture of every operation."""
    schemas = SpecSchemas(docs, api.openapi)
    problems: list[str] = []
    checked = 0
    for op, fx in fixtures.all_fixtures(api):
        for name, payload in fx.requests.items():
            checked += 1
            errs = request_errors(schemas, op, fx, payload)
            if errs:
                problems.append(f"{op.id} request.{name}: {errs[:3]}")
        for status, payload in fx.responses.items():
            checked += 1
            r = next(r for r in op.responses if r.status == status)
            errs = schemas.errors(payload, r.pointer, "response")
            if errs:
                problems.append(f"{op.id} response.{status}: {errs[:3]}")
        for event in fx.stream_events:
            checked += 1
            assert op.stream_type is not None
            errs = schemas.errors(event, op.stream_type.pointer, "response")
            if errs:
                problems.append(f"{op.id} stream event: {errs[:3]}")
        for case in fx.invalid:
            checked += 1
            errs = request_errors(schemas, op, fx, case.payload)
            want = {"enum", "const"} if case.reason == "discriminator" else {case.reason}
            if not any(ptr == case.pointer and kw in want for ptr, kw, _ in errs):
                problems.append(f"{op.id} invalid/{case.name}: expected {case.reason} at {case.pointer!r}, got {errs[:4]}")
    return checked, problems


@pytest.fixture(scope="module", params=sorted(SEED_SPECS))
def seed(request: pytest.FixtureRequest) -> tuple[ir.Api, Documents]:
    return build(SEED_SPECS[request.param])


def test_every_fixture_of_every_seed_spec_is_valid_or_fails_where_it_says(seed: tuple[ir.Api, Documents]) -> None:
    api, docs = seed
    checked, problems = check_all(api, docs)
    assert checked > 20
    assert not problems, "\n".join(problems)


def test_every_operation_has_minimal_full_and_response_fixtures(seed: tuple[ir.Api, Documents]) -> None:
    api, _ = seed
    for op, fx in fixtures.all_fixtures(api):
        assert {"minimal", "full"} <= set(fx.requests), op.id
        declared = {r.status for r in op.responses if r.type is not None and r.encoding == "json"}
        assert set(fx.responses) == declared, op.id
        if op.streaming:
            assert fx.stream is not None and fx.stream.endswith("data: [DONE]\n\n"), op.id


def test_every_union_variant_of_a_request_body_has_a_fixture(seed: tuple[ir.Api, Documents]) -> None:
    api, _ = seed
    for op, fx in fixtures.all_fixtures(api):
        if op.body is None:
            continue
        reached = _unions_reached(api, op.body.type)
        variants = [n for n in fx.requests if n.startswith("variant-")]
        expected = sum(len(api.union_map[u].variants) for u in reached)
        assert len(variants) + len(fx.skipped) == expected, (op.id, variants, fx.skipped)
        assert not fx.skipped, fx.skipped  # the seed specs have no ambiguous oneOf


def _unions_reached(api: ir.Api, t: ir.TypeExpr) -> set[str]:
    seen: set[str] = set()
    models: set[str] = set()
    stack = [t]
    while stack:
        cur = stack.pop()
        if cur.kind == "union" and cur.ref in api.union_map and cur.ref not in seen:
            seen.add(cur.ref)
            stack.extend(v.type for v in api.union_map[cur.ref].variants)
        elif cur.kind == "model" and cur.ref in api.model_map and cur.ref not in models:
            models.add(cur.ref)
            stack.extend(f.type for f in api.model_map[cur.ref].fields if not f.read_only)
        elif cur.kind in ("array",) and cur.item is not None:
            stack.append(cur.item)
    return seen


def test_chat_messages_get_one_fixture_per_role_and_content_part() -> None:
    api, _ = build(SEED_SPECS["openai-chat-2025"])
    fx = dict((op.id, f) for op, f in fixtures.all_fixtures(api))["createChatCompletion"]
    roles = {fx.requests[n]["messages"][0]["role"] for n in fx.requests if n.startswith("variant-messages_")}
    assert roles == {"developer", "system", "user", "assistant", "tool", "function"}
    parts = {
        fx.requests[n]["messages"][0]["content"][0]["type"]
        for n in fx.requests
        if n.startswith("variant-messages_user_content_") and isinstance(fx.requests[n]["messages"][0]["content"], list)
    }
    assert parts == {"text", "image_url", "input_audio"}
    assert fx.requests["variant-tool_choice_tool_choice_mode"]["tool_choice"] in ("none", "auto", "required")
    assert isinstance(fx.requests["variant-tool_choice_chat_completion_named_tool_choice"]["tool_choice"], dict)
    # deprecated fields only in the deprecated fixture
    assert "functions" not in fx.requests["full"] and "functions" in fx.requests["deprecated"]
    reasons = {c.reason for c in fx.invalid}
    assert {"required", "type", "maximum", "enum", "maxItems", "discriminator"} <= reasons


def test_regenerating_gives_identical_files(tmp_path: Path) -> None:
    from specgen.output.render import RenderContext

    ctx = RenderContext("p", "t", "spec.yaml", "0" * 64, "P_API_KEY")
    for spec in SEED_SPECS.values():
        first = fixtures.render(build(spec)[0], ctx)
        second = fixtures.render(build(spec)[0], ctx)
        assert first == second
        assert all(text.endswith("\n") for text in first.values())


def test_values_satisfy_every_constraint(tmp_path: Path) -> None:
    props = {
        "excl": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 0.5},
        "mult": {"type": "integer", "minimum": 7, "maximum": 40, "multipleOf": 5},
        "tiny": {"type": "number", "minimum": 0.001, "maximum": 0.002, "multipleOf": 0.0005},
        "pat": {"type": "string", "pattern": "^[A-Z]{3}-\\d{4}$"},
        "len": {"type": "string", "minLength": 12, "maxLength": 12},
        "email": {"type": "string", "format": "email"},
        "when": {"type": "string", "format": "date-time"},
        "uuid": {"type": "string", "format": "uuid"},
        "uniq": {"type": "array", "items": {"type": "integer", "enum": [1, 2, 3]}, "minItems": 3, "uniqueItems": True},
        "bag": {"type": "object", "additionalProperties": {"type": "string"}, "minProperties": 2},
        "alt": {"type": "string", "pattern": "^(cat|dog)s?$", "maxLength": 4},
    }
    spec = openapi(
        paths={"/things": {"post": {"operationId": "make", "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}, "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}}},
        schemas={"Thing": {"type": "object", "required": list(props), "properties": props}},
    )
    api = normalize_dict(tmp_path, spec)
    diags = Diagnostics()
    docs = load(tmp_path / "spec.yaml", diags, use_cache=False)
    checked, problems = check_all(api, docs)
    assert not problems, "\n".join(problems)
    body = fixtures.all_fixtures(api)[0][1].requests["minimal"]
    assert len(set(body["uniq"])) == 3 and len(body["bag"]) >= 2 and len(body["len"]) == 12


def test_spec_examples_and_defaults_come_first_when_valid(tmp_path: Path) -> None:
    props = {
        "good": {"type": "string", "example": "from-the-spec"},
        "bad": {"type": "integer", "maximum": 3, "example": 10},
        "dflt": {"type": "integer", "default": 3},
    }
    spec = openapi(
        paths={"/x": {"post": {"operationId": "x", "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/X"}}}}, "responses": {"204": {"description": "none"}}}}},
        schemas={"X": {"type": "object", "required": list(props), "properties": props}},
    )
    api = normalize_dict(tmp_path, spec)
    body = fixtures.all_fixtures(api)[0][1].requests["minimal"]
    assert body == {"good": "from-the-spec", "bad": 1, "dflt": 3}


def test_parameters_go_into_a_documented_wrapper() -> None:
    api, _ = build(SEED_SPECS["openai-chat-2025"])
    fx = dict((op.id, f) for op, f in fixtures.all_fixtures(api))
    assert fx["getChatCompletionMessages"].requests["minimal"] == {"path": {"completion_id": fx["getChatCompletionMessages"].requests["minimal"]["path"]["completion_id"]}}
    full = fx["getChatCompletionMessages"].requests["full"]
    assert set(full) == {"path", "query"} and {"after", "limit", "order"} <= set(full["query"])
    assert "body" in fx["updateChatCompletion"].requests["minimal"]


def test_examples_api_gives_docs_a_request_and_a_response_per_operation() -> None:
    api, _ = build(SEED_SPECS["openai-chat-2025"])
    ex = fixtures.examples(api)
    assert set(ex) == {op.id for op in api.operations}
    assert ex["createChatCompletion"]["response"]["object"] == "chat.completion"
    assert ex["createChatCompletion"]["status"] == "200"
    assert ex["createChatCompletion"]["stream"]["object"] == "chat.completion.chunk"
    assert ex["listModels"]["request"] is None


def test_stream_fixture_is_chunk_events_ending_in_done() -> None:
    api, _ = build(SEED_SPECS["openai-chat-2025"])
    fx = dict((op.id, f) for op, f in fixtures.all_fixtures(api))["createChatCompletion"]
    assert fx.stream is not None
    blocks = [b for b in fx.stream.split("\n\n") if b]
    assert blocks[-1] == "data: [DONE]" and len(blocks) >= 3
    for b in blocks[:-1]:
        assert json.loads(b.removeprefix("data: "))["object"] == "chat.completion.chunk"


def test_regex_examples_match_their_patterns() -> None:
    import re

    for pattern in [r"^[a-zA-Z0-9_-]{1,64}$", r"^\d{3}-\d{2}$", r"^(foo|bar)+baz$", r"^ft:[a-z0-9-]+$", r"[^@]+@[^@]+\.com", r"^sk-[A-Za-z0-9]{20,}$"]:
        s = fixtures.regex_example(pattern)
        assert s is not None and re.search(pattern, s), (pattern, s)
    assert fixtures.regex_example(r"^a+$", min_len=5) == "aaaaa"


def test_corpus_2026_fixtures_for_all_288_operations_pass_jsonschema() -> None:
    spec = corpus("openai-2026-08-21.yaml")
    api, docs = build(spec)
    started = time.perf_counter()
    got = fixtures.all_fixtures(api)
    elapsed = time.perf_counter() - started
    assert len(got) == len(api.operations) == 288
    assert elapsed < 10, f"fixtures for the corpus took {elapsed:.1f}s"
    checked, problems = check_all(api, docs)
    assert checked > 2500
    assert not problems, f"{len(problems)} of {checked} fixtures fail:\n" + "\n".join(problems[:20])



def test_anyof_of_required_sets_is_one_object_with_exactly_one_set(tmp_path: Path) -> None:
    """`properties` + `anyOf: [{required: [a]}, {required: [b]}]` + `not: {required: [a, b]}` (the
    corpus's ImageRefParam) is an object, not a union of maps: fixtures fill one set only."""
    ref = {
        "type": "object",
        "properties": {"image_url": {"type": "string"}, "file_id": {"type": "string"}, "detail": {"type": "string"}},
        "anyOf": [{"required": ["image_url"]}, {"required": ["file_id"]}],
        "not": {"required": ["image_url", "file_id"]},
    }
    spec = openapi(
        paths={"/edit": {"post": {"operationId": "edit", "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ImageRef"}}}}, "responses": {"204": {"description": "none"}}}}},
        schemas={"ImageRef": ref},
    )
    api = normalize_dict(tmp_path, spec)
    model = api.model("ImageRef")
    assert model.alternatives == (("image_url",), ("file_id",)) and model.alternatives_exclusive
    fx = fixtures.all_fixtures(api)[0][1]
    assert set(fx.requests["minimal"]) == {"image_url"}
    assert set(fx.requests["full"]) == {"image_url", "detail"}
    checked, problems = check_all(api, load(tmp_path / "spec.yaml", Diagnostics(), use_cache=False))
    assert checked >= 2 and not problems, problems
