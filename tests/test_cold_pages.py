"""A cold run's page cache (issue 19): with no units on disk for OUT, every unit renders whatever
its fingerprint, so the fingerprints are computed by the parent while the render child renders
(before the parent's docs pages; the child gets them through a pipe) instead of before either
starts.
Judged by what the next run sees: the same cache files as a run that fingerprints first (one
with units already on disk), the same reuse on the next edit, and OUT as a run from scratch.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from specgen import pipeline
from specgen.artifacts import docs, name_of, renderers
from specgen.diagnostics import Diagnostics
from specgen.output import incremental
from specgen.output.incremental import PageCache
from specgen.pipeline import Options, generate
from support import SEED_SPECS, prose_edited

SEED = SEED_SPECS["openai-chat-2025"]
OPTS = Options(validate=False, formatter="none", quiet=True)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _cache(folder: Path) -> dict[str, Any]:
    """The page cache and the memo of the IR, unpickled (pickle's bytes may differ for equal values)."""
    found = {}
    for sub in ("pages", "normalized"):
        for path in sorted((folder / sub).rglob("*.pickle")):
            found[path.relative_to(folder).as_posix()] = pickle.loads(path.read_bytes())
    return found


def _doc() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(SEED.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return loaded


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: str, seeded: bool) -> tuple[dict[str, Any], dict[str, int], dict[str, bytes]]:
    """A cold run into tmp/out with cache folder `cache` (`seeded`: a unit of some other artifact
    already on disk, so the run fingerprints first, as every run did before), then a prose edit:
    the cache the cold run left, the edit run's reuse counts and OUT after it."""
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path / cache))
    spec, out = tmp_path / "spec.json", tmp_path / "out"
    shutil.rmtree(out, ignore_errors=True)
    doc = _doc()
    spec.write_text(json.dumps(doc))
    pages = PageCache(out, lambda: pytest.fail("not computed here")).base
    if seeded:
        pages.mkdir(parents=True)
        (pages / "another.pickle").write_bytes(pickle.dumps({}))
    generate(spec, out, OPTS, Diagnostics())
    left = _cache(tmp_path / cache)
    left.pop(f"pages/{pages.name}/another.pickle", None)
    spec.write_text(json.dumps(prose_edited(doc)))
    res = generate(spec, out, OPTS, Diagnostics())
    return left, res.pages, _tree(out)


def test_a_cold_run_leaves_the_page_cache_a_run_that_fingerprints_first_leaves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    late = _run(tmp_path, monkeypatch, "late", seeded=False)
    first = _run(tmp_path, monkeypatch, "first", seeded=True)
    assert late[0] and late[0] == first[0]
    assert any(key.startswith("normalized/") for key in late[0])
    assert late[1] == first[1]  # the edit run reuses exactly as much
    assert late[1]["ir_reused"] == 1 and late[1]["reused"] > late[1]["rendered"]
    assert late[2] == first[2]
    generate(tmp_path / "spec.json", tmp_path / "scratch", Options(validate=False, formatter="none", quiet=True, use_cache=False), Diagnostics())
    assert late[2] == _tree(tmp_path / "scratch")


def test_a_cold_run_fingerprints_in_the_parent_after_its_own_artifacts_but_its_docs_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path / "cache"))
    parent, log = os.getpid(), tmp_path / "log"
    rendered: list[str] = []
    real_render, real_init = pipeline.render_artifact, incremental.Fingerprints.__init__

    def render(render_: Any, *args: Any) -> Any:
        if os.getpid() == parent:
            rendered.append(render_.__qualname__)
        return real_render(render_, *args)

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        with open(log, "a") as fh:
            fh.write(f"{os.getpid()} {len(rendered)}\n")
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(pipeline, "render_artifact", render)
    monkeypatch.setattr(incremental.Fingerprints, "__init__", init)
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(_doc()))
    res = generate(spec, tmp_path / "out", OPTS, Diagnostics())
    # the docs pages (the parent's last: its most files) begin when the child needs the prints
    first = sum(1 for r, in_child in renderers(False) if not in_child and r not in (docs.render_definitions, docs.render_operations))
    assert log.read_text().split() == [str(parent), str(first)]  # once, here, before its docs pages
    assert rendered[first:] == [docs.render_definitions.__qualname__]
    assert res.pages["reused"] == 0 and res.pages["rendered"] > 0
    stored = {p.name for p in (tmp_path / "cache" / "pages").rglob("*.pickle")}
    assert stored == {f"{name_of(r)}.pickle" for r, _ in renderers(False)}  # the child's too


@pytest.mark.parametrize("dies", ["before-its-first-artifact", "before-storing-its-units"])
def test_a_cold_runs_child_that_dies_costs_only_the_reuse_of_what_it_did_not_store(dies: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path / "cache"))
    parent = os.getpid()
    real_render, real_adopt = pipeline.render_artifact, PageCache.adopt

    def render(render_: Any, *args: Any) -> Any:
        if os.getpid() != parent and dies == "before-its-first-artifact":
            os._exit(1)
        return real_render(render_, *args)

    def adopt(self: PageCache, prints: Any) -> None:
        if os.getpid() != parent:
            os._exit(1)
        real_adopt(self, prints)

    monkeypatch.setattr(pipeline, "render_artifact", render)
    monkeypatch.setattr(PageCache, "adopt", adopt)
    spec, out = tmp_path / "spec.json", tmp_path / "out"
    doc = _doc()
    spec.write_text(json.dumps(doc))
    generate(spec, out, OPTS, Diagnostics())
    stored = {p.name for p in (tmp_path / "cache" / "pages").rglob("*.pickle")}
    ours = {f"{name_of(r)}.pickle" for r, in_child in renderers(False) if not in_child}
    if dies == "before-its-first-artifact":
        assert stored == {f"{name_of(r)}.pickle" for r, _ in renderers(False)}  # rendered and stored here
    else:  # the child may die before its artifacts are all sent too: the parent renders the rest
        assert ours <= stored
    spec.write_text(json.dumps(prose_edited(doc)))
    res = generate(spec, out, OPTS, Diagnostics())
    assert res.pages["reused"] > 0
    generate(spec, tmp_path / "scratch", Options(validate=False, formatter="none", quiet=True, use_cache=False), Diagnostics())
    assert _tree(out) == _tree(tmp_path / "scratch")

