#!/usr/bin/env python3
"""specgen's benchmark: everything side by side in one run; writes bench/RESULTS.md and
bench/results.json (stdlib only; PyYAML is used when importable).

Usage:  .venv/bin/python bench/run.py [--specs NAME_OR_PATH ...] [--skip-peers] [--quick] [--runs N]
        (normally via `make bench`)

Per OpenAI corpus spec (../shared/corpus), each command a child process in a fresh output dir:
  cold  `specgen generate --formatter ruff`, `--formatter black` and openapi-python-client,
        alternating, --runs times (default 3), medians (fresh SPECGEN_CACHE_DIR each);
  stages the cold ruff path by stage (bench/stages.py) and rendering by artifact;
  check `specgen check` right after generating (the no-op) and with a cold cache;
  warm  one schema property description edited in the spec, regenerated (black) into the
        same OUT with the same cache: against our own cold black;
  peers datamodel-codegen (models only), once.
Then: import + construct of the client generated from the target spec vs the official
`openai` package (bench/importtime.py, both in the peers' venv, alternating, medians), and
peak memory of a cold black run on every real/ spec of at least 200 KB.
Peers live in bench/.peers-venv (never in the project's .venv). Wall time is
time.perf_counter() around the child; peak RSS is /usr/bin/time's %M. Failures are recorded
(exit code, last stderr line) and the bench carries on. Scratch lives in bench/work/.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from harness import (
    BENCH,
    CORPUS,
    DEFAULT_SPECS,
    DMC,
    OPC,
    PEER_PACKAGES,
    PEERS_VENV,
    QUICK_SPECS,
    REPO,
    TARGET_SPEC,
    WORK,
    base_env,
    ensure_peers,
    fresh_dir,
    last_error_line,
    log,
    machine_info,
    not_run,
    peers_python,
    run_cmd,
)
from report import write_reports
from specinfo import (
    apply_one_field_edit,
    count_spec,
    dmc_models,
    make_edited_copy,
    opc_ops,
    ours_ops,
    tree_digest,
)

REAL_MIN_BYTES = 200_000  # real/ specs at least this big get a peak-memory run


def _median_row(rows: list[dict]) -> dict:
    """The run with the median wall time among the successful ones (all fields of that run),
    with every wall time kept; a failed run when none succeeded."""
    good = sorted((r for r in rows if r["status"] == "ok"), key=lambda r: r["wall_s"])
    if not good:
        return rows[-1]
    pick = dict(good[(len(good) - 1) // 2])
    pick["walls"] = [r["wall_s"] for r in rows]
    pick["peak_mb"] = max(r["peak_mb"] for r in good)
    return pick


class Ours:
    """specgen's runs on one spec, each in its own child process."""

    def __init__(self, spec: Path, sdir: Path, specgen: Path, timeout: float, n_ops: int):
        self.spec, self.sdir, self.specgen, self.timeout, self.n_ops = spec, sdir, specgen, timeout, n_ops
        self.logs = sdir / "logs"
        self.env0 = base_env(specgen.parent)

    def env(self, cache: Path) -> dict:
        e = dict(self.env0)
        e["SPECGEN_CACHE_DIR"] = str(cache)
        e["BLACK_CACHE_DIR"] = str(cache / "_black")
        e["RUFF_CACHE_DIR"] = str(cache / "_ruff")
        return e

    def gen(self, name: str, spec: Path, out: Path, fmt: str, cache: Path) -> dict:
        cmd = [str(self.specgen), "generate", str(spec), "-o", str(out), "--formatter", fmt, "--quiet"]
        rec = run_cmd(name, cmd, cwd=self.sdir, env=self.env(cache), logdir=self.logs, timeout=self.timeout)
        rec.update(ours_ops(out))
        rec["ops_in_spec"] = self.n_ops
        return rec

    def cold(self, fmt: str, round_: int, spec: Path | None = None, out: Path | None = None) -> dict:
        out = fresh_dir(out or self.sdir / f"ours-{fmt}")
        cache = fresh_dir(self.sdir / f"cache-cold-{fmt}-{round_}")
        log(f"  ours cold {fmt} (round {round_ + 1})")
        rec = self.gen(f"ours-cold-{fmt}-{round_}", spec or self.spec, out, fmt, cache)
        shutil.rmtree(cache, ignore_errors=True)
        return rec

    def stages(self) -> dict:
        """The cold ruff path by stage, and rendering by artifact (two children)."""
        py = str(self.specgen.parent / "python")
        out = fresh_dir(self.sdir / "ours-stages") / "out"
        rec = run_cmd("ours-stages", [py, str(BENCH / "stages.py"), str(self.spec), str(out), "--formatter", "ruff"], cwd=self.sdir, env=self.env(fresh_dir(self.sdir / "cache-stages")), logdir=self.logs, timeout=self.timeout)
        rec2 = run_cmd("ours-render", [py, str(BENCH / "stages.py"), str(self.spec), "--render-only"], cwd=self.sdir, env=self.env(fresh_dir(self.sdir / "cache-render")), logdir=self.logs, timeout=self.timeout)
        for r in (rec, rec2):
            if r["status"] == "ok":
                try:
                    rec.setdefault("detail", {}).update(json.loads(Path(r["stdout_log"]).read_text().strip().splitlines()[-1]))
                except (ValueError, IndexError) as e:
                    rec.update(status="failed", error=f"unreadable stage output: {e}")
            elif rec["status"] == "ok":
                rec.update(status=r["status"], error=r["error"])
        rec.update(run="ours cold ruff, by stage (bench/stages.py)", key="stages")
        return rec

    def check_and_warm(self, black_runs: list[dict], wspec: Path, wout: Path, wcache: Path) -> list[dict]:
        """No-op check and warm edit, on the tree and cache the last cold black run left."""
        rows = []
        log("  ours check (after generate)")
        rec = run_cmd("ours-check", [str(self.specgen), "check", "--spec", str(wspec), "-o", str(wout)], cwd=self.sdir, env=self.env(wcache), logdir=self.logs, timeout=self.timeout)
        rows.append({**rec, "run": "ours no-op check (after generate)", "key": "check"})
        log("  ours check (cold cache)")
        rec = run_cmd("ours-check-coldcache", [str(self.specgen), "check", "--spec", str(wspec), "-o", str(wout)], cwd=self.sdir, env=self.env(fresh_dir(self.sdir / "cache-check-cold")), logdir=self.logs, timeout=self.timeout)
        rows.append({**rec, "run": "ours no-op check (cold cache)", "key": "check_cold_cache"})
        edit = apply_one_field_edit(wspec)
        if not edit.get("ok"):
            rec = not_run("ours-warm-edit", "failed", "spec edit: " + edit.get("error", "?"))
        elif black_runs[-1]["status"] != "ok":
            rec = not_run("ours-warm-edit", "failed", "the cold black run before it failed: " + black_runs[-1]["error"])
        else:
            before = tree_digest(wout)
            log(f"  ours warm: regenerate after editing line {edit['line']}")
            rec = self.gen("ours-warm-edit", wspec, wout, "black", wcache)
            after = tree_digest(wout)
            rec["files_changed"] = sum(1 for k in before.keys() | after.keys() if before.get(k) != after.get(k))
            rec["files_total"] = len(after)
        rows.append({**rec, "run": "ours warm one-field edit (black)", "key": "warm_edit", "edit": edit, "ops_in_spec": self.n_ops})
        if rec["status"] == "ok":
            rows.append(self.warm_stages(wspec, wout, wcache))
        return rows

    def warm_stages(self, wspec: Path, wout: Path, wcache: Path) -> dict:
        """The warm edit by stage: the same line edited once more, regenerated in-process."""
        edit = apply_one_field_edit(wspec)
        if not edit.get("ok"):
            return {**not_run("ours-warm-stages", "failed", "spec edit: " + edit.get("error", "?")), "run": "ours warm edit by stage", "key": "warm_stages"}
        py = str(self.specgen.parent / "python")
        rec = run_cmd("ours-warm-stages", [py, str(BENCH / "stages.py"), str(wspec), str(wout), "--formatter", "black"], cwd=self.sdir, env=self.env(wcache), logdir=self.logs, timeout=self.timeout)
        if rec["status"] == "ok":
            try:
                rec["detail"] = json.loads(Path(rec["stdout_log"]).read_text().strip().splitlines()[-1])
            except (ValueError, IndexError) as e:
                rec.update(status="failed", error=f"unreadable stage output: {e}")
        return {**rec, "run": "ours warm edit by stage (bench/stages.py)", "key": "warm_stages"}


def bench_spec(spec: Path, sdir: Path, specgen: Path | None, peers_ok: bool, runs: int, timeout: float, counts: dict) -> list[dict]:
    """Every run on one spec: cold ruff / cold black / openapi-python-client alternating."""
    rows: list[dict] = []
    ours = Ours(spec, sdir, specgen, timeout, counts["operations"]) if specgen is not None else None
    # the cold black runs build from a copy (same name, same bytes) that the warm edit changes later
    wdir = fresh_dir(sdir / "warm")
    wspec, wout = wdir / spec.name, wdir / "out"
    make_edited_copy(spec, wspec)
    ruff, black, opc = [], [], []
    wcache = wdir / "cache"
    # one untimed run of each tool first, so every timed run finds its .pyc files as a user's would
    log("  warm-up runs (untimed)")
    if ours is not None:
        ours.cold("ruff", -1, out=sdir / "warm-up")
    if peers_ok:
        bench_opc(spec, sdir, timeout, counts["operations"], -1)
    for i in range(runs):
        if ours is not None:
            ruff.append(ours.cold("ruff", i))
            last = i == runs - 1
            if last:  # the last cold black run leaves its tree and cache for check and warm
                shutil.rmtree(wcache, ignore_errors=True)
                wcache.mkdir(parents=True)
                log(f"  ours cold black (round {i + 1})")
                black.append(ours.gen(f"ours-cold-black-{i}", wspec, fresh_dir(wout), "black", wcache))
            else:
                black.append(ours.cold("black", i, spec=wspec))
        if peers_ok:
            opc.append(bench_opc(spec, sdir, timeout, counts["operations"], i))
    if ours is not None:
        rows.append({**_median_row(ruff), "run": "ours cold (--formatter ruff)", "key": "cold_ruff"})
        rows.append({**_median_row(black), "run": "ours cold (--formatter black)", "key": "cold_black"})
        rows.append(ours.stages())
        rows += ours.check_and_warm(black, wspec, wout, wcache)
    if peers_ok:
        rows.append({**_median_row(opc), "run": OPC, "key": "opc"})
        rows.append(bench_dmc(spec, sdir, timeout, counts["schemas"]))
    return rows


def _peer_env(sdir: Path) -> dict:
    env = base_env(PEERS_VENV / "bin")
    cache = fresh_dir(sdir / "cache-peers")
    env["RUFF_CACHE_DIR"] = str(cache / "_ruff")
    env["BLACK_CACHE_DIR"] = str(cache / "_black")
    return env


def bench_opc(spec: Path, sdir: Path, timeout: float, n_ops: int, round_: int) -> dict:
    """openapi-python-client, cold (its output dir must not exist yet)."""
    logs, bin_dir, env = sdir / "logs", PEERS_VENV / "bin", _peer_env(sdir)
    out = sdir / "opc"
    if out.exists():
        shutil.rmtree(out)
    log(f"  {OPC} (round {round_ + 1})")
    rec = run_cmd(
        f"openapi-python-client-{round_}",
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
    rec.update(ops_in_spec=n_ops)
    return rec


def bench_dmc(spec: Path, sdir: Path, timeout: float, n_schemas: int) -> dict:
    """datamodel-codegen, models only: a reference for the model part alone."""
    logs, bin_dir, env = sdir / "logs", PEERS_VENV / "bin", _peer_env(sdir)
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
    return rec



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


def bench_import(sdir: Path, runs: int, timeout: float) -> dict:
    """`import pkg; pkg.Client(api_key=...)` for the client generated from the target spec
    (the last cold ruff run's output) vs `import openai; openai.OpenAI(api_key=...)`, both in
    the peers' venv (same httpx and pydantic), alternating, in fresh interpreters; medians."""
    out = sdir / "ours-ruff"
    try:
        package = json.loads((out / "manifest.json").read_text())["options"]["package"]
    except (OSError, ValueError, KeyError) as e:
        return {"status": "failed", "error": f"no generated client to import: {e}"}
    py, script = str(peers_python()), str(BENCH / "importtime.py")
    env = base_env(None)
    samples: dict[str, list[dict]] = {"ours": [], "openai": []}
    r = None
    for i in range(runs):
        for who, cmd in (("ours", [py, script, package, "Client", str(out)]), ("openai", [py, script, "openai", "OpenAI"])):
            try:
                r = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=timeout, env=env, cwd=sdir)
                samples[who].append(json.loads(r.stdout.strip().splitlines()[-1]))
            except (OSError, ValueError, IndexError, subprocess.TimeoutExpired) as e:
                return {"status": "failed", "error": f"{who}: {last_error_line(getattr(r, 'stderr', '') or '') or e}"}
    rec: dict = {"status": "ok", "package": package, "runs": runs}
    for who, rows in samples.items():
        rec[who] = {k: statistics.median(row[k] for row in rows) for k in ("import_s", "construct_s", "peak_mb")}
    return rec


def bench_memory(specgen: Path, timeout: float) -> list[dict]:
    """Peak memory (and wall) of a cold black generation of every real/ spec of some size."""
    real = sorted(p for p in (CORPUS / "real").glob("*.*") if p.is_file() and p.stat().st_size >= REAL_MIN_BYTES)
    rows = []
    for spec in real:
        sdir = fresh_dir(WORK / "real" / spec.stem)
        ours = Ours(spec, sdir, specgen, timeout, count_spec(spec)["operations"])
        log(f"== real/{spec.name}: cold black")
        rec = ours.cold("black", 0)
        rows.append({**rec, "spec": f"real/{spec.name}", "bytes": spec.stat().st_size})
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--specs", nargs="+", metavar="SPEC", help="corpus spec names (in ../shared/corpus) or paths; default: the three OpenAI specs")
    ap.add_argument("--skip-peers", action="store_true", help="do not install/run the peer generators or the openai package")
    ap.add_argument("--quick", action="store_true", help=f"only {QUICK_SPECS[0]}, one run, no real/ memory runs")
    ap.add_argument("--runs", type=int, default=3, help="alternating cold runs (and import runs x2) per spec; medians")
    ap.add_argument("--specgen", default=str(REPO / ".venv" / "bin" / "specgen"), help="specgen executable (default: <repo>/.venv/bin/specgen)")
    ap.add_argument("--timeout", type=float, default=1200, help="per-command timeout in seconds")
    args = ap.parse_args(argv)

    names = QUICK_SPECS if args.quick else (args.specs or DEFAULT_SPECS)
    runs = 1 if args.quick else max(1, args.runs)
    specgen = Path(args.specgen).absolute()
    WORK.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "date_utc": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
        "argv": sys.argv[1:] if argv is None else argv,
        "machine": machine_info(),
        "runs": runs,
        "specs": [],
        "peers": {},
    }
    have_specgen = specgen.exists() and os.access(specgen, os.X_OK)
    if have_specgen:
        r = subprocess.run([str(specgen), "--version"], check=False, capture_output=True, text=True, timeout=120, cwd=WORK, env=base_env(specgen.parent))
        results["specgen_version"] = ((r.stdout.strip() or r.stderr.strip()).splitlines() or ["?"])[-1]
    else:
        results["specgen_version"] = f"specgen not installed ({specgen} missing)"
        log(results["specgen_version"] + "; our rows will be marked as such")
    if args.skip_peers:
        results["peers"] = {"skipped": "skipped (--skip-peers)"}
    else:
        results["peers"] = ensure_peers(args.timeout)
        log(f"peers: {results['peers'].get('versions')} {results['peers'].get('error', '')}")
    peers_ok = not args.skip_peers and all((results["peers"].get("versions") or {}).get(n) for n in PEER_PACKAGES)

    for name, path in resolve_specs(names):
        entry: dict = {"spec": name, "path": str(path), "runs": []}
        results["specs"].append(entry)
        if not path.exists():
            entry["skipped"] = f"{path} not found (corpus absent?)"
            log(f"skip {name}: {entry['skipped']}")
            continue
        log(f"== {name}")
        counts = count_spec(path)
        entry.update(operations=counts["operations"], schemas=counts["schemas"], count_method=counts["method"])
        sdir = fresh_dir(WORK / path.stem)
        try:
            entry["runs"] += bench_spec(path, sdir, specgen if have_specgen else None, peers_ok, runs, args.timeout, counts)
        except Exception as e:  # noqa: BLE001 - a harness bug on one spec must not lose the others
            log(f"  harness error {e!r}")
            entry["runs"].append({**not_run("ours", "failed", f"harness error: {e!r}"), "run": "ours", "key": "ours_error"})
        if have_specgen and peers_ok and name == TARGET_SPEC:
            log("  import + construct: generated client vs openai")
            results["import"] = bench_import(sdir, runs * 2 + 1, args.timeout)
        for r in entry["runs"]:
            log(f"  {r['run']}: {r['status']} wall={r['wall_s']} peak_mb={r['peak_mb']}" + (f" ({r['error']})" if r.get("error") else ""))
        write_reports(results)  # keep partial results if a later spec hangs
    if have_specgen and not args.quick and (CORPUS / "real").is_dir():
        results["memory"] = bench_memory(specgen, args.timeout)
    write_reports(results)
    log(f"wrote {BENCH / 'RESULTS.md'} and {BENCH / 'results.json'}")
    for t in results["targets"]:
        log(f"target {t['target']}: {t['met']} — {t['detail']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
