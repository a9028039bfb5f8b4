"""The warm edit's path through `generate` (issue 19): on a prose edit the docs' definition pages
render in the forked child, OUT's survey is taken by a child while the spec loads, and the
normalizer is not imported at all. Each is judged by what matters to a user: OUT holds, byte
for byte, what a run from scratch writes, and a child that fails changes nothing but time.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path, PurePosixPath
from typing import Any, Callable

import pytest
import yaml

from specgen import pipeline
from specgen.artifacts import docs
from specgen.diagnostics import Diagnostics
from specgen.output import stamps, write
from specgen.pipeline import Options, generate
from support import SEED_SPECS, prose_edited

SEED = SEED_SPECS["openai-chat-2025"]
OPTS = Options(validate=False, formatter="none", quiet=True)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and not p.name.startswith(".")}


@pytest.fixture
def warm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], tuple[Path, Path]]:
    """A spec generated once into OUT, then given a prose edit: returns (spec, OUT) ready for
    the warm run (the caller patches what it watches first)."""
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path / "cache"))
    spec, out = tmp_path / "spec.json", tmp_path / "out"
    doc = yaml.load(SEED.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    spec.write_text(json.dumps(doc))
    generate(spec, out, OPTS, Diagnostics())

    def edit() -> tuple[Path, Path]:
        spec.write_text(json.dumps(prose_edited(doc)))
        return spec, out

    return edit


def _scratch(spec: Path, tmp_path: Path) -> dict[str, bytes]:
    generate(spec, tmp_path / "scratch", Options(validate=False, formatter="none", quiet=True, use_cache=False), Diagnostics())
    return _tree(tmp_path / "scratch")


def _pids(log: Path) -> list[int]:
    return [int(x) for x in log.read_text().split()] if log.exists() else []


def _note_pid(log: Path, extra: str = "") -> None:
    """Append this process's pid (forked children included) to `log`."""
    with open(log, "a") as fh:
        fh.write(f"{os.getpid()}{extra}\n")


def _watch_survey(monkeypatch: pytest.MonkeyPatch, log: Path) -> None:
    """Log the pid of every process that surveys OUT."""
    real = write.survey

    def watched(*args: Any, **kwargs: Any) -> Any:
        _note_pid(log)
        return real(*args, **kwargs)

    monkeypatch.setattr(write, "survey", watched)


def test_a_prose_edit_renders_the_definition_pages_in_the_child_and_writes_what_scratch_writes(warm: Callable[[], tuple[Path, Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "pids"
    real = pipeline.render_artifact

    def watched(render_: Any, api: Any, ctx: Any) -> dict[str, str]:
        if render_ is docs.render_definitions:
            _note_pid(log)
        return real(render_, api, ctx)

    monkeypatch.setattr(pipeline, "render_artifact", watched)
    spec, out = warm()
    res = generate(spec, out, OPTS, Diagnostics())
    assert res.pages["ir_reused"] == 1 and res.pages["reused"] > res.pages["rendered"], res.pages
    assert _pids(log) and os.getpid() not in _pids(log)  # rendered once, by the child
    assert _tree(out) == _scratch(spec, tmp_path)


def test_a_child_that_dies_on_the_definition_pages_of_a_warm_run_leaves_what_one_process_renders(warm: Callable[[], tuple[Path, Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()
    real = pipeline.render_artifact

    def dying(render_: Any, api: Any, ctx: Any) -> dict[str, str]:
        if os.getpid() != parent and render_ is docs.render_definitions:
            os._exit(1)
        return real(render_, api, ctx)

    monkeypatch.setattr(pipeline, "render_artifact", dying)
    spec, out = warm()
    res = generate(spec, out, OPTS, Diagnostics())
    assert res.pages["ir_reused"] == 1
    assert _tree(out) == _scratch(spec, tmp_path)


def test_the_writer_takes_outs_survey_from_the_child_that_took_it_while_the_spec_loaded(warm: Callable[[], tuple[Path, Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "pids"
    _watch_survey(monkeypatch, log)
    spec, out = warm()
    generate(spec, out, OPTS, Diagnostics())
    assert len(_pids(log)) == 1 and os.getpid() not in _pids(log)
    assert _tree(out) == _scratch(spec, tmp_path)


def test_a_survey_child_that_dies_means_the_writer_surveys_out_itself(warm: Callable[[], tuple[Path, Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "pids"
    _watch_survey(monkeypatch, log)
    monkeypatch.setattr(write, "_survey_child", lambda out, conn: os._exit(1))
    spec, out = warm()
    generate(spec, out, OPTS, Diagnostics())
    assert _pids(log) == [os.getpid()]
    assert _tree(out) == _scratch(spec, tmp_path)


def test_a_recovery_after_the_child_surveyed_makes_the_writer_survey_out_again(warm: Callable[[], tuple[Path, Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What an interrupted run left, recovered after the child's survey, may have changed OUT:
    that survey is not used."""
    _, out = warm()
    ahead = write.SurveyAhead(out)
    leftover = out.parent / f".{out.name}.specgen-new-999999999"  # a dead run's staging folder
    leftover.mkdir()
    calls: list[int] = []
    real = write.survey
    monkeypatch.setattr(write, "survey", lambda *a, **k: calls.append(os.getpid()) or real(*a, **k))
    with write.TreeWriter(out, ahead=ahead):
        pass
    assert calls == [os.getpid()] and not leftover.exists()


def test_a_foreign_file_in_out_is_refused_when_the_child_surveyed_it(warm: Callable[[], tuple[Path, Path]]) -> None:
    spec, out = warm()
    (out / "docs" / "notes-of-mine.md").write_text("mine\n")
    with pytest.raises(pipeline.UsageError, match="notes-of-mine.md"):
        generate(spec, out, OPTS, Diagnostics())
    assert (out / "docs" / "notes-of-mine.md").read_text() == "mine\n"


def test_a_warm_run_does_not_import_the_normalizer(warm: Callable[[], tuple[Path, Path]], tmp_path: Path) -> None:
    spec, out = warm()
    code = (
        "import sys\nfrom pathlib import Path\nfrom specgen.diagnostics import Diagnostics\nfrom specgen.pipeline import Options, generate\n"
        f"res = generate(Path({str(spec)!r}), Path({str(out)!r}), Options(validate=False, formatter='none', quiet=True), Diagnostics())\n"
        "print(res.pages['ir_reused'], 'specgen.model.normalize' in sys.modules)\n"
    )
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "SPECGEN_CACHE_DIR": str(tmp_path / "cache")}, check=True)
    assert got.stdout.split() == ["1", "False"], got.stderr
    assert _tree(out) == _scratch(spec, tmp_path)


@pytest.mark.parametrize("child_dies", [False, True])
def test_a_warm_runs_memo_is_saved_by_the_render_child_or_else_by_the_parent(child_dies: bool, warm: Callable[[], tuple[Path, Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from specgen.model import reuse

    parent, log = os.getpid(), tmp_path / "pids"
    real = reuse.Memo.save

    def watched(self: Any, *args: Any) -> None:
        if child_dies and os.getpid() != parent:
            os._exit(1)  # the child dies before its first artifact, in the middle of its chores
        _note_pid(log)
        real(self, *args)

    monkeypatch.setattr(reuse.Memo, "save", watched)
    spec, out = warm()
    assert generate(spec, out, OPTS, Diagnostics()).pages["ir_reused"] == 1
    assert _pids(log) == [parent] if child_dies else (len(_pids(log)) == 1 and parent not in _pids(log))
    sha = hashlib.sha256(spec.read_bytes()).hexdigest()
    stored = reuse.Memo(spec, stamps.code_sha256())._read()  # what the next run starts from
    assert stored is not None and stored.sha256 == sha
    assert (tmp_path / "cache" / "parsed" / f"{sha}.pickle").is_file()  # load's write, done with it
    assert _tree(out) == _scratch(spec, tmp_path)


def test_a_warm_edit_of_a_big_yaml_spec_leaves_its_chunks_for_the_next_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Load's cache writes wait for the render child on a warm run: the chunks of this run's
    text are there for the next one all the same (its load parses none)."""
    from specgen.spec import load as load_mod, yamlchunks

    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path / "cache"))
    doc = yaml.load(SEED.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    for n in range(700):  # past the size where load parses chunk by chunk
        doc["components"]["schemas"][f"Padding{n}"] = {
            "type": "object",
            "description": f"Padding model number {n}, only here to make the document big.",
            "properties": {f"field_{k}": {"type": "string", "description": f"Field {k} of padding model {n}."} for k in range(4)},
        }
    class Indented(yaml.SafeDumper):
        def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
            return super().increase_indent(flow, False)  # `- item` under its key, as specs write it

    text = yaml.dump(doc, Dumper=Indented, sort_keys=False, width=1000)
    assert len(text) > load_mod._CHUNKED_MIN and yamlchunks.split(text)
    spec, out = tmp_path / "big.yaml", tmp_path / "out"
    spec.write_text(text)
    generate(spec, out, OPTS, Diagnostics())
    line = "description: Field 2 of padding model 345."
    assert text.count(line) == 1
    spec.write_text(text.replace(line, line + " (edited)"))
    assert generate(spec, out, OPTS, Diagnostics()).pages["ir_reused"] == 1
    parsed: list[str] = []
    real = yamlchunks.parse_all
    monkeypatch.setattr(yamlchunks, "parse_all", lambda texts, *a, **k: parsed.extend(texts) or real(texts, *a, **k))
    (tmp_path / "cache" / "parsed").rename(tmp_path / "parsed-aside")  # the whole-text cache would answer first
    load_mod.load(spec, Diagnostics())
    assert parsed == []
    assert _tree(out) == _scratch(spec, tmp_path)


def test_a_cold_runs_cache_writes_are_done_by_the_render_child_once_its_own_artifacts_are_rendered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a cold run the memo and load's cache writes are done by the render child after its
    artifacts (while the parent reads, writes and formats them), not before either starts
    rendering; they are on disk when generate returns."""
    from specgen.artifacts import renderers
    from specgen.model import reuse

    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path / "cache"))
    parent, log = os.getpid(), tmp_path / "log"
    rendered: list[str] = []  # in each process, what it rendered (the child forks before any)
    real_render, real_save = pipeline.render_artifact, reuse.Memo.save

    def render(render: Any, *args: Any) -> Any:
        rendered.append(render.__qualname__)
        return real_render(render, *args)

    def save(self: Any, *args: Any) -> None:
        _note_pid(log, f" {len(rendered)}")
        real_save(self, *args)

    monkeypatch.setattr(pipeline, "render_artifact", render)
    monkeypatch.setattr(reuse.Memo, "save", save)
    spec = tmp_path / "spec.yaml"
    spec.write_text(SEED.read_text(encoding="utf-8"))
    generate(spec, tmp_path / "out", OPTS, Diagnostics())
    theirs = sum(1 for _, in_child in renderers(False) if in_child)
    pid, count = log.read_text().split()
    assert int(pid) != parent and int(count) == theirs  # once, by the child, after its artifacts
    sha = hashlib.sha256(spec.read_bytes()).hexdigest()
    assert reuse.Memo(spec, stamps.code_sha256())._read() is not None
    assert (tmp_path / "cache" / "parsed" / f"{sha}.pickle").is_file()


def test_the_render_child_sends_unchanged_pages_by_their_hash_and_a_hand_edit_in_out_is_undone(warm: Callable[[], tuple[Path, Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a warm run the render child leaves out the text of every file OUT holds already by
    its manifest's hash (thousands of pages, pickled and piped for nothing): the parent writes
    none of them anyway. A page changed by hand in OUT, whose text is then needed, is rendered
    by the parent instead: OUT ends as a run from scratch writes it, the hand edit undone."""
    spec, out = warm()
    given: list[tuple[str, bool]] = []
    real = pipeline.TreeWriter.put

    def watched(self: Any, rel: str, content: Any, sha256: Any = None) -> None:
        given.append((rel, content is None))
        real(self, rel, content, sha256)

    monkeypatch.setattr(pipeline.TreeWriter, "put", watched)
    generate(spec, out, OPTS, Diagnostics())
    by_hash = [rel for rel, none in given if none]
    assert len(by_hash) > 100 and all(not rel.endswith(".py") for rel in by_hash)
    assert _tree(out) == _scratch(spec, tmp_path)
    # a page of the child's, edited by hand: the next run needs its text
    page = next(rel for rel in by_hash if rel.startswith("docs/operations/"))
    (out / page).write_text("edited by hand\n")
    rendered_here: list[str] = []
    real_render = pipeline.render_artifact

    def noted(render: Any, api: Any, ctx: Any) -> Any:
        if os.getpid() == parent:
            rendered_here.append(render.__name__)
        return real_render(render, api, ctx)

    parent = os.getpid()
    monkeypatch.setattr(pipeline, "render_artifact", noted)
    given.clear()
    generate(spec, out, OPTS, Diagnostics())
    assert _tree(out) == _scratch(spec, tmp_path)
    assert "render_operations" in rendered_here  # the parent rendered the artifact that holds it
    assert (page, False) in given


@pytest.mark.parametrize("damage", ["deleted", "edited"])
def test_a_page_missing_or_changed_in_out_is_written_again_beside_the_pages_an_edit_changes(damage: str, warm: Callable[[], tuple[Path, Path]], tmp_path: Path) -> None:
    """A prose edit changes some of the render child's pages (sent with their text, written)
    while OUT lacks, or holds another copy of, one it sends by its hash alone: the parent
    renders that artifact again and puts all of its files, those written already included, so
    nothing of the artifact is lost and OUT ends as a run from scratch writes it."""
    spec, out = warm()
    doc = json.loads(spec.read_text())
    generate(spec, out, OPTS, Diagnostics())  # OUT as this edit leaves it
    for schema in doc["components"]["schemas"].values():  # a second prose edit: other pages change
        for prop in (schema.get("properties") or {}).values():
            if isinstance(prop, dict) and isinstance(prop.get("description"), str) and prop["description"].endswith(" (edited)"):
                prop["description"] += " again"
    spec.write_text(json.dumps(doc))
    scratch = _scratch(spec, tmp_path)
    changed = {p for p, data in scratch.items() if (out / p).is_file() and (out / p).read_bytes() != data}
    assert changed and any(p.startswith("docs/") for p in changed)
    # a page of the same artifact as a changed one (the child sends both; the changed one with its text)
    folder = next(PurePosixPath(p).parent for p in sorted(changed) if p.startswith("docs/"))
    victim = next(p for p in sorted(scratch) if PurePosixPath(p).parent == folder and p not in changed)
    if damage == "deleted":
        (out / victim).unlink()
    else:
        (out / victim).write_text("{}\n")
    generate(spec, out, OPTS, Diagnostics())
    assert _tree(out) == scratch
    assert victim in json.loads((out / "manifest.json").read_text())["files"]
