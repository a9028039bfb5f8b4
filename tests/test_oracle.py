"""datamodel-code-generator as an oracle for the fixtures (issue 5).

For every seed spec, datamodel-codegen (from .venv/bin) generates pydantic models into tmp_path;
its models must accept every valid request body and response fixture and reject the invalid
request bodies (every invalid reason we generate is one pydantic can express: required, type,
bounds, lengths, enum, item counts, discriminator tags). Response fixtures must parse into our
own generated models (generated/<target>/<package>/types) as well. A disagreement names the
schema and the fixture.
"""

from __future__ import annotations

import importlib
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import ValidationError
from support import ROOT, SEED_SPECS

from specgen.artifacts import fixtures

from specgen.model import ir
from specgen.diagnostics import Diagnostics
from specgen.spec.load import Documents, load
from specgen.model.naming import pascal
from specgen.model.normalize import normalize

CODEGEN = Path(sys.executable).parent / "datamodel-codegen"
PACKAGES = {"openai-chat-2023": "openai_chat_2023", "openai-chat-2025": "openai_chat_2025", "xai-chat": "xai_chat"}


def _codegen_args(src: Path, out: Path, kind: str) -> list[str]:
    return [
        str(CODEGEN), "--input", str(src), "--input-file-type", kind, "--output", str(out),
        "--output-model-type", "pydantic_v2.BaseModel", "--field-constraints",
        "--enum-field-as-literal", "all", "--disable-timestamp", "--formatters", "builtin",
    ]


def _import(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


class Oracle:
    """datamodel-codegen's models of one spec: the OpenAPI components, plus one module per
    other file the spec's `$ref`s reach (JSON Schema files)."""

    def __init__(self, name: str, docs: Documents, modules: dict[str, ModuleType]):
        self.name = name
        self.docs = docs
        self.modules = modules

    def model_for(self, t: ir.TypeExpr) -> Any:
        """The oracle's class for a named schema (a component, or another file's root)."""
        where = t.pointer
        file, _, pointer = where.rpartition("#") if "#" in where else (self.docs.main.name, "", where)
        file = file or self.docs.main.name
        mod = self.modules.get(file)
        if mod is None:
            return None
        if pointer.startswith("/components/schemas/") and pointer.count("/") == 3:
            return getattr(mod, pascal(pointer.rsplit("/", 1)[1]), None) or getattr(mod, pointer.rsplit("/", 1)[1], None)
        if pointer == "":
            title = self.docs.files[file].data.get("title") if isinstance(self.docs.files[file].data, dict) else None
            return getattr(mod, pascal(title), None) if title else getattr(mod, "Model", None)
        return None


@pytest.fixture(scope="module")
def oracles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[ir.Api, Oracle]]:
    if not CODEGEN.exists():
        found = shutil.which("datamodel-codegen")
        if found is None:
            pytest.skip("datamodel-codegen is not installed (pip install -e '.[test]')")
    tmp = tmp_path_factory.mktemp("oracle")
    built: dict[str, tuple[ir.Api, Documents]] = {}
    jobs: list[tuple[str, str, Path, subprocess.Popen[bytes]]] = []
    for name, spec in SEED_SPECS.items():
        diags = Diagnostics()
        docs = load(spec, diags, use_cache=False)
        api = normalize(docs, diags)
        built[name] = (api, docs)
        for file, doc in docs.files.items():
            out = tmp / f"{name.replace('-', '_')}__{len(jobs)}.py"
            kind = "openapi" if file == docs.main.name else "jsonschema"
            jobs.append((name, file, out, subprocess.Popen(_codegen_args(doc.path, out, kind), stdout=subprocess.PIPE, stderr=subprocess.PIPE)))
    modules: dict[str, dict[str, ModuleType]] = {}
    for name, file, out, proc in jobs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, f"datamodel-codegen failed on {name}/{file}: {err.decode()[-2000:]}"
        modules.setdefault(name, {})[file] = _import(out, f"specgen_oracle_{out.stem}")
    return {name: (api, Oracle(name, docs, modules[name])) for name, (api, docs) in built.items()}


def _body(fx: fixtures.OperationFixtures, payload: Any) -> Any:
    return payload.get("body") if fx.wrapped and isinstance(payload, dict) else payload


@pytest.mark.parametrize("target", sorted(SEED_SPECS))
def test_oracle_accepts_every_valid_request_and_response_fixture(oracles: dict[str, tuple[ir.Api, Oracle]], target: str) -> None:
    api, oracle = oracles[target]
    disagreements: list[str] = []
    compared = 0
    for op, fx in fixtures.all_fixtures(api):
        if op.body is not None and op.body.encoding == "json":
            cls = oracle.model_for(op.body.type)
            if cls is not None:
                for name, payload in fx.requests.items():
                    body = _body(fx, payload)
                    if body is None:
                        continue
                    compared += 1
                    try:
                        cls.model_validate(body)
                    except ValidationError as e:
                        disagreements.append(f"schema {op.body.type.pointer} ({cls.__name__}), fixture {fx.stem}/request.{name}.json: the oracle rejects it: {str(e)[:300]}")
        for status, payload in fx.responses.items():
            r = next(r for r in op.responses if r.status == status)
            assert r.type is not None
            cls = oracle.model_for(r.type)
            if cls is None:
                continue
            compared += 1
            try:
                cls.model_validate(payload)
            except ValidationError as e:
                disagreements.append(f"schema {r.type.pointer} ({cls.__name__}), fixture {fx.stem}/response.{status}.json: the oracle rejects it: {str(e)[:300]}")
    assert compared > 10
    print(f"oracle {target}: {compared} valid fixtures compared")
    assert not disagreements, "\n".join(disagreements)


@pytest.mark.parametrize("target", sorted(SEED_SPECS))
def test_oracle_rejects_every_invalid_request_it_can_express(oracles: dict[str, tuple[ir.Api, Oracle]], target: str) -> None:
    api, oracle = oracles[target]
    disagreements: list[str] = []
    compared = 0
    for op, fx in fixtures.all_fixtures(api):
        if op.body is None or op.body.encoding != "json":
            continue
        cls = oracle.model_for(op.body.type)
        if cls is None:
            continue
        for case in fx.invalid:
            if fx.wrapped and not case.pointer.startswith("/body"):
                continue  # parameters are not part of the body model
            compared += 1
            try:
                cls.model_validate(_body(fx, case.payload))
            except ValidationError:
                continue
            disagreements.append(f"schema {op.body.type.pointer} ({cls.__name__}), fixture {fx.stem}/invalid/{case.name}.json ({case.reason} at {case.pointer}): the oracle accepts it")
    assert compared > 5
    print(f"oracle {target}: {compared} invalid fixtures compared")
    assert not disagreements, "\n".join(disagreements)


@pytest.mark.parametrize("target", sorted(SEED_SPECS))
def test_our_generated_models_agree_with_the_oracle_on_responses(oracles: dict[str, tuple[ir.Api, Oracle]], target: str) -> None:
    api, oracle = oracles[target]
    out = ROOT / "generated" / target
    package = PACKAGES[target]
    if not (out / package / "types").is_dir():
        pytest.skip(f"generated/{target} has no client types package yet (run `specgen regenerate`)")
    if str(out) not in sys.path:
        sys.path.insert(0, str(out))
    types = importlib.import_module(f"{package}.types")
    disagreements: list[str] = []
    for op, fx in fixtures.all_fixtures(api):
        for status, payload in fx.responses.items():
            r = next(r for r in op.responses if r.status == status)
            if r.type is None or r.type.kind != "model" or r.type.ref is None:
                continue
            ours = getattr(types, r.type.ref, None)
            theirs = oracle.model_for(r.type)
            if ours is None or theirs is None:
                continue
            ours_ok = _accepts(ours, payload)
            theirs_ok = _accepts(theirs, payload)
            if ours_ok is not True or theirs_ok is not True:
                disagreements.append(f"schema {r.type.pointer}, fixture {fx.stem}/response.{status}.json: ours ({r.type.ref}): {ours_ok}; oracle ({theirs.__name__}): {theirs_ok}")
    assert not disagreements, "\n".join(disagreements)


def _accepts(cls: Any, payload: Any) -> bool | str:
    try:
        cls.model_validate(payload)
    except ValidationError as e:
        return str(e)[:300]
    return True
