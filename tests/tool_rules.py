"""What each model provider accepts in a tool definition, written from the providers' own
documentation (not from specgen's lowering code), to judge generated tools by.

OpenAI strict mode, "Supported schemas" of the Structured Outputs guide
(https://platform.openai.com/docs/guides/structured-outputs#supported-schemas) and strict
function calling (https://platform.openai.com/docs/guides/function-calling):
- the root is an object, not `anyOf`; every object sets `additionalProperties: false` and lists
  every property in `required`;
- supported: string, number, integer, boolean, object, array, enum, anyOf (each branch itself a
  supported schema); string `pattern` and `format` (date-time, time, date, duration, email,
  hostname, ipv4, ipv6, uuid); number `multipleOf`, `maximum`, `exclusiveMaximum`, `minimum`,
  `exclusiveMinimum`; array `minItems`, `maxItems`; `description`; `$defs`/`$ref` (we send none);
- at most 5000 object properties and 10 levels of nesting; at most 120,000 characters of
  property names, enum values and const values; at most 1000 enum values; an enum of more than
  250 string values holds at most 15,000 characters.
Anthropic Messages API, tool use
(https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use):
- `name` matches `^[a-zA-Z0-9_-]{1,64}$`; `input_schema` is a JSON Schema object of type object;
- no `oneOf`/`anyOf`/`allOf` at its top level and top-level keys match `^[a-zA-Z0-9_.-]{1,64}$`
  (the API's own 400 messages, e.g. anthropics/claude-code#5319).
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from jsonschema import Draft202012Validator

NAME = re.compile(r"[a-zA-Z0-9_-]{1,64}")
KEY = re.compile(r"[a-zA-Z0-9_.-]{1,64}")
STRICT_FORMATS = {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"}
STRICT_KEYWORDS = {
    None: {"type", "description", "enum", "anyOf"},
    "object": {"properties", "required", "additionalProperties"},
    "array": {"items", "minItems", "maxItems"},
    "string": {"pattern", "format"},
    "number": {"multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum"},
    "integer": {"multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum"},
    "boolean": set(),
    "null": set(),
}


def _types(s: dict[str, Any]) -> set[str]:
    t = s.get("type")
    return set(t) if isinstance(t, list) else {t} if isinstance(t, str) else set()


def strict_problems(schema: dict[str, Any]) -> list[str]:
    """Why OpenAI's strict mode would reject this `parameters` schema (empty: it accepts it)."""
    problems: list[str] = []
    counts = {"properties": 0, "strings": 0, "enum": 0}
    if "anyOf" in schema or schema.get("type") != "object":
        problems.append("/: the root must be an object schema, not anyOf")

    def walk(s: Any, where: str, depth: int) -> None:
        if not isinstance(s, dict):
            problems.append(f"{where}: not a schema")
            return
        types = _types(s)
        allowed = set(STRICT_KEYWORDS[None])
        for t in types:
            if t not in STRICT_KEYWORDS:
                problems.append(f"{where}: type {t!r}")
                continue
            allowed |= STRICT_KEYWORDS[t]
        for k in s:
            if k not in allowed:
                problems.append(f"{where}: keyword {k!r} (types {sorted(types)})")
        if not types and "anyOf" not in s and "enum" not in s:
            problems.append(f"{where}: no type")
        if "format" in s and s["format"] not in STRICT_FORMATS:
            problems.append(f"{where}: format {s['format']!r}")
        if "enum" in s:
            values = s["enum"]
            counts["enum"] += len(values)
            chars = sum(len(str(v)) for v in values if v is not None)
            counts["strings"] += chars
            if len(values) > 250 and chars > 15_000:
                problems.append(f"{where}: an enum of {len(values)} values and {chars} characters")
        for i, b in enumerate(s.get("anyOf", [])):
            walk(b, f"{where}/anyOf/{i}", depth)
        if "object" in types:
            if depth >= 10:
                problems.append(f"{where}: object nested {depth + 1} levels deep")
            props = s.get("properties", {})
            if s.get("additionalProperties") is not False:
                problems.append(f"{where}: additionalProperties is not false")
            if set(s.get("required", [])) != set(props):
                problems.append(f"{where}: required {sorted(s.get('required', []))} is not every property")
            counts["properties"] += len(props)
            counts["strings"] += sum(len(k) for k in props)
            for k, v in props.items():
                walk(v, f"{where}/properties/{k}", depth + 1)
        if "array" in types:
            if "items" not in s:
                problems.append(f"{where}: array without items")
            else:
                walk(s["items"], f"{where}/items", depth + 1)

    walk(schema, "", 0)
    if counts["properties"] > 5000:
        problems.append(f"{counts['properties']} object properties (at most 5000)")
    if counts["strings"] > 120_000:
        problems.append(f"{counts['strings']} characters of names and values (at most 120,000)")
    if counts["enum"] > 1000:
        problems.append(f"{counts['enum']} enum values (at most 1000)")
    return problems


def tool_problems(profile: str, tool: dict[str, Any]) -> list[str]:
    """Why the provider of `profile` would reject this tool definition."""
    problems: list[str] = []
    if profile == "anthropic":
        if set(tool) != {"name", "description", "input_schema"}:
            return [f"keys {sorted(tool)}"]
        name, schema = tool["name"], tool["input_schema"]
        if any(k in schema for k in ("oneOf", "anyOf", "allOf")):
            problems.append("oneOf/anyOf/allOf at the top level of input_schema")
        problems += [f"top-level key {k!r}" for k in schema.get("properties", {}) if not KEY.fullmatch(k)]
    else:
        fn = tool.get("function", {})
        want = {"name", "description", "parameters"} | ({"strict"} if profile == "openai-strict" else set())
        if tool.get("type") != "function" or set(fn) != want:
            return [f"not a {profile} function tool: {sorted(fn)}"]
        name, schema = fn["name"], fn["parameters"]
        if profile == "openai-strict":
            if fn["strict"] is not True:
                problems.append("strict is not true")
            problems += strict_problems(schema)
    if not NAME.fullmatch(name):
        problems.append(f"name {name!r}")
    if schema.get("type") != "object":
        problems.append("the argument schema is not an object schema")
    meta = _meta_schema_problem(json.dumps(schema))
    if meta is not None:
        problems.append(meta)
    return [f"{name}: {p}" for p in problems]


@functools.cache  # profiles share most argument schemas (generic's and anthropic's are the same)
def _meta_schema_problem(schema_json: str) -> str | None:
    """Why the JSON Schema 2020-12 meta-schema rejects this schema (given as JSON text), or None."""
    try:
        Draft202012Validator.check_schema(json.loads(schema_json))
    except Exception as e:  # SchemaError: which tool, and why
        return str(e)[:200]
    return None
