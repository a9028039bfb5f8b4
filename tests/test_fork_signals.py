"""A forked child ends when it is told to, however early: the CLI holds its signals back across
each fork, so a SIGTERM the parent sends before the child has reset its handlers waits in the
kernel and then acts (it used to be dropped by Python's fork handling, and the child lived on,
blocked on a pipe its parent no longer read: a CLI hang once in a few hundred runs under load).
`children.stop` ends even a child that ignores SIGTERM, so no wait for a child is unbounded.

Each case runs in a fresh Python (fork hooks cannot be removed once registered)."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

from support import ROOT

# a hook registered before the CLI's runs first in the child: it notes the child's signal mask
# as the fork left it, then sleeps, so the parent's SIGTERM arrives before the CLI's own hook
# has reset the handlers (the window the race needed, made wide)
_EARLY_SIGNAL = """
import multiprocessing, os, signal, sys, time
seen = multiprocessing.get_context("fork").SimpleQueue()

def first_in_child():
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    seen.put(sorted(int(s) for s in blocked))
    time.sleep(1.0)

os.register_at_fork(after_in_child=first_in_child)
from specgen import children
children.install("stopped by {signal}")

def body():
    while True:
        time.sleep(0.05)

proc = multiprocessing.get_context("fork").Process(target=body, daemon=True)
proc.start()
proc.terminate()
proc.join(30)
alive = proc.is_alive()
if alive:
    proc.kill()
    proc.join()
print(alive, proc.exitcode, seen.get())
print(sorted(int(s) for s in signal.pthread_sigmask(signal.SIG_BLOCK, [])))
"""

_STUBBORN_CHILD = """
import multiprocessing, signal, time
from specgen import children
children.install("stopped by {signal}")

def body():
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    ready.set()
    while True:
        time.sleep(0.05)

ready = multiprocessing.get_context("fork").Event()
proc = multiprocessing.get_context("fork").Process(target=body, daemon=True)
proc.start()
ready.wait(30)
children.stop(proc)
print(proc.is_alive(), proc.exitcode)
"""


def _python(code: str) -> list[str]:
    res = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout.splitlines()


def test_a_sigterm_sent_before_the_child_reset_its_handlers_ends_it_by_the_default_action() -> None:
    ended, blocked = _python(_EARLY_SIGNAL)
    alive, exitcode, held = ended.split(" ", 2)
    # held back across the fork (so the kernel keeps a signal sent meanwhile)...
    assert {int(signal.SIGINT), int(signal.SIGTERM), int(signal.SIGHUP)} <= set(eval(held))
    # ...then let in once the default action is back: the child dies of the signal itself, not
    # by the CLI's handler (exit 143) and not never (the lost signal)
    assert alive == "False" and int(exitcode) == -signal.SIGTERM
    # the parent's own mask is as it was before the fork
    assert eval(blocked) == []


def test_stop_ends_a_child_that_ignores_sigterm() -> None:
    assert _python(_STUBBORN_CHILD) == [f"False {-signal.SIGKILL}"]
