"""Schemathesis failure counts against `specgen mock`, per spec and per check (issue 15 item 5).

The mock under test is the one of a checkout given by its Python (`--python
/work/wt/before/.venv/bin/python` for an older commit; this checkout's by default), started as a
user would (`python -m specgen mock SPEC --port 0`). Schemathesis runs from this checkout with the
settings of tests/test_schemathesis.py (same specs, examples per operation, deterministic
generation, one worker, phases), minus `--max-failures` so that every failing (check, operation)
pair is counted. Two modes: `raw`, Schemathesis' own checks, all of them except the three that
need a real backend (the stateful ones and `ignored_auth`); `test`, the checks of
tests/test_schemathesis.py (its EXCLUDED left out, the narrowed ones of tests/schemathesis_hooks.py
in their place). Credentials of the right form for every security scheme are given as in the
test (`auth_config`; `--no-auth` leaves them out). Failures are counted per failure type (one per check) and operation. Usage:

    .venv/bin/python bench/schemathesis_counts.py [--python PY] [--mode raw|test] [--json OUT] [--specs NAME ...]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_schemathesis import EXCLUDED, PHASES, SPECS, auth_config  # noqa: E402

BACKEND_ONLY = ("use_after_free", "ensure_resource_availability", "ignored_auth")


def start_mock(python: str, spec: Path) -> tuple[subprocess.Popen[str], str]:
    """The mock of `python`'s checkout on a free port, and its base URL once it listens."""
    proc = subprocess.Popen([python, "-m", "specgen", "mock", str(spec), "--port", "0"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert proc.stderr is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line and proc.poll() is not None:
            break
        found = re.search(r" on (http://127\.0\.0\.1:\d+\S*) \(Ctrl-C stops\)", line)
        if found:
            return proc, found.group(1)
    proc.kill()
    raise RuntimeError(f"the mock of {python} did not start for {spec}")


def run_one(python: str, name: str, spec: Path, examples: int, mode: str = "raw", auth: bool = True) -> dict[str, Any]:
    """Failing operations per check for one spec."""
    proc, url = start_mock(python, spec)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            report = Path(tmp) / "report.json"
            config = Path(tmp) / "schemathesis.toml"
            config.write_text(auth_config(spec) if auth else "")
            cmd = [
                str(Path(sys.executable).parent / "schemathesis"), "--no-color", "--config-file", str(config), "run", str(spec), "--url", url,
                "--max-examples", str(examples), "--generation-deterministic", "--workers", "1",
                "--phases", PHASES, "--checks", "all", "--exclude-checks", ",".join(BACKEND_ONLY if mode == "raw" else EXCLUDED),
                "--request-timeout", "30", "--report", "json", "--report-json-path", str(report),
            ]  # fmt: skip
            env = {k: v for k, v in os.environ.items() if k != "SCHEMATHESIS_HOOKS"}
            if mode == "test":
                env.update(SCHEMATHESIS_HOOKS="schemathesis_hooks", PYTHONPATH=str(ROOT / "tests"))
            res = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, cwd=tmp, env=env)
            if not report.is_file():
                return {"spec": name, "error": (res.stdout + res.stderr)[-2000:]}
            data = json.loads(report.read_text())
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    by_check: dict[str, int] = {}
    for f in data.get("failures", []):
        key = f"{f['code']} {f['type']}"
        by_check[key] = by_check.get(key, 0) + len(f["operations"])
    return {"spec": name, "tested": data["operations"]["tested"], "errors": len(data.get("errors", [])), "by_check": by_check, "failures": data.get("failures", [])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--python", default=sys.executable, help="the Python whose `specgen mock` is measured")
    parser.add_argument("--mode", choices=("raw", "test"), default="raw")
    parser.add_argument("--no-auth", action="store_true", help="send no credentials (as tests/test_schemathesis.py did before it gave them)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--specs", nargs="*", help="names from tests/test_schemathesis.py SPECS (default: all)")
    args = parser.parse_args()
    rows = []
    for name in args.specs or sorted(SPECS):
        spec, examples = SPECS[name]
        if not spec.is_file():
            print(f"{name}: {spec} absent, skipped")
            continue
        row = run_one(args.python, name, spec, examples, args.mode, not args.no_auth)
        rows.append(row)
        print(name, row.get("tested"), row.get("errors"), row.get("by_check", row.get("error")), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
