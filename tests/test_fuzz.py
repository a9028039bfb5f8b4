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
