"""Running commands for the bench: wall time, peak memory, logs, environments, the peers' venv."""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
CORPUS = REPO.parent / "shared" / "corpus"
PEERS_VENV = BENCH / ".peers-venv"
WORK = BENCH / "work"
TIME_BIN = "/usr/bin/time"
DEFAULT_SPECS = [
    "openai-2023-11-15.yaml",
    "openai-2025-02-10.yaml",
    "openai-2026-08-21.yaml",
]
QUICK_SPECS = ["openai-2023-11-15.yaml"]
TARGET_SPEC = "openai-2026-08-21.yaml"
PEER_PACKAGES = ["openapi-python-client", "datamodel-code-generator", "openai"]
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")

OPC = "openapi-python-client"
DMC = "datamodel-codegen"


def log(msg: str) -> None:
    print(f"[bench] {msg}", flush=True)


# --------------------------------------------------------------------------- running


def last_error_line(text: str) -> str:
    """Last meaningful stderr line (skips blanks and rich's box-drawing frame lines)."""
    for line in reversed(text.splitlines()):
        s = line.strip()
        if not s or s.startswith("Command exited with non-zero status"):
            continue
        if s[0] in "│╭╰─┃┏┗━" and (len(s) < 2 or not s[1:].strip() or s[0] in "╭╰─━"):
            continue
        return s[:300]
    return ""


def run_cmd(
    name: str, cmd: list[str], *, cwd: Path, env: dict, logdir: Path, timeout: float
) -> dict:
    """Run cmd, return a record: wall_s, peak_mb, exit_code, status, error, logs."""
    logdir.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
    out_p, err_p, rss_p = (
        logdir / f"{safe}.out",
        logdir / f"{safe}.err",
        logdir / f"{safe}.rss",
    )
    rss_p.unlink(missing_ok=True)
    use_time = os.access(TIME_BIN, os.X_OK)
    full = ([TIME_BIN, "-f", "%M", "-o", str(rss_p)] if use_time else []) + cmd
    rec: dict = {
        "name": name,
        "cmd": cmd,
        "cwd": str(cwd),
        "wall_s": None,
        "peak_mb": None,
        "exit_code": None,
        "status": "ok",
        "error": "",
        "stdout_log": str(out_p),
        "stderr_log": str(err_p),
    }
    timed_out = threading.Event()
    with open(out_p, "wb") as fo, open(err_p, "wb") as fe:
        t0 = time.perf_counter()
        try:
            p = subprocess.Popen(
                full,
                stdout=fo,
                stderr=fe,
                stdin=subprocess.DEVNULL,
                cwd=cwd,
                env=env,
                start_new_session=True,
            )
        except OSError as e:
            rec.update(status="failed", error=f"could not start: {e}")
            return rec

        def _kill() -> None:
            timed_out.set()
            try:
                os.killpg(p.pid, signal.SIGKILL)  # our own child's process group only
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, _kill)
        timer.start()
        try:
            _, status, rusage = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
    rec["wall_s"] = round(wall, 3)
    rec["exit_code"] = p.returncode
    peak_kb = None
    if use_time and rss_p.exists():
        for line in reversed(rss_p.read_text(errors="replace").splitlines()):
            if line.strip().isdigit():
                peak_kb = int(line.strip())
                break
    if peak_kb is None:
        peak_kb = rusage.ru_maxrss  # KiB on Linux
    rec["peak_mb"] = round(peak_kb / 1024, 1)
    err_text = err_p.read_text(errors="replace")
    if timed_out.is_set():
        rec.update(status="timeout", error=f"killed after {timeout:.0f} s")
    elif p.returncode != 0:
        rec.update(
            status="failed",
            error=last_error_line(err_text)
            or last_error_line(out_p.read_text(errors="replace")),
        )
    return rec


def not_run(name: str, status: str, error: str = "") -> dict:
    return {
        "name": name,
        "cmd": None,
        "wall_s": None,
        "peak_mb": None,
        "exit_code": None,
        "status": status,
        "error": error,
    }



# --------------------------------------------------------------------------- environment


def machine_info() -> dict:
    mem_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu_count": os.cpu_count(),
        "memory_gib": mem_gib,
        "cpu_model": cpu,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }


def peers_python() -> Path:
    return PEERS_VENV / "bin" / "python"


def peer_versions() -> dict:
    py = peers_python()
    if not py.exists():
        return {}
    code = (
        "import importlib.metadata as m, json\nout={}\n"
        f"for n in {PEER_PACKAGES!r}:\n"
        "    try: out[n]=m.version(n)\n    except m.PackageNotFoundError: out[n]=None\n"
        "print(json.dumps(out))"
    )
    try:
        r = subprocess.run(
            [str(py), "-c", code],
            check=False,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return json.loads(r.stdout) if r.returncode == 0 else {}
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return {}


def ensure_peers(timeout: float) -> dict:
    """Create bench/.peers-venv if missing and install the peers there. Returns status."""
    info: dict = {"venv": str(PEERS_VENV), "installed_now": False}
    if not peers_python().exists():
        log(f"creating peers venv {PEERS_VENV}")
        r = subprocess.run(
            [sys.executable, "-m", "venv", str(PEERS_VENV)],
            check=False,
            capture_output=True,
            text=True,
        )
        if r.returncode != 0:
            info["error"] = "venv creation failed: " + last_error_line(r.stderr)
            return info
    versions = peer_versions()
    missing = [n for n in PEER_PACKAGES if not versions.get(n)]
    if missing:
        log(
            f"pip-installing peers into {PEERS_VENV}: {' '.join(missing)} (may take a minute)"
        )
        try:
            r = subprocess.run(
                [
                    str(peers_python()),
                    "-m",
                    "pip",
                    "install",
                    "-q",
                    "--disable-pip-version-check",
                    *missing,
                ],
                check=False,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
            info["installed_now"] = True
            if r.returncode != 0:
                info["error"] = "pip install failed: " + last_error_line(r.stderr)
        except subprocess.TimeoutExpired:
            info["error"] = f"pip install timed out after {timeout:.0f} s"
        versions = peer_versions()
    info["versions"] = versions
    return info



def fresh_dir(p: Path) -> Path:
    if p.exists():
        shutil.rmtree(p)
    p.mkdir(parents=True)
    return p


def base_env(bin_dir: Path | None) -> dict:
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)
    # users have .pyc files: without them every timed run would recompile ~100 modules
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if bin_dir is not None:
        env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["NO_COLOR"] = "1"
    env["TERM"] = "dumb"
    env["COLUMNS"] = "200"  # keep rich tracebacks readable in the logs
    return env

