"""`specgen diff`, one rule at a time: tiny before/after specs and the change each must give."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from support import normalize_dict, openapi

from specgen.diff import Report, compare
from specgen.diff.rules import RULE_MAP, RULES


def op_spec(
    req: dict[str, Any] | None = None,
    resp: dict[str, Any] | None = None,
    schemas: dict[str, Any] | None = None,
    params: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One `POST /things` operation with an optional JSON body and a JSON 200 response."""
    op: dict[str, Any] = {
        "operationId": "createThing",
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": resp or {"type": "object", "properties": {"id": {"type": "string"}}}}}}},
    }
    if req is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": req}}}
    if params is not None:
        op["parameters"] = params
    op.update(extra)
    return openapi({"/things": {"post": op}}, schemas)


def obj(props: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": props, **extra}
    if required:
        out["required"] = required
    return out


def run_diff(tmp_path: Path, before: dict[str, Any], after: dict[str, Any]) -> Report:
    (tmp_path / "a").mkdir(exist_ok=True)
    (tmp_path / "b").mkdir(exist_ok=True)
    return compare(normalize_dict(tmp_path / "a", before), normalize_dict(tmp_path / "b", after))


def found(rep: Report) -> set[tuple[str, str]]:
    return {(c.rule, c.path) for c in rep.changes}


def only(rep: Report) -> tuple[str, str]:
    changes = found(rep)
    assert len(changes) == 1, changes
    return next(iter(changes))


BASE = obj({"a": {"type": "string"}, "b": {"type": "integer"}}, ["a"])


def with_prop(schema: dict[str, Any], name: str, value: Any) -> dict[str, Any]:
    s = copy.deepcopy(schema)
    if value is None:
        del s["properties"][name]
    else:
        s["properties"][name] = value
    return s


CASES: list[tuple[str, dict[str, Any], dict[str, Any], str, str]] = [
    # (name, before, after, rule, path)
    ("request property removed", op_spec(req=BASE), op_spec(req=with_prop(BASE, "b", None)), "request-property-removed", "body.b"),
    ("response property removed", op_spec(resp=BASE), op_spec(resp={**with_prop(BASE, "a", None), "required": []}), "response-property-removed", "responses.200.a"),
    ("optional response property removed", op_spec(resp=BASE), op_spec(resp=with_prop(BASE, "b", None)), "response-optional-property-removed", "responses.200.b"),
    (
        "deprecated then removed",
        op_spec(req=with_prop(BASE, "b", {"type": "integer", "deprecated": True})),
        op_spec(req=with_prop(BASE, "b", None)),
        "request-property-removed-after-deprecation",
        "body.b",
    ),
    ("optional request property added", op_spec(req=BASE), op_spec(req=with_prop(BASE, "c", {"type": "string"})), "request-property-added", "body.c"),
    ("required request property added", op_spec(req=BASE), op_spec(req={**with_prop(BASE, "c", {"type": "string"}), "required": ["a", "c"]}), "request-required-property-added", "body.c"),
    ("response property added", op_spec(resp=BASE), op_spec(resp=with_prop(BASE, "c", {"type": "string"})), "response-property-added", "responses.200.c"),
    ("request property became required", op_spec(req=BASE), op_spec(req={**BASE, "required": ["a", "b"]}), "request-property-became-required", "body.b"),
    ("request property became optional", op_spec(req=BASE), op_spec(req={**BASE, "required": []}), "request-property-became-optional", "body.a"),
    ("response property became optional", op_spec(resp=BASE), op_spec(resp={**BASE, "required": []}), "response-property-became-optional", "responses.200.a"),
    ("property deprecated", op_spec(req=BASE), op_spec(req=with_prop(BASE, "b", {"type": "integer", "deprecated": True})), "property-deprecated", "body.b"),
    ("request type changed", op_spec(req=BASE), op_spec(req=with_prop(BASE, "b", {"type": "string"})), "request-type-changed", "body.b"),
    ("request type widened", op_spec(req=BASE), op_spec(req=with_prop(BASE, "b", {"type": "number"})), "request-type-widened", "body.b"),
    ("response type widened", op_spec(resp=BASE), op_spec(resp=with_prop(BASE, "b", {"type": "number"})), "response-type-widened", "responses.200.b"),
    ("response type narrowed", op_spec(resp=with_prop(BASE, "b", {"type": "number"})), op_spec(resp=BASE), "response-type-narrowed", "responses.200.b"),
    ("request became nullable", op_spec(req=BASE), op_spec(req=with_prop(BASE, "b", {"type": ["integer", "null"]})), "request-became-nullable", "body.b"),
    ("request became not nullable", op_spec(req=with_prop(BASE, "b", {"type": ["integer", "null"]})), op_spec(req=BASE), "request-became-not-nullable", "body.b"),
    ("response became nullable", op_spec(resp=BASE), op_spec(resp=with_prop(BASE, "b", {"type": ["integer", "null"]})), "response-became-nullable", "responses.200.b"),
    ("format changed", op_spec(req=BASE), op_spec(req=with_prop(BASE, "a", {"type": "string", "format": "date-time"})), "format-changed", "body.a"),
    (
        "request enum value removed",
        op_spec(req=with_prop(BASE, "a", {"type": "string", "enum": ["x", "y", "z"]})),
        op_spec(req=with_prop(BASE, "a", {"type": "string", "enum": ["x", "y"]})),
        "request-enum-value-removed",
        "body.a",
    ),
    (
        "request enum value added",
        op_spec(req=with_prop(BASE, "a", {"type": "string", "enum": ["x", "y"]})),
        op_spec(req=with_prop(BASE, "a", {"type": "string", "enum": ["x", "y", "z"]})),
        "request-enum-value-added",
        "body.a",
    ),
    (
        "response enum value added",
        op_spec(resp=with_prop(BASE, "a", {"type": "string", "enum": ["x", "y"]})),
        op_spec(resp=with_prop(BASE, "a", {"type": "string", "enum": ["x", "y", "z"]})),
        "response-enum-value-added",
        "responses.200.a",
    ),
    (
        "response enum value removed",
        op_spec(resp=with_prop(BASE, "a", {"type": "string", "enum": ["x", "y", "z"]})),
        op_spec(resp=with_prop(BASE, "a", {"type": "string", "enum": ["x", "y"]})),
        "response-enum-value-removed",
        "responses.200.a",
    ),
    (
        "open enum value removed from a request",
        op_spec(req=with_prop(BASE, "a", {"anyOf": [{"type": "string"}, {"type": "string", "enum": ["x", "y", "z"]}]})),
        op_spec(req=with_prop(BASE, "a", {"anyOf": [{"type": "string"}, {"type": "string", "enum": ["x", "y"]}]})),
        "request-open-enum-value-removed",
        "body.a",
    ),
    (
        "open enum value added to a response",
        op_spec(resp=with_prop(BASE, "a", {"anyOf": [{"type": "string"}, {"type": "string", "enum": ["x", "y"]}]})),
        op_spec(resp=with_prop(BASE, "a", {"anyOf": [{"type": "string"}, {"type": "string", "enum": ["x", "y", "z"]}]})),
        "response-open-enum-value-added",
        "responses.200.a",
    ),
    (
        "request enum closed",
        op_spec(req=BASE),
        op_spec(req=with_prop(BASE, "a", {"type": "string", "enum": ["x", "y"]})),
        "request-enum-closed",
        "body.a",
    ),
    (
        "response enum opened",
        op_spec(resp=with_prop(BASE, "a", {"type": "string", "enum": ["x", "y"]})),
        op_spec(resp=BASE),
        "response-enum-opened",
        "responses.200.a",
    ),
    ("request maximum decreased", op_spec(req=with_prop(BASE, "b", {"type": "integer", "maximum": 10})), op_spec(req=with_prop(BASE, "b", {"type": "integer", "maximum": 5})), "request-max-decreased", "body.b"),
    ("request maximum increased", op_spec(req=with_prop(BASE, "b", {"type": "integer", "maximum": 5})), op_spec(req=with_prop(BASE, "b", {"type": "integer", "maximum": 20})), "request-max-increased", "body.b"),
    ("response maximum increased", op_spec(resp=with_prop(BASE, "b", {"type": "integer", "maximum": 5})), op_spec(resp=with_prop(BASE, "b", {"type": "integer"})), "response-max-increased", "responses.200.b"),
    ("request minimum set", op_spec(req=BASE), op_spec(req=with_prop(BASE, "b", {"type": "integer", "minimum": 1})), "request-min-set", "body.b"),
    ("request minimum raised", op_spec(req=with_prop(BASE, "b", {"type": "integer", "minimum": 1})), op_spec(req=with_prop(BASE, "b", {"type": "integer", "minimum": 2})), "request-min-increased", "body.b"),
    ("response minimum lowered", op_spec(resp=with_prop(BASE, "b", {"type": "integer", "minimum": 1})), op_spec(resp=with_prop(BASE, "b", {"type": "integer", "minimum": 0})), "response-min-decreased", "responses.200.b"),
    ("request maxLength decreased", op_spec(req=with_prop(BASE, "a", {"type": "string", "maxLength": 64})), op_spec(req=with_prop(BASE, "a", {"type": "string", "maxLength": 32})), "request-max-length-decreased", "body.a"),
    ("request minLength relaxed", op_spec(req=with_prop(BASE, "a", {"type": "string", "minLength": 3})), op_spec(req=BASE), "request-min-length-decreased", "body.a"),
    (
        "request maxItems decreased",
        op_spec(req=with_prop(BASE, "a", {"type": "array", "items": {"type": "string"}, "maxItems": 10})),
        op_spec(req=with_prop(BASE, "a", {"type": "array", "items": {"type": "string"}, "maxItems": 2})),
        "request-max-items-decreased",
        "body.a",
    ),
    (
        "request minItems increased",
        op_spec(req=with_prop(BASE, "a", {"type": "array", "items": {"type": "string"}, "minItems": 1})),
        op_spec(req=with_prop(BASE, "a", {"type": "array", "items": {"type": "string"}, "minItems": 2})),
        "request-min-items-increased",
        "body.a",
    ),
    (
        "request minItems set",
        op_spec(req=with_prop(BASE, "a", {"type": "array", "items": {"type": "string"}})),
        op_spec(req=with_prop(BASE, "a", {"type": "array", "items": {"type": "string"}, "minItems": 1})),
        "request-min-items-set",
        "body.a",
    ),
    ("request pattern added", op_spec(req=BASE), op_spec(req=with_prop(BASE, "a", {"type": "string", "pattern": "^[a-z]+$"})), "request-pattern-added", "body.a"),
    (
        "request pattern changed",
        op_spec(req=with_prop(BASE, "a", {"type": "string", "pattern": "^[a-z]+$"})),
        op_spec(req=with_prop(BASE, "a", {"type": "string", "pattern": "^[a-c]+$"})),
        "request-pattern-changed",
        "body.a",
    ),
    ("response pattern added", op_spec(resp=BASE), op_spec(resp=with_prop(BASE, "a", {"type": "string", "pattern": "^[a-z]+$"})), "response-pattern-changed", "responses.200.a"),
    ("request default changed", op_spec(req=with_prop(BASE, "b", {"type": "integer", "default": 1})), op_spec(req=with_prop(BASE, "b", {"type": "integer", "default": 2})), "request-default-changed", "body.b"),
    (
        "array item type changed",
        op_spec(req=with_prop(BASE, "a", {"type": "array", "items": {"type": "string"}})),
        op_spec(req=with_prop(BASE, "a", {"type": "array", "items": {"type": "integer"}})),
        "request-type-changed",
        "body.a[]",
    ),
    ("operation deprecated", op_spec(), op_spec(deprecated=True), "operation-deprecated", ""),
    ("operationId changed", op_spec(), op_spec(operationId="makeThing"), "operation-id-changed", ""),
    (
        "request content type removed",
        op_spec(requestBody={"content": {"application/json": {"schema": BASE}, "multipart/form-data": {"schema": BASE}}}),
        op_spec(requestBody={"content": {"application/json": {"schema": BASE}}}),
        "request-content-type-removed",
        "body",
    ),
    (
        "request content type added",
        op_spec(requestBody={"content": {"application/json": {"schema": BASE}}}),
        op_spec(requestBody={"content": {"application/json": {"schema": BASE}, "multipart/form-data": {"schema": BASE}}}),
        "request-content-type-added",
        "body",
    ),
    ("request body became required", op_spec(requestBody={"content": {"application/json": {"schema": BASE}}}), op_spec(req=BASE), "request-body-became-required", "body"),
    ("request body removed", op_spec(req=BASE), op_spec(), "request-body-removed", "body"),
    ("required request body added", op_spec(), op_spec(req=BASE), "request-required-body-added", "body"),
]

PARAM = {"name": "limit", "in": "query", "schema": {"type": "integer"}}
CASES += [
    ("optional parameter added", op_spec(params=[]), op_spec(params=[PARAM]), "request-parameter-added", "query.limit"),
    ("required parameter added", op_spec(params=[]), op_spec(params=[{**PARAM, "required": True}]), "request-required-parameter-added", "query.limit"),
    ("parameter removed", op_spec(params=[PARAM]), op_spec(params=[]), "request-parameter-removed", "query.limit"),
    ("deprecated parameter removed", op_spec(params=[{**PARAM, "deprecated": True}]), op_spec(params=[]), "request-parameter-removed-after-deprecation", "query.limit"),
    ("parameter became required", op_spec(params=[PARAM]), op_spec(params=[{**PARAM, "required": True}]), "request-parameter-became-required", "query.limit"),
    ("parameter deprecated", op_spec(params=[PARAM]), op_spec(params=[{**PARAM, "deprecated": True}]), "parameter-deprecated", "query.limit"),
    (
        "parameter maximum decreased",
        op_spec(params=[{**PARAM, "schema": {"type": "integer", "maximum": 200}}]),
        op_spec(params=[{**PARAM, "schema": {"type": "integer", "maximum": 100}}]),
        "request-max-decreased",
        "query.limit",
    ),
    ("parameter maximum set", op_spec(params=[PARAM]), op_spec(params=[{**PARAM, "schema": {"type": "integer", "maximum": 100}}]), "request-max-set", "query.limit"),
]

ERR = {"description": "bad", "content": {"application/json": {"schema": obj({"message": {"type": "string"}})}}}
CASES += [
    ("error status added", op_spec(), op_spec(responses={"200": op_spec()["paths"]["/things"]["post"]["responses"]["200"], "400": ERR}), "response-error-status-added", "responses.400"),
    ("success status removed", op_spec(responses={"200": op_spec()["paths"]["/things"]["post"]["responses"]["200"], "201": {"description": "created"}}), op_spec(), "response-success-status-removed", "responses.201"),
    (
        "response content type removed",
        op_spec(responses={"200": {"description": "ok", "content": {"application/json": {"schema": BASE}, "text/event-stream": {"schema": BASE}}}}),
        op_spec(responses={"200": {"description": "ok", "content": {"application/json": {"schema": BASE}}}}),
        "response-content-type-removed",
        "responses.200",
    ),
]


@pytest.mark.parametrize("name,before,after,rule,path", CASES, ids=[c[0] for c in CASES])
def test_rule(tmp_path: Path, name: str, before: dict[str, Any], after: dict[str, Any], rule: str, path: str) -> None:
    rep = run_diff(tmp_path, before, after)
    assert (rule, path) in found(rep), f"{name}: expected {rule} at {path!r}, got {sorted(found(rep))}"
    assert rule in RULE_MAP


def test_identical_specs_give_no_change(tmp_path: Path) -> None:
    spec = op_spec(req=BASE, resp=BASE, params=[PARAM])
    rep = run_diff(tmp_path, spec, spec)
    assert rep.changes == [] and rep.client == []


def test_each_case_reports_one_change_where_one_thing_changed(tmp_path: Path) -> None:
    assert only(run_diff(tmp_path, op_spec(req=BASE), op_spec(req=with_prop(BASE, "b", None)))) == ("request-property-removed", "body.b")
    assert only(run_diff(tmp_path, op_spec(resp=BASE), op_spec(resp=with_prop(BASE, "b", None)))) == ("response-optional-property-removed", "responses.200.b")


def test_severity_follows_the_direction(tmp_path: Path) -> None:
    rep = run_diff(tmp_path, op_spec(req=with_prop(BASE, "b", {"type": "integer", "maximum": 20})), op_spec(req=with_prop(BASE, "b", {"type": "integer", "maximum": 5})))
    assert [c.severity for c in rep.changes] == ["breaking"]
    rep = run_diff(tmp_path, op_spec(resp=with_prop(BASE, "b", {"type": "integer", "maximum": 20})), op_spec(resp=with_prop(BASE, "b", {"type": "integer", "maximum": 5})))
    assert [c.severity for c in rep.changes] == ["info"]
    rep = run_diff(tmp_path, op_spec(req=with_prop(BASE, "b", {"type": "integer", "deprecated": True})), op_spec(req=with_prop(BASE, "b", None)))
    assert [c.severity for c in rep.changes] == ["warning"]
    rep = run_diff(tmp_path, op_spec(req=with_prop(BASE, "b", {"type": "integer", "maximum": 5})), op_spec(req=with_prop(BASE, "b", {"type": "integer", "maximum": 20})))
    assert [(c.severity, c.old, c.new) for c in rep.changes] == [("info", 5, 20)]


# ------------------------------------------------------------------ operations


def two_ops(deprecated: bool = False) -> dict[str, Any]:
    spec = op_spec()
    spec["paths"]["/things/{id}"] = {
        "delete": {
            "operationId": "deleteThing",
            "deprecated": deprecated,
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"204": {"description": "gone"}},
        }
    }
    return spec


def test_operation_removed_is_breaking_and_added_is_info(tmp_path: Path) -> None:
    rep = run_diff(tmp_path, two_ops(), op_spec())
    assert only(rep) == ("operation-removed", "")
    assert rep.changes[0].severity == "breaking"
    assert rep.groups[0].key == "DELETE /things/{id}"
    rep = run_diff(tmp_path, op_spec(), two_ops())
    assert only(rep) == ("operation-added", "")
    assert [c.change for c in rep.client if c.kind == "method"] == ["added"]


def test_operation_removed_after_deprecation_is_a_warning(tmp_path: Path) -> None:
    rep = run_diff(tmp_path, two_ops(deprecated=True), op_spec())
    assert only(rep) == ("operation-removed-after-deprecation", "")
    assert rep.changes[0].severity == "warning"


def test_path_parameter_renamed_matches_the_operation(tmp_path: Path) -> None:
    after = two_ops()
    item = after["paths"].pop("/things/{id}")
    item["delete"]["parameters"][0]["name"] = "thing_id"
    after["paths"]["/things/{thing_id}"] = item
    rep = run_diff(tmp_path, two_ops(), after)
    assert ("operation-removed", "") not in found(rep)
    assert any(c.kind == "argument" and c.change in ("added", "removed") for c in rep.client)


# ------------------------------------------------------------------ unions

CAT = obj({"kind": {"type": "string", "enum": ["cat"]}, "meow": {"type": "boolean"}}, ["kind"])
DOG = obj({"kind": {"type": "string", "enum": ["dog"]}, "bark": {"type": "boolean"}}, ["kind"])
FISH = obj({"kind": {"type": "string", "enum": ["fish"]}}, ["kind"])


def pets(*names: str, explicit: bool = False, where: str = "req") -> dict[str, Any]:
    schemas = {"Cat": CAT, "Dog": DOG, "Fish": FISH}
    union: dict[str, Any] = {"oneOf": [{"$ref": f"#/components/schemas/{n}"} for n in names]}
    if explicit:
        union["discriminator"] = {"propertyName": "kind", "mapping": {n.lower(): f"#/components/schemas/{n}" for n in names}}
    body = obj({"pet": union}, ["pet"])
    return op_spec(req=body, schemas=schemas) if where == "req" else op_spec(resp=body, schemas=schemas)


def test_union_variants_reordered_is_no_change(tmp_path: Path) -> None:
    assert run_diff(tmp_path, pets("Cat", "Dog", "Fish"), pets("Fish", "Cat", "Dog")).changes == []
    assert run_diff(tmp_path, pets("Cat", "Dog", explicit=True), pets("Dog", "Cat", explicit=True)).changes == []


def test_untagged_variants_reordered_is_no_change(tmp_path: Path) -> None:
    a = op_spec(req=obj({"stop": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}}))
    b = op_spec(req=obj({"stop": {"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]}}))
    assert run_diff(tmp_path, a, b).changes == []


def test_union_variant_removed_from_a_request_is_breaking(tmp_path: Path) -> None:
    rep = run_diff(tmp_path, pets("Cat", "Dog", "Fish"), pets("Cat", "Fish"))
    assert only(rep) == ("request-union-variant-removed", "body.pet<kind=dog>")
    assert rep.changes[0].severity == "breaking"


def test_union_variant_added_to_a_response_warns(tmp_path: Path) -> None:
    rep = run_diff(tmp_path, pets("Cat", "Dog", where="resp"), pets("Cat", "Dog", "Fish", where="resp"))
    assert only(rep) == ("response-union-variant-added", "responses.200.pet<kind=fish>")
    assert rep.changes[0].severity == "warning"


def test_variant_matched_by_tag_not_position(tmp_path: Path) -> None:
    before = pets("Cat", "Dog")
    after = pets("Dog", "Cat")
    after["components"]["schemas"]["Dog"] = obj({"kind": {"type": "string", "enum": ["dog"]}, "bark": {"type": "boolean"}, "wag": {"type": "boolean"}}, ["kind"])
    rep = run_diff(tmp_path, before, after)
    assert only(rep) == ("request-property-added", "body.pet<kind=dog>.wag")


def test_deprecated_variant_removed_warns(tmp_path: Path) -> None:
    before = pets("Cat", "Dog", "Fish")
    before["components"]["schemas"]["Dog"] = {**DOG, "deprecated": True}
    rep = run_diff(tmp_path, before, pets("Cat", "Fish"))
    assert only(rep) == ("request-union-variant-removed-after-deprecation", "body.pet<kind=dog>")
    assert rep.changes[0].severity == "warning"


def test_union_narrowed_to_one_definition_reports_the_variants_removed(tmp_path: Path) -> None:
    rep = run_diff(tmp_path, pets("Cat", "Dog"), pets("Cat"))
    assert only(rep) == ("request-union-variant-removed", "body.pet<kind=dog>")


# ------------------------------------------------------------------ structure


def test_renamed_but_identical_component_is_no_change(tmp_path: Path) -> None:
    before = op_spec(req={"$ref": "#/components/schemas/Thing"}, resp={"$ref": "#/components/schemas/Thing"}, schemas={"Thing": BASE})
    after = op_spec(req={"$ref": "#/components/schemas/Widget"}, resp={"$ref": "#/components/schemas/Widget"}, schemas={"Widget": BASE})
    rep = run_diff(tmp_path, before, after)
    assert rep.changes == []
    assert [(c.kind, c.change, c.old, c.new) for c in rep.client] == [("model", "renamed", "Thing", "Widget")]


def tree(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    node = obj({"name": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}, **(extra or {})})
    return op_spec(req={"$ref": "#/components/schemas/Node"}, resp={"$ref": "#/components/schemas/Node"}, schemas={"Node": node})


def test_ref_cycle_terminates_and_reports_once(tmp_path: Path) -> None:
    assert run_diff(tmp_path, tree(), tree()).changes == []
    rep = run_diff(tmp_path, tree(), tree({"size": {"type": "integer"}}))
    assert found(rep) == {("request-property-added", "body.size"), ("response-property-added", "responses.200.size")}


def test_mutual_ref_cycle_with_rename_terminates(tmp_path: Path) -> None:
    def spec(a: str, b: str) -> dict[str, Any]:
        return op_spec(
            req={"$ref": f"#/components/schemas/{a}"},
            schemas={
                a: obj({"b": {"$ref": f"#/components/schemas/{b}"}, "x": {"type": "string"}}),
                b: obj({"a": {"$ref": f"#/components/schemas/{a}"}, "y": {"type": "integer"}}),
            },
        )

    assert run_diff(tmp_path, spec("A", "B"), spec("P", "Q")).changes == []


def test_shared_component_changes_are_reported_once(tmp_path: Path) -> None:
    def spec(extra: dict[str, Any]) -> dict[str, Any]:
        s = op_spec(resp={"$ref": "#/components/schemas/Thing"}, schemas={"Thing": obj({"id": {"type": "string"}, **extra})})
        s["paths"]["/other"] = {"get": {"operationId": "getOther", "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}}
        return s

    rep = run_diff(tmp_path, spec({}), spec({"size": {"type": "integer"}}))
    assert [(g.kind, g.key) for g in rep.groups] == [("shared", "model Thing")]
    assert found(rep) == {("response-property-added", "Thing.size")}
    assert len(rep.groups[0].operations) == 2


def test_security_added_is_breaking(tmp_path: Path) -> None:
    schemes = {"securitySchemes": {"key": {"type": "http", "scheme": "bearer"}, "other": {"type": "apiKey", "in": "header", "name": "X-Key"}}}
    before = op_spec()
    before["components"] = schemes
    after = copy.deepcopy(before)
    after["security"] = [{"key": []}]
    rep = run_diff(tmp_path, before, after)
    assert only(rep) == ("security-added", "security")
    both = copy.deepcopy(before)
    both["security"] = [{"key": []}, {"other": []}]
    rep = run_diff(tmp_path, both, after)
    assert only(rep) == ("security-requirement-removed", "security")


def test_every_rule_is_well_formed() -> None:
    assert len(RULES) >= 100
    for r in RULES:
        assert r.severity in ("breaking", "warning", "info")
        assert r.direction in ("request", "response", "both")
        assert r.description.endswith(".") and "\n" not in r.description
        if r.id.startswith("request-"):
            assert r.direction == "request", r.id
        if r.id.startswith("response-"):
            assert r.direction == "response", r.id


def test_a_fact_seen_from_both_sides_is_reported_once_at_its_worst(tmp_path: Path) -> None:
    def spec(default: int) -> dict[str, Any]:
        thing = {"$ref": "#/components/schemas/Thing"}
        s = op_spec(req=thing, resp=thing, schemas={"Thing": obj({"n": {"type": "integer", "default": default}})})
        s["paths"]["/other"] = {"post": {"operationId": "other", "requestBody": {"content": {"application/json": {"schema": thing}}}, "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": thing}}}}}}
        return s

    rep = run_diff(tmp_path, spec(1), spec(2))
    assert [(c.rule, c.path, c.severity) for c in rep.changes] == [("request-default-changed", "Thing.n", "warning")]


def test_enum_that_became_enum_or_object_is_widened_not_changed(tmp_path: Path) -> None:
    before = op_spec(req=obj({"voice": {"type": "string", "enum": ["a", "b"]}}))
    after = op_spec(req=obj({"voice": {"oneOf": [{"type": "string", "enum": ["a", "b", "c"]}, obj({"id": {"type": "string"}}, ["id"])]}}))
    rules = {c.rule for c in run_diff(tmp_path, before, after).changes}
    assert "request-type-widened" in rules and "request-enum-value-added" in rules
    assert not any(r.endswith("-changed") for r in rules)


def test_shared_nested_component_is_reported_under_its_only_parent(tmp_path: Path) -> None:
    def spec(extra: dict[str, Any]) -> dict[str, Any]:
        schemas = {"Thing": obj({"inner": {"$ref": "#/components/schemas/Inner"}}), "Inner": obj({"id": {"type": "string"}, **extra})}
        s = op_spec(resp={"$ref": "#/components/schemas/Thing"}, schemas=schemas)
        s["paths"]["/other"] = {"get": {"operationId": "getOther", "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}}
        return s

    rep = run_diff(tmp_path, spec({}), spec({"size": {"type": "integer"}}))
    assert [(g.kind, g.key) for g in rep.groups] == [("shared", "model Thing")]
    assert found(rep) == {("response-property-added", "Thing.inner.size")}


def test_object_that_became_free_form_is_widened(tmp_path: Path) -> None:
    before = op_spec(req=obj({"opts": obj({"a": {"type": "string"}})}))
    after = op_spec(req=obj({"opts": {"type": "object", "additionalProperties": True}}))
    assert only(run_diff(tmp_path, before, after)) == ("request-type-widened", "body.opts")
    before = op_spec(resp=obj({"opts": obj({"a": {"type": "string"}})}))
    after = op_spec(resp=obj({"opts": {"type": "object", "additionalProperties": True}}))
    assert only(run_diff(tmp_path, before, after)) == ("response-type-widened", "responses.200.opts")
