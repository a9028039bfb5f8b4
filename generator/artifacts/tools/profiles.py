"""Tool definitions in the shape each model provider accepts.

- `generic`: the chat completions `tools` entry, `{"type": "function", "function": {name,
  description, parameters}}`, with the full JSON Schema of `schema.SchemaBuilder`.
- `openai-strict`: the same with `"strict": true` and the schema lowered to what OpenAI's strict
  mode accepts (Structured Outputs, "Supported schemas":
  https://platform.openai.com/docs/guides/structured-outputs#supported-schemas, and function
  calling's strict mode: https://platform.openai.com/docs/guides/function-calling):
  every object lists every property in `required` and sets `additionalProperties: false`,
  optional properties become nullable (null means "not given"), only the documented keywords
  stay (others move into the description), and the documented limits hold: 10 levels of
  nesting, 5000 object properties, 120,000 characters of names, enum values and consts, 1000
  enum values, and 15,000 characters for one enum of more than 250 string values.
  What strict mode cannot say is written another way and said in the description: a map
  becomes a list of `{key, value}` pairs, a value of any type becomes JSON text.
- `anthropic`: `{name, description, input_schema}` for the Messages API
  (https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use): the name
  `^[a-zA-Z0-9_-]{1,64}$`, `input_schema` an object schema with no `oneOf`/`anyOf`/`allOf` at its
  top level (the API's 400 "input_schema does not support oneOf, allOf, or anyOf at the top
  level", anthropics/claude-code#5319) and top-level keys `^[a-zA-Z0-9_.-]{1,64}$`.
"""

from __future__ import annotations

import json
from typing import Any

PROFILES = ("generic", "openai-strict", "anthropic")

STRICT_DEPTH = 10  # levels of nesting
STRICT_PROPERTIES = 5000  # object properties in one schema
STRICT_STRINGS = 120_000  # characters of property names, enum values and consts
STRICT_ENUM_VALUES = 1000  # enum values across the schema
STRICT_BIG_ENUM = 250  # past this many string values, one enum's values ...
STRICT_BIG_ENUM_CHARS = 15_000  # ... may hold at most this many characters
# keywords strict mode documents, per type; anything else moves into the description
STRICT_FORMATS = frozenset({"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"})
_STRUCTURE = frozenset({"type", "properties", "required", "additionalProperties", "items", "enum", "anyOf", "description"})
_KEPT = {
    "string": frozenset({"pattern", "format"}),
    "number": frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}),
    "integer": frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}),
    "array": frozenset({"minItems", "maxItems"}),
}
DESCRIPTION_MAX = 1024


def definition(profile: str, name: str, description: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """One tool in the profile's shape."""
    if profile == "anthropic":
        return {"name": name, "description": description, "input_schema": parameters}
    if profile == "openai-strict":
        lowered = Strict().object_root(parameters)
        return {"type": "function", "function": {"name": name, "description": description, "parameters": lowered, "strict": True}}
    return {"type": "function", "function": {"name": name, "description": description, "parameters": parameters}}


def input_schema(tool: dict[str, Any]) -> dict[str, Any]:
    """The argument schema of a tool of any profile."""
    schema: dict[str, Any] = tool["input_schema"] if "input_schema" in tool else tool["function"]["parameters"]
    return schema


def tool_name(tool: dict[str, Any]) -> str:
    name: str = tool["name"] if "input_schema" in tool else tool["function"]["name"]
    return name


def _note(s: dict[str, Any], text: str) -> None:
    old = s.get("description", "")
    s["description"] = (old + " " + text).strip() if text not in old else old


def _type_of(s: dict[str, Any]) -> str | None:
    t = s.get("type")
    if isinstance(t, list):
        live = [x for x in t if x != "null"]
        return live[0] if len(live) == 1 else None
    return t if isinstance(t, str) else None


def _json_text(s: dict[str, Any], what: str) -> dict[str, Any]:
    """A value strict mode cannot describe, asked for as JSON text instead."""
    out: dict[str, Any] = {"type": "string"}
    _note(out, str(s.get("description", "")))
    _note(out, f"{what}, written as JSON text.")
    return out


class Strict:
    """A generic tool schema lowered to OpenAI's strict mode, counting the documented limits."""

    def __init__(self) -> None:
        self.properties = 0
        self.strings = 0
        self.enum_values = 0

    def object_root(self, s: dict[str, Any]) -> dict[str, Any]:
        """The tool's arguments: always an object, even with no property (an empty closed one)."""
        if not s.get("properties"):
            return {"type": "object", "properties": {}, "required": [], "additionalProperties": False}
        return self.lower(s, 0)

    def lower(self, s: dict[str, Any], depth: int) -> dict[str, Any]:
        s = dict(s)
        notes = self._move_unsupported(s)
        if "const" in s:  # `enum` of one value: the documented spelling
            s["enum"] = [s.pop("const")]
        if "anyOf" in s:
            s["anyOf"] = [self.lower(b, depth) for b in s["anyOf"]]
            out = s
        elif "enum" in s:
            out = self._enum(s)
        else:
            t = _type_of(s)
            if t == "object":
                out = self._object(s, depth)
            elif t == "array":
                out = self._array(s, depth)
            elif t in ("string", "number", "integer", "boolean", "null"):
                out = s
            else:
                out = _json_text(s, "Any JSON value")
        for n in notes:
            _note(out, n)
        if "description" in out:
            out["description"] = out["description"][:DESCRIPTION_MAX]
        return out

    def _move_unsupported(self, s: dict[str, Any]) -> list[str]:
        t = _type_of(s)
        kept = _STRUCTURE | {"const"} | _KEPT.get(t or "", frozenset())
        notes: list[str] = []
        for k in [k for k in s if k not in kept]:
            v = s.pop(k)
            if k == "default":
                notes.append(f"Default: {json.dumps(v, ensure_ascii=False)}.")
            elif k == "minLength":
                notes.append(f"At least {v} characters.")
            elif k == "maxLength":
                notes.append(f"At most {v} characters.")
            elif k == "uniqueItems" and v:
                notes.append("Items are unique.")
            elif k == "minProperties":
                notes.append(f"At least {v} entries.")
            elif k == "maxProperties":
                notes.append(f"At most {v} entries.")
            elif k in ("deprecated", "title", "examples"):
                pass  # the builder already put deprecation first in the description
            else:
                notes.append(f"{k}: {json.dumps(v, ensure_ascii=False)[:200]}.")
        if "format" in s and s["format"] not in STRICT_FORMATS:
            notes.append(f"Format: {s.pop('format')}.")
        return notes

    def _enum(self, s: dict[str, Any]) -> dict[str, Any]:
        values = list(s["enum"])
        chars = sum(len(str(v)) for v in values if v is not None)
        big = len(values) > STRICT_BIG_ENUM and chars > STRICT_BIG_ENUM_CHARS
        if big or self.enum_values + len(values) > STRICT_ENUM_VALUES or self.strings + chars > STRICT_STRINGS:
            # past a limit: the values are named in the description, the type stays
            shown = ", ".join(json.dumps(v, ensure_ascii=False) for v in values[:40])
            out = {k: v for k, v in s.items() if k != "enum"}
            types = sorted({"string" if isinstance(v, str) else "boolean" if isinstance(v, bool) else "number" if isinstance(v, (int, float)) else "null" for v in values})
            out["type"] = types[0] if len(types) == 1 else types
            _note(out, f"One of: {shown}{' ...' if len(values) > 40 else ''}.")
            return out
        self.enum_values += len(values)
        self.strings += chars
        if "type" not in s:
            types = sorted({"string" if isinstance(v, str) else "boolean" if isinstance(v, bool) else "integer" if isinstance(v, int) else "number" if isinstance(v, float) else "null" for v in values})
            s["type"] = types[0] if len(types) == 1 else types
        return s

    def _object(self, s: dict[str, Any], depth: int) -> dict[str, Any]:
        props = s.get("properties")
        extra = s.get("additionalProperties")
        if not isinstance(props, dict) or not props:
            if isinstance(extra, dict) and extra and depth + 1 < STRICT_DEPTH:
                # a map: strict objects are closed, so its entries travel as a list of pairs
                pair = {"type": "object", "properties": {"key": {"type": "string"}, "value": extra}, "required": ["key", "value"], "additionalProperties": False}
                out: dict[str, Any] = {"type": self._nullable_type(s, "array"), "items": self.lower(pair, depth + 1)}
                _note(out, str(s.get("description", "")))
                _note(out, "An object on the wire, written as a list of {key, value} pairs.")
                return out
            return _json_text(s, "A JSON object")
        if depth + 1 >= STRICT_DEPTH or self.properties + len(props) > STRICT_PROPERTIES:
            return _json_text(s, "A JSON object (nested past what strict mode accepts)")
        self.properties += len(props)
        self.strings += sum(len(k) for k in props)
        required = set(s.get("required", []))
        lowered: dict[str, Any] = {}
        for k, sub in props.items():
            sub = self.lower(sub, depth + 1)
            lowered[k] = sub if k in required else nullable(sub)
        out = {k: v for k, v in s.items() if k not in ("properties", "required", "additionalProperties")}
        out["properties"] = lowered
        out["required"] = list(lowered)
        out["additionalProperties"] = False
        return out

    def _array(self, s: dict[str, Any], depth: int) -> dict[str, Any]:
        if depth + 1 >= STRICT_DEPTH:
            return _json_text(s, "A JSON array (nested past what strict mode accepts)")
        items = s.get("items")
        s["items"] = self.lower(items, depth + 1) if isinstance(items, dict) else _json_text({}, "Any JSON value")
        return s

    @staticmethod
    def _nullable_type(s: dict[str, Any], base: str) -> Any:
        t = s.get("type")
        return [base, "null"] if isinstance(t, list) and "null" in t else base


def nullable(s: dict[str, Any]) -> dict[str, Any]:
    """`s` that also accepts null: how strict mode says a property may be left out."""
    t = s.get("type")
    if "anyOf" in s:
        if not any(b.get("type") == "null" for b in s["anyOf"]):
            s = {**s, "anyOf": [*s["anyOf"], {"type": "null"}]}
        return s
    if isinstance(t, str):
        s = {**s, "type": [t, "null"]} if t != "null" else s
    elif isinstance(t, list) and "null" not in t:
        s = {**s, "type": [*t, "null"]}
    if "enum" in s and None not in s["enum"]:
        s = {**s, "enum": [*s["enum"], None]}
    return s
