"""Property-based fuzzing: mutate the seed-derived specs (drop keys, swap types, insert hostile
strings, add $ref cycles) and require, for every mutant, either a diagnostic (exit 1) or an
output tree whose Python compiles and imports without side effects.

Bounded for CI (SPECGEN_FUZZ_EXAMPLES, default 12 examples); `make fuzz` runs longer."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support import SEED_SPECS
from test_hostile import IMPORT_PROBE

sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))  # as the CLI does; set before hypothesis records it
EXAMPLES = int(os.environ.get("SPECGEN_FUZZ_EXAMPLES", "12"))
LONG_RUN = "SPECGEN_FUZZ_EXAMPLES" in os.environ

HOSTILE_STRINGS = [
    '"""; import os; os.system("touch /tmp/specgen-fuzz-pwned"); """',
    "\\", "\r\n\x00\u2028\u2029\x85", "{{ 7*7 }}{% raw %}", "</table>|`<script>", "'", "\"", "",
    "class", "1abc", "../../x", "NUL", "é" * 3, "x" * 500, "#", "\\N{BULLET}", "\\u0041",
]

SEEDS: dict[str, tuple[dict[str, Any], list[Path]]] = {}
for _name, _path in SEED_SPECS.items():
    SEEDS[_name] = (yaml.safe_load(_path.read_text()), [p for p in _path.parent.glob("*.json")] if _name == "openai-chat-2023" else [])


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every location in the document (as key/index tuples)."""
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.extend(_paths(v, prefix + (k,)))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out.extend(_paths(v, prefix + (i,)))
    return out


SEED_PATHS = {name: _paths(doc) for name, (doc, _) in SEEDS.items()}


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        doc = doc[p]
    return doc


def _pointer(path: tuple[Any, ...]) -> str:
    return "#" + "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _mutate(doc: dict[str, Any], seed_paths: list[tuple[Any, ...]], ops: list[tuple[str, int, int]]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    for op, a, b in ops:
        path = seed_paths[a % len(seed_paths)]
        try:
            target = _get(doc, path)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed it
        if op == "drop" and path:
            parent = _get(doc, path[:-1])
            if isinstance(parent, dict):
                parent.pop(path[-1], None)
            elif isinstance(parent, list) and isinstance(path[-1], int) and path[-1] < len(parent):
                parent.pop(path[-1])
        elif op == "swap" and path:
            parent = _get(doc, path[:-1])
            replacement = [[], {}, "text", 7, 1.5, True, None, [target], {"x": target}][b % 9]
            with contextlib.suppress(IndexError, TypeError, KeyError):
                parent[path[-1]] = replacement
        elif op == "hostile":
            s = HOSTILE_STRINGS[b % len(HOSTILE_STRINGS)]
            if isinstance(target, dict):
                key = ["description", "title", "summary", "operationId", "default", "example", "pattern", "format", s][b % 9]
                target[key] = s
                if b % 5 == 0:
                    props = target.setdefault("properties", {}) if target.get("type") == "object" else None
                    if isinstance(props, dict):
                        props[s] = {"type": "string", "description": s, "enum": [s, s + "2"]}
            elif isinstance(target, list):
                target.append(s)
            elif path:
                parent = _get(doc, path[:-1])
                with contextlib.suppress(IndexError, TypeError, KeyError):
                    parent[path[-1]] = s
        elif op == "cycle" and isinstance(target, dict) and path:
            # point this schema (or one of its ancestors' children) back at an ancestor or itself
            up = path[: max(0, len(path) - 1 - (b % 4))]
            target.clear()
            target["$ref"] = _pointer(up if b % 2 else path)
    return doc


OPS = st.lists(st.tuples(st.sampled_from(["drop", "swap", "hostile", "cycle"]), st.integers(0, 10**6), st.integers(0, 10**3)), min_size=1, max_size=6)


def _run_generate(spec: Path, out: Path) -> tuple[int, str]:
    from specgen.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        rc = main(["generate", str(spec), "-o", str(out), "--formatter", "none", "--package", "fuzzed", "--quiet"])
    return rc, err.getvalue()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not LONG_RUN,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(seed=st.sampled_from(sorted(SEEDS)), ops=OPS)
def test_mutated_specs_give_a_diagnostic_or_safe_importable_output(seed: str, ops: list[tuple[str, int, int]]) -> None:
    doc, extra_files = SEEDS[seed]
    mutated = _mutate(doc, SEED_PATHS[seed], ops)
    sentinel = Path("/tmp/specgen-fuzz-pwned")
    sentinel.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="specgen-fuzz-") as tmp:
        base = Path(tmp)
        for f in extra_files:
            shutil.copy(f, base / f.name)
        spec = base / "spec.yaml"
        spec.write_text(yaml.safe_dump(mutated, sort_keys=False, allow_unicode=True))
        out = base / "out"
        rc, err = _run_generate(spec, out)
        assert "Traceback" not in err and "internal error" not in err, f"{seed} {ops}:\n{err[-3000:]}"
        assert rc in (0, 1), f"{seed} {ops}: exit {rc}\n{err[-2000:]}"
        if rc == 1:
            assert "error[" in err or "specgen: error" in err, f"{seed} {ops}: exit 1 without a diagnostic\n{err[-2000:]}"
            assert not out.exists()
            return
        for p in out.rglob("*.py"):
            compile(p.read_text(encoding="utf-8"), str(p), "exec")
        for p in out.rglob("*.json"):
            json.loads(p.read_text(encoding="utf-8"))
        probe = subprocess.run([sys.executable, "-I", "-c", IMPORT_PROBE, str(out), "fuzzed"], capture_output=True, text=True, timeout=120)
        assert probe.returncode == 0, f"{seed} {ops}:\n{probe.stderr[-3000:]}"
        assert not sentinel.exists(), f"{seed} {ops}: importing the output ran spec text"


# ------------------------------------------------------------------ hostile shapes (issue 20)
# Small specs built from the shapes hostile users send: each must give a diagnostic (exit 1) or
# safe, importable output, with every diagnostic placed. Sizes are drawn from a few values on
# each side of the budgets in generator/budgets.py, so examples stay bounded and never flake.

RESERVED = ["cast", "self", "str", "Optional", "timeout", "extra_headers", "model_config", "", "__class__", "with_raw_response", "copy", "close", "json", "Field", "None", "class"]
BACKTRACKING = ["^(a+)+$", "(x+x+)+y", "^(\\w+\\s?)*$", "^(a|aa)+$", "([a-z", "(?=a)+"]
HUGE = [4096, 4097, 10**6, 10**9, 2**63]
DOT_PATHS = ["/a/../b", "/./x", "/%2e%2E/y/{id}", "/../../etc/{id}", "/a/./../b/..", "/x/{id}/.."]


def _base(version: str) -> dict[str, Any]:
    return {"openapi": version, "info": {"title": "Shapes", "version": "1"}, "servers": [{"url": "http://127.0.0.1:1/v1"}], "paths": {}, "components": {"schemas": {}}}


def _operation(doc: dict[str, Any], path: str, schema: dict[str, Any], method: str = "post") -> None:
    media = {"application/json": {"schema": schema}}
    op: dict[str, Any] = {"operationId": f"op{len(doc['paths'])}", "responses": {"200": {"description": "ok", "content": media}}}
    if method == "post":
        op["requestBody"] = {"required": True, "content": media}
    if "{id}" in path:
        op["parameters"] = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
    doc["paths"].setdefault(path, {})[method] = op


_OPEN = {"object": '{"type": "object", "properties": {"x": ', "array": '{"type": "array", "items": ', "allOf": '{"allOf": ['}
_CLOSE = {"object": "}}", "array": "}", "allOf": "]}"}


def _nest(kind: str, depth: int) -> str:
    """The schema nested `depth` levels, as JSON text (built flat: no writer recursion)."""
    return _OPEN[kind] * depth + '{"type": "string"}' + _CLOSE[kind] * depth


def _write(doc: dict[str, Any], as_json: bool) -> str:
    """The spec's text; nested schemas (`{"$nest": text}` placeholders) spliced in as JSON."""
    nested: dict[str, str] = {}
    placed: dict[int, Any] = {}  # a shared node stays shared (YAML anchors and aliases)

    def place(node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        if id(node) not in placed:
            if set(node) == {"$nest"}:
                placed[id(node)] = key = f"nest{len(nested)}"
                nested[key] = node["$nest"]
            else:
                placed[id(node)] = {k: place(v) for k, v in node.items()}
        return placed[id(node)]

    text = json.dumps(place(doc)) if as_json else yaml.safe_dump(place(doc), sort_keys=False, allow_unicode=True, width=10**9)
    for key, value in nested.items():
        text = text.replace(f'"{key}"' if as_json else f" {key}\n", f" {value}\n" if not as_json else value)
    return text


def _shape(doc: dict[str, Any], shape: str, a: int, b: int, as_json: bool = False) -> None:
    n = len(doc["paths"])
    schemas = doc["components"]["schemas"]
    if shape == "deep":
        _operation(doc, f"/deep{n}", {"$nest": _nest(["object", "array", "allOf"][b % 3], [12, 60, 2_100][a % 3])})
    elif shape == "aliases":
        # one object shared in many places: yaml.safe_dump writes it once, as an anchor and aliases
        node: Any = {"type": "string", "description": "leaf"}
        for _ in range([2, 4, 7][a % 3] if not as_json else 2 + a % 3):  # JSON writes every copy out
            node = {"type": "object", "properties": {f"p{i}": node for i in range(10)}}
        _operation(doc, f"/aliases{n}", node)
    elif shape == "huge":
        keyword = ["minLength", "minItems", "minProperties"][b % 3]
        prop: dict[str, Any] = {"type": {"minLength": "string", "minItems": "array", "minProperties": "object"}[keyword], keyword: HUGE[a % len(HUGE)]}
        if keyword == "minItems":
            prop["items"] = {"type": "integer"}
        _operation(doc, f"/huge{n}", {"type": "object", "required": ["v"], "properties": {"v": prop}})
    elif shape == "backtracking":
        pattern = BACKTRACKING[a % len(BACKTRACKING)]
        _operation(doc, f"/pattern{n}", {"type": "object", "required": ["v"], "properties": {"v": {"type": "string", "pattern": pattern, "example": "a" * 40 + "!"}}})
    elif shape == "reserved":
        names = [RESERVED[(a + i) % len(RESERVED)] for i in range(1 + b % 5)]
        props = {name: {"type": "string"} for name in names}
        schemas[RESERVED[a % len(RESERVED)] or "Empty"] = {"type": "object", "required": names[:1], "properties": props}
        _operation(doc, "/" + (RESERVED[b % len(RESERVED)] or "empty"), {"$ref": "#/components/schemas/" + (RESERVED[a % len(RESERVED)] or "Empty")})
        doc["info"]["title"] = ["Shapes", "httpx", "typing", "json", "class"][b % 5]
    elif shape == "dots":
        _operation(doc, DOT_PATHS[a % len(DOT_PATHS)], {"type": "object", "properties": {"v": {"type": "string"}}}, method=["get", "post"][b % 2])
    elif shape == "read-write":
        schemas[f"Account{n}"] = {
            "type": "object",
            "required": ["id", "secret", "name"],
            "properties": {"id": {"type": "string", "readOnly": True}, "secret": {"type": "string", "writeOnly": True}, "name": {"type": "string", "readOnly": bool(b % 2), "writeOnly": bool(a % 2)}},
        }
        _operation(doc, f"/accounts{n}", {"$ref": f"#/components/schemas/Account{n}"})
    elif shape == "discriminator":
        names = [f"Cat{n}", f"Dog{n}", f"Bird{n}"][: 2 + b % 2]
        for name in names:
            schemas[name] = {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}, name.lower(): {"type": "integer"}}}
        union: dict[str, Any] = {["oneOf", "anyOf"][a % 2]: [{"$ref": f"#/components/schemas/{name}"} for name in names], "discriminator": {"propertyName": "kind"}}
        if a % 3 == 2:
            union["discriminator"]["mapping"] = {names[0].lower(): f"#/components/schemas/{names[0]}"}  # partial: the rest implicit
        schemas[f"Pet{n}"] = union
        _operation(doc, f"/pets{n}", {"$ref": f"#/components/schemas/Pet{n}"})


SHAPES = ["deep", "aliases", "huge", "backtracking", "reserved", "dots", "read-write", "discriminator"]
SHAPE_OPS = st.lists(st.tuples(st.sampled_from(SHAPES), st.integers(0, 60), st.integers(0, 60)), min_size=1, max_size=3)


@settings(max_examples=max(EXAMPLES, len(SHAPES)), deadline=None, derandomize=not LONG_RUN, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(version=st.sampled_from(["3.0.3", "3.1.0"]), shapes=SHAPE_OPS)
def test_hostile_shapes_give_a_placed_diagnostic_or_safe_importable_output(version: str, shapes: list[tuple[str, int, int]]) -> None:
    doc = _base(version)
    # nesting past what a YAML writer (and libyaml) handle is written as JSON, as such specs are
    as_json = any(shape == "deep" and a % 3 == 2 for shape, a, _ in shapes)
    for shape, a, b in shapes:
        _shape(doc, shape, a, b, as_json)
    with tempfile.TemporaryDirectory(prefix="specgen-shapes-") as tmp:
        base = Path(tmp)
        spec = base / ("spec.json" if as_json else "spec.yaml")
        spec.write_text(_write(doc, as_json))
        out = base / "out"
        rc, err = _run_generate(spec, out)
        where = f"{version} {shapes}"
        assert "Traceback" not in err and "internal error" not in err, f"{where}:\n{err[-3000:]}"
        assert rc in (0, 1), f"{where}: exit {rc}\n{err[-2000:]}"
        # every diagnostic names the file and a line or a pointer
        for line in err.splitlines():
            if "warning[" in line or "error[" in line:
                assert line.startswith(spec.name + ":") and (line.split(":")[1].strip().isdigit() or "(at " in line), f"{where}: unplaced: {line}"
        if rc == 1:
            assert "error[" in err or "specgen: error" in err, f"{where}: exit 1 without a diagnostic\n{err[-2000:]}"
            assert not out.exists()
            return
        for p in out.rglob("*.py"):
            compile(p.read_text(encoding="utf-8"), str(p), "exec")
        probe = subprocess.run([sys.executable, "-I", "-c", IMPORT_PROBE, str(out), "fuzzed"], capture_output=True, text=True, timeout=120)
        assert probe.returncode == 0, f"{where}:\n{probe.stderr[-3000:]}"
