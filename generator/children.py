"""Every process specgen starts, and how they end.

The CLI forks helpers (rendering, validation, black workers) and runs tools (ruff, git). Each
child gets a process group of its own, so a terminal's Ctrl-C reaches only the CLI. On SIGINT,
SIGTERM or SIGHUP the CLI terminates and reaps every child, runs the cleanups registered with
`on_interrupt` (a half-built tree is removed), prints one line and exits 128+N, right from the
handler: unwinding through a process pool whose workers were just killed can block forever.
The kernel kills a forked child whose parent died of SIGKILL (PR_SET_PDEATHSIG). No child
keeps the caller's pipes open after the CLI is gone.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from types import FrameType
from typing import Any, Callable, Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_PR_SET_PDEATHSIG = 1
_GRACE = 2.0  # seconds a terminated child gets before SIGKILL


class _State:
    owner: int | None = None  # the CLI's pid once `install` ran
    deferred = 0  # depth of `deferred()` blocks in progress
    pending: int | None = None  # a signal that arrived inside one
    interrupted: int | None = None
    prctl: object | None = None
    message = "stopped by {signal}"
    cleanups: list[Callable[[], None]] = []


def install(message: str) -> None:
    """Make the running process the CLI: signal handlers, and a group of its own for every
    child forked from now on. `message` ({signal} filled in) is the one line a signal prints.
    Only the console script calls this (not in-process callers)."""
    if _State.owner is not None:
        return
    _State.owner = os.getpid()
    _State.message = message
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        _State.prctl = libc.prctl
    except (OSError, AttributeError):
        _State.prctl = None
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_in_parent, after_in_child=_in_child)
    for s in SIGNALS:
        signal.signal(s, _on_signal)


_MASKS = threading.local()  # the forking thread's signal mask, kept across its fork


def _before_fork() -> None:
    """The signals are held back across a fork. A signal sent to a child that has not yet run
    (the parent terminating a child it just started) was caught by the CLI's handler as the child
    first ran, and lost: Python clears the signals caught before its fork handling ends, and drops
    one whose handler changed before it ran. The child lived on, blocked on a pipe its parent no
    longer read. Held back, the signal waits in the kernel until the child has the default
    action, and then ends it."""
    _MASKS.old = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)


def _after_fork_in_parent() -> None:
    old = getattr(_MASKS, "old", None)
    if old is not None:
        _MASKS.old = None
        signal.pthread_sigmask(signal.SIG_SETMASK, old)  # a signal held back meanwhile runs now


def _in_child() -> None:
    """Runs in every forked child: its own process group, default signal actions (then the
    signals held back since the fork are let in, and act), and death with the CLI."""
    owner = _State.owner
    _State.owner = None
    for s in SIGNALS:
        signal.signal(s, signal.SIG_DFL)
    _MASKS.old = None
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)  # held since `_before_fork`
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    if _State.prctl is not None:
        _State.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)  # type: ignore[operator]
    if owner is not None and os.getppid() != owner:
        os._exit(1)  # the CLI died before the line above could take effect


def process_group() -> int | None:
    """subprocess's `process_group=`: a group of its own for a tool the CLI runs."""
    return 0 if _State.owner is not None else None


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if os.getpid() != _State.owner:
        os._exit(128 + signum)  # a child that had not yet reset its handlers
    if _State.interrupted is not None:
        return  # already ending
    if _State.deferred:
        _State.pending = signum
        return
    _interrupt(signum)


_SPAWN = threading.RLock()  # held while a child process is being started, from any thread


@contextlib.contextmanager
def spawning() -> Iterator[None]:
    """Hold while starting a child process from a helper thread (ruff from the shaper): a
    signal's handler, which ends every child it finds, waits for a start in progress, and no
    child starts once a signal has ended the run (other threads run on while the handler does)."""
    with _SPAWN:
        if _State.interrupted is not None:
            raise KeyboardInterrupt
        yield


def _interrupt(signum: int) -> None:
    with _SPAWN:  # reentrant: the main thread may have been starting a child itself
        _State.interrupted = signum
    end_children()
    for fn in reversed(_State.cleanups):
        with contextlib.suppress(Exception):
            fn()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # the handler may run inside a write to it
            stream.flush()
    line = _State.message.format(signal=signal.Signals(signum).name) + "\n"
    with contextlib.suppress(OSError):
        os.write(2, line.encode("utf-8", "replace"))
    os._exit(128 + signum)


@contextlib.contextmanager
def on_interrupt(cleanup: Callable[[], None]) -> Iterator[None]:
    """Run `cleanup` if a signal ends the CLI inside this block (a temporary tree to remove)."""
    _State.cleanups.append(cleanup)
    try:
        yield
    finally:
        _State.cleanups.remove(cleanup)


@contextlib.contextmanager
def signals_stay_with_main_thread() -> Iterator[None]:
    """Threads started inside this block (a process pool's helpers) never take the CLI's signals.

    The kernel hands a process's signal to any thread not blocking it; taken by a helper thread,
    it only sets a flag, and a main thread asleep in a system call (waiting for a result) would
    not run the handler until that call returned. Threads inherit the mask they start with."""
    if _State.owner != os.getpid() or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)  # a signal held back meanwhile runs now


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold a signal back until the block ends: for the steps that must not be cut in two
    (swapping a finished tree into place)."""
    _State.deferred += 1
    try:
        yield
    finally:
        _State.deferred -= 1
        if not _State.deferred and _State.pending is not None and _State.interrupted is None:
            signum, _State.pending = _State.pending, None
            _interrupt(signum)


def stop(proc: Any) -> None:
    """End a forked child (a `multiprocessing.Process`) that may still run: SIGTERM, and SIGKILL
    if it has not ended within the grace period; it is reaped either way, so no wait is unbounded."""
    if proc.is_alive():
        proc.terminate()
        proc.join(_GRACE)
        if proc.is_alive():
            proc.kill()
    proc.join()
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, signal.SIGKILL)  # whatever the child itself started (its group), as `end_children` does


def children() -> list[int]:
    """The pids of this process's living (or unreaped) children."""
    me = os.getpid()
    found: list[int] = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return _known_children()
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # the command name (in parentheses) may hold spaces: the fields follow its last ')'
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 1 and int(fields[1]) == me:
            found.append(int(entry))
    return found


def _known_children() -> list[int]:
    import multiprocessing

    return [p.pid for p in multiprocessing.active_children() if p.pid is not None]


def end_children() -> None:
    """Terminate every child (and its process group), wait for each, SIGKILL what lingers."""
    pids = children()
    for pid in pids:
        for kill in (os.kill, os.killpg):
            with contextlib.suppress(OSError):
                kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + _GRACE
    left = set(pids)
    while left:
        for pid in list(left):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                left.discard(pid)
                with contextlib.suppress(OSError):
                    os.killpg(pid, signal.SIGKILL)  # whatever the child itself started
        if not left:
            break
        if time.monotonic() > deadline:
            for pid in left:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
                with contextlib.suppress(OSError):
                    os.killpg(pid, signal.SIGKILL)
            deadline = float("inf")
        time.sleep(0.005)
