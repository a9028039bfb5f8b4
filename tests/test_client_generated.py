"""Every client package in generated/ type-checks (mypy --strict), is black-formatted, and is
vendorable: it imports only httpx, pydantic, typing_extensions and the standard library."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Callable

import pytest

from support import ROOT, corpus

ALLOWED = {"httpx", "pydantic", "typing_extensions"}


def _packages() -> list[Path]:
    """generated/<target>/<package>/ for every target (the folder holding _client.py)."""
    return sorted(p.parent for p in (ROOT / "generated").glob("*/*/_client.py"))


PACKAGES = _packages()


def test_every_target_has_a_client_package() -> None:
    assert {p.name for p in PACKAGES} >= {"openai_chat_2023", "openai_chat_2025", "xai_chat"}


# a user's code: the overloads, TypedDict params and pages must type-check as a user writes them
USAGE = textwrap.dedent(
    '''
    from typing import List
    from typing_extensions import assert_type

    from openai_chat_2025 import AsyncClient, AsyncStream, Client, NotFoundError, RawResponse, Stream, SyncPage
    from openai_chat_2025.types import (
        ChatCompletionRequestMessageParam,
        CreateChatCompletionResponse,
        CreateChatCompletionStreamResponse,
    )

    client = Client(api_key="k", max_retries=3, timeout=20.0, default_headers={"X-A": "b"})
    messages: List[ChatCompletionRequestMessageParam] = [{"role": "developer", "content": "Be brief."}]
    res = client.chat.completions.create(model="gpt-4o", messages=[{"role": "developer", "content": "hi"}])
    assert_type(res, CreateChatCompletionResponse)
    text: "str | None" = res.choices[0].message.content
    stream = client.chat.completions.create(model="gpt-4o", messages=messages, stream=True)
    assert_type(stream, Stream[CreateChatCompletionStreamResponse])
    page = client.chat.completions.list(limit=2)
    assert_type(page, SyncPage[CreateChatCompletionResponse])
    ids = [c.id for c in page]
    raw = client.with_raw_response.chat.completions.retrieve("x")
    assert_type(raw, RawResponse[CreateChatCompletionResponse])
    status: int = raw.http_response.status_code
    try:
        client.models.retrieve("m")
    except NotFoundError as e:
        code: int = e.status_code


    async def main() -> None:
        async with AsyncClient() as c:
            s = await c.chat.completions.create(model="gpt-4o", messages=messages, stream=True)
            assert_type(s, AsyncStream[CreateChatCompletionStreamResponse])
            async for chunk in s:
                assert_type(chunk, CreateChatCompletionStreamResponse)
    '''
)

# what a type checker must refuse
MISUSE = textwrap.dedent(
    '''
    from openai_chat_2025 import Client

    client = Client()
    client.chat.completions.create(model="gpt-4o", messages=[{"role": "narrator", "content": "x"}])
    client.chat.completions.create(messages=[])
    client.chat.completions.create(model="gpt-4o", messages=[], temprature=1)
    client.chat.completions.retrieve(completion_id="x", bogus=1)
    '''
)


def test_generated_packages_pass_mypy_strict(tmp_path: Path) -> None:
    (tmp_path / "usage.py").write_text(USAGE)
    (tmp_path / "misuse.py").write_text(MISUSE)
    env = {**os.environ, "MYPYPATH": os.pathsep.join(str(p.parent) for p in PACKAGES)}
    cmd = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(ROOT / ".mypy_cache"), "--no-error-summary"]
    args = [str(p) for p in PACKAGES]
    res = subprocess.run(cmd + args + [str(tmp_path / "usage.py")], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240)
    assert res.returncode == 0, res.stdout + res.stderr
    bad = subprocess.run(cmd + ["--follow-imports=silent", str(tmp_path / "misuse.py")], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240)
    lines = [ln for ln in bad.stdout.splitlines() if "misuse.py" in ln and ": error:" in ln]
    flagged = {int(ln.split(":")[1]) for ln in lines}
    assert flagged >= {5, 6, 7, 8}, bad.stdout


def test_generated_packages_are_black_formatted() -> None:
    res = subprocess.run([sys.executable, "-m", "black", "--check", "--quiet", *map(str, PACKAGES)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr


def _top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("pkg", PACKAGES, ids=lambda p: p.name)
def test_package_imports_only_httpx_pydantic_typing_extensions(pkg: Path) -> None:
    header = None
    for py in sorted(pkg.rglob("*.py")):
        first = py.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# generated by specgen ") and first.endswith(", do not edit"), py
        header = header or first
        third_party = _top_level_imports(py) - set(sys.stdlib_module_names)
        assert third_party <= ALLOWED, f"{py.relative_to(pkg)} imports {sorted(third_party - ALLOWED)}"
    assert (pkg / "py.typed").is_file()


@pytest.mark.parametrize("pkg", PACKAGES, ids=lambda p: p.name)
def test_package_imports_in_isolation(pkg: Path) -> None:
    """Import it with -I and only its parent folder added: no `specgen`, no other package."""
    script = textwrap.dedent(
        f'''
        import re, sys
        from importlib import metadata

        def norm(name):
            return re.sub(r"[-_.]+", "-", name).lower()

        # the three dependencies and what they require (not their extras)
        dists, todo = set(), ["httpx", "pydantic", "typing_extensions"]
        while todo:
            d = norm(todo.pop())
            if d in dists:
                continue
            try:
                reqs = metadata.requires(d) or []
            except metadata.PackageNotFoundError:  # required only on other Pythons
                continue
            dists.add(d)
            for req in reqs:
                if "extra ==" not in req:
                    todo.append(re.match(r"[A-Za-z0-9._-]+", req).group(0))
        allowed = set(sys.stdlib_module_names) | {{{pkg.name!r}}} | {{
            top for top, ds in metadata.packages_distributions().items() if any(norm(x) in dists for x in ds)
        }}

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] not in allowed and not name.startswith("_"):
                    raise ImportError(f"the client imported {{name}}")
                return None

        sys.meta_path.insert(0, Block())
        sys.path.insert(0, {str(pkg.parent)!r})
        import {pkg.name} as p
        assert p.__version__ and len(p.SPEC_SHA256) == 64
        c = p.Client(api_key="k", base_url="http://127.0.0.1:9")
        with c:
            pass
        for sub in (p.types, p.resources):  # they load on first use: load every one
            for n in sub.__all__:
                getattr(sub, n)
        assert "specgen" not in sys.modules
        print("ok", len(p.types.__all__))
        '''
    )
    res = subprocess.run([sys.executable, "-I", "-c", script], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and res.stdout.startswith("ok"), res.stdout + res.stderr


def _laziness_script(parent: Path, name: str) -> str:
    """A script that imports package `name` from `parent` and constructs its client, proves that
    loaded no resource or type module and made no httpx client, then loads each on first use:
    every resource of both clients and every exported type (so each module still imports)."""
    return textwrap.dedent(
        f"""
        import functools, sys
        import httpx

        made = []
        for cls in (httpx.Client, httpx.AsyncClient):
            def counting(self, *a, __init=cls.__init__, **k):
                made.append(type(self).__name__)
                __init(self, *a, **k)
            cls.__init__ = counting

        sys.path.insert(0, {str(parent)!r})
        name = {name!r}

        def lazy_loaded():
            return sorted(m for m in sys.modules if m.startswith((name + ".types", name + ".resources")))

        import {name} as p
        c = p.Client(api_key="k", base_url="http://127.0.0.1:9")
        a = p.AsyncClient(api_key="k", base_url="http://127.0.0.1:9")
        assert lazy_loaded() == [], lazy_loaded()
        assert made == [], made
        # the resources among the cached properties (not `webhooks`, which is no resource): by the
        # class each returns, as the lazy index of `resources` names them (without loading one)
        roots = [n for n, v in vars(p.Client).items() if isinstance(v, functools.cached_property) and v.func.__annotations__.get("return") in p.resources.__all__]
        assert roots, "no resource on the client"
        first = getattr(c, roots[0])
        assert getattr(c, roots[0]) is first
        assert name + ".resources." in " ".join(lazy_loaded()), lazy_loaded()
        assert made == [], made
        for r in roots:
            getattr(c, r), getattr(a, r), getattr(c.with_raw_response, r), getattr(a.with_streaming_response, r)
        for n in p.resources.__all__:
            assert isinstance(getattr(p.resources, n), type), n
        for n in p.types.__all__:
            getattr(p.types, n)
        assert set(p.types.__all__) <= set(dir(p.types))
        with c:
            c._http
        assert made == ["Client"], made
        print("ok", len(roots), len(p.types.__all__))
        """
    )


@pytest.mark.parametrize("pkg", PACKAGES, ids=lambda p: p.name)
def test_import_and_construct_load_no_resource_or_type_module(pkg: Path) -> None:
    """`import pkg; pkg.Client(...)` loads the client and runtime only: resources, types and the
    httpx client come on first use."""
    res = subprocess.run([sys.executable, "-I", "-c", _laziness_script(pkg.parent, pkg.name)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and res.stdout.startswith("ok"), res.stdout + res.stderr[-3000:]


def test_a_closed_client_that_never_sent_refuses_to_send(tmp_path: Path) -> None:
    """Deferring the httpx client must not let a closed client quietly open a new pool."""
    pkg = PACKAGES[0]
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(pkg.parent)!r})
        import {pkg.name} as p
        c = p.Client(api_key="k", base_url="http://127.0.0.1:9")
        c.close()
        try:
            c._http
        except RuntimeError as e:
            print("refused", e)
        """
    )
    res = subprocess.run([sys.executable, "-I", "-c", script], capture_output=True, text=True, timeout=60)
    assert res.stdout.startswith("refused") and "closed" in res.stdout, res.stdout + res.stderr[-3000:]


# ------------------------------------------------------------------ the OpenAI corpus (../shared/corpus)


def _corpus_client(generated_once: Callable[..., Path], year: str) -> Path:
    """The client of one corpus spec, generated once per session (unformatted: black adds
    nothing mypy sees)."""
    return generated_once(corpus(f"openai-{year}.yaml"), package=f"oai_{year[:4]}")


def test_corpus_2023_client_passes_mypy_strict(generated_once: Callable[..., Path]) -> None:
    out = _corpus_client(generated_once, "2023-11-15")
    cmd = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(ROOT / ".mypy_cache"), "--no-error-summary", "oai_2023"]
    res = subprocess.run(cmd, cwd=out, capture_output=True, text=True, timeout=240)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]


@pytest.mark.parametrize("year", ["2025-02-10", "2026-08-21"])
def test_corpus_2025_and_2026_clients_import_lazily(generated_once: Callable[..., Path], year: str) -> None:
    out = _corpus_client(generated_once, year)
    script = _laziness_script(out, f"oai_{year[:4]}")
    res = subprocess.run([sys.executable, "-I", "-c", script], capture_output=True, text=True, timeout=180)
    assert res.returncode == 0 and res.stdout.startswith("ok"), res.stdout + res.stderr[-3000:]
