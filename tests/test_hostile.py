"""Bad and hostile specs: a clear diagnostic (never a traceback), nothing lost, no injection.

Each spec in tests/hostile/ has its expected outcome in tests/hostile/expected.yaml."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from support import GENERATED_SUITE_ENV, ROOT, SEED_SPECS, corpus, generated_suite, run_specgen, specgen_in_process

HOSTILE = ROOT / "tests" / "hostile"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load((HOSTILE / "expected.yaml").read_text())

# Imports every module of a generated package with an audit hook that fails on any attempt to
# run a process, exec code from a string outside the import system, or open a socket.
IMPORT_PROBE = r'''
import importlib, pathlib, sys
BANNED = {"os.system", "subprocess.Popen", "os.exec", "os.spawn", "os.posix_spawn", "socket.connect", "os.fork", "pty.spawn"}
def hook(event, args):
    if event in BANNED or event.startswith("os.exec") or event.startswith("os.spawn"):
        raise SystemExit(f"SIDE EFFECT on import: {event} {args!r}")
sys.addaudithook(hook)
out = pathlib.Path(sys.argv[1])
pkg = sys.argv[2]
sys.path.insert(0, str(out))
count = 0
for p in sorted((out / pkg).rglob("*.py")):
    mod = ".".join(p.relative_to(out).with_suffix("").parts)
    if mod.endswith(".__init__"):
        mod = mod[: -len(".__init__")]
    importlib.import_module(mod)
    count += 1
print(count)
'''


def _tree_hash(out: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(out.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(out).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def previous_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A good earlier generation that a failing run must leave exactly as it was."""
    out = tmp_path_factory.mktemp("prev") / "out"
    res = specgen_in_process("generate", str(SEED_SPECS["xai-chat"]), "-o", str(out), "--formatter", "none", "--quiet")
    assert res.returncode == 0, res.stderr
    return out


def test_every_hostile_spec_has_an_expected_outcome() -> None:
    specs = {p.name for p in HOSTILE.iterdir() if p.name != "expected.yaml"}
    assert specs == set(EXPECTED)


def _files(root: Path) -> dict[str, str]:
    """Every path under `root` (symlinks not followed) and what it is: a file's hash, a link's
    target, or a folder."""
    out: dict[str, str] = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        out[rel] = f"-> {os.readlink(p)}" if p.is_symlink() else "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
    return out


SPECS_BEFORE = _files(HOSTILE)


# the cases that also run their generated suite take half a minute or more each
CASES = [pytest.param(n, marks=pytest.mark.slow) if EXPECTED[n].get("suite") else n for n in sorted(EXPECTED)]


@pytest.mark.parametrize("name", CASES)
def test_hostile_spec_gives_its_expected_outcome(name: str, tmp_path: Path, previous_output: Path) -> None:
    """In a sandbox (its own cwd, HOME, TMPDIR and cache): the expected exit and diagnostics,
    within the case's budget, and nothing touched outside OUT and the cache."""
    exp = EXPECTED[name]
    sentinel = Path("/tmp/specgen-pwned")
    sentinel.unlink(missing_ok=True)
    out = tmp_path / "out"
    if exp["exit"] != 0:
        import shutil

        shutil.copytree(previous_output, out)
        before = _tree_hash(out)
    for place in ("cwd", "home", "tmp", "cache"):
        (tmp_path / place).mkdir()
    around = {k: v for k, v in _files(tmp_path).items() if not k.startswith("out/") and k != "out"}
    res = _run_within_budget(name, exp, tmp_path, "generate", str(HOSTILE / name), "-o", str(out), "--package", "hostile")
    err = res.stderr
    assert "Traceback" not in err and "internal error" not in err, err
    assert res.returncode == exp["exit"], err
    # nothing written outside OUT and the cache: not beside OUT, not in cwd, HOME or TMPDIR, not the spec's folder
    after = {k: v for k, v in _files(tmp_path).items() if not (k.startswith(("out/", "cache/")) or k == "out")}
    assert after == around, sorted(set(after.items()) ^ set(around.items()))[:10]
    assert _files(HOSTILE) == SPECS_BEFORE, "the run changed the spec folder"
    for code in exp["codes"]:
        assert f"[{code}]" in err, err
        if "line" in exp:
            assert any(ln.startswith(f"{name}:{exp['line']}:") and f"[{code}]" in ln for ln in err.splitlines()), err
        assert "hint:" in err
    if "pointer" in exp:
        assert f"(at {exp['pointer']})" in err
    if "says" in exp:
        assert exp["says"] in err
    if exp["exit"] != 0:
        assert _tree_hash(out) == before, "a failed run changed the existing output"
        return
    manifest = json.loads((out / "manifest.json").read_text())
    if "operations" in exp:
        assert len(manifest["operations"]) == exp["operations"] and manifest["skipped"] == []
    if exp.get("degraded"):
        assert manifest["degraded"], "the manifest lists no degradation"
    if "not_written" in exp:
        report = json.loads((out / "fixtures" / "report.json").read_text())
        reasons = {s["fixture"]: s["reason"] for o in report["operations"] for s in o["skipped"]}
        assert set(exp["not_written"]) <= set(reasons) and all(reasons[f] for f in exp["not_written"]), reasons
    # everything lands inside OUT, under names the sanitizer made
    for rel in manifest["files"]:
        assert ".." not in Path(rel).parts and not rel.startswith("/")
        assert (out / rel).resolve().is_relative_to(out.resolve())
    for p in out.rglob("*.py"):
        compile(p.read_text(), str(p), "exec")
    for p in out.rglob("*.json"):
        json.loads(p.read_text())
    probe = subprocess.run([sys.executable, "-I", "-c", IMPORT_PROBE, str(out), "hostile"], capture_output=True, text=True, timeout=120)
    assert probe.returncode == 0, probe.stderr[-3000:]
    assert int(probe.stdout.strip()) >= 1
    assert not sentinel.exists(), "importing the generated package ran spec-provided code"
    if exp.get("suite"):
        # the generated tests send every fixture through the client to the mock (in their own process)
        suite = generated_suite("tests")
        res = _run_within_budget(name, exp, tmp_path, command=suite, cwd=out, env={"SPECGEN_MOCK_SPEC": str(HOSTILE / name), **GENERATED_SUITE_ENV})
        assert res.returncode == 0 and " passed" in res.stdout and "skipped" not in res.stdout, res.stdout[-3000:]


def _run_within_budget(name: str, exp: dict[str, Any], sandbox: Path, *args: str, command: list[str] | None = None, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`specgen ARGS` (or `command`) in a child limited by `resource.setrlimit` to the case's CPU
    seconds (RLIMIT_CPU: the kernel kills it) and address space (RLIMIT_AS: allocations fail),
    with its own cwd, HOME, TMPDIR and cache under `sandbox`: a case over its budget fails, by name."""
    import resource

    seconds, memory = int(exp.get("seconds", 30)), int(exp.get("memory_mb", 1024)) << 20
    budget = f"{name} is over its budget of {seconds}s CPU / {memory >> 20} MB address space"
    wall = seconds * 4 + 120  # a backstop for a child that blocks instead of computing (a busy machine is slow to start one)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))  # SIGXCPU, then SIGKILL
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    full_env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "XDG_CACHE_HOME")}
    full_env.update(HOME=str(sandbox / "home"), TMPDIR=str(sandbox / "tmp"), SPECGEN_CACHE_DIR=str(sandbox / "cache"), **(env or {}))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        res = subprocess.run(command or [sys.executable, "-m", "specgen", *args], cwd=cwd or sandbox / "cwd", env=full_env, capture_output=True, text=True, timeout=wall, preexec_fn=limit)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{budget}: still running after {wall}s of wall time")
    if res.returncode < 0:
        pytest.fail(f"{budget}: killed by {signal.Signals(-res.returncode).name}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # RLIMIT_CPU is per process: work spread over forked children can stay under it in each one
    # (a child killed is then reported by specgen, not by a signal here); the whole tree counts
    spent = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if spent >= seconds:
        pytest.fail(f"{budget}: its processes spent {spent:.1f}s of CPU")
    if "out of memory" in res.stderr or "MemoryError" in res.stderr:
        pytest.fail(f"{budget}: it ran out of memory\n{res.stderr[-1000:]}")
    return res


# 80 MB: since black's target versions come from `ast`, the case fits in 100 MB (peak RSS 69 MB)
@pytest.mark.parametrize(("seconds", "memory_mb", "says"), [(1, 4096, "killed by SIG|spent"), (60, 80, "out of memory")])
def test_a_case_over_its_budget_fails_by_name(seconds: int, memory_mb: int, says: str, tmp_path: Path) -> None:
    """The limits are real: the 600-deep case (about 12 s of CPU) under 1 s, then under an
    address space too small for it (the kernel refuses the allocations)."""
    for place in ("cwd", "home", "tmp", "cache"):
        (tmp_path / place).mkdir()
    name = "budget-objects-600.json"
    with pytest.raises(pytest.fail.Exception) as failed:
        _run_within_budget(name, {"seconds": seconds, "memory_mb": memory_mb}, tmp_path, "generate", str(HOSTILE / name), "-o", str(tmp_path / "out"), "--package", "hostile")
    message = str(failed.value)
    assert f"{name} is over its budget of {seconds}s CPU / {memory_mb} MB" in message and any(s in message for s in says.split("|")), message


def _imports_and_calls(out: Path) -> tuple[set[str], set[str]]:
    import ast

    imports: set[str] = set()
    calls: set[str] = set()
    for p in out.rglob("*.py"):
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, ast.Import):
                imports |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imports.add(node.module)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
                calls.add(f"{node.func.value.id}.{node.func.attr}")
    return imports, calls


def _benign_twin(tmp_path: Path) -> Path:
    """injection.yaml with every payload string replaced by plain text: the same shape, no attack."""
    doc = yaml.safe_load((HOSTILE / "injection.yaml").read_text())
    counter = iter(range(10**6))

    def clean(v: Any) -> Any:
        if isinstance(v, str) and "pwned" in v:
            return f"benign{next(counter)}"
        if isinstance(v, dict):
            return {clean(k): clean(x) for k, x in v.items()}
        if isinstance(v, list):
            return [clean(x) for x in v]
        return v

    twin = tmp_path / "twin.yaml"
    twin.write_text(yaml.safe_dump(clean(doc), sort_keys=False))
    return twin


def test_injection_payload_stays_inert_text(tmp_path: Path) -> None:
    """The payload reaches Python only inside literals/docstrings/comments, and Markdown escaped:
    the generated code imports and calls exactly what a benign twin of the spec gives."""
    import io
    import tokenize

    out, twin_out = tmp_path / "out", tmp_path / "twin-out"
    assert specgen_in_process("generate", str(HOSTILE / "injection.yaml"), "-o", str(out), "--package", "hostile", "--quiet").returncode == 0
    assert specgen_in_process("generate", str(_benign_twin(tmp_path)), "-o", str(twin_out), "--package", "hostile", "--quiet").returncode == 0
    imports, calls = _imports_and_calls(out)
    twin_imports, twin_calls = _imports_and_calls(twin_out)
    assert imports == twin_imports
    assert calls <= twin_calls and "os.system" not in calls
    for p in out.rglob("*.py"):
        src = p.read_text()
        code_only = " ".join(
            tok.string
            for tok in tokenize.generate_tokens(io.StringIO(src).readline)
            if tok.type not in (tokenize.STRING, tokenize.COMMENT) and not tokenize.tok_name[tok.type].startswith("FSTRING")
        )
        assert "os . system" not in code_only and "os.system" not in code_only, p
        # the bytes that would close a literal early never appear raw
        assert "\x00" not in src and "\u2028" not in src and "\u2029" not in src and "\r" not in src, p
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    for p in out.rglob("*.md"):
        text = p.read_text()
        tokens = md.parse(text)
        raw_html = [t for t in tokens if t.type == "html_block"] + [c for t in tokens for c in (t.children or []) if c.type == "html_inline"]
        assert not raw_html, (p, [t.content for t in raw_html][:3])
        html = md.render(text)
        assert "<script>" not in html and "</table>\n<p>" not in html.split("<table>")[0], p


def test_interrupted_run_leaves_previous_output_intact(tmp_path: Path) -> None:
    """Kill generation at several moments: OUT is the old tree or the new one, whole, or an update
    in place cut short that the next run's recovery turns back into the old tree."""
    spec = SEED_SPECS["openai-chat-2025"]
    out = tmp_path / "out"
    env = {**os.environ, "SPECGEN_CACHE_DIR": str(tmp_path / "cache")}
    first = run_specgen("generate", str(SEED_SPECS["xai-chat"]), "-o", str(out), "--formatter", "none", "--quiet")
    assert first.returncode == 0
    old = _tree_hash(out)
    reference = tmp_path / "reference"
    assert run_specgen("generate", str(spec), "-o", str(reference), "--quiet").returncode == 0
    new = _tree_hash(reference)
    seen = set()
    for delay in (0.2, 0.5, 0.8, 1.2, 1.6, 2.0, 3.0):
        proc = subprocess.Popen([sys.executable, "-m", "specgen", "generate", str(spec), "-o", str(out), "--quiet"], cwd=ROOT, env={**env, "SPECGEN_CACHE_DIR": str(tmp_path / f"cache{delay}")}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        state = _tree_hash(out)
        if state not in (old, new):
            # killed while an update in place was being applied (output/journal.py): what the
            # next run does before anything else puts the old tree back, byte for byte
            from specgen.output.write import recover

            recover(out)
            state = _tree_hash(out)
            assert state == old, f"killed after {delay}s: the journal did not give the old tree back"
        assert state in (old, new), f"killed after {delay}s: output is neither the old nor the new tree"
        seen.add("old" if state == old else "new")
        if state == new:
            break
    # a later run cleans up what the killed ones left beside OUT and succeeds
    assert run_specgen("generate", str(spec), "-o", str(out), "--quiet").returncode == 0
    assert _tree_hash(out) == new
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []
    assert "old" in seen


def test_output_paths_never_escape_out() -> None:
    from specgen.output.write import check_relative_path

    for bad in ("../x.py", "/etc/passwd", "a/../../b", "NUL", "con.txt", "a/" + "x" * 200, "", ".", "a\\b", "a/\x00b"):
        with pytest.raises(ValueError):
            check_relative_path(bad)
    check_relative_path("pkg/types/chat.py")


def test_corpus_2024_style_duplicate_anchors_accepted() -> None:
    """The corpus specs themselves parse without errors (their quirks are warnings)."""
    spec = corpus("openai-2026-08-21.yaml")
    res = run_specgen("validate", str(spec))
    assert res.returncode == 0 and "error[" not in res.stdout


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_diagnostic_names_a_file_and_a_line_or_pointer(name: str) -> None:
    # only what `validate` prints is judged here (exits and budgets: the sandboxed children above)
    res = specgen_in_process("validate", str(HOSTILE / name), "--format", "json")
    assert "Traceback" not in res.stderr
    found = json.loads(res.stdout)
    unplaced = [d for d in found if not d["file"] or (d["line"] is None and d["pointer"] is None)]
    assert unplaced == [], unplaced


def test_validator_findings_in_the_corpus_are_placed_by_pointer_and_line() -> None:
    """The validator names paths relative to the schema it checks; specgen finds the schema."""
    res = run_specgen("validate", str(corpus("openai-2023-11-15.yaml")), "--format", "json")
    found = [d for d in json.loads(res.stdout) if d["code"] == "invalid-openapi"]
    assert found and all(d["pointer"] is not None and d["line"] is not None for d in found), found


def test_a_fixed_spec_no_longer_reports_its_old_validation_finding(tmp_path: Path) -> None:
    spec = tmp_path / "s.yaml"
    broken = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: object, properties: {a: {type: strin}}}\n    B: {type: object}\n"
    env = {"SPECGEN_CACHE_DIR": str(tmp_path / "cache")}
    first = run_specgen("validate", str(spec), env=env) if spec.write_text(broken) else None
    assert first is not None and "'strin'" in first.stdout and "(at /components/schemas/A/properties/a/type)" in first.stdout
    spec.write_text(broken.replace("strin}", "string}"))
    fixed = run_specgen("validate", str(spec), env=env)
    assert "'strin'" not in fixed.stdout and "0 warning(s)" in fixed.stdout, fixed.stdout
    spec.write_text(broken.replace("strin}", "string}").replace("B: {type: object}", "B: {type: objekt}"))
    other = run_specgen("validate", str(spec), env=env)
    assert "'strin'" not in other.stdout and "(at /components/schemas/B/type)" in other.stdout


@pytest.mark.parametrize("words", ["can't start new thread", "cannot join thread before it is started"])
def test_a_thread_that_cannot_start_is_reported_as_out_of_memory(words: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Under `ulimit -v` the standard library's own threads (a process pool's, a queue's feeder)
    are where memory runs out as often as an allocation: the user is told it is memory, not a bug."""
    from specgen import cli

    def no_thread(args: Any) -> int:
        raise RuntimeError(words)

    monkeypatch.setitem(cli._COMMANDS, "validate", no_thread)
    spec = tmp_path / "a.json"
    spec.write_text('{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}')
    assert cli.main(["validate", str(spec)]) == cli.EXIT_SPEC
    err = capsys.readouterr().err
    assert "out of memory" in err and "internal error" not in err, err

    def a_bug(args: Any) -> int:
        raise RuntimeError("something else went wrong")

    monkeypatch.setitem(cli._COMMANDS, "validate", a_bug)
    assert cli.main(["validate", str(spec)]) == cli.EXIT_SPEC
    err = capsys.readouterr().err
    assert "internal error" in err and "something else went wrong" in err and "out of memory" not in err, err
