"""SIGINT, SIGTERM and SIGHUP end every process the CLI started, leave the previous output
whole, print one line and exit 128+N; SIGKILL of the CLI takes its forked children with it.

No sleeping and no race: the CLI runs with SPECGEN_PROGRESS=lines and SPECGEN_PAUSE_AT=STEP,
so it prints each step and waits at STEP until the signal comes; the test signals when it
reads that line. The CLI runs in a session of its own, so every process it started (children
change process group, never session) is found by session id afterwards."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support import ROOT, SEED_SPECS, run_specgen, specgen_in_process

# "swapping": the new tree is complete beside OUT and about to replace it
MOMENTS = ["loading", "normalizing", "rendering", "formatting", "formatting in parallel", "writing", "swapping"]
SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]


def _tree_hash(out: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(out.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(out).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def _in_session(sid: int) -> list[int]:
    """Every living process (zombies count too) whose session is `sid`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        if int(fields[3]) == sid:
            found.append(int(entry))
    return found


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """An earlier generation (xai-chat) that every interrupted run must leave whole."""
    out = tmp_path_factory.mktemp("prev") / "out"
    assert specgen_in_process("generate", str(SEED_SPECS["xai-chat"]), "-o", str(out), "--formatter", "none", "--quiet").returncode == 0
    return out, _tree_hash(out)


def _start(out: Path, cache: Path, pause_at: str) -> subprocess.Popen[str]:
    env = {**os.environ, "SPECGEN_CACHE_DIR": str(cache), "SPECGEN_PROGRESS": "lines", "SPECGEN_PAUSE_AT": pause_at}
    # a cold cache: validation and formatting run in child processes while the CLI waits
    return subprocess.Popen(
        [sys.executable, "-m", "specgen", "generate", str(SEED_SPECS["xai-chat"]), "-o", str(out), "--quiet"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def _wait_for_step(proc: subprocess.Popen[str], step: str) -> list[str]:
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:
        seen.append(line.rstrip("\n"))
        if line.strip() == f"specgen: step {step}":
            return seen
    raise AssertionError(f"the run never reached {step!r}: {seen}")


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: signal.Signals(s).name)
@pytest.mark.parametrize("moment", MOMENTS)
def test_signal_ends_every_child_keeps_the_old_tree_and_says_one_line(moment: str, sig: int, previous: tuple[Path, str], tmp_path: Path) -> None:
    prev, before = previous
    out = tmp_path / "out"
    shutil.copytree(prev, out)
    proc = _start(out, tmp_path / "cache", moment)
    _wait_for_step(proc, moment)
    if moment == "swapping":
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.specgen-new-")], "no half-built tree to clean up"
    proc.send_signal(sig)
    _, rest = proc.communicate(timeout=60)  # returns only once nobody holds the pipes
    assert proc.returncode == 128 + sig, rest
    assert rest.splitlines() == [f"specgen: stopped by {signal.Signals(sig).name}; no output folder was left half-written"]
    assert _in_session(proc.pid) == [], "a process the CLI started outlived it"
    assert _tree_hash(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []


def test_children_exist_at_the_moments_signalled(previous: tuple[Path, str], tmp_path: Path) -> None:
    """The moments above do catch children alive (else the test above would prove little)."""
    prev, _ = previous
    counts = {}
    for moment in ("rendering", "formatting in parallel"):
        out = tmp_path / moment.replace(" ", "-")
        shutil.copytree(prev, out)
        proc = _start(out, tmp_path / f"cache-{len(counts)}", moment)
        _wait_for_step(proc, moment)
        counts[moment] = len(_in_session(proc.pid)) - 1  # the CLI itself
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
    assert counts["rendering"] >= 1 and counts["formatting in parallel"] >= 2, counts


def test_sigkill_of_the_cli_takes_its_forked_children_with_it(previous: tuple[Path, str], tmp_path: Path) -> None:
    prev, before = previous
    out = tmp_path / "out"
    shutil.copytree(prev, out)
    proc = _start(out, tmp_path / "cache", "formatting in parallel")
    _wait_for_step(proc, "formatting in parallel")
    assert len(_in_session(proc.pid)) >= 3
    proc.kill()
    proc.communicate(timeout=60)  # EOF: no child kept the pipes open
    deadline = time.monotonic() + 30
    while _in_session(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)  # the kernel delivers the children's death signal asynchronously
    assert _in_session(proc.pid) == []
    assert _tree_hash(out) == before
    # the next run clears what the killed one left beside OUT
    assert run_specgen("generate", str(SEED_SPECS["xai-chat"]), "-o", str(out), "--formatter", "none", "--quiet").returncode == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []


_THREADS_PROBE = r"""
import os, signal, sys
from specgen.children import install
from specgen.output.workers import Workers

install("stopped by {signal}")
found = {}

def look() -> None:
    main = os.getpid()
    for tid in os.listdir("/proc/self/task"):
        if int(tid) == main:
            continue
        status = open(f"/proc/self/task/{tid}/status").read()
        blocked = int(next(l for l in status.splitlines() if l.startswith("SigBlk:")).split()[1], 16)
        found[tid] = all(blocked >> (s - 1) & 1 for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP))
    mine = int(next(l for l in open("/proc/self/status").read().splitlines() if l.startswith("SigBlk:")).split()[1], 16)
    found["main"] = mine >> (signal.SIGTERM - 1) & 1 == 0

pool = Workers(2, look)
pool.results(pool.submit(abs, list(range(-100, 0))))
pool.close()
print(sorted(found.items()))
sys.exit(0 if len(found) > 1 and all(found.values()) else 1)
"""


def test_the_process_pools_helper_threads_leave_signals_to_the_main_thread() -> None:
    """A signal the kernel gives a pool's helper thread only sets a flag: the main thread,
    asleep waiting for a result, would not end the run until that wait returned. So the pool's
    threads block the CLI's signals and the main thread takes them (it hung a run 1 time in 16
    when a signal came while the main thread slept)."""
    proc = subprocess.run([sys.executable, "-c", _THREADS_PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_no_child_starts_from_a_helper_thread_once_a_signal_ended_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """The handler ends every child it finds while other threads run on: a helper thread about
    to start ruff must not start it after that (it would outlive the CLI)."""
    import threading

    from specgen import children

    with children.spawning():
        pass  # no signal yet: a start goes ahead
    monkeypatch.setattr(children._State, "interrupted", signal.SIGINT)
    raised: list[BaseException] = []

    def helper() -> None:
        try:
            with children.spawning():
                raised.append(AssertionError("a child started after the signal"))
        except KeyboardInterrupt as e:
            raised.append(e)

    t = threading.Thread(target=helper)
    t.start()
    t.join(30)
    assert len(raised) == 1 and isinstance(raised[0], KeyboardInterrupt), raised
