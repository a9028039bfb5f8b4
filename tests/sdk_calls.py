"""The call names of the official `openai` SDK beside specgen's, for the OpenAI corpus spec.

`sdk_calls()` walks the installed SDK's resource tree from `openai.OpenAI` (its cached
properties) and reads, from each public method's source, the HTTP method and path template it
requests; `specgen_calls(spec)` reads the IR of a spec. `compare()` pairs them by
(method, path) and lists where the names differ.

    .venv/bin/python tests/sdk_calls.py [SPEC]     # prints the differences as a Markdown table

tests/test_openai_call_names.py keeps the list in tests/openai_call_names.yaml, each entry
with the reason the difference is right or left, and fails when the list changes.
"""

from __future__ import annotations

import ast
import functools
import inspect
import re
import sys
import textwrap
from pathlib import Path
from typing import Any, Iterator

_HTTP = {"_get": "GET", "_get_api_list": "GET", "_post": "POST", "_put": "PUT", "_patch": "PATCH", "_delete": "DELETE", "_post_api_list": "POST"}
_SKIP = {"with_raw_response", "with_streaming_response", "with_options", "copy"}


def _template(node: ast.AST) -> str | None:
    """The path a call's first argument spells: "/x", path_template("/x/{id}", ...) or f"/x/{id}"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("/"):
        return node.value
    if isinstance(node, ast.Call) and node.args:
        return _template(node.args[0])
    if isinstance(node, ast.JoinedStr):
        out = []
        for v in node.values:
            if isinstance(v, ast.Constant):
                out.append(str(v.value))
            elif isinstance(v, ast.FormattedValue):
                out.append("{" + ast.unparse(v.value).split(".")[-1] + "}")
        text = "".join(out)
        return text if text.startswith("/") else None
    return None


def _requests(func: Any) -> list[tuple[str, str]]:
    """(HTTP method, path template) of every request a resource method's source makes."""
    try:
        src = textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError):
        return []
    found = []
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _HTTP and node.args:
            path = _template(node.args[0])
            if path is not None:
                found.append((_HTTP[node.func.attr], path))
    return found


def _norm(path: str) -> str:
    """Paths compared without parameter names: `/files/{file_id}` == `/files/{id}`."""
    return re.sub(r"\{[^}]*\}", "{}", path.split("?")[0].rstrip("/"))


def _children(obj: Any) -> Iterator[tuple[str, Any]]:
    from openai._resource import SyncAPIResource

    for name, attr in inspect.getmembers(type(obj)):
        if name.startswith("_") or name in _SKIP:
            continue
        if isinstance(attr, functools.cached_property):
            try:
                value = getattr(obj, name)
            except Exception:
                continue
            if isinstance(value, SyncAPIResource):
                yield name, value


@functools.lru_cache(maxsize=1)
def sdk_calls() -> dict[tuple[str, str], list[str]]:
    """(METHOD, normalized path) -> the SDK's calls for it (`client.files.content`, ...)."""
    import openai

    client = openai.OpenAI(api_key="k", base_url="http://127.0.0.1:9/v1")
    out: dict[tuple[str, str], list[str]] = {}
    stack: list[tuple[str, Any]] = list((f"client.{n}", v) for n, v in _children(client))
    seen: set[int] = set()
    while stack:
        prefix, res = stack.pop()
        if id(res) in seen:
            continue
        seen.add(id(res))
        for name, member in inspect.getmembers(type(res), inspect.isfunction):
            if name.startswith("_") or name in _SKIP:
                continue
            for method, path in _requests(member):
                out.setdefault((method, _norm(path)), []).append(f"{prefix}.{name}")
        stack.extend((f"{prefix}.{n}", v) for n, v in _children(res))
    return {k: sorted(set(v)) for k, v in out.items()}


def specgen_calls(spec: Path, api: Any = None) -> dict[tuple[str, str], list[str]]:
    """(METHOD, normalized path) -> specgen's calls, for the operations without a fixed query
    (a callable sub-resource answers to two: `files.content.retrieve` and `files.content`).
    `api`: the spec's IR when the caller has it (a test's shared one), else normalized here."""
    if api is None:
        from specgen.diagnostics import Diagnostics
        from specgen.model.normalize import normalize
        from specgen.spec.load import load

        diags = Diagnostics()
        api = normalize(load(spec, diags), diags)
    return {(op.method.upper(), _norm(op.url_path)): [op.call] + ([op.call.rsplit(".", 1)[0]] if op.shortcut else []) for op in api.operations if not op.fixed_query}


def compare(spec: Path, api: Any = None) -> tuple[int, int, list[dict[str, str]]]:
    """(operations both have, how many have the same name, each difference: method, path, ours, sdk)."""
    sdk = sdk_calls()
    ours = specgen_calls(spec, api)
    same = 0
    diffs = []
    for key in sorted(ours):
        if key not in sdk:
            continue
        if set(ours[key]) & set(sdk[key]):
            same += 1
            continue
        diffs.append({"method": key[0], "path": key[1], "specgen": ours[key][0], "sdk": " | ".join(sdk[key])})
    both = same + len(diffs)
    return both, same, diffs


def main(argv: list[str]) -> int:
    spec = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "openai-2026-08-21.yaml"
    both, same, diffs = compare(spec)
    print(f"{both} operations in both, {same} named alike, {len(diffs)} differ\n")
    print("| request | specgen | official SDK |\n|---|---|---|")
    for d in diffs:
        print(f"| `{d['method']} {d['path']}` | `{d['specgen']}` | `{d['sdk']}` |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
