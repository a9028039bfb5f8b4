#!/usr/bin/env python3
"""specgen benchmark harness (stdlib only; PyYAML is used when importable).

Usage:  .venv/bin/python bench/run.py [--specs NAME_OR_PATH ...] [--skip-peers] [--quick]
        (normally via `make bench`)

Per corpus spec it times, each in a fresh output dir:
  ours  cold --formatter ruff / cold --formatter black (fresh SPECGEN_CACHE_DIR each),
        `specgen check` right after a generation (warm cache) and with a cold cache,
        warm one-field edit (edit one schema property description in a copy of the spec,
        regenerate into the same OUT with the same cache dir);
  peers openapi-python-client and datamodel-code-generator, installed into
        bench/.peers-venv (never into the project's .venv).
Wall time is time.perf_counter() around the child; peak RSS is /usr/bin/time's %M
(max RSS of the child and the descendants it waited for), falling back to wait4's rusage.
Every failure is recorded (exit code, last stderr line) and the bench carries on.
Writes bench/RESULTS.md and bench/results.json. Scratch lives in bench/work/ (gitignored).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
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
PEER_PACKAGES = ["openapi-python-client", "datamodel-code-generator"]
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


# --------------------------------------------------------------------------- spec helpers


def load_yaml(path: Path):
    try:
        import yaml  # type: ignore
    except ImportError:
        return None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, "rb") as f:
        return yaml.load(f, Loader=loader)


def count_spec(path: Path) -> dict:
    """Operations (paths x HTTP methods) and component schema count."""
    doc = None
    try:
        doc = load_yaml(path)
    except Exception as e:  # noqa: BLE001 - a broken spec is data, not a bench crash
        log(f"  YAML load failed for {path.name}: {e}")
    if isinstance(doc, dict):
        ops = 0
        for item in (doc.get("paths") or {}).values():
            if isinstance(item, dict):
                ops += sum(1 for m in HTTP_METHODS if m in item)
        schemas = len((doc.get("components") or {}).get("schemas") or {})
        return {"operations": ops, "schemas": schemas, "method": "yaml"}
    # Fallback without PyYAML: line-based count for block-style specs.
    ops, schemas, section, sub = 0, 0, None, None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line and not line[0].isspace():
            section = line.split(":", 1)[0]
            sub = None
            continue
        m = re.match(r"^( +)([^\s#][^:]*):", line)
        if not m:
            continue
        ind, key = len(m.group(1)), m.group(2).strip().strip("'\"")
        if section == "paths" and ind == 4 and key in HTTP_METHODS:
            ops += 1
        elif section == "components":
            if ind == 2:
                sub = key
            elif ind == 4 and sub == "schemas":
                schemas += 1
    return {"operations": ops, "schemas": schemas, "method": "lines"}


_KEY_RE = re.compile(
    r"^(?P<ind> *)(?P<dash>- +)?(?P<key>[A-Za-z0-9_$.\-]+|\"[^\"]*\"|'[^']*'):(?P<rest>.*)$"
)


def find_property_description(text: str) -> int | None:
    """Index of the first line that is a plain single-line-start `description:` of a schema
    *property* under components/schemas, whose line is unique in the file."""
    lines = text.splitlines()
    counts: dict[str, int] = {}
    for ln in lines:
        counts[ln] = counts.get(ln, 0) + 1
    stack: list[tuple[int, str]] = []
    block_indent = None  # inside a block scalar started by a key at this indent
    for i, ln in enumerate(lines):
        stripped = ln.strip()
        if not stripped or stripped.startswith("#"):
            continue
        ind_raw = len(ln) - len(ln.lstrip(" "))
        if block_indent is not None:
            if ind_raw > block_indent:
                continue
            block_indent = None
        m = _KEY_RE.match(ln)
        if not m:
            continue
        ind = len(m.group("ind")) + (len(m.group("dash")) if m.group("dash") else 0)
        key = m.group("key").strip("'\"")
        rest = m.group("rest").strip()
        while stack and stack[-1][0] >= ind:
            stack.pop()
        value = re.sub(
            r"^[&!]\S+\s*", "", rest
        )  # drop anchor / tag for block detection
        if value[:1] in ("|", ">"):
            block_indent = ind
        keys = [k for _, k in stack]
        if (
            key == "description"
            and len(keys) >= 4
            and keys[0] == "components"
            and keys[1] == "schemas"
            and keys[-2] == "properties"
            and rest
            and rest[0] not in "|>&*!'\"{[#"
            and " #" not in rest
            and counts[ln] == 1
        ):
            return i
        stack.append((ind, key))
    return None


def _diff_count(a, b, limit: int = 5) -> int:
    if type(a) is not type(b):
        return 1
    if isinstance(a, dict):
        n = 0
        for k in a.keys() | b.keys():
            if k not in a or k not in b:
                n += 1
            else:
                n += _diff_count(a[k], b[k], limit)
            if n >= limit:
                return n
        return n
    if isinstance(a, list):
        if len(a) != len(b):
            return 1
        n = 0
        for x, y in zip(a, b):
            n += _diff_count(x, y, limit)
            if n >= limit:
                return n
        return n
    return 0 if a == b else 1


def make_edited_copy(src: Path, dst: Path) -> dict:
    """Copy src to dst (outside git: bench/work/), return info for the later edit."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return {"path": str(dst)}


def apply_one_field_edit(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    idx = find_property_description(text)
    if idx is None:
        return {
            "ok": False,
            "error": "no unique plain property description under components/schemas",
        }
    lines = text.split("\n")
    before = lines[idx]
    lines[idx] = before.rstrip() + " (edited)"
    new_text = "\n".join(lines)
    info = {
        "ok": True,
        "line": idx + 1,
        "before": before.strip(),
        "after": lines[idx].strip(),
    }
    # Verify it still parses and changes exactly one field (when PyYAML is available).
    try:
        import yaml  # type: ignore

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        d = _diff_count(
            yaml.load(text, Loader=loader), yaml.load(new_text, Loader=loader)
        )
        info["fields_changed"] = d
        if d != 1:
            return {
                "ok": False,
                "error": f"edit changed {d} fields, expected 1",
                **info,
            }
    except ImportError:
        info["fields_changed"] = "unverified (no PyYAML)"
    except Exception as e:  # noqa: BLE001
        return {"ok": False, "error": f"edited spec no longer parses: {e}", **info}
    path.write_text(new_text, encoding="utf-8")
    return info


def tree_digest(root: Path) -> dict[str, str]:
    out = {}
    if root.is_dir():
        for p in sorted(root.rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts:
                out[str(p.relative_to(root))] = hashlib.sha1(p.read_bytes()).hexdigest()
    return out


# --------------------------------------------------------------------------- output counting


def ours_ops(out: Path) -> dict:
    cands = (
        [out / "manifest.json"]
        if (out / "manifest.json").exists()
        else sorted(out.rglob("manifest.json"))
    )
    if not cands:
        return {"ops_generated": None, "skipped": None, "note": "no manifest.json"}
    try:
        man = json.loads(cands[0].read_text())
        return {
            "ops_generated": len(man.get("operations", [])),
            "skipped": len(man.get("skipped", [])),
            "manifest": str(cands[0]),
        }
    except (OSError, ValueError) as e:
        return {
            "ops_generated": None,
            "skipped": None,
            "note": f"bad manifest.json: {e}",
        }


def opc_ops(out: Path, logs_text: str) -> dict:
    files = [p for p in out.glob("*/api/**/*.py") if p.name != "__init__.py"]
    # openapi-python-client reports each dropped endpoint as
    # "WARNING parsing <METHOD> <path> within <tag>. Endpoint will not be generated."
    warned = len(re.findall(r"Endpoint will not be generated", logs_text))
    warnings = len(re.findall(r"^WARNING", logs_text, re.MULTILINE))
    return {
        "ops_generated": len(files) if out.exists() else None,
        "skipped": warned,
        "warnings": warnings,
    }


def dmc_models(out_file: Path) -> dict:
    if not out_file.exists():
        return {"models": None}
    text = out_file.read_text(encoding="utf-8", errors="replace")
    return {
        "models": len(re.findall(r"^class \w+", text, re.MULTILINE)),
        "output_bytes": out_file.stat().st_size,
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


# --------------------------------------------------------------------------- bench


def fresh_dir(p: Path) -> Path:
    if p.exists():
        shutil.rmtree(p)
    p.mkdir(parents=True)
    return p


def base_env(bin_dir: Path | None) -> dict:
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)
    if bin_dir is not None:
        env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["NO_COLOR"] = "1"
    env["TERM"] = "dumb"
    env["COLUMNS"] = "200"  # keep rich tracebacks readable in the logs
    return env


def bench_ours(
    spec: Path, sdir: Path, specgen: Path, timeout: float, n_ops: int
) -> list[dict]:
    logs = sdir / "logs"
    env0 = base_env(specgen.parent)
    rows: list[dict] = []

    def env_with(cache: Path) -> dict:
        e = dict(env0)
        e["SPECGEN_CACHE_DIR"] = str(cache)
        e["BLACK_CACHE_DIR"] = str(cache / "_black")
        e["RUFF_CACHE_DIR"] = str(cache / "_ruff")
        return e

    def gen(name: str, spec_path: Path, out: Path, fmt: str, env: dict) -> dict:
        rec = run_cmd(
            name,
            [
                str(specgen),
                "generate",
                str(spec_path),
                "-o",
                str(out),
                "--formatter",
                fmt,
                "--quiet",
            ],
            cwd=sdir,
            env=env,
            logdir=logs,
            timeout=timeout,
        )
        rec.update(ours_ops(out))
        rec["ops_in_spec"] = n_ops
        return rec

    # cold runs: fresh cache dir + fresh empty OUT each
    for fmt in ("ruff", "black"):
        out, cache = (
            fresh_dir(sdir / f"ours-{fmt}"),
            fresh_dir(sdir / f"cache-cold-{fmt}"),
        )
        log(f"  ours cold {fmt}")
        rec = gen(f"ours-cold-{fmt}", spec, out, fmt, env_with(cache))
        rec["run"] = f"ours cold (--formatter {fmt})"
        rec["key"] = f"cold_{fmt}"
        rows.append(rec)

    # no-op check right after the cold black generation, with the cache it left behind
    out, cache = sdir / "ours-black", sdir / "cache-cold-black"
    log("  ours check (after generate, warm cache)")
    rec = run_cmd(
        "ours-check",
        [str(specgen), "check", "--spec", str(spec), "-o", str(out)],
        cwd=sdir,
        env=env_with(cache),
        logdir=logs,
        timeout=timeout,
    )
    rec.update(run="ours no-op check (after generate)", key="check")
    rows.append(rec)
    log("  ours check (cold cache)")
    rec = run_cmd(
        "ours-check-coldcache",
        [str(specgen), "check", "--spec", str(spec), "-o", str(out)],
        cwd=sdir,
        env=env_with(fresh_dir(sdir / "cache-check-cold")),
        logdir=logs,
        timeout=timeout,
    )
    rec.update(run="ours no-op check (cold cache)", key="check_cold_cache")
    rows.append(rec)

    # warm one-field change on a copy of the spec (copy lives in gitignored bench/work/)
    wdir = fresh_dir(sdir / "warm")
    wspec, wout, wcache = wdir / spec.name, wdir / "out", wdir / "cache"
    wcache.mkdir()
    make_edited_copy(spec, wspec)
    log("  ours warm: prime (black)")
    prime = gen("ours-warm-prime", wspec, wout, "black", env_with(wcache))
    prime.update(run="ours warm prime (cold black on the copy)", key="warm_prime")
    rows.append(prime)
    edit = apply_one_field_edit(wspec)
    if not edit.get("ok"):
        rec = not_run(
            "ours-warm-edit", "failed", "spec edit: " + edit.get("error", "?")
        )
    elif prime["status"] != "ok":
        rec = not_run(
            "ours-warm-edit", "failed", "prime generation failed: " + prime["error"]
        )
    else:
        before = tree_digest(wout)
        log(f"  ours warm: regenerate after editing line {edit['line']}")
        rec = gen("ours-warm-edit", wspec, wout, "black", env_with(wcache))
        after = tree_digest(wout)
        rec["files_changed"] = sum(
            1 for k in before.keys() | after.keys() if before.get(k) != after.get(k)
        )
        rec["files_total"] = len(after)
    rec.update(
        run="ours warm one-field edit (black)",
        key="warm_edit",
        edit=edit,
        ops_in_spec=n_ops,
    )
    rows.append(rec)
    return rows


def bench_peers(
    spec: Path, sdir: Path, timeout: float, n_ops: int, n_schemas: int
) -> list[dict]:
    logs = sdir / "logs"
    bin_dir = PEERS_VENV / "bin"
    env = base_env(bin_dir)
    rows = []
    # openapi-python-client: OUT must not exist yet (--overwrite replaces it anyway)
    out = sdir / "opc"
    if out.exists():
        shutil.rmtree(out)
    cache = fresh_dir(sdir / "cache-peers")
    env["RUFF_CACHE_DIR"] = str(cache / "_ruff")
    env["BLACK_CACHE_DIR"] = str(cache / "_black")
    log(f"  {OPC}")
    rec = run_cmd(
        "openapi-python-client",
        [
            str(bin_dir / OPC),
            "generate",
            "--path",
            str(spec),
            "--output-path",
            str(out),
            "--overwrite",
        ],
        cwd=sdir,
        env=env,
        logdir=logs,
        timeout=timeout,
    )
    text = Path(rec["stdout_log"]).read_text(errors="replace") + Path(
        rec["stderr_log"]
    ).read_text(errors="replace")
    rec.update(opc_ops(out, text))
    if rec["status"] == "failed":
        rec["status"] = "crashed"
    elif rec["status"] == "ok" and not rec.get("ops_generated"):
        rec["status"] = "failed"
        rec["error"] = (
            rec["error"] or last_error_line(text) or "no endpoint modules produced"
        )
    rec.update(run=OPC, key="opc", ops_in_spec=n_ops)
    rows.append(rec)

    dout = fresh_dir(sdir / "dmc")
    log(f"  {DMC}")
    rec = run_cmd(
        "datamodel-codegen",
        [
            str(bin_dir / DMC),
            "--input",
            str(spec),
            "--input-file-type",
            "openapi",
            "--output",
            str(dout / "models.py"),
            "--output-model-type",
            "pydantic_v2.BaseModel",
        ],
        cwd=sdir,
        env=env,
        logdir=logs,
        timeout=timeout,
    )
    rec.update(dmc_models(dout / "models.py"))
    if rec["status"] == "failed":
        rec["status"] = "crashed"
    rec.update(run=DMC + " (models only)", key="dmc", schemas_in_spec=n_schemas)
    rows.append(rec)
    return rows


# --------------------------------------------------------------------------- report


def fmt_num(v, nd=2) -> str:
    return "—" if v is None else f"{v:.{nd}f}"


def ratio(a: dict | None, b: dict | None) -> float | None:
    if not a or not b or a.get("status") != "ok" or b.get("status") != "ok":
        return None
    if not a.get("wall_s") or not b.get("wall_s"):
        return None
    return a["wall_s"] / b["wall_s"]


def status_text(r: dict) -> str:
    if r["status"] == "ok":
        return ""
    bits = [r["status"]]
    if r.get("exit_code") not in (None, 0):
        bits.append(f"exit {r['exit_code']}")
    if r.get("error"):
        bits.append(r["error"].replace("|", "\\|"))
    return " — " + ", ".join(bits)


def describe(r: dict) -> str:
    return status_text(r)[3:] if r["status"] != "ok" else "ok"


def spec_table(s: dict) -> list[str]:
    rows = {r["key"]: r for r in s["runs"]}
    opc, dmc, cold_black = rows.get("opc"), rows.get("dmc"), rows.get("cold_black")
    lines = [
        "| run | wall s | peak MB | ops generated / in spec | ratio vs peer |",
        "|---|---:|---:|---|---|",
    ]
    for r in s["runs"]:
        k = r["key"]
        if k in ("cold_ruff", "cold_black", "warm_edit", "warm_prime"):
            og = r.get("ops_generated")
            ops = f"{'—' if og is None else og} / {s['operations']}"
            if r.get("skipped"):
                ops += f" ({r['skipped']} skipped)"
        elif k == "opc":
            og = r.get("ops_generated")
            ops = f"{'—' if og is None else og} / {s['operations']}"
            if r.get("skipped"):
                ops += f" ({r['skipped']} warned 'will not be generated')"
        elif k == "dmc":
            ops = f"{'—' if r.get('models') is None else r['models']} models / {s['schemas']} schemas"
        else:
            ops = "—"
        if k in ("cold_ruff", "cold_black"):
            a, b = ratio(r, opc), ratio(r, dmc)
            rt = (
                (f"{fmt_num(a)}× {OPC}" if a is not None else f"n/a × {OPC}")
                + "; "
                + (f"{fmt_num(b)}× {DMC}" if b is not None else f"n/a × {DMC}")
            )
        elif k == "warm_edit":
            a = ratio(r, cold_black)
            rt = f"{fmt_num(a, 3)}× our cold black" if a is not None else "n/a"
            if r.get("files_changed") is not None:
                rt += f" ({r['files_changed']}/{r['files_total']} files rewritten)"
        elif k in ("check", "check_cold_cache", "warm_prime"):
            rt = "—"
        else:
            rt = "(peer)"
        lines.append(
            f"| {r['run']}{status_text(r)} | {fmt_num(r['wall_s'])} | "
            f"{fmt_num(r['peak_mb'], 1)} | {ops} | {rt} |"
        )
    return lines


def targets(results: dict) -> list[dict]:
    spec = next((s for s in results["specs"] if s["spec"] == TARGET_SPEC), None)
    names = [
        "cold ruff ≤ 0.25× openapi-python-client wall",
        "cold black ≤ 1× openapi-python-client wall",
        "warm one-field edit ≤ 0.1× our cold black",
        "no-op check < 1 s",
        "our peak memory < 300 MB",
    ]
    if spec is None or spec.get("skipped"):
        why = (
            f"{TARGET_SPEC} not run in this invocation"
            if spec is None
            else spec["skipped"]
        )
        return [{"target": n, "met": None, "detail": why} for n in names]
    rows = {r["key"]: r for r in spec["runs"]}
    out = []

    def cmp(name, a, b, limit, a_label, b_label):
        ra, rb = rows.get(a), rows.get(b)
        if not ra or ra["wall_s"] is None:
            return {
                "target": name,
                "met": None,
                "detail": f"{a_label}: " + (describe(ra) if ra else "not run"),
            }
        if ra["status"] != "ok":
            return {
                "target": name,
                "met": False,
                "detail": f"{a_label}: " + describe(ra),
            }
        if not rb or rb["status"] != "ok":
            why = (
                describe(rb)
                if rb
                else (
                    "not run (--skip-peers)"
                    if results["peers"].get("skipped")
                    else "not run"
                )
            )
            return {
                "target": name,
                "met": None,
                "detail": f"{b_label}: " + why + "; no reference",
            }
        x = ra["wall_s"] / rb["wall_s"]
        return {
            "target": name,
            "met": x <= limit,
            "detail": f"{a_label} {ra['wall_s']:.2f} s / {b_label} {rb['wall_s']:.2f} s = {x:.3f}× (limit {limit}×)",
        }

    out.append(cmp(names[0], "cold_ruff", "opc", 0.25, "ours cold ruff", OPC))
    out.append(cmp(names[1], "cold_black", "opc", 1.0, "ours cold black", OPC))
    out.append(
        cmp(names[2], "warm_edit", "cold_black", 0.1, "warm edit", "our cold black")
    )
    c = rows.get("check")
    if not c or c["wall_s"] is None:
        out.append(
            {
                "target": names[3],
                "met": None,
                "detail": "check: " + (describe(c) if c else "not run"),
            }
        )
    else:
        ok = c["status"] == "ok" and c["wall_s"] < 1.0
        out.append(
            {
                "target": names[3],
                "met": ok,
                "detail": f"check {c['wall_s']:.2f} s, exit {c['exit_code']}"
                + ("" if c["exit_code"] == 0 else " (exit 0 expected)"),
            }
        )
    ours = [
        r
        for r in spec["runs"]
        if r["key"]
        in (
            "cold_ruff",
            "cold_black",
            "check",
            "check_cold_cache",
            "warm_prime",
            "warm_edit",
        )
        and r.get("peak_mb") is not None
        and r["status"] != "specgen not installed"
    ]
    good = [r for r in ours if r["status"] == "ok"]
    failed = [r["run"] for r in ours if r["status"] != "ok"]
    note = f"; failed runs (not counted): {', '.join(failed)}" if failed else ""
    if not good:
        out.append(
            {
                "target": names[4],
                "met": None,
                "detail": "no successful run of ours measured" + note,
            }
        )
    else:
        top = max(good, key=lambda r: r["peak_mb"])
        out.append(
            {
                "target": names[4],
                "met": top["peak_mb"] < 300,
                "detail": f"max {top['peak_mb']:.1f} MB ({top['run']})" + note,
            }
        )
    return out


def write_reports(results: dict) -> None:
    results["targets"] = targets(results)
    (BENCH / "results.json").write_text(
        json.dumps(results, indent=2, default=str) + "\n"
    )
    m = results["machine"]
    pv = results["peers"].get("versions") or {}
    L = [
        "# specgen benchmark results",
        "",
        f"Generated by `bench/run.py` ({' '.join(results['argv']) or 'no options'}); raw figures in `bench/results.json`.",
        "",
        f"- Date (UTC): {results['date_utc']}",
        f"- Machine: {m['cpu_count']} cores ({m['cpu_model']}), {m['memory_gib']} GiB memory, {m['platform']}",
        f"- Python: {m['python']}",
        f"- specgen: {results['specgen_version']}",
        "- Peers: "
        + (
            results["peers"].get("skipped")
            or ", ".join(f"{k} {v or 'not installed'}" for k, v in pv.items())
            or "unavailable"
        )
        + (f" ({results['peers']['error']})" if results["peers"].get("error") else ""),
        "",
        (
            "Wall = `time.perf_counter()` around the child process; peak MB = max RSS of the child "
            "(and any child it waited for) from `/usr/bin/time -f %M`. Cold runs use a fresh empty "
            "output dir and a fresh `SPECGEN_CACHE_DIR`. Warm = regenerate into the same output dir "
            'with the same cache after appending " (edited)" to one schema property description '
            "in a copy of the spec. Single run each, no repetitions."
        ),
        "",
    ]
    for s in results["specs"]:
        L.append(f"## {s['spec']}")
        L.append("")
        if s.get("skipped"):
            L += [f"Skipped: {s['skipped']}", ""]
            continue
        L.append(
            f"{s['operations']} operations, {s['schemas']} component schemas in the spec."
        )
        L.append("")
        L += spec_table(s)
        edit = next((r.get("edit") for r in s["runs"] if r["key"] == "warm_edit"), None)
        if edit and edit.get("ok"):
            L += [
                "",
                f'Warm edit: line {edit["line"]} of the copy, `` {edit["before"][:100]} `` + `" (edited)"`.',
            ]
        L.append("")
    L += [f"## Targets (on {TARGET_SPEC})", ""]
    for t in results["targets"]:
        mark = {True: "**met**", False: "**not met**", None: "not measured"}[t["met"]]
        L.append(f"- {t['target']}: {mark} — {t['detail']}")
    L.append("")
    (BENCH / "RESULTS.md").write_text("\n".join(L))


def resolve_specs(names: list[str]) -> list[tuple[str, Path]]:
    out = []
    for n in names:
        p = Path(n)
        if p.suffix not in (".yaml", ".yml", ".json") and not p.exists():
            n = n + ".yaml"
            p = Path(n)
        if p.exists() and (os.sep in n or p.is_absolute()):
            out.append((p.name, p.resolve()))
        else:
            out.append((p.name, CORPUS / p.name))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--specs",
        nargs="+",
        metavar="SPEC",
        help="corpus spec names (in ../shared/corpus) or paths; default: all three",
    )
    ap.add_argument(
        "--skip-peers",
        action="store_true",
        help="do not install/run the peer generators",
    )
    ap.add_argument("--quick", action="store_true", help=f"only {QUICK_SPECS[0]}")
    ap.add_argument(
        "--specgen",
        default=str(REPO / ".venv" / "bin" / "specgen"),
        help="specgen executable (default: <repo>/.venv/bin/specgen)",
    )
    ap.add_argument(
        "--timeout", type=float, default=1200, help="per-command timeout in seconds"
    )
    args = ap.parse_args(argv)

    names = QUICK_SPECS if args.quick else (args.specs or DEFAULT_SPECS)
    specgen = Path(args.specgen).absolute()
    WORK.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "date_utc": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
        "argv": sys.argv[1:] if argv is None else argv,
        "machine": machine_info(),
        "specs": [],
        "peers": {},
    }

    have_specgen = specgen.exists() and os.access(specgen, os.X_OK)
    if have_specgen:
        try:
            r = subprocess.run(
                [str(specgen), "--version"],
                check=False,
                capture_output=True,
                text=True,
                timeout=120,
                cwd=WORK,
                env=base_env(specgen.parent),
            )
            results["specgen_version"] = (
                ((r.stdout.strip() or r.stderr.strip()).splitlines() or ["?"])[-1]
                if r.returncode == 0
                else f"unknown (--version exit {r.returncode}: {last_error_line(r.stderr)})"
            )
        except (OSError, subprocess.TimeoutExpired) as e:
            results["specgen_version"] = f"unknown ({e})"
    else:
        results["specgen_version"] = f"specgen not installed ({specgen} missing)"
        log(results["specgen_version"] + "; our rows will be marked as such")

    if args.skip_peers:
        results["peers"] = {"skipped": "skipped (--skip-peers)"}
    else:
        results["peers"] = ensure_peers(args.timeout)
        log(
            f"peers: {results['peers'].get('versions')} {results['peers'].get('error', '')}"
        )
    peers_ok = not args.skip_peers and all(
        (results["peers"].get("versions") or {}).get(n) for n in PEER_PACKAGES
    )

    for name, path in resolve_specs(names):
        entry: dict = {"spec": name, "path": str(path), "runs": []}
        results["specs"].append(entry)
        if not path.exists():
            entry["skipped"] = f"{path} not found (corpus absent?)"
            log(f"skip {name}: {entry['skipped']}")
            continue
        log(f"== {name}")
        counts = count_spec(path)
        entry.update(
            operations=counts["operations"],
            schemas=counts["schemas"],
            count_method=counts["method"],
        )
        sdir = fresh_dir(WORK / path.stem)
        if have_specgen:
            try:
                entry["runs"] += bench_ours(
                    path, sdir, specgen, args.timeout, counts["operations"]
                )
            except Exception as e:  # noqa: BLE001 - keep benching the peers
                log(f"  ours: harness error {e!r}")
                entry["runs"].append(
                    {
                        **not_run("ours", "failed", f"harness error: {e!r}"),
                        "run": "ours",
                        "key": "ours_error",
                    }
                )
        else:
            for key, label in (
                ("cold_ruff", "ours cold (--formatter ruff)"),
                ("cold_black", "ours cold (--formatter black)"),
                ("check", "ours no-op check (after generate)"),
                ("warm_edit", "ours warm one-field edit (black)"),
            ):
                entry["runs"].append(
                    {**not_run(key, "specgen not installed"), "run": label, "key": key}
                )
        if peers_ok:
            entry["runs"] += bench_peers(
                path, sdir, args.timeout, counts["operations"], counts["schemas"]
            )
        elif not args.skip_peers:
            for key, label in (("opc", OPC), ("dmc", DMC + " (models only)")):
                entry["runs"].append(
                    {
                        **not_run(
                            key,
                            "failed",
                            "peers not installed: "
                            + results["peers"].get("error", "?"),
                        ),
                        "run": label,
                        "key": key,
                    }
                )
        for r in entry["runs"]:
            log(
                f"  {r['run']}: {r['status']} wall={r['wall_s']} peak_mb={r['peak_mb']}"
                + (
                    f" ops={r.get('ops_generated')}/{counts['operations']}"
                    if "ops_generated" in r
                    else ""
                )
                + (f" ({r['error']})" if r.get("error") else "")
            )
        write_reports(results)  # keep partial results if a later spec hangs

    write_reports(results)
    log(f"wrote {BENCH / 'RESULTS.md'} and {BENCH / 'results.json'}")
    for t in results["targets"]:
        log(f"target {t['target']}: {t['met']} — {t['detail']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
