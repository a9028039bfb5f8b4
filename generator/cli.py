"""The `specgen` command. Exit codes: 0 success, 1 a problem with the spec or stale output,
2 a usage problem. A bad spec never shows a traceback, only diagnostics."""

from __future__ import annotations

import argparse
import errno
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence

from . import __version__
from .budgets import allow_deep_recursion
from .children import install
from .diagnostics import Diagnostics, MissingSpec, SpecError, UsageError
from .spec.sources import refuse_url

EXIT_OK, EXIT_SPEC, EXIT_USAGE = 0, 1, 2


def _progress(quiet: bool) -> Callable[[str], None] | None:
    """A one-line progress display on a terminal; nothing in CI, pipes or with --quiet.

    SPECGEN_PROGRESS=lines prints each step on a line of its own instead (for scripts), and
    SPECGEN_PAUSE_AT=STEP then waits at that step for a signal: tests of interruption pick
    their moment from it instead of sleeping."""
    if os.environ.get("SPECGEN_PROGRESS") == "lines":
        return _progress_lines(os.environ.get("SPECGEN_PAUSE_AT"))
    if quiet or not sys.stderr.isatty() or os.environ.get("CI"):
        return None
    start = time.perf_counter()

    def show(step: str) -> None:
        sys.stderr.write(f"\r\x1b[2Kspecgen: {step}… {time.perf_counter() - start:5.1f}s")
        sys.stderr.flush()

    return show


def _progress_lines(pause_at: str | None) -> Callable[[str], None]:
    def show(step: str) -> None:
        sys.stderr.write(f"specgen: step {step}\n")
        sys.stderr.flush()
        if step == pause_at:
            time.sleep(60)  # a signal ends the sleep (and the run); nothing else should

    return show


def _end_progress(progress: Callable[[str], None] | None) -> None:
    if progress is not None and os.environ.get("SPECGEN_PROGRESS") != "lines":
        sys.stderr.write("\r\x1b[2K")
        sys.stderr.flush()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="specgen",
        description="Generate typed Python clients, Markdown docs, test fixtures and tool manifests from OpenAPI 3.0/3.1 specs, and diff spec versions.",
        epilog="Exit codes: 0 success, 1 a problem with the spec (or stale output for check), 2 a usage problem.",
    )
    p.add_argument("--version", action="version", version=f"specgen {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    g = sub.add_parser("generate", help="generate client, docs, fixtures, tools and tests for one spec into OUT", description="Generate every artifact for SPEC into OUT: OUT/<package>/ (client), OUT/docs/, OUT/tools/, OUT/fixtures/, OUT/tests/ and OUT/manifest.json. Only the files that change are written; a failed or interrupted run leaves OUT as it was; a folder that specgen did not generate is never replaced.")
    g.add_argument("spec", type=_spec_path, help="OpenAPI 3.0/3.1 document or JSON Schema (YAML or JSON)")
    g.add_argument("-o", "--out", type=Path, required=True, help="output folder")
    _shared_generation_args(g)

    r = sub.add_parser("regenerate", help="regenerate every target of [tool.specgen] into generated/<target>/", description="Regenerate every target configured in pyproject.toml's [tool.specgen] (or the named ones) into generated/<target>/, plus the configured diff reports.")
    r.add_argument("targets", nargs="*", help="target names (default: all)")
    r.add_argument("--quiet", action="store_true", help="print only warnings and errors")

    c = sub.add_parser("check", help="exit 1 when generated output differs from what the specs produce", description="Render in memory and compare with the output on disk; list each stale, missing or extra file and exit 1 when anything differs. Without --spec: every configured target (or the named ones).")
    c.add_argument("targets", nargs="*", help="target names (default: all)")
    c.add_argument("--spec", type=_spec_path, help="check one spec against -o OUT instead of the configured targets")
    c.add_argument("-o", "--out", type=Path, help="the output folder to check (with --spec)")
    c.add_argument("--format", choices=("text", "github"), default="text", help="github: stale files as ::error annotations for GitHub Actions")
    _shared_generation_args(c)

    v = sub.add_parser("validate", help="validate a spec: diagnostics with JSON pointers and line numbers", description="Validate SPEC with openapi-spec-validator and specgen's own checks. Findings are warnings (exit 0) unless --strict (exit 1).")
    v.add_argument("spec", type=_spec_path)
    v.add_argument("--strict", action="store_true", help="treat validation findings as errors")
    v.add_argument("--format", choices=("text", "json"), default="text")

    i = sub.add_parser("inspect", help="print the normalized IR as JSON", description="Print the normalized IR of SPEC as JSON: operations (id, method, path, client call, deprecated), unions (where, discriminator, inferred, variants with tags), enums, models, deprecations with replacements, and degradations.")
    i.add_argument("spec", type=_spec_path)

    d = sub.add_parser("diff", help="what changed between two spec versions, what breaks, and what changes in the client", description="Compare OLD and NEW (files, or git:REV:path) through the normalized IR. Changes are grouped by operation and field, each with a rule id and a severity.")
    d.add_argument("old", nargs="?", help="old spec: a file or git:REV:path")
    d.add_argument("new", nargs="?", help="new spec: a file or git:REV:path")
    d.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    d.add_argument("--fail-on", choices=("breaking", "warning", "info"), default=None, help="exit 1 when a change of this severity or worse is found (the client section counts)")
    d.add_argument("--only", choices=("breaking", "warning"), default=None, help="show only changes of this severity or worse (the summary says how many were left out)")
    d.add_argument("--summary", action="store_true", help="counts per rule and per operation instead of every change")
    d.add_argument("--max-chars", type=int, default=None, metavar="N", help="markdown: cut the least severe rows until the report fits N characters (default 60,000; 0: no limit)")
    d.add_argument("--ignore", type=Path, default=None, metavar="FILE", help="accepted changes, one per line: a fingerprint, or `RULE PATH`; # starts a comment")
    d.add_argument("--today", default=None, metavar="YYYY-MM-DD", help="the date x-sunset dates are judged against (default: today)")
    d.add_argument("--rules", action="store_true", help="list every rule and exit")
    d.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    d.add_argument("--since", metavar="REV", help="diff each given spec file against itself at git revision REV (the pre-commit hook's form: specgen diff --since HEAD --fail-on breaking FILE...)")
    d.add_argument("more", nargs="*", help=argparse.SUPPRESS)

    m = sub.add_parser("mock", help="serve a spec's fixtures on 127.0.0.1, validating requests", description="Run an HTTP server on 127.0.0.1 that routes by method and path, validates requests against SPEC (400/422 with the errors), and answers with the response fixtures (or streams stream.sse).")
    m.add_argument("spec", type=_spec_path)
    m.add_argument("--port", type=int, default=4010, help="port on 127.0.0.1 (0 picks a free one)")
    m.add_argument("--fixtures", type=Path, default=None, help="fixtures folder (default: generated in memory from the spec)")
    m.add_argument("--log", type=Path, default=None, help="append one JSON line per request to this file: method, path, status, operation, problems")
    m.add_argument("--send-webhook", metavar="NAME", default=None, help="send this webhook's (or callback's) sample payload to --to and exit, instead of serving")
    m.add_argument("--to", metavar="URL", default=None, help="where --send-webhook sends: an http URL on 127.0.0.1, ::1 or localhost")
    return p


def _shared_generation_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--package", help="client package name (default: from the spec's title)")
    p.add_argument("--formatter", choices=("black", "ruff", "none"), default=None, help="format generated Python with black (default), ruff, or not at all")
    p.add_argument("--strict", action="store_true", help="treat validation findings as errors")
    p.add_argument("--no-validate", action="store_true", help="skip openapi-spec-validator (specgen's own checks still run)")
    p.add_argument("--quiet", action="store_true", help="print only warnings and errors")
    p.add_argument("--tools-profile", choices=("generic", "openai-strict", "anthropic"), default=None, help="shape of tools/tools.json: generic (default), openai-strict (strict mode schemas) or anthropic (input_schema)")
    p.add_argument("--tools-include", action="append", default=None, metavar="SELECTOR", help="only these operations become tools and MCP tools: tag:NAME, path:GLOB (optionally 'path:POST /x/*') or op:GLOB; repeatable")
    p.add_argument("--tools-exclude", action="append", default=None, metavar="SELECTOR", help="leave these operations out of tools and MCP tools (same selectors); repeatable")
    p.add_argument("--mcp-mode", choices=("auto", "tools", "search"), default=None, help="the MCP server's default: one tool per operation, or search_operations + call_operation (auto: search past 64 tools)")


def _spec_path(text: str) -> Path:
    """A SPEC argument: a local file. A URL is refused with the way to get the file."""
    refuse_url(text)
    return Path(text)


def main(argv: Sequence[str] | None = None) -> int:
    allow_deep_recursion()  # deeply nested specs recurse as deep as they nest
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0) if isinstance(e.code, int) else EXIT_USAGE
    except UsageError as e:
        print(f"specgen: {e}", file=sys.stderr)
        return EXIT_USAGE
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(_COMMANDS[args.command](args))
    except SpecError as e:
        _print_diags(e.diagnostics)
        n = sum(1 for d in e.diagnostics if d.severity == "error")
        print(f"specgen: stopped: {n} error{'s' if n != 1 else ''} in the spec", file=sys.stderr)
        return EXIT_SPEC
    except UsageError as e:
        print(f"specgen: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("specgen: interrupted; existing output was left as it was", file=sys.stderr)
        return 130
    except RecursionError:
        print("specgen: error: the spec nests too deeply to process (recursion limit); simplify the deepest schemas", file=sys.stderr)
        return EXIT_SPEC
    except (MemoryError, ImportError) as e:
        if isinstance(e, ImportError) and "failed to map segment" not in str(e):
            return _internal_error(e)
        # a limit of the machine (or of `ulimit -v`: a library that cannot be mapped), not a bug
        print("specgen: error: out of memory; existing output was left as it was (raise the memory limit, or shrink the largest schemas)", file=sys.stderr)
        return EXIT_SPEC
    except OSError as e:  # the machine said no (permissions, a full disk, a read-only folder)
        print(f"specgen: {os_error(e)}", file=sys.stderr)
        return EXIT_SPEC
    except RuntimeError as e:
        if str(e) not in _NO_THREAD:
            return _internal_error(e)
        # a thread the standard library needed (a process pool's, a queue's) could not start: the
        # machine's memory or process limit, as `ulimit -v` shows, not a bug
        print("specgen: error: out of memory (a thread could not be started); existing output was left as it was (raise the memory or process limit, or shrink the largest schemas)", file=sys.stderr)
        return EXIT_SPEC
    except Exception as e:  # a bug in specgen, not in the spec: still no traceback for the user
        return _internal_error(e)


# RuntimeError's words when a thread cannot start, and when a library's cleanup then joins it
_NO_THREAD = frozenset({"can't start new thread", "cannot join thread before it is started"})


def _internal_error(e: Exception) -> int:
    """A bug in specgen, not in the spec: where it happened, in one line, and no traceback."""
    where = ""
    tb = e.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None:
        where = f" ({Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno})"
    print(f"specgen: internal error{where}: {type(e).__name__}: {e}", file=sys.stderr)
    print("specgen: this is a bug in specgen, not in your spec; please report it with the spec. Existing output was left as it was.", file=sys.stderr)
    if os.environ.get("SPECGEN_DEBUG"):
        raise e
    return EXIT_SPEC


_OS_HINTS = {
    errno.EROFS: "the file system is read-only; choose an output folder on a writable one",
    errno.ENOSPC: "the disk is full; free some space and run again",
    errno.EDQUOT: "the disk quota is used up; free some space and run again",
    errno.EACCES: "permission denied; check the owner and mode of that path (or run as a user who may write there)",
    errno.EPERM: "the operation is not permitted on that path; check its owner, mode and attributes",
}


def os_error(e: OSError) -> str:
    """One line for an error the operating system reported, with the path it concerns."""
    where = " -> ".join(str(f) for f in (e.filename, e.filename2) if f is not None)
    reason = e.strerror or str(e)
    hint = _OS_HINTS.get(e.errno or 0, "")
    text = f"{where}: {reason}" if where else reason
    return f"{text} ({hint}); existing output was left as it was" if hint else f"{text}; existing output was left as it was"


def _print_diags(items: Sequence[Any], limit: int | None = 20) -> None:
    from .pipeline import print_diagnostics

    d = Diagnostics(items=list(items))
    print_diagnostics(d, limit=limit)


def _options(args: argparse.Namespace, **over: Any) -> Any:
    from .options import Options

    progress = _progress(getattr(args, "quiet", False))
    opts = Options(
        package=getattr(args, "package", None),
        formatter=getattr(args, "formatter", None) or "black",
        strict=getattr(args, "strict", False),
        validate=not getattr(args, "no_validate", False),
        quiet=getattr(args, "quiet", False),
        progress=progress,
        tools=_tools_args(args),
    )
    for k, v in over.items():
        setattr(opts, k, v)
    return opts


def _tools_args(args: argparse.Namespace) -> dict[str, Any]:
    """The tools/MCP options given on the command line (a target's config fills the rest)."""
    out: dict[str, Any] = {}
    for key in ("tools_profile", "tools_include", "tools_exclude", "mcp_mode"):
        v = getattr(args, key, None)
        if v is not None:
            out[key] = v
    return out


def _need_file(path: Path) -> None:
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give the path of a spec file")


def cmd_generate(args: argparse.Namespace) -> int:
    from .pipeline import generate

    _need_file(args.spec)
    opts = _options(args)
    diags = Diagnostics()
    try:
        res = generate(args.spec, args.out, opts, diags)
    finally:
        _end_progress(opts.progress)
    _print_diags(diags.with_lines(), limit=10)
    if not args.quiet:
        total = sum(res.timings.values())
        print(f"specgen: {len(res.api.operations)} operations, {res.files} files ({res.formatted} formatted) -> {args.out} in {total:.1f}s")
    return EXIT_OK


def _target_options(args: argparse.Namespace, t: Any) -> Any:
    return _options(args, package=t.package, formatter=t.formatter, target=t.name, api_key_env=t.api_key_env, spec_label=t.spec_label, tools={**t.tools, **_tools_args(args)})


def _missing_target_specs(targets: Sequence[Any]) -> list[str]:
    return [f"{t.spec_label}: no such file (the spec of target {t.name!r} in pyproject.toml)" for t in targets if not t.spec.is_file()]


def cmd_regenerate(args: argparse.Namespace) -> int:
    from .config import load_project
    from .pipeline import generate

    project = load_project()
    targets = _select(project.targets, args.targets)
    missing = _missing_target_specs(targets)
    if missing:
        for line in missing:
            print(f"specgen: {line}", file=sys.stderr)
        return EXIT_SPEC
    for t in targets:
        opts = _target_options(args, t)
        diags = Diagnostics()
        try:
            res = generate(t.spec, t.out, opts, diags)
        finally:
            _end_progress(opts.progress)
        _print_diags(diags.with_lines(), limit=10)
        if not args.quiet:
            print(f"specgen: {t.name}: {len(res.api.operations)} operations, {res.files} files ({res.formatted} formatted)")
    if not args.targets:
        _regenerate_diffs(project, args.quiet)
    return EXIT_OK


def _regenerate_diffs(project: Any, quiet: bool) -> None:
    """The configured diff reports under generated/diffs/ (see issue 6); none until configured."""
    if not project.diffs:
        return
    from .diff import write_reports

    write_reports(project, quiet=quiet)


def _select(targets: Sequence[Any], names: Sequence[str]) -> list[Any]:
    if not names:
        return list(targets)
    known = {t.name: t for t in targets}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(f"unknown target(s) {', '.join(unknown)}; configured: {', '.join(known)}")
    return [known[n] for n in names]


_GIVEN_FLAGS = {"package": "package", "formatter": "formatter"}


def _check(spec: Path, out: Path, opts: Any) -> list[str]:
    """`pipeline.check`, with its stamp fast path tried first without importing the pipeline
    (the normalizer, Jinja, the renderers): a no-op check stays well under half a second."""
    from .output import stamps
    from .output.owner import resolve_out

    if spec.is_file() and stamps.current(resolve_out(out), spec, opts):
        return []
    from .pipeline import check

    return check(spec, out, opts, Diagnostics())


def cmd_check(args: argparse.Namespace) -> int:
    if args.spec is not None or args.out is not None:
        if args.spec is None or args.out is None:
            raise UsageError("check --spec SPEC needs -o OUT (and -o needs --spec)")
        if args.spec.is_dir():
            raise UsageError(f"{args.spec} is a folder; give the path of a spec file")
        from .output.owner import read_manifest, resolve_out

        opts = _options(args)
        given = {name for name, flag in _GIVEN_FLAGS.items() if getattr(args, flag, None) is not None}
        folder = resolve_out(args.out)
        opts.adopt(read_manifest(folder) if folder.is_dir() else None, args.spec, given)
        try:
            problems = _check(args.spec, args.out, opts)
        except MissingSpec:
            return _report_missing([f"{args.spec}: no such file; nothing to check {args.out} against"])
        finally:
            _end_progress(opts.progress)
        fix = f"run `specgen generate {args.spec} -o {args.out}" + "".join(f" --{k} {v}" for k, v in _flags_of(opts).items()) + "`"
        return _report_check({str(args.out): problems}, args, fix)
    from .config import load_project

    project = load_project()
    targets = _select(project.targets, args.targets)
    missing = _missing_target_specs(targets)
    if missing:
        return _report_missing(missing)
    results: dict[str, list[str]] = {}
    for t in targets:
        opts = _target_options(args, t)
        try:
            results[_shown(t.out, project.root)] = _check(t.spec, t.out, opts)
        finally:
            _end_progress(opts.progress)
    if not args.targets and project.diffs:
        from .diff import check_reports

        results.update(check_reports(project))
    has_make = (project.root / "Makefile").is_file() and "regenerate:" in (project.root / "Makefile").read_text(errors="replace")
    fix = "run `make regenerate` (or `specgen regenerate`)" if has_make else "run `specgen regenerate`"
    return _report_check(results, args, fix)


def _flags_of(opts: Any) -> dict[str, str]:
    """The options a user must repeat to regenerate a tree as check judged it."""
    flags: dict[str, str] = {}
    if opts.package:
        flags["package"] = opts.package
    if opts.formatter != "black":
        flags["formatter"] = opts.formatter
    return flags


def _shown(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _report_missing(lines: list[str]) -> int:
    for line in lines:
        print(f"specgen check: {line}", file=sys.stderr)
    print("specgen check: a missing spec is never current; fix the path (or restore the file)", file=sys.stderr)
    return EXIT_SPEC


def _report_check(results: dict[str, list[str]], args: argparse.Namespace, fix: str) -> int:
    stale = {k: v for k, v in results.items() if v}
    github = getattr(args, "format", "text") == "github"
    for out, problems in stale.items():
        for p in problems:
            path, _, why = p.partition(": ")
            if github:
                print(f"::error file={_gh(out + '/' + path, prop=True)},title=specgen check::{_gh(f'{why}; {fix} and commit')}")
            else:
                print(f"{out}/{p}")
    if stale:
        n = sum(len(v) for v in stale.values())
        print(f"specgen check: {n} file(s) differ from what the specs produce; {fix} and commit", file=sys.stderr)
        return EXIT_SPEC
    if not args.quiet:
        print(f"specgen check: {len(results)} output folder(s) current")
    return EXIT_OK


def _gh(text: str, prop: bool = False) -> str:
    """Escape text for a GitHub Actions workflow command (message, or a property value)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def cmd_validate(args: argparse.Namespace) -> int:
    from .spec.load import load
    from .model.normalize import normalize
    from .pipeline import print_diagnostics
    from .spec.validate import validate

    _need_file(args.spec)
    diags = Diagnostics()
    try:
        docs = load(args.spec, diags)
        normalize(docs, diags)
        validate(docs, diags, strict=args.strict)
    except SpecError:
        pass
    items = diags.with_lines()
    if args.format == "json":
        print(json.dumps([d.as_dict() for d in items], indent=2))
    else:
        print_diagnostics(diags, stream=sys.stdout)
        errors = sum(1 for d in items if d.severity == "error")
        print(f"{args.spec}: {errors} error(s), {len(items) - errors} warning(s)")
    return EXIT_SPEC if any(d.severity == "error" for d in items) else EXIT_OK


def cmd_inspect(args: argparse.Namespace) -> int:
    from .spec.load import load
    from .model.normalize import normalize
    from .model.inspect import inspect_api

    _need_file(args.spec)
    diags = Diagnostics()
    api = normalize(load(args.spec, diags), diags)
    json.dump(inspect_api(api, diags.with_lines()), sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from .diff import run as run_diff

    if args.since is not None:
        return _diff_since(args)
    if args.more:
        raise UsageError(f"diff takes OLD and NEW only (got {len(args.more)} more); to diff several files against a revision use --since REV FILE...")
    return int(run_diff(args))


_OPENAPI_KEY = re.compile(r"(^|[{,])\s*[\"']?openapi[\"']?\s*:", re.M)


def _diff_since(args: argparse.Namespace) -> int:
    """Each given file against itself at REV; files that are not OpenAPI documents (a YAML
    config, a referenced schema file) and files new since REV are skipped with a note."""
    from .diff import run as run_diff

    files = [f for f in (args.old, args.new, *args.more) if f]
    if not files:
        raise UsageError("diff --since REV needs at least one spec file")
    worst = EXIT_OK
    for f in files:
        path = Path(f)
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as e:
            raise UsageError(f"{f}: {e.strerror}") from None
        if not _OPENAPI_KEY.search(text):
            print(f"specgen diff: {f}: not an OpenAPI document; skipped", file=sys.stderr)
            continue
        rel = os.path.relpath(path.absolute(), Path.cwd()).replace(os.sep, "/")
        old = f"git:{args.since}:{rel if rel.startswith('../') else './' + rel}"
        try:
            rc = int(run_diff(argparse.Namespace(**{**vars(args), "old": old, "new": f})))
        except UsageError as e:
            if "does not exist at" not in str(e):
                raise
            print(f"specgen diff: {f}: new since {args.since}; nothing to compare", file=sys.stderr)
            continue
        worst = max(worst, rc)
    return worst


def cmd_mock(args: argparse.Namespace) -> int:
    from .mock import server as mock

    _need_file(args.spec)
    return int(mock.run(args))


def entry() -> None:
    """The console script: `main`, then exit without tearing down a large heap object by object.

    A run is short-lived and allocation-heavy, so the cyclic garbage collector is off (the IR
    holds no garbage cycles worth finding) and the interpreter's final cleanup is skipped once
    every output is flushed; files were already closed and children joined by then."""
    import gc

    gc.disable()
    install("specgen: stopped by {signal}; no output folder was left half-written")
    rc = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(rc)


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "generate": cmd_generate,
    "regenerate": cmd_regenerate,
    "check": cmd_check,
    "validate": cmd_validate,
    "inspect": cmd_inspect,
    "diff": cmd_diff,
    "mock": cmd_mock,
}
