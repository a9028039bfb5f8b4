"""The client's view built in parts (generator/artifacts/client/views.py): a warm run that
renders one module of types again builds that module's view alone, from the types' names and
homes the page cache kept (`Types.plan`). Each part must equal what the whole view holds;
the oracle is the whole view built from scratch, on real specs."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Callable

import pytest

from specgen.artifacts.client.methods import resources
from specgen.artifacts.client.pytypes import Types
from specgen.artifacts.client.views import _type_modules, build_view
from specgen.model import ir
from specgen.output.render import RenderContext
from support import CORPUS_IR, SPECS, corpus


pytestmark = CORPUS_IR  # shares each corpus spec's one normalization (support.CORPUS_IR)

def _api(normalized: Callable[[Path], ir.Api], name: str) -> ir.Api:
    """The spec's IR from the session's one normalization of it (read-only: edits replace)."""
    return normalized(SPECS / name if (SPECS / name).is_file() else corpus(name))


def _ctx() -> RenderContext:
    return RenderContext(package="pkg", target="target", spec_label="spec.yaml", spec_sha256="0" * 64, api_key_env="PKG_API_KEY")


SPECS_USED = ["openai-chat-3.2.yaml", "openai-chat-2025.yaml", "real/spotify.yaml", "openai-2026-08-21.yaml"]


@pytest.mark.parametrize("name", SPECS_USED)
def test_each_module_built_alone_equals_its_part_of_the_whole_view(normalized: Callable[[Path], ir.Api], name: str) -> None:
    api = _api(normalized, name)
    whole = build_view(api, _ctx())
    assert whole.type_modules, "the spec has types"
    kept = Types.of(api, pickle.loads(pickle.dumps(Types.build(api).plan())))
    for tm in whole.type_modules:
        alone = _type_modules(api, kept, frozenset({tm.stem}))
        assert alone == [tm], tm.stem
    assert whole.resource_modules, "the spec has operations"
    for rm in whole.resource_modules:
        assert resources(api, kept, frozenset({rm.stem}))[1] == [rm], rm.stem
    assert resources(api, kept)[1] == whole.resource_modules


@pytest.mark.parametrize("name", SPECS_USED)
def test_types_kept_from_the_last_run_equal_types_built_now(normalized: Callable[[Path], ir.Api], name: str) -> None:
    api = _api(normalized, name)
    built = Types.build(api)
    kept = Types.of(api, pickle.loads(pickle.dumps(built.plan())))
    assert kept == built
    assert kept.dependencies() == built.dependencies()
    assert kept.plan() == built.plan()


def test_types_plan_ignores_prose(normalized: Callable[[Path], ir.Api]) -> None:
    """The plan is cached under the structure's fingerprint, which leaves prose out: prose
    must not change it."""
    import dataclasses

    api = _api(normalized, "openai-chat-3.2.yaml")
    models = tuple(dataclasses.replace(m, description="Changed. " + (m.description or ""), fields=tuple(dataclasses.replace(f, description="x") for f in m.fields)) for m in api.models)
    edited = dataclasses.replace(api, models=models)
    assert Types.build(edited).plan() == Types.build(api).plan()


def _client(api: ir.Api, folder: Path | None) -> dict[str, str]:
    from specgen.artifacts import render_artifact
    from specgen.artifacts.client.views import render
    from specgen.output.incremental import Fingerprints, PageCache

    ctx = _ctx()
    if folder is not None:
        ctx.pages = PageCache(folder, Fingerprints(api, b"test", ctx.spec_sha256))
    return render_artifact(render, api, ctx)


@pytest.mark.parametrize("changed", [1, 3, 1000])
def test_a_warm_client_rendering_some_or_many_modules_again_equals_one_from_scratch(normalized: Callable[[Path], ir.Api], changed: int, tmp_path: Path) -> None:
    """Prose changed in the first `changed` models: the modules holding them render again, in
    parts (a few) or from the whole view (past a few), and equal a render from scratch."""
    import dataclasses

    api = _api(normalized, "openai-2026-08-21.yaml")  # 20-odd modules of types and of resources
    _client(api, tmp_path)
    models = tuple(dataclasses.replace(m, description=f"Changed {i}.") if i < changed else m for i, m in enumerate(api.models))
    edited = dataclasses.replace(api, models=models)
    warm = _client(edited, tmp_path)
    assert warm == _client(edited, None)
    assert warm != _client(api, None)
