"""The pipeline, one direction: load -> normalize -> IR -> render -> format -> write, with
validate beside it.

Validation starts right after load, in a forked child process (again after normalize if that
loaded more files: every file the `$ref`s reach is part of its cache key), and is collected
before writing with --strict (a finding then stops the run) or after writing otherwise
(findings are warnings). The artifacts that need the synthesized fixtures (docs' operation
pages, fixtures, tests), the tools and the MCP server render in one forked child while the
client and the other docs pages render here; `generate` writes each artifact's unformatted files into the
new tree as they arrive (`output.write.TreeWriter`), then the formatted Python and the
manifest, then swaps it in. `check` renders in memory and lists what differs.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import queue
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from . import __version__
from .children import stop

from .artifacts import Renderer, render_artifact, renderers
from .artifacts.docs import render_definitions, render_operations
from .model import ir
from .diagnostics import Diagnostics, MissingSpec, SpecError, UsageError
from .options import Options
from .output.format import FormatCache, FormatRun, sha256_text
from .spec.load import Documents, load
from .model import naming
from .model.reuse import Memo
from .output.incremental import Fingerprints, Known, PageCache
from .output.render import RenderContext, keep_compiled
from .spec.validate import Validation, report
from .output import stamps
from .output.owner import read_manifest, resolve_out, survey
from .output.write import MANIFEST, SurveyAhead, TreeWriter, Unsent, compare_trees, read_tree

@dataclass
class Built:
    """A spec taken through render: the IR, its inputs and the unformatted files."""

    api: ir.Api
    docs: Documents
    ctx: RenderContext
    files: dict[str, str]
    diagnostics: Diagnostics
    timings: dict[str, float] = field(default_factory=dict)
    validation: Validation | None = None
    strict: bool = False
    # units of the page cache rendered and reused (output/incremental.py): {"rendered", "reused"}
    pages: dict[str, int] = field(default_factory=dict)
    settle: Callable[[], None] = lambda: None  # see `build`'s `defer`
    # files the sink was given by their hash alone (as OUT holds them already): not in `files`
    unsent: dict[str, str] = field(default_factory=dict)

    def collect_validation(self) -> None:
        """Wait for validation, record its findings, and stop on errors (with --strict)."""
        if self.validation is not None:
            t = time.perf_counter()
            report(self.validation.result(), self.docs, self.diagnostics, self.strict)
            self.timings["validate_wait"] = time.perf_counter() - t
            self.validation = None
        self.diagnostics.raise_if_errors()


def package_name(api: ir.Api, requested: str | None, diags: Diagnostics | None = None) -> str:
    """The client package's name: as requested (refused when it is not a lower-case identifier,
    would shadow a module, or is another folder of OUT), else from the title (`_client` added,
    with a warning, where the title's name would)."""
    if requested is not None:
        problem = naming.package_problem(requested)
        if problem is not None:
            raise UsageError(f"--package {requested!r} cannot be used: it {problem} (try {naming.package_name(requested)[0]!r})")
        return requested
    name, why = naming.package_name(api.title)
    if why is not None and diags is not None:
        diags.warning("package-renamed", f"the client package is named `{name}`: {why}", hint="pass --package NAME (or `package` in [tool.specgen]) to choose the name", file=api.spec_name, pointer="/info/title")
    return name


def _step(opts: Options, text: str) -> None:
    if opts.progress is not None:
        opts.progress(text)


# a file that needs no formatting, as soon as it is rendered: (path, text, its sha256 when known);
# text None: the file is as OUT holds it with that sha256 (else the sink raises write.Unsent)
Sink = Callable[[str, "str | None", "str | None"], None]
_DOCS = (render_operations, render_definitions)


def build(
    spec: Path,
    opts: Options,
    diags: Diagnostics | None = None,
    sink: Sink | None = None,
    out: Path | None = None,
    formatting: FormatRun | None = None,
    defer: bool = False,
) -> Built:
    """Load, validate, normalize and render one spec (nothing is formatted). `sink` is given
    each file that needs no formatting (all but .py) as soon as it is rendered, to write it
    while the rest renders; every file is in the result all the same. With `out` (and the
    cache on), pages whose inputs did not change since the last run into `out` are reused.
    `defer`: the cache writes that no file waits for may still be under way (in the render
    child) when this returns; the caller must call `Built.settle` before it ends."""
    diags = diags if diags is not None else Diagnostics()
    if opts.use_cache:
        keep_compiled()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    _step(opts, "loading")
    later: list[Callable[[], None]] = []  # cache writes no later stage waits for
    docs = load(spec, diags, use_cache=opts.use_cache, meanwhile=_head_start, later=later)
    timings["load"] = time.perf_counter() - t0
    # in the background from now, so the meta-schema check overlaps normalize (one core is idle
    # then) rather than rendering; every file the $refs reach is part of its cache key, so if
    # normalize loads another file, it starts again once normalize is done
    validation = Validation(docs, opts.use_cache, strict=opts.strict) if opts.validate else None
    loaded = len(docs.files)
    _step(opts, "normalizing")
    try:
        api, ctx, memo = _understand(spec, docs, opts, diags, out, timings)
    except BaseException as e:
        if validation is not None:
            validation.cancel()
        if isinstance(e, Exception):
            _run(later)  # what was parsed stays parsed for the next run, as before
        raise
    if memo is not None:
        later.append(memo.flush)
    if validation is not None and len(docs.files) != loaded:
        validation.cancel()
        validation = Validation(docs, opts.use_cache, strict=opts.strict)
    t = time.perf_counter()
    files: dict[str, str] = {}
    sunk = [0.0]

    def timed(path: str, text: str | None, sha256: str | None) -> None:
        if sink is not None:
            t = time.perf_counter()
            sink(path, text, sha256)
            sunk[0] += time.perf_counter() - t

    warm = memo is not None and memo.reused
    # with a sink that writes into `out`, the render child leaves out the text of the files OUT
    # holds already (by the hash its manifest lists): the sink writes none of them anyway
    rendered_all, counts, settle, unsent = _render_all(api, ctx, lambda: _step(opts, "rendering"), timed, formatting, warm, lambda: _run(later), out if sink is not None else None)
    if not defer:
        settle()
    for rendered in rendered_all:
        for path, text in rendered.items():
            if path in files or path in unsent:
                raise AssertionError(f"two artifacts render {path}")
            files[path] = text
    timings["render"] = time.perf_counter() - t - sunk[0]
    if sink is not None:
        timings["write_while_rendering"] = sunk[0]
    if memo is not None:
        counts["ir_reused"] = int(memo.reused)
    return Built(api, docs, ctx, files, diags, timings, validation, opts.strict, counts, settle, unsent)


def _run(chores: list[Callable[[], None]]) -> None:
    """Each chore once (the list is emptied: a forked child's copy is its own)."""
    while chores:
        chores.pop(0)()


def _head_start() -> None:
    """Rendering's work that no spec decides (importing the fixtures' format checker), done
    while a child parses a big spec (load's `meanwhile`): it then costs half its time."""
    from .artifacts.fixtures.conform import load_format_checker

    load_format_checker()


def _understand(spec: Path, docs: Documents, opts: Options, diags: Diagnostics, out: Path | None, timings: dict[str, float]) -> tuple[ir.Api, RenderContext, Memo | None]:
    """The IR and the render context (with the page cache of `out` when the cache is on). The
    IR is the last run's when the spec changed only in prose (model/reuse.py) and its shape
    proves it; the page cache computes that shape anyway, so the memo is used only with it."""
    memo = Memo(spec, stamps.code_sha256()) if out is not None and opts.use_cache else None
    reuse = memo is not None
    while True:
        t = time.perf_counter()
        try:
            api = _normalize(docs, diags, memo, reuse)
        finally:
            timings["normalize"] = timings.get("normalize", 0.0) + time.perf_counter() - t
        pkg = package_name(api, opts.package, diags)
        ctx = RenderContext(
            package=pkg,
            target=opts.target or pkg,
            spec_label=opts.spec_label or spec.name,
            spec_sha256=spec_sha256(docs),
            api_key_env=opts.api_key_env or f"{api.env_prefix or pkg.upper()}_API_KEY",
            options={"formatter": opts.formatter, **opts.tools},
        )
        if memo is None or out is None:
            return api, ctx, memo
        fingerprint = functools.partial(_fingerprint, api, _salt(ctx), ctx.spec_sha256, memo.known(), timings)
        if not memo.reused:
            # a fresh IR needs no shape check: the fingerprints only store the units, so on a cold
            # run (no units on disk) they are computed once this process's own pages are rendered
            pages = ctx.pages = PageCache(out, fingerprint)
            memo.ready(docs.main.sha256, lambda: pages.prints)  # saved by `build`
            return api, ctx, memo
        prints = fingerprint()
        if memo.shape_matches(prints.shape):
            ctx.pages = PageCache(out, prints)
            memo.ready(docs.main.sha256, prints)  # saved by `build`
            return api, ctx, memo
        memo.undo(diags)  # a reused IR of another shape proves nothing: normalize after all
        reuse = False


def _fingerprint(api: ir.Api, salt: bytes, spec_sha256: str, known: Known | None, timings: dict[str, float]) -> Fingerprints:
    t = time.perf_counter()
    prints = Fingerprints(api, salt, spec_sha256, known)
    timings["fingerprint"] = timings.get("fingerprint", 0.0) + time.perf_counter() - t
    return prints


def _normalize(docs: Documents, diags: Diagnostics, memo: Memo | None, reuse: bool) -> ir.Api:
    """The IR: the last run's when `memo` proves it current (with `reuse`), else normalized
    (and noted in `memo` for the next run)."""
    api = memo.reuse(docs, diags) if memo is not None and reuse else None
    if api is None:
        # imported here: a reused IR needs none of the normalizer (nor the wire runtime and
        # asyncio it imports), about a fifth of specgen's imports
        from .model.normalize import normalize

        before = len(diags.items)
        api = normalize(docs, diags)
        if memo is not None:
            memo.keep(docs, api, diags.items[before:])
    return api


def _salt(ctx: RenderContext) -> bytes:
    """What every page depends on besides the IR: specgen's code and templates, and the options
    (not the spec's hash: only the pages that print it read it, and they depend on everything)."""
    return json.dumps([stamps.code_sha256(), ctx.package, ctx.target, ctx.spec_label, ctx.api_key_env, ctx.options], sort_keys=True, default=repr).encode()


def _counts(ctx: RenderContext) -> dict[str, int]:
    return ctx.pages.counts() if ctx.pages is not None else {"rendered": 0, "reused": 0}


def _render_all(
    api: ir.Api,
    ctx: RenderContext,
    started: Callable[[], None],
    sink: Sink,
    formatting: FormatRun | None = None,
    warm: bool = False,
    chores: Callable[[], None] | None = None,
    folder: Path | None = None,
) -> tuple[list[dict[str, str]], dict[str, int], Callable[[], None], dict[str, str]]:
    """Every artifact's files, in artifact order; those marked in `renderers()` render in one
    forked child meanwhile (so what they share, like the fixtures, is built once), each sent
    back as soon as it is done; `sink` gets every file that needs no formatting as it arrives.

    The child shares the IR through fork (nothing is pickled but its output); if it fails for
    any reason those files are rendered here instead, so the output never depends on it.
    Also returns how many units of the page cache were rendered and reused, in both processes.
    `formatting`: given each artifact rendered here as it is done (formatting starts while the
    child renders). `warm`: the IR was reused (a prose edit), so most pages will be (see
    `renderers`).
    `chores`: work for the cache that no file waits for, done by the child after its last
    artifact when there is one (this process then reads, writes and formats what the child
    sent), else here; the callable returned waits for them (and for the child), or does them
    here if the child did not. On a cold run the page cache's fingerprints are computed here
    before this process's docs pages and sent to the child, which stores its units with them.
    `folder`: the output folder `sink` writes into; the child then sends a file that needs no
    formatting by its hash alone when the folder's manifest lists that hash (a warm run's
    thousands of unchanged pages), and the last value returned maps those files to their
    hashes; if OUT does not hold one so (`write.Unsent`), its artifact is rendered here."""
    listed = renderers(warm)
    forked = [i for i, (_, in_child) in enumerate(listed) if in_child]
    job: tuple[Any, Any] | None = None
    prints_out: Any = None
    if forked and (os.cpu_count() or 1) > 1 and hasattr(os, "fork"):
        import multiprocessing

        mp = multiprocessing.get_context("fork")
        parent, child = mp.Pipe(duplex=False)
        # the largest (docs) last, so the parent writes the others' files while it renders
        order = sorted(forked, key=lambda i: listed[i][0] in _DOCS)
        # the child's units are stored with fingerprints this process computes (cold: pending)
        prints_in, prints_out = mp.Pipe(duplex=False) if ctx.pages is not None and ctx.pages.pending else (None, None)
        proc = mp.Process(target=_render_child, args=([(i, listed[i][0]) for i in order], api, ctx, child, chores, warm, (prints_in, prints_out) if prints_in is not None else None, folder), daemon=True)
        try:
            proc.start()
        except OSError:  # no memory or processes left for a child: this process renders it all
            parent.close()
            if prints_out is not None:
                prints_out.close()
            prints_out = None
        else:
            job = (proc, parent)
        finally:
            child.close()
            if prints_in is not None:
                prints_in.close()
    started()
    results: dict[int, dict[str, str]] = {}
    unsent: dict[str, str] = {}
    counts = {"rendered": 0, "reused": 0}
    try:
        # the docs pages (the most files) last here too, and before them the fingerprints the
        # child stores its units with: it has them once its own artifacts are rendered
        for i in sorted((i for i in range(len(listed)) if job is None or i not in forked), key=lambda i: listed[i][0] in _DOCS):
            if prints_out is not None and listed[i][0] in _DOCS:
                _send_prints(ctx, prints_out)
                prints_out = None
            results[i] = _sunk(render_artifact(listed[i][0], api, ctx), sink)
            if formatting is not None and job is not None:
                formatting.start(results[i])  # formatting starts while the child renders
        if job is not None:
            proc, conn = job
            if prints_out is not None:
                _send_prints(ctx, prints_out)
                prints_out = None
            for _ in forked:
                try:
                    i, rendered, theirs, hashes, same = conn.recv()
                except (EOFError, OSError):
                    break  # the child died: what it did not send is rendered below
                try:
                    _sunk(rendered, sink, hashes)
                    for path, sha256 in same.items():
                        sink(path, None, sha256)
                except Unsent:  # OUT does not hold one of them as its manifest says: all with text
                    rendered, same = render_artifact(listed[i][0], api, ctx), {}
                    _sunk(rendered, sink)  # the files put already are put again, the same
                results[i] = rendered
                unsent.update(same)
                for k in counts:
                    counts[k] += theirs[k]
            for i in forked:  # the child died: render here what it did not send
                if i not in results:
                    results[i] = _sunk(render_artifact(listed[i][0], api, ctx), sink)
    except BaseException:
        # a renderer stopped the run (a usage error, ^C): the child must not outlive it (it
        # holds its pipe's read end too, so one blocked in send would wait forever)
        if job is not None:
            proc, conn = job
            if prints_out is not None:
                prints_out.close()
            stop(proc)
            conn.close()
        raise
    for k, v in _counts(ctx).items():
        counts[k] += v

    settled: list[bool] = []

    def settle() -> None:
        if settled:
            return
        settled.append(True)
        done = False
        if job is not None:
            proc, conn = job
            with contextlib.suppress(EOFError, OSError):
                done = conn.recv() == _CHORES_DONE
            proc.join()
            conn.close()
        if not done and chores is not None:
            chores()

    return [results[i] for i in range(len(listed))], counts, settle, unsent


_CHORES_DONE = "chores done"


def _sunk(rendered: dict[str, str], sink: Sink, hashes: dict[str, str] | None = None) -> dict[str, str]:
    """`rendered`, each file that needs no formatting given to `sink` (with `hashes`: the sha256
    of those files, as the render child sends them)."""
    for path, text in rendered.items():
        if not path.endswith(".py"):  # only Python files are formatted: the rest are final now
            sink(path, text, hashes.get(path) if hashes is not None else None)
    return rendered


def _final_hashes(rendered: dict[str, str]) -> dict[str, str]:
    """The sha256 of the files `_sunk` gives its sink: the render child works them out so that
    the parent, the run's longer side at its end (it reads, writes and formats every file), need
    not."""
    return {path: sha256_text(text) for path, text in rendered.items() if not path.endswith(".py")}


def _send_prints(ctx: RenderContext, conn: Any) -> None:
    """The fingerprints to the render child, which stores its units with them (see PageCache)."""
    assert ctx.pages is not None
    with contextlib.suppress(OSError):  # the child is gone: this process renders its part
        conn.send(ctx.pages.complete())
    conn.close()


def _manifest_hashes(folder: Path | None) -> dict[str, str]:
    """The sha256 of each file the manifest of `folder` lists ({} when it has none)."""
    manifest = read_manifest(folder) if folder is not None else None
    listed = manifest.get("files") if manifest is not None else None
    return {k: v for k, v in listed.items() if isinstance(v, str)} if isinstance(listed, dict) else {}


def _render_child(renders: list[tuple[int, Renderer]], api: ir.Api, ctx: RenderContext, conn: Any, chores: Callable[[], None] | None = None, warm: bool = False, prints: tuple[Any, Any] | None = None, folder: Path | None = None) -> None:
    inbox: Any = None
    if prints is not None:
        inbox = prints[0]
        prints[1].close()  # the parent's end, copied by fork (the black workers, forked later, hold it too: on an error the parent ends this process, see `_render_all`)
    # a thread sends while the next artifact renders: an artifact's files are more than a pipe
    # holds, and the parent reads only once its own artifacts are rendered
    outbox: queue.SimpleQueue[tuple[int, dict[str, str], dict[str, int], dict[str, str], dict[str, str]] | None] = queue.SimpleQueue()

    def send() -> None:
        with contextlib.suppress(OSError):  # the parent is gone: nobody to tell
            while (item := outbox.get()) is not None:
                conn.send(item)

    # and one receives the fingerprints (the parent sends them while this process renders: more
    # than a pipe holds, they would wait for a reader otherwise, and the parent for them)
    received: list[Fingerprints] = []

    def receive() -> None:
        with contextlib.suppress(EOFError, OSError):  # none: the units are not stored
            received.append(inbox.recv())

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    receiver = threading.Thread(target=receive, daemon=True)
    if inbox is not None:
        receiver.start()
    try:
        held = _manifest_hashes(folder)
        for i, render in renders:
            before = _counts(ctx)
            files = render_artifact(render, api, ctx)
            hashes = _final_hashes(files)
            # what the folder holds as this run renders it (per its manifest) goes by its hash alone
            same = {path: sha for path, sha in hashes.items() if held.get(path) == sha}
            outbox.put((i, {p: t for p, t in files.items() if p not in same}, {k: v - before[k] for k, v in _counts(ctx).items()}, hashes, same))
        outbox.put(None)
        if warm:
            sender.join()  # the parent waits for the artifacts: nothing competes with their sending
        # on a cold run the parent reads them only once its own artifacts are rendered: until then
        # the pipe is full, so the units are stored and the chores done meanwhile
        if inbox is not None:
            receiver.join()
            if received and ctx.pages is not None:
                ctx.pages.adopt(received[0])
        if chores is not None:
            chores()  # no file waits for them
        sender.join()
        conn.send(_CHORES_DONE)
    except BaseException:
        pass  # silent: the parent renders again (and does the chores) and reports the problem itself
    finally:
        outbox.put(None)
        sender.join()
        conn.close()


def formatter_run(opts: Options) -> FormatRun:
    return FormatRun(opts.formatter, FormatCache(opts.formatter, use_disk=opts.use_cache), started=lambda: _step(opts, "formatting in parallel"))


def finish(built: Built, out: Path, opts: Options, formatting: FormatRun | None = None, known: dict[str, str] | None = None) -> tuple[dict[str, str], dict[str, Any], int]:
    """Format the rendered files (with what `formatting` was given while they rendered) and
    compose the manifest; returns (files, manifest, formatted count). `known`: the sha256 of
    files already written (not formatted, so final), not hashed again."""
    _step(opts, "formatting")
    t = time.perf_counter()
    run = formatting or formatter_run(opts)
    try:
        # only specgen's cache is trusted to hold formatted text; files on disk are never reused
        files, _, formatted = run.finish(built.files)
    except BaseException:
        if built.validation is not None:
            built.validation.cancel()
        raise
    built.timings["format"] = time.perf_counter() - t
    if opts.strict:
        # with --strict a validation finding must stop the run before anything is written
        _step(opts, "validating")
        built.collect_validation()
    api = built.api
    inputs = {name: d.sha256 for name, d in sorted(built.docs.files.items())}
    recorded = opts.recorded(built.ctx.package, built.ctx.api_key_env)
    manifest: dict[str, Any] = {
        "generator": "specgen",
        "generator_version": __version__,
        "spec": built.ctx.spec_label,
        "spec_sha256": built.docs.main.sha256,
        "inputs": inputs,
        "options": recorded,
        "operations": [{"id": op.id, "method": op.method.upper(), "path": op.path, "call": op.call} for op in api.operations],
        "skipped": list(api.skipped),
        "degraded": list(api.degraded),
        "files": {p: (known or {}).get(p) or built.unsent.get(p) or sha256_text(files[p]) for p in sorted({*files, *built.unsent})},
    }
    return files, manifest, formatted


def manifest_text(manifest: dict[str, Any]) -> str:
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


@dataclass
class GenerateResult:
    api: ir.Api
    out: Path
    files: int
    formatted: int
    diagnostics: Diagnostics
    timings: dict[str, float]
    pages: dict[str, int] = field(default_factory=dict)  # units of the page cache rendered / reused


def spec_sha256(docs: Documents) -> str:
    """The hash the client's SPEC_SHA256 carries: the spec's, or one over every file its
    `$ref`s reach when there are several."""
    return docs.combined_sha256() if len(docs.files) > 1 else docs.main.sha256


def generate(spec: Path, out: Path, opts: Options, diags: Diagnostics | None = None) -> GenerateResult:
    """The whole pipeline for one spec into one folder."""
    # the new tree is opened when the first file is ready (so a spec error, found before,
    # is reported first) and filled while the rest renders; it replaces OUT only when whole
    with contextlib.ExitStack() as stack:
        opened: list[TreeWriter] = []

        # OUT's survey, taken by a child while this process loads and normalizes
        ahead = stack.enter_context(contextlib.closing(SurveyAhead(out)))

        def writer() -> TreeWriter:
            if not opened:
                opened.append(stack.enter_context(TreeWriter(out, before_swap=lambda: _step(opts, "swapping"), ahead=ahead)))
            return opened[0]

        formatting = stack.enter_context(contextlib.closing(formatter_run(opts)))
        built = build(spec, opts, diags, sink=lambda path, text, sha256: writer().put(path, text, sha256), out=out, formatting=formatting, defer=True)
        # the render child's cache writes overlap the rest of the run: waited for as it ends
        stack.push(lambda kind, *_: built.settle() if kind is not None else None)
        files, manifest, formatted = finish(built, out, opts, formatting, opened[0].hashes if opened else None)
        _step(opts, "writing")
        t = time.perf_counter()
        tree = writer()
        for path in sorted(files):
            if path not in tree.written:
                tree.put(path, files[path], manifest["files"][path])
        tree.put(MANIFEST, manifest_text(manifest))
        tree.swap()
    try:
        stamps.remember(tree.out, spec, manifest, tree.stats)
        built.timings["write"] = time.perf_counter() - t
        # warnings only: they were worth waiting for, but not worth delaying the write
        built.collect_validation()
    finally:
        built.settle()
    return GenerateResult(built.api, out, len(files) + len(built.unsent) + 1, formatted, built.diagnostics, built.timings, built.pages)


def check(spec: Path, out: Path, opts: Options, diags: Diagnostics | None = None) -> list[str]:
    """What differs between OUT and what the spec produces now: `path: why` lines (empty = current).

    The fast path (`stamps.current`) answers only when specgen's cache vouches for this very
    spec, every file it reaches, these options and this code; anything else renders in full."""
    if not spec.is_file():
        raise MissingSpec(spec)
    folder = resolve_out(out)
    if stamps.current(folder, spec, opts):
        return []
    # staleness is about output only; `specgen validate` is the command for findings
    with contextlib.closing(formatter_run(opts)) as formatting:
        built = build(spec, replace(opts, validate=False), diags, out=folder, formatting=formatting)
        files, manifest, _ = finish(built, folder, opts, formatting)
    expected: dict[str, bytes] = {p: t.encode("utf-8") for p, t in files.items()}
    expected[MANIFEST] = manifest_text(manifest).encode("utf-8")
    stats: dict[str, list[int]] = {}
    actual = read_tree(folder, stats)
    problems = compare_trees(expected, actual, survey(folder, actual).owned)
    if not problems:
        stamps.remember(folder, spec, manifest, stats)
    return problems


def print_diagnostics(diags: Diagnostics, limit: int | None = None, stream: Any = None) -> None:
    """Print diagnostics (with lines filled in) to stderr; `limit` caps the warnings shown."""
    stream = stream or sys.stderr
    items = diags.with_lines()
    errors = [d for d in items if d.severity == "error"]
    warnings = [d for d in items if d.severity == "warning"]
    for d in errors:
        print(d.format(), file=stream)
    shown = warnings if limit is None else warnings[:limit]
    for d in shown:
        print(d.format(), file=stream)
    if len(shown) < len(warnings):
        print(f"... {len(warnings) - len(shown)} more warnings (run `specgen validate` to see all)", file=stream)


__all__ = ["Options", "MissingSpec", "build", "generate", "check", "finish", "SpecError", "UsageError"]
