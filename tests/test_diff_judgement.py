"""`specgen diff`'s judgement beyond types and properties: the JSON Schema keywords the IR keeps
aside, lifecycle promises (x-sunset, x-stability-level), response headers, parameter
serialization, security by what goes on the wire, oneOf exclusivity, and what the generated
client tolerates."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

from support import normalize_dict, openapi
from test_diff_rules import BASE, found, obj, op_spec, with_prop

from specgen.diff import Report, compare


def run(tmp_path: Path, before: dict[str, Any], after: dict[str, Any], today: dt.date | None = None) -> Report:
    (tmp_path / "a").mkdir(exist_ok=True)
    (tmp_path / "b").mkdir(exist_ok=True)
    return compare(normalize_dict(tmp_path / "a", before), normalize_dict(tmp_path / "b", after), today=today)


def rules(rep: Report) -> dict[str, str]:
    """rule -> severity, for every change in the spec section."""
    return {c.rule: c.severity for c in rep.changes}


ARRAY = {"type": "array", "items": {"type": "string"}}


# ------------------------------------------------------------------ keywords the IR keeps aside


def test_contains_added_narrows_a_request_and_not_a_response(tmp_path: Path) -> None:
    before = with_prop(BASE, "a", ARRAY)
    after = with_prop(BASE, "a", {**ARRAY, "contains": {"const": "x"}})
    assert rules(run(tmp_path, op_spec(req=before), op_spec(req=after))) == {"request-constraint-added": "breaking"}
    assert rules(run(tmp_path, op_spec(resp=before), op_spec(resp=after))) == {"response-constraint-added": "info"}
    assert rules(run(tmp_path, op_spec(resp=after), op_spec(resp=before))) == {"response-constraint-removed": "breaking"}


def test_min_contains_is_judged_as_a_bound(tmp_path: Path) -> None:
    before = with_prop(BASE, "a", {**ARRAY, "contains": {"const": "x"}, "minContains": 1})
    after = with_prop(BASE, "a", {**ARRAY, "contains": {"const": "x"}, "minContains": 2})
    assert rules(run(tmp_path, op_spec(req=before), op_spec(req=after))) == {"request-min-contains-increased": "breaking"}
    assert rules(run(tmp_path, op_spec(req=after), op_spec(req=before))) == {"request-min-contains-decreased": "info"}


def test_object_keywords_are_judged_entry_by_entry(tmp_path: Path) -> None:
    before = obj({"a": {"type": "string"}, "b": {"type": "string"}})
    dep = {**before, "dependentRequired": {"a": ["b"]}}
    rep = run(tmp_path, op_spec(req=before), op_spec(req=dep))
    assert [(c.rule, c.path, c.severity) for c in rep.changes] == [("request-constraint-added", "body", "breaking")]
    assert '`dependentRequired["a"]` added' in rep.changes[0].message()
    pat = {**before, "patternProperties": {"^x-": {"type": "string"}}}
    assert rules(run(tmp_path, op_spec(resp=pat), op_spec(resp=before))) == {"response-constraint-removed": "breaking"}


def test_a_looser_sub_schema_relaxes_and_a_tighter_one_narrows(tmp_path: Path) -> None:
    loose = with_prop(BASE, "a", {**ARRAY, "contains": {"type": "object", "properties": {"id": {"type": "string"}}}})
    tight = with_prop(BASE, "a", {**ARRAY, "contains": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}})
    assert rules(run(tmp_path, op_spec(req=tight), op_spec(req=loose))) == {"request-constraint-removed": "info"}
    assert rules(run(tmp_path, op_spec(req=loose), op_spec(req=tight))) == {"request-constraint-added": "breaking"}
    # inside `not`, looser is not looser: judged as changed
    nots = [with_prop(BASE, "a", {"type": "string", "not": s}) for s in ({"enum": ["x"]}, {"enum": ["x", "y"]})]
    assert rules(run(tmp_path, op_spec(req=nots[0]), op_spec(req=nots[1]))) == {"request-constraint-changed": "breaking"}


def test_if_then_else_and_content_keywords_are_reported(tmp_path: Path) -> None:
    cond = {**BASE, "if": {"properties": {"a": {"const": "x"}}}, "then": {"required": ["b"]}}
    assert set(rules(run(tmp_path, op_spec(req=BASE), op_spec(req=cond)))) == {"request-constraint-added"}
    text = with_prop(BASE, "a", {"type": "string", "contentMediaType": "application/json"})
    other = with_prop(BASE, "a", {"type": "string", "contentMediaType": "text/plain"})
    assert rules(run(tmp_path, op_spec(req=text), op_spec(req=other))) == {"request-constraint-changed": "breaking"}


def test_prefix_items_that_change_an_item_type_break(tmp_path: Path) -> None:
    before = with_prop(BASE, "a", ARRAY)
    after = with_prop(BASE, "a", {**ARRAY, "prefixItems": [{"type": "integer"}]})
    assert rules(run(tmp_path, op_spec(req=before), op_spec(req=after))) == {"tuple-items-changed": "breaking"}


def test_an_unknown_keyword_is_an_unmodeled_change_at_its_pointer(tmp_path: Path) -> None:
    before = with_prop(BASE, "a", {"type": "string", "x-extensible-enum": ["a", "b"], "foo": 1})
    after = with_prop(BASE, "a", {"type": "string", "x-extensible-enum": ["a"], "foo": 2})
    rep = run(tmp_path, op_spec(req=before), op_spec(req=after))
    assert rules(rep) == {"unmodeled-change": "info", "request-enum-value-removed": "breaking"}
    change = next(c for c in rep.changes if c.rule == "unmodeled-change")
    assert "unmodeled change at `/paths/~1things/post/requestBody/content/application~1json/schema/properties/a/foo`" in change.message()


def test_an_invalid_type_does_not_hide_an_added_enum_value(tmp_path: Path) -> None:
    before = with_prop(BASE, "a", {"type": "strin", "enum": ["x", "y"]})
    after = with_prop(BASE, "a", {"type": "strin", "enum": ["x", "y", "z"]})
    assert rules(run(tmp_path, op_spec(req=before), op_spec(req=after))) == {"request-enum-value-added": "info"}


def test_a_constant_replaced_breaks_both_ways(tmp_path: Path) -> None:
    before, after = (with_prop(BASE, "a", {"type": "string", "const": v}) for v in ("ok", "success"))
    assert rules(run(tmp_path, op_spec(resp=before), op_spec(resp=after))) == {"response-const-changed": "breaking"}


def test_additional_properties_closed_on_a_request_breaks(tmp_path: Path) -> None:
    assert rules(run(tmp_path, op_spec(req=BASE), op_spec(req={**BASE, "additionalProperties": False}))) == {"request-additional-properties-closed": "breaking"}


# ------------------------------------------------------------------ oneOf exclusivity


def test_an_object_wrapped_in_overlapping_one_of_breaks_requests(tmp_path: Path) -> None:
    props = {"foo": {"type": "string"}, "bar": {"type": "string"}}
    before = obj(props, ["foo", "bar"])
    after = {"oneOf": [obj(props, ["foo"]), obj(props, ["bar"])]}
    rep = run(tmp_path, op_spec(req=before), op_spec(req=after))
    assert rules(rep) == {"request-oneof-overlaps": "breaking"}
    # anyOf takes values matching several variants: widened, not broken
    assert "request-oneof-overlaps" not in rules(run(tmp_path, op_spec(req=before), op_spec(req={"anyOf": after["oneOf"]})))


# ------------------------------------------------------------------ lifecycle


def deprecated_op(**extra: Any) -> dict[str, Any]:
    spec = op_spec()
    spec["paths"]["/old"] = {"get": {"operationId": "getOld", "deprecated": True, "responses": {"200": {"description": "ok"}}, **extra}}
    return spec


def test_removal_before_the_sunset_date_breaks_and_after_it_warns(tmp_path: Path) -> None:
    before = deprecated_op(**{"x-sunset": "2026-06-01"})
    assert rules(run(tmp_path, before, op_spec(), today=dt.date(2026, 1, 1))) == {"operation-removed-before-sunset": "breaking"}
    assert rules(run(tmp_path, before, op_spec(), today=dt.date(2026, 7, 1))) == {"operation-removed-after-deprecation": "warning"}
    assert rules(run(tmp_path, deprecated_op(**{"x-sunset": "soon"}), op_spec())) == {"operation-removed-before-sunset": "breaking"}


def test_a_sunset_date_removed_or_moved_earlier_breaks(tmp_path: Path) -> None:
    assert rules(run(tmp_path, deprecated_op(**{"x-sunset": "2030-01-01"}), deprecated_op())) == {"sunset-removed": "breaking"}
    assert rules(run(tmp_path, deprecated_op(**{"x-sunset": "2030-01-01"}), deprecated_op(**{"x-sunset": "2029-01-01"}))) == {"sunset-moved-earlier": "breaking"}
    assert rules(run(tmp_path, deprecated_op(**{"x-sunset": "2029-01-01"}), deprecated_op(**{"x-sunset": "2030-01-01"}))) == {"sunset-changed": "info"}


def test_a_deprecated_parameter_removed_before_its_sunset_breaks(tmp_path: Path) -> None:
    param = {"name": "limit", "in": "query", "deprecated": True, "x-sunset": "2999-01-01", "schema": {"type": "integer"}}
    assert rules(run(tmp_path, op_spec(params=[param]), op_spec(params=[]))) == {"request-parameter-removed-before-sunset": "breaking"}


def test_stability_going_down_breaks_and_an_unknown_level_can_not_be_judged(tmp_path: Path) -> None:
    assert rules(run(tmp_path, op_spec(**{"x-stability-level": "stable"}), op_spec(**{"x-stability-level": "beta"}))) == {"stability-decreased": "breaking"}
    assert rules(run(tmp_path, op_spec(**{"x-stability-level": "alpha"}), op_spec(**{"x-stability-level": "ga"}))) == {"stability-invalid": "breaking"}


def test_changes_to_an_alpha_operation_promise_nothing(tmp_path: Path) -> None:
    rep = run(tmp_path, op_spec(req=BASE, **{"x-stability-level": "alpha"}), op_spec(req={**BASE, "required": ["a", "b"]}, **{"x-stability-level": "alpha"}))
    (change,) = rep.changes
    assert (change.rule, change.severity, change.downgraded) == ("request-property-became-required", "info", "x-stability-level: alpha")


# ------------------------------------------------------------------ headers, parameters, security


def with_headers(headers: dict[str, Any]) -> dict[str, Any]:
    spec = op_spec()
    spec["paths"]["/things"]["post"]["responses"]["200"]["headers"] = headers
    return spec


def test_response_headers_removed_added_and_loosened(tmp_path: Path) -> None:
    req = {"X-Rate": {"required": True, "schema": {"type": "integer"}}}
    opt = {"X-Rate": {"schema": {"type": "integer"}}}
    assert rules(run(tmp_path, with_headers(req), with_headers({}))) == {"response-required-header-removed": "breaking"}
    assert rules(run(tmp_path, with_headers({}), with_headers(opt))) == {"response-header-added": "info"}
    assert rules(run(tmp_path, with_headers(req), with_headers(opt))) == {"response-header-became-optional": "breaking"}
    rep = run(tmp_path, with_headers(opt), with_headers({"X-Rate": {"schema": {"type": "string"}}}))
    assert [(c.rule, c.path) for c in rep.changes] == [("response-type-changed", "responses.200.headers.X-Rate")]


def test_explode_is_judged_by_the_bytes_it_puts_on_the_wire(tmp_path: Path) -> None:
    arr = {"name": "ids", "in": "query", "schema": ARRAY}
    assert rules(run(tmp_path, op_spec(params=[arr]), op_spec(params=[{**arr, "explode": False}]))) == {"request-parameter-serialization-changed": "breaking"}
    one = {"name": "id", "in": "query", "schema": {"type": "string"}}
    assert rules(run(tmp_path, op_spec(params=[one]), op_spec(params=[{**one, "explode": False}]))) == {"request-parameter-serialization-restated": "info"}


def test_a_query_value_that_became_a_list_of_strings_widens(tmp_path: Path) -> None:
    one = {"name": "tag", "in": "query", "schema": {"type": "integer"}}
    rep = run(tmp_path, op_spec(params=[one]), op_spec(params=[{**one, "schema": ARRAY}]))
    assert rules(rep) == {"request-type-widened": "info"}


def secured(schemes: dict[str, Any], requirement: dict[str, list[str]]) -> dict[str, Any]:
    spec = op_spec()
    spec["components"] = {"securitySchemes": schemes}
    spec["security"] = [requirement]
    return spec


def test_equivalent_bearer_schemes_swapped_change_nothing_on_the_wire(tmp_path: Path) -> None:
    before = secured({"ApiKeyAuth": {"type": "http", "scheme": "bearer"}}, {"ApiKeyAuth": []})
    after = secured({"BearerAuth": {"type": "http", "scheme": "bearer"}}, {"BearerAuth": []})
    rep = run(tmp_path, before, after)
    assert rules(rep) == {"security-scheme-renamed": "info"}


def test_oauth_scopes_added_are_reported(tmp_path: Path) -> None:
    oauth = {"oauth": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://example.com/t", "scopes": {"read": "r", "write": "w"}}}}}
    rep = run(tmp_path, secured(oauth, {"oauth": ["read"]}), secured(oauth, {"oauth": ["read", "write"]}))
    assert rules(rep) == {"security-scope-added": "info"}


def test_webhooks_added_removed_and_changed(tmp_path: Path) -> None:
    hook = {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}, "responses": {"200": {"description": "ok"}}}}
    base = openapi({}, webhooks={"ping": hook})
    changed = copy.deepcopy(base)
    changed["webhooks"]["ping"]["post"]["requestBody"]["required"] = True
    assert rules(run(tmp_path, base, openapi({}))) == {"webhook-removed": "breaking"}
    assert rules(run(tmp_path, base, changed)) == {"webhook-changed": "warning"}


# ------------------------------------------------------------------ what the generated client tolerates


def test_response_changes_the_generated_client_tolerates_are_not_breaking(tmp_path: Path) -> None:
    enum = with_prop(BASE, "a", {"type": "string", "enum": ["x", "y"]})
    more = with_prop(BASE, "a", {"type": "string", "enum": ["x", "y", "z"]})
    assert rules(run(tmp_path, op_spec(resp=enum), op_spec(resp=more))) == {"response-enum-value-added": "warning"}
    assert rules(run(tmp_path, op_spec(resp=BASE), op_spec(resp={**BASE, "required": []}))) == {"response-property-became-optional": "warning"}
    nullable = with_prop(BASE, "a", {"type": ["string", "null"]})
    assert rules(run(tmp_path, op_spec(resp=BASE), op_spec(resp=nullable))) == {"response-became-nullable": "warning"}


def test_a_removed_keyword_argument_breaks_the_client_though_the_wire_may_not(tmp_path: Path) -> None:
    rep = run(tmp_path, op_spec(req=BASE), op_spec(req=with_prop(BASE, "b", None)))
    assert rules(rep) == {"request-property-removed": "warning"}
    (arg,) = [c for c in rep.client if c.kind == "argument"]
    assert (arg.change, arg.severity) == ("removed", "breaking")
    assert rep.worst() == "breaking" and rep.semver() == "major"


def test_semver_follows_the_worst_change(tmp_path: Path) -> None:
    assert run(tmp_path, op_spec(req=BASE), op_spec(req=BASE)).semver() == "none"
    assert run(tmp_path, op_spec(req=BASE), op_spec(req=with_prop(BASE, "c", {"type": "string"}))).semver() == "minor"
    assert run(tmp_path, op_spec(resp=BASE), op_spec(resp=with_prop(BASE, "b", {"type": "integer", "maximum": 3}))).semver() == "patch"


# ------------------------------------------------------------------ 3.0 and 3.1 spellings


def test_a_default_inside_any_of_with_null_is_the_same_default(tmp_path: Path) -> None:
    v30 = with_prop(BASE, "a", {"type": "string", "nullable": True, "default": "x"})
    v31 = with_prop(BASE, "a", {"anyOf": [{"type": "string", "default": "x"}, {"type": "null"}]})
    assert run(tmp_path, op_spec(req=v30), op_spec(req=v31)).changes == []


def test_format_byte_is_content_encoding_base64(tmp_path: Path) -> None:
    v30 = with_prop(BASE, "a", {"type": "string", "format": "byte"})
    v31 = with_prop(BASE, "a", {"type": "string", "contentEncoding": "base64"})
    assert run(tmp_path, op_spec(req=v30), op_spec(req=v31)).changes == []


def test_a_changed_callback_is_reported_where_it_stands(tmp_path: Path) -> None:
    hook = {"{$request.body#/url}": {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}, "responses": {"200": {"description": "ok"}}}}}
    before = op_spec(callbacks={"done": hook})
    after = copy.deepcopy(before)
    after["paths"]["/things"]["post"]["callbacks"]["done"]["{$request.body#/url}"]["post"]["requestBody"]["required"] = True
    rep = run(tmp_path, before, after)
    assert rules(rep) == {"unmodeled-change": "info"}
    assert "`/paths/~1things/post/callbacks`" in rep.changes[0].message()
    assert run(tmp_path, before, copy.deepcopy(before)).changes == []


def test_a_deprecated_property_removed_before_its_sunset_breaks(tmp_path: Path) -> None:
    before = with_prop(BASE, "b", {"type": "integer", "deprecated": True, "x-sunset": "2999-01-01"})
    assert rules(run(tmp_path, op_spec(req=before), op_spec(req=with_prop(BASE, "b", None)))) == {"request-property-removed-before-sunset": "breaking"}
    past = with_prop(BASE, "b", {"type": "integer", "deprecated": True, "x-sunset": "2000-01-01"})
    assert rules(run(tmp_path, op_spec(req=past), op_spec(req=with_prop(BASE, "b", None)))) == {"request-property-removed-after-deprecation": "warning"}
