"""One test per normalization rule: what the IR decides for each construct."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from support import normalize_dict, openapi
from specgen.model.keywords import parse_replacement

OBJ = {"type": "object"}


def _post(body_schema: dict[str, Any], response: dict[str, Any] | None = None, **op: Any) -> dict[str, Any]:
    return {
        "/things": {
            "post": {
                "operationId": "createThing",
                "requestBody": {"required": True, "content": {"application/json": {"schema": body_schema}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": response or {"type": "object", "properties": {"id": {"type": "string"}}}}}}},
                **op,
            }
        }
    }


def _message(role: str, extra: dict[str, Any] | None = None, required: tuple[str, ...] = ("role", "content")) -> dict[str, Any]:
    return {
        "title": f"{role.title()} message",
        "type": "object",
        "required": list(required),
        "properties": {"role": {"type": "string", "enum": [role]}, "content": {"type": "string", "nullable": True}, **(extra or {})},
    }


def seed_002_style() -> dict[str, Any]:
    """The shape of seed 002: messages told apart only by `role`, content parts by `type`,
    `stop` string-or-null or array, `model` string or enum, deprecated functions."""
    parts = {
        "oneOf": [
            {"title": "Text content part", "type": "object", "required": ["type", "text"], "properties": {"type": {"type": "string", "enum": ["text"]}, "text": {"type": "string"}}},
            {"title": "Image content part", "type": "object", "required": ["type", "image_url"], "properties": {"type": {"type": "string", "enum": ["image_url"]}, "image_url": {"type": "object", "required": ["url"], "properties": {"url": {"type": "string"}}}}},
        ]
    }
    user = _message("user")
    user["properties"]["content"] = {"oneOf": [{"type": "string"}, {"type": "array", "items": parts}]}
    function = _message("function", {"name": {"type": "string"}}, ("role", "content", "name"))
    function["deprecated"] = True
    body = {
        "type": "object",
        "required": ["model", "messages"],
        "properties": {
            "messages": {"type": "array", "minItems": 1, "items": {"oneOf": [_message("system"), user, _message("assistant", required=("role",)), _message("tool", {"tool_call_id": {"type": "string"}}), function]}},
            "model": {"anyOf": [{"type": "string"}, {"type": "string", "enum": ["gpt-4", "gpt-3.5-turbo"]}]},
            "stop": {"default": None, "oneOf": [{"type": "string", "nullable": True}, {"type": "array", "items": {"type": "string"}, "maxItems": 4}]},
            "functions": {"type": "array", "deprecated": True, "description": "Deprecated in favor of `tools`.", "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
            "function_call": {"deprecated": True, "description": "Deprecated in favor of `tool_choice`.", "oneOf": [{"type": "string", "enum": ["none", "auto"]}, {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}]},
            "temperature": {"type": "number", "minimum": 0, "maximum": 2, "default": 1, "nullable": True},
        },
    }
    return openapi(_post(body), version="3.0.3")


def _union(api: Any, containing: str) -> Any:
    return next(u for u in api.unions if containing in u.pointer and u.pointer.endswith(containing))


def test_oneof_without_discriminator_infers_role(tmp_path: Path) -> None:
    api = normalize_dict(tmp_path, seed_002_style())
    u = _union(api, "/properties/messages/items")
    assert u.discriminator == "role" and u.inferred
    assert [v.tag for v in u.variants] == ["system", "user", "assistant", "tool", "function"]
    assert [v.deprecated is not None for v in u.variants] == [False, False, False, False, True]
    assert u.variants[0].name == "SystemMessage"


def test_content_parts_discriminated_by_type(tmp_path: Path) -> None:
    api = normalize_dict(tmp_path, seed_002_style())
    parts = next(u for u in api.unions if u.pointer.endswith("/items") and "content" in u.pointer)
    assert parts.discriminator == "type" and parts.inferred
    assert [v.tag for v in parts.variants] == ["text", "image_url"]


def test_string_or_array_union_has_no_discriminator(tmp_path: Path) -> None:
    api = normalize_dict(tmp_path, seed_002_style())
    content = next(u for u in api.unions if u.pointer.endswith("/properties/content"))
    assert content.discriminator is None
    assert [v.type.kind for v in content.variants] == ["string", "array"]


def test_stop_string_or_null_or_array_is_a_nullable_union(tmp_path: Path) -> None:
    api = normalize_dict(tmp_path, seed_002_style())
    body = api.model(api.operations[0].body_model)
    stop = body.field_map["stop"]
    u = api.union_map[stop.type.ref]
    kinds = [v.type.kind for v in u.variants]
    assert kinds == ["string", "array"]
    assert u.variants[0].type.nullable  # `nullable: true` inside the variant is kept
    assert u.variants[1].type.constraints.max_items == 4
    assert stop.has_default and stop.default is None


def test_anyof_string_or_enum_is_open_enum(tmp_path: Path) -> None:
    api = normalize_dict(tmp_path, seed_002_style())
    model = api.model(api.operations[0].body_model).field_map["model"]
    assert model.type.kind == "enum"
    e = api.enum_map[model.type.ref]
    assert e.open and e.values == ("gpt-4", "gpt-3.5-turbo")


def test_deprecated_fields_name_their_replacements(tmp_path: Path) -> None:
    api = normalize_dict(tmp_path, seed_002_style())
    fields = api.model(api.operations[0].body_model).field_map
    assert fields["functions"].deprecated is not None and fields["functions"].deprecated.replacement == "tools"
    assert fields["function_call"].deprecated is not None and fields["function_call"].deprecated.replacement == "tool_choice"
    index = {d.where: d for d in api.deprecated}
    assert index["/paths/~1things/post/requestBody/content/application~1json/schema/properties/functions"].replacement == "tools"
    assert index["/paths/~1things/post/requestBody/content/application~1json/schema/properties/function_call"].kind == "property"
    variant = index["/paths/~1things/post/requestBody/content/application~1json/schema/properties/messages/items/oneOf/4"]
    assert variant.kind == "variant" and variant.replacement is None


def test_deprecated_operation_and_parameter(tmp_path: Path) -> None:
    spec = openapi(
        {
            "/old": {
                "get": {
                    "operationId": "listOld",
                    "deprecated": True,
                    "description": "This endpoint is replaced by `listNew`.",
                    "parameters": [{"name": "page", "in": "query", "deprecated": True, "description": "Deprecated: use `after` instead.", "schema": {"type": "integer"}}],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        }
    )
    api = normalize_dict(tmp_path, spec)
    op = api.operations[0]
    assert op.deprecated is not None and op.deprecated.replacement == "listNew"
    assert op.parameters[0].deprecated is not None and op.parameters[0].deprecated.replacement == "after"
    assert {d.kind for d in api.deprecated} == {"operation", "parameter"}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Deprecated in favor of `tools`.", "tools"),
        ("This value is now deprecated in favor of `max_completion_tokens`, and is not compatible", "max_completion_tokens"),
        ("Deprecated in favor of tool_choice. Controls which function is called.", "tool_choice"),
        ("Deprecated and replaced by `tool_calls`.", "tool_calls"),
        ("Use `after` instead.", "after"),
        ("An old field.", None),
        ("", None),
    ],
)
def test_replacement_parsed_from_description(text: str, expected: str | None) -> None:
    assert parse_replacement(text) == expected


def test_nullable_30_and_31_mean_the_same(tmp_path: Path) -> None:
    s30 = openapi(schemas={"A": {"type": "object", "properties": {"x": {"type": "string", "nullable": True}, "y": {"allOf": [{"$ref": "#/components/schemas/B"}], "nullable": True}}}, "B": {"type": "object", "properties": {"b": {"type": "integer"}}}}, version="3.0.3")
    s31 = openapi(schemas={"A": {"type": "object", "properties": {"x": {"type": ["string", "null"]}, "y": {"anyOf": [{"$ref": "#/components/schemas/B"}, {"type": "null"}]}}}, "B": {"type": "object", "properties": {"b": {"type": "integer"}}}})
    a30 = normalize_dict(tmp_path, s30).model("A").field_map
    (tmp_path / "b").mkdir()
    a31 = normalize_dict(tmp_path / "b", s31).model("A").field_map
    for fields in (a30, a31):
        assert fields["x"].type.kind == "string" and fields["x"].type.nullable
        assert fields["y"].type.kind == "model" and fields["y"].type.ref == "B" and fields["y"].type.nullable


def test_enum_with_null_is_nullable_enum(tmp_path: Path) -> None:
    api = normalize_dict(tmp_path, openapi(schemas={"A": {"type": "object", "properties": {"tier": {"type": ["string", "null"], "enum": ["auto", "default", None]}}}}))
    t = api.model("A").field_map["tier"].type
    assert t.kind == "enum" and t.nullable and api.enum_map[t.ref].values == ("auto", "default")


def test_single_value_enum_and_const_are_literals(tmp_path: Path) -> None:
    api = normalize_dict(tmp_path, openapi(schemas={"A": {"type": "object", "properties": {"a": {"type": "string", "enum": ["x"]}, "b": {"const": 3}}}}))
    f = api.model("A").field_map
    assert f["a"].type.kind == "literal" and f["a"].type.values == ("x",)
    assert f["b"].type.kind == "literal" and f["b"].type.values == (3,)


def test_explicit_discriminator_with_mapping(tmp_path: Path) -> None:
    schemas = {
        "Pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}], "discriminator": {"propertyName": "kind", "mapping": {"c": "#/components/schemas/Cat", "d": "#/components/schemas/Dog"}}},
        "Cat": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}, "meow": {"type": "boolean"}}},
        "Dog": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}},
    }
    api = normalize_dict(tmp_path, openapi(schemas=schemas))
    u = api.union_map["Pet"]
    assert u.discriminator == "kind" and not u.inferred
    assert [(v.name, v.tag) for v in u.variants] == [("Cat", "c"), ("Dog", "d")]


def test_no_discriminator_when_tags_collide(tmp_path: Path) -> None:
    a = {"type": "object", "required": ["type"], "properties": {"type": {"enum": ["same"]}, "a": {"type": "string"}}}
    b = {"type": "object", "required": ["type"], "properties": {"type": {"enum": ["same"]}, "b": {"type": "string"}}}
    api = normalize_dict(tmp_path, openapi(schemas={"U": {"oneOf": [a, b]}}))
    assert api.union_map["U"].discriminator is None


def test_allof_merges_properties_and_required(tmp_path: Path) -> None:
    schemas = {
        "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "kind": {"type": "string"}}},
        "Child": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "kind": {"type": "string", "enum": ["child"]}}}]},
    }
    api = normalize_dict(tmp_path, openapi(schemas=schemas))
    child = api.model("Child")
    assert [f.name for f in child.fields] == ["id", "kind", "name"]
    assert {f.name for f in child.fields if f.required} == {"id", "name"}
    assert child.field_map["kind"].type.kind == "literal"  # the later part wins


def test_allof_single_ref_keeps_the_reference(tmp_path: Path) -> None:
    schemas = {"A": {"type": "object", "properties": {"b": {"allOf": [{"$ref": "#/components/schemas/B"}], "description": "the b"}}}, "B": {"type": "object", "properties": {"x": {"type": "integer"}}}}
    api = normalize_dict(tmp_path, openapi(schemas=schemas, version="3.0.3"))
    b = api.model("A").field_map["b"]
    assert b.type.kind == "model" and b.type.ref == "B" and b.description == "the b"


def test_recursion_is_kept_as_reference(tmp_path: Path) -> None:
    schemas = {"Node": {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}, "parent": {"$ref": "#/components/schemas/Node"}}}}
    api = normalize_dict(tmp_path, openapi(schemas=schemas))
    node = api.model("Node")
    assert node.field_map["children"].type.item.ref == "Node"
    assert node.field_map["parent"].type.ref == "Node"


def test_recursive_union_is_kept_as_reference(tmp_path: Path) -> None:
    schemas = {"Json": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"$ref": "#/components/schemas/Json"}}, {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Json"}}]}}
    api = normalize_dict(tmp_path, openapi(schemas=schemas))
    u = api.union_map["Json"]
    assert u.variants[1].type.item.ref == "Json" and u.variants[2].type.kind == "map" and u.variants[2].type.item.ref == "Json"


def test_names_are_python_safe_and_unique(tmp_path: Path) -> None:
    schemas = {
        "class": {"type": "object", "properties": {"from": {"type": "string"}, "1st": {"type": "string"}, "naïve": {"type": "string"}, "": {"type": "string"}, "json": {"type": "string"}}},
        "2xx-result": {"type": "object", "properties": {"a": {"type": "string"}}},
        "Tz": {"type": "string", "enum": ["GMT0", "GMT+0", "GMT-0", "gmt0", "", "1x"]},
    }
    api = normalize_dict(tmp_path, openapi(schemas=schemas))
    names = [m.name for m in api.models] + [e.name for e in api.enums]
    assert all(n.isidentifier() for n in names) and len(set(names)) == len(names)
    cls = api.model_map["Class"]
    py = [f.py_name for f in cls.fields]
    assert py[0] == "from_" and all(p.isidentifier() and p.isascii() for p in py) and len(set(py)) == len(py)
    assert [f.name for f in cls.fields] == ["from", "1st", "naïve", "", "json"]  # wire names untouched
    assert next(m for m in api.models if m.pointer.endswith("2xx-result")).name == "Schema_2xxResult"
    members = [m.py_name for m in api.enum_map["Tz"].members]
    assert len(set(members)) == 6 and all(m.isidentifier() for m in members)


def test_component_names_win_over_inline_titles(tmp_path: Path) -> None:
    schemas = {"Holder": {"type": "object", "properties": {"x": {"title": "Thing", "type": "object", "properties": {"a": {"type": "string"}}}}}, "Thing": {"type": "object", "properties": {"b": {"type": "string"}}}}
    api = normalize_dict(tmp_path, openapi(schemas=schemas))
    assert api.model("Thing").pointer == "/components/schemas/Thing"
    inline = api.model(api.model("Holder").field_map["x"].type.ref)
    assert inline.name != "Thing" and inline.name.startswith("Thing")


def test_resources_from_paths(tmp_path: Path) -> None:
    ok = {"200": {"description": "ok"}}
    item = {"name": "completion_id", "in": "path", "required": True, "schema": {"type": "string"}}
    paths = {
        "/chat/completions": {"post": {"operationId": "createChatCompletion", "responses": ok}, "get": {"operationId": "listChatCompletions", "responses": ok}},
        "/chat/completions/{completion_id}": {"parameters": [item], "get": {"operationId": "getChatCompletion", "responses": ok}, "post": {"operationId": "updateChatCompletion", "responses": ok}, "delete": {"operationId": "deleteChatCompletion", "responses": ok}},
        "/chat/completions/{completion_id}/messages": {"parameters": [item], "get": {"operationId": "getChatCompletionMessages", "responses": ok}},
        "/fine_tuning/jobs/{job_id}/cancel": {"post": {"operationId": "cancelJob", "parameters": [{"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}], "responses": ok}},
        "/v1/models": {"get": {"operationId": "listModels", "responses": ok}},
    }
    api = normalize_dict(tmp_path, openapi(paths))
    calls = {op.id: op.call for op in api.operations}
    assert calls == {
        "createChatCompletion": "client.chat.completions.create",
        "listChatCompletions": "client.chat.completions.list",
        "getChatCompletion": "client.chat.completions.retrieve",
        "updateChatCompletion": "client.chat.completions.update",
        "deleteChatCompletion": "client.chat.completions.delete",
        "getChatCompletionMessages": "client.chat.completions.messages.list",
        "cancelJob": "client.fine_tuning.jobs.cancel",
        "listModels": "client.models.list",
    }


def test_colliding_methods_fall_back_to_operation_id_without_the_resource_words(tmp_path: Path) -> None:
    ok = {"200": {"description": "ok"}}
    paths = {"/things": {"post": {"operationId": "createThing", "responses": ok}}, "/things/": {"post": {"operationId": "createThingAgain", "responses": ok}}}
    api = normalize_dict(tmp_path, openapi(paths))
    calls = [op.call for op in api.operations]
    assert calls == ["client.things.create", "client.things.create_again"]


def test_body_fields_become_arguments_required_first(tmp_path: Path) -> None:
    api = normalize_dict(tmp_path, seed_002_style())
    args = api.operations[0].arguments
    required = [a.py_name for a in args if a.required]
    assert required == ["messages", "model"]
    assert [a.required for a in args] == sorted([a.required for a in args], reverse=True)
    assert {a.source for a in args} == {"body"}


def test_streaming_detected_from_stream_flag_and_chunk_component(tmp_path: Path) -> None:
    schemas = {
        "CreateThingResponse": {"type": "object", "properties": {"id": {"type": "string"}}},
        "CreateThingStreamResponse": {"type": "object", "properties": {"delta": {"type": "string"}}},
    }
    body = {"type": "object", "properties": {"stream": {"type": "boolean"}}}
    spec = openapi(_post(body, {"$ref": "#/components/schemas/CreateThingResponse"}), schemas)
    op = normalize_dict(tmp_path, spec).operations[0]
    assert op.streaming and op.stream_param == "stream" and op.stream_type is not None and op.stream_type.ref == "CreateThingStreamResponse"


def test_cursor_pagination_detected(tmp_path: Path) -> None:
    lst = {"type": "object", "properties": {"data": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}}}}, "has_more": {"type": "boolean"}, "last_id": {"type": "string"}}}
    paths = {"/items": {"get": {"operationId": "listItems", "parameters": [{"name": "after", "in": "query", "schema": {"type": "string"}}, {"name": "limit", "in": "query", "schema": {"type": "integer"}}], "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": lst}}}}}}}
    p = normalize_dict(tmp_path, openapi(paths)).operations[0].pagination
    assert p is not None and (p.cursor_param, p.items_field, p.has_more_field, p.next_cursor_field) == ("after", "data", "has_more", "last_id")


def test_bare_json_schema_becomes_models(tmp_path: Path) -> None:
    from support import write_spec
    from specgen.diagnostics import Diagnostics
    from specgen.spec.load import load
    from specgen.model.normalize import normalize

    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Order", "type": "object", "properties": {"id": {"type": "string"}, "line": {"$ref": "#/$defs/Line"}}, "$defs": {"Line": {"type": "object", "properties": {"qty": {"type": "integer", "minimum": 1}}}}}
    diags = Diagnostics()
    api = normalize(load(write_spec(tmp_path, schema, "order.json"), diags, use_cache=False), diags)
    assert api.openapi == "jsonschema" and api.operations == ()
    assert {m.name for m in api.models} == {"Order", "Line"}
    assert api.model("Order").field_map["line"].type.ref == "Line"


def test_relative_file_ref_is_resolved(tmp_path: Path) -> None:
    import json

    (tmp_path / "body.schema.json").write_text(json.dumps({"type": "object", "required": ["q"], "properties": {"q": {"type": "string"}}}))
    spec = openapi(_post({"$ref": "./body.schema.json"}))
    api = normalize_dict(tmp_path, spec)
    op = api.operations[0]
    assert op.body_model is not None and op.body_model.startswith("Body")  # named from the file
    assert [a.py_name for a in op.arguments] == ["q"]
    assert api.model(op.body_model).pointer == "body.schema.json#"


def test_required_but_undeclared_with_closed_object_warns(tmp_path: Path) -> None:
    schemas = {"Run": {"type": "object", "additionalProperties": False, "required": ["thread_id", "a"], "properties": {"a": {"type": "string"}}}}
    api = normalize_dict(tmp_path, openapi(schemas=schemas))
    warnings = [d for d in api.__dict__["_diags"].items if d.code == "unsatisfiable-required"]
    assert len(warnings) == 1 and "'thread_id'" in warnings[0].message and warnings[0].pointer == "/components/schemas/Run/required"


def test_fixed_query_variants_do_not_take_the_plain_method_name(tmp_path: Path) -> None:
    ok = {"200": {"description": "ok"}}
    paths = {"/responses": {"post": {"operationId": "createResponse", "responses": ok}}, "/responses?beta=true": {"post": {"operationId": "Beta_createResponse", "responses": ok}}}
    calls = {op.id: op.call for op in normalize_dict(tmp_path, openapi(paths)).operations}
    assert calls == {"createResponse": "client.responses.create", "Beta_createResponse": "client.responses.beta_create"}


def test_nullable_union_and_allof_wrappers_keep_the_inner_schemas_documentation(tmp_path: Path) -> None:
    temperature = {"anyOf": [{"type": "number", "description": "Sampling temperature.", "default": 1, "example": 0.2, "title": "Temp"}, {"type": "null"}]}
    schemas = {
        "Level": {"type": "string", "enum": ["low", "high"], "description": "How much.", "default": "low"},
        "Req": {
            "type": "object",
            "properties": {
                "temperature": temperature,
                "level": {"anyOf": [{"$ref": "#/components/schemas/Level"}, {"type": "null"}]},
                "wrapped": {"allOf": [{"$ref": "#/components/schemas/Level"}, {"description": "Wrapped here.", "deprecated": True}]},
                "old": {"oneOf": [{"type": "string", "deprecated": True, "description": "Deprecated in favor of `new`."}, {"type": "null"}]},
                "outer": {"description": "Outer wins.", "anyOf": [{"type": "integer", "description": "inner", "default": 3}, {"type": "null"}]},
            },
        },
    }
    api = normalize_dict(tmp_path, openapi(_post({"$ref": "#/components/schemas/Req"}), schemas))
    f = api.model("Req").field_map
    assert (f["temperature"].description, f["temperature"].default, f["temperature"].has_default) == ("Sampling temperature.", 1, True)
    assert f["temperature"].examples == (0.2,) and f["temperature"].title == "Temp" and f["temperature"].type.nullable
    # through a `$ref`: the referenced schema's description and default, not its deprecation or title
    assert (f["level"].description, f["level"].default) == ("How much.", "low")
    assert f["wrapped"].description == "Wrapped here." and f["wrapped"].default == "low" and f["wrapped"].deprecated is not None
    assert f["old"].deprecated is not None and f["old"].deprecated.replacement == "new"
    assert (f["outer"].description, f["outer"].default) == ("Outer wins.", 3)
    # the arguments of the generated method carry them too (docstrings, tools)
    args = {a.wire_name: a for a in api.operations[0].arguments}
    assert args["temperature"].description == "Sampling temperature." and args["temperature"].default == 1


# ------------------------------------------------------------------ client layout, pages, auth, errors (issue 14)


def _ok(schema: dict[str, Any] | None = None) -> dict[str, Any]:
    if schema is None:
        return {"200": {"description": "ok"}}
    return {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}


def _pid(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def test_layout_puts_actions_downloads_and_singletons_where_users_expect_them(tmp_path: Path) -> None:
    obj = {"type": "object", "properties": {"days": {"type": "integer"}}}
    page = {"type": "object", "properties": {"data": {"type": "array", "items": obj}}}
    paths = {
        "/v1/files/{file_id}/content": {"get": {"operationId": "downloadFile", "parameters": [_pid("file_id")], "responses": _ok({"type": "string"})}},
        "/v1/batches/{batch_id}/cancel": {"post": {"operationId": "cancelBatch", "parameters": [_pid("batch_id")], "responses": _ok()}},
        "/v1/uploads/{upload_id}/parts": {"post": {"operationId": "addUploadPart", "parameters": [_pid("upload_id")], "responses": _ok()}},
        "/v1/jobs/{job_id}/events": {"get": {"operationId": "listJobEvents", "parameters": [_pid("job_id")], "responses": _ok(page)}},
        "/v1/retention": {"get": {"operationId": "getRetention", "responses": _ok(obj)}, "post": {"operationId": "setRetention", "responses": _ok(obj)}},
        "/v1/threads/runs": {"post": {"operationId": "createThreadAndRun", "responses": _ok()}},
        "/v1/threads/{thread_id}/runs": {"post": {"operationId": "createRun", "parameters": [_pid("thread_id")], "responses": _ok()}},
        "/v1/responses/compact": {"post": {"operationId": "compactConversation", "responses": _ok()}},
        "/v1/responses": {"post": {"operationId": "createResponse", "responses": _ok()}},
    }
    ops = {op.id: op for op in normalize_dict(tmp_path, openapi(paths)).operations}
    calls = {k: (op.call, op.shortcut) for k, op in ops.items()}
    assert calls == {
        "downloadFile": ("client.files.content.retrieve", True),
        "cancelBatch": ("client.batches.cancel", False),
        "addUploadPart": ("client.uploads.parts.create", True),
        "listJobEvents": ("client.jobs.events.list", False),
        "getRetention": ("client.retention.retrieve", False),
        "setRetention": ("client.retention.update", False),
        "createThreadAndRun": ("client.threads.create_and_run", False),
        "createRun": ("client.threads.runs.create", True),  # a noun after an id, alone at its path
        "compactConversation": ("client.responses.compact", False),
        "createResponse": ("client.responses.create", False),
    }
    # the last path parameter is positional, the others keyword-only
    run = normalize_dict(tmp_path, openapi({"/a/{a_id}/b/{b_id}": {"get": {"operationId": "getB", "parameters": [_pid("a_id"), _pid("b_id")], "responses": _ok()}}})).operations[0]
    assert [(a.py_name, a.positional) for a in run.arguments] == [("a_id", False), ("b_id", True)]


def test_resource_names_that_would_shadow_client_attributes_end_in_an_underscore(tmp_path: Path) -> None:
    paths = {"/copy": {"post": {"operationId": "a", "responses": _ok()}}, "/things/with_raw_response": {"get": {"operationId": "b", "responses": _ok()}}, "/things": {"get": {"operationId": "c", "responses": _ok()}}}
    assert [op.call for op in normalize_dict(tmp_path, openapi(paths)).operations] == ["client.copy_.create", "client.things.with_raw_response_.list", "client.things.list"]


def _list(params: list[str], fields: dict[str, Any], headers: dict[str, Any] | None = None) -> Any:
    item = {"type": "object", "properties": {"id": {"type": "string"}}}
    body = {"type": "object", "properties": {"data": {"type": "array", "items": item}, **fields}}
    ok = _ok(body)
    if headers:
        ok["200"]["headers"] = headers
    parameters = [{"name": p.removesuffix("_ms"), "in": "query", "schema": {"type": "string" if p in ("after", "page_token") else "integer"}} for p in params]
    return openapi({"/things": {"get": {"operationId": "listThings", "parameters": parameters, "responses": ok}}})


@pytest.mark.parametrize(
    "params, fields, headers, expected",
    [
        (["after", "limit"], {"has_more": {"type": "boolean"}, "last_id": {"type": "string"}}, None, ("cursor", "after", "has_more", "last_id")),
        (["page_token"], {"next_page_token": {"type": "string"}}, None, ("cursor", "page_token", None, "next_page_token")),
        (["offset", "limit"], {"total": {"type": "integer"}}, None, ("offset", "offset", None, None)),
        (["page", "per_page"], {}, None, ("page", "page", None, None)),
        (["per_page"], {}, {"Link": {"schema": {"type": "string"}}}, ("link", None, None, None)),
        ([], {"object": {"type": "string"}}, None, ("single", None, None, None)),
        (["after_ms", "limit"], {"next": {"type": "string"}}, None, ("next_url", None, None, "next")),
    ],
    ids=["cursor", "token", "offset", "page", "link", "single", "next-url"],
)
def test_pagination_is_detected_by_shape(tmp_path: Path, params: list[str], fields: dict[str, Any], headers: Any, expected: tuple[Any, ...]) -> None:
    pg = normalize_dict(tmp_path, _list(params, fields, headers)).operations[0].pagination
    assert pg is not None and (pg.style, pg.cursor_param, pg.has_more_field, pg.next_cursor_field) == expected
    assert pg.items_field == "data" and pg.item_type.kind == "model"


def test_security_schemes_name_their_credentials_and_the_env_prefix_comes_from_the_title(tmp_path: Path) -> None:
    spec = openapi({}, info={"title": "OpenAI API", "version": "1"})
    spec["components"] = {"securitySchemes": {
        "ApiKeyAuth": {"type": "http", "scheme": "bearer"}, "AdminApiKeyAuth": {"type": "http", "scheme": "bearer"},
        "basic": {"type": "http", "scheme": "basic"}, "tls": {"type": "mutualTLS"},
        "oauth": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://h/token", "scopes": {"a": "", "b": ""}}}},
    }}
    spec["security"] = [{"ApiKeyAuth": []}]
    api = normalize_dict(tmp_path, spec)
    assert api.env_prefix == "OPENAI"
    creds = {s.name: (s.kind, s.credentials, s.token_url, s.scopes) for s in api.security_schemes}
    assert creds == {
        "ApiKeyAuth": ("bearer", ("api_key",), None, ()),
        "AdminApiKeyAuth": ("bearer", ("admin_api_key",), None, ()),
        "basic": ("basic", ("username", "password"), None, ()),
        "tls": ("other", (), None, ()),
        "oauth": ("oauth2", ("access_token", "client_id", "client_secret"), "https://h/token", ("a", "b")),
    }


def test_the_error_shape_and_request_id_header_come_from_the_spec(tmp_path: Path) -> None:
    error = {"type": "object", "properties": {"error": {"type": "object", "properties": {"detail": {"type": "string"}, "errorCode": {"type": "string"}, "param": {"type": "string"}}}}}
    responses = {"200": {"description": "ok", "headers": {"X-Amzn-RequestId": {"schema": {"type": "string"}}}}, "400": {"description": "bad", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
    api = normalize_dict(tmp_path, openapi({"/x": {"get": {"operationId": "x", "responses": responses}}}, {"Error": error}))
    assert (api.error_shape.envelope, api.error_shape.message, api.error_shape.code, api.error_shape.param, api.error_shape.type) == ("error", "detail", "errorCode", "param", None)
    assert api.request_id_headers == ("x-amzn-requestid",)


def test_a_oneof_of_oneofs_is_flattened_to_find_its_tag_and_gets_an_unknown_model(tmp_path: Path) -> None:
    def ev(name: str) -> dict[str, Any]:
        return {"type": "object", "required": ["event", "data"], "properties": {"event": {"type": "string", "enum": [name]}, "data": {"type": "object", "properties": {"id": {"type": "string"}}}}}

    schemas = {"A": {"oneOf": [ev("a.created"), ev("a.done")]}, "B": {"oneOf": [ev("b.created")]}, "Any": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]}}
    api = normalize_dict(tmp_path, openapi({}, schemas))
    u = api.union_map["AnyModel"]
    assert u.discriminator == "event" and u.inferred and [v.tag for v in u.variants] == ["a.created", "a.done", "b.created"]
    assert u.unknown_name == "UnknownAnyModel"
    assert any(d.code == "reserved-name" for d in api._diags.items)  # `Any` is a typing name
