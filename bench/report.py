"""bench/RESULTS.md and bench/results.json from the measurements (ratios first)."""

from __future__ import annotations

import json

from harness import BENCH, DMC, OPC, TARGET_SPEC

STAGES = ("load", "normalize", "fingerprint", "render", "write_while_rendering", "format", "write", "validate_wait")


def fmt_num(v: float | None, nd: int = 2) -> str:
    return "—" if v is None else f"{v:.{nd}f}"


def ratio(a: dict | None, b: dict | None) -> float | None:
    if not a or not b or a.get("status") != "ok" or b.get("status") != "ok" or not a.get("wall_s") or not b.get("wall_s"):
        return None
    return a["wall_s"] / b["wall_s"]


def status_text(r: dict) -> str:
    if r["status"] == "ok":
        return ""
    bits = [r["status"]]
    if r.get("exit_code") not in (None, 0):
        bits.append(f"exit {r['exit_code']}")
    if r.get("error"):
        bits.append(str(r["error"]).replace("|", "\\|"))
    return " — " + ", ".join(bits)


def describe(r: dict | None) -> str:
    if not r:
        return "not run"
    return status_text(r)[3:] if r["status"] != "ok" else "ok"


def _walls(r: dict) -> str:
    walls = r.get("walls")
    return "" if not walls or len(walls) < 2 else " (runs: " + ", ".join(fmt_num(w) for w in walls) + ")"


def spec_table(s: dict) -> list[str]:
    rows = {r["key"]: r for r in s["runs"]}
    opc, dmc, cold_black = rows.get("opc"), rows.get("dmc"), rows.get("cold_black")
    lines = ["| run | wall s | peak MB | ops generated / in spec | ratio |", "|---|---:|---:|---|---|"]
    for r in s["runs"]:
        k = r["key"]
        if k in ("stages", "warm_stages"):
            continue
        og = r.get("ops_generated")
        ops = f"{'—' if og is None else og} / {s['operations']}" if k in ("cold_ruff", "cold_black", "warm_edit", "opc") else "—"
        if k == "opc" and r.get("skipped"):
            ops += f" ({r['skipped']} warned 'will not be generated')"
        if k == "dmc":
            ops = f"{'—' if r.get('models') is None else r['models']} models / {s['schemas']} schemas"
        if k in ("cold_ruff", "cold_black"):
            a, b = ratio(r, opc), ratio(r, dmc)
            rt = f"{fmt_num(a, 3) + '×' if a is not None else 'n/a'} {OPC}; {fmt_num(b) + '×' if b is not None else 'n/a'} {DMC}"
        elif k == "warm_edit":
            a = ratio(r, cold_black)
            rt = f"{fmt_num(a, 3)}× our cold black" if a is not None else "n/a"
            if r.get("files_changed") is not None:
                rt += f" ({r['files_changed']}/{r['files_total']} files rewritten)"
        elif k in ("opc", "dmc"):
            rt = "(peer)"
        else:
            rt = "—"
        lines.append(f"| {r['run']}{status_text(r)}{_walls(r)} | {fmt_num(r['wall_s'])} | {fmt_num(r['peak_mb'], 1)} | {ops} | {rt} |")
    return lines


def stage_table(s: dict) -> list[str]:
    st = next((r for r in s["runs"] if r["key"] == "stages"), None)
    if not st or st["status"] != "ok" or "detail" not in st:
        return [f"Stages: {describe(st)}", ""]
    d = st["detail"]
    stages = d.get("stages", {})
    total = sum(stages.get(k, 0.0) for k in STAGES) or 1.0
    lines = [
        f"Cold path by stage (`--formatter ruff`, fresh cache; in-process, {fmt_num(d.get('total'))} s after {fmt_num(d.get('import_s'))} s of imports):",
        "",
        "| stage | s | share |",
        "|---|---:|---:|",
    ]
    for k in STAGES:
        if k in stages:
            lines.append(f"| {k} | {fmt_num(stages[k])} | {100 * stages[k] / total:.0f}% |")
    warm = next((r for r in s["runs"] if r["key"] == "warm_stages"), None)
    if warm is not None:
        lines += ["", *warm_stage_lines(warm)]
    by = d.get("render_by_artifact") or {}
    if by:
        lines += ["", "Rendering by artifact (each renderer once, serially, in a fresh process; in `generate` the docs' operation pages, the tools, the MCP server, the fixtures and the tests render in one forked child beside the rest (the client and docs.definitions render in the parent), and the parent writes their files as each artifact arrives: `write_while_rendering`):", "", "| artifact | s | files | MB |", "|---|---:|---:|---:|"]
        for name, secs in by.items():
            lines.append(f"| {name} | {fmt_num(secs)} | {d.get('files_by_artifact', {}).get(name, '—')} | {d.get('mb_by_artifact', {}).get(name, '—')} |")
    return lines + [""]


def warm_stage_lines(r: dict) -> list[str]:
    """The warm edit by stage: the same edit once more, regenerated in-process (bench/stages.py)."""
    if r["status"] != "ok" or "detail" not in r:
        return [f"Warm edit by stage: {describe(r)}"]
    d = r["detail"]
    stages = d.get("stages", {})
    pages = d.get("pages") or {}
    lines = [
        f"Warm edit by stage (the same line edited once more, `--formatter black`, same OUT and cache; in-process, {fmt_num(d.get('total'))} s after {fmt_num(d.get('import_s'))} s of imports; page cache units rendered {pages.get('rendered', '—')}, reused {pages.get('reused', '—')}):",
        "",
        "| stage | s |",
        "|---|---:|",
    ]
    return lines + [f"| {k} | {fmt_num(stages[k])} |" for k in STAGES if k in stages]


def _cmp(name: str, rows: dict, a: str, b: str, limit: float, a_label: str, b_label: str) -> dict:
    ra, rb = rows.get(a), rows.get(b)
    if not ra or ra.get("status") != "ok":
        return {"target": name, "met": None if not ra else False, "detail": f"{a_label}: {describe(ra)}"}
    if not rb or rb.get("status") != "ok":
        return {"target": name, "met": None, "detail": f"{b_label}: {describe(rb)}; no reference"}
    x = ra["wall_s"] / rb["wall_s"]
    return {"target": name, "met": x <= limit, "detail": f"{a_label} {ra['wall_s']:.2f} s / {b_label} {rb['wall_s']:.2f} s = {x:.3f}× (limit {limit}×)"}


def targets(results: dict) -> list[dict]:
    spec = next((s for s in results["specs"] if s["spec"] == TARGET_SPEC), None)
    names = [
        "cold ruff ≤ 0.25× openapi-python-client",
        "cold black ≤ 1× openapi-python-client",
        "warm one-field edit ≤ 0.1× our cold black",
        "no-op check < 0.5 s",
        "import + construct ≤ 0.8× the official openai package",
        "peak memory < 300 MB on every spec measured",
    ]
    if spec is None or spec.get("skipped"):
        why = f"{TARGET_SPEC} not run in this invocation" if spec is None else spec["skipped"]
        return [{"target": n, "met": None, "detail": why} for n in names]
    rows = {r["key"]: r for r in spec["runs"]}
    out = [
        _cmp(names[0], rows, "cold_ruff", "opc", 0.25, "ours cold ruff", OPC),
        _cmp(names[1], rows, "cold_black", "opc", 1.0, "ours cold black", OPC),
        _cmp(names[2], rows, "warm_edit", "cold_black", 0.1, "warm edit", "our cold black"),
    ]
    c = rows.get("check")
    if not c or c.get("wall_s") is None:
        out.append({"target": names[3], "met": None, "detail": f"check: {describe(c)}"})
    else:
        out.append({"target": names[3], "met": c["status"] == "ok" and c["wall_s"] < 0.5, "detail": f"check {c['wall_s']:.2f} s, exit {c['exit_code']}"})
    imp = results.get("import")
    if not imp or imp.get("status") != "ok":
        out.append({"target": names[4], "met": None, "detail": "import: " + (imp.get("error", "failed") if imp else "not run")})
    else:
        ours = imp["ours"]["import_s"] + imp["ours"]["construct_s"]
        theirs = imp["openai"]["import_s"] + imp["openai"]["construct_s"]
        out.append({"target": names[4], "met": ours <= 0.8 * theirs, "detail": f"ours {ours:.3f} s / openai {theirs:.3f} s = {ours / theirs:.2f}× (limit 0.8×)"})
    peaks = [(r["peak_mb"], f"{s['spec']}: {r['run']}") for s in results["specs"] for r in s.get("runs", []) if r.get("status") == "ok" and r["key"] not in ("opc", "dmc") and r.get("peak_mb")]
    peaks += [(r["peak_mb"], r["spec"]) for r in results.get("memory", []) if r.get("status") == "ok" and r.get("peak_mb")]
    if peaks:
        top = max(peaks)
        out.append({"target": names[5], "met": top[0] < 300, "detail": f"max {top[0]:.1f} MB ({top[1]}), over {len(peaks)} runs"})
    else:
        out.append({"target": names[5], "met": None, "detail": "no successful run of ours measured"})
    return out


def import_lines(imp: dict | None) -> list[str]:
    if not imp:
        return []
    lines = ["## Import and construct (the client generated from " + TARGET_SPEC + " vs the official `openai` package)", ""]
    if imp.get("status") != "ok":
        return lines + [f"Not measured: {imp.get('error')}", ""]
    o, a = imp["ours"], imp["openai"]
    lines += [
        f"`import PKG; PKG.Client(api_key=...)` vs `import openai; openai.OpenAI(api_key=...)`, each in a fresh interpreter of the peers' venv (same httpx and pydantic), {imp['runs']} alternating runs, medians (interpreter start-up not counted).",
        "",
        "| package | import s | construct ms | peak MB |",
        "|---|---:|---:|---:|",
        f"| ours (`{imp['package']}`) | {o['import_s']:.3f} | {1000 * o['construct_s']:.2f} | {o['peak_mb']:.1f} |",
        f"| openai | {a['import_s']:.3f} | {1000 * a['construct_s']:.2f} | {a['peak_mb']:.1f} |",
        f"| ratio | {o['import_s'] / a['import_s']:.2f}× | {o['construct_s'] / a['construct_s']:.1f}× | {o['peak_mb'] / a['peak_mb']:.2f}× |",
        "",
    ]
    return lines


def memory_lines(rows: list[dict] | None) -> list[str]:
    if not rows:
        return []
    lines = ["## Peak memory on the other real specs (cold `--formatter black`)", "", "| spec | KB | wall s | peak MB |", "|---|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['spec']}{status_text(r)} | {r['bytes'] // 1000} | {fmt_num(r['wall_s'])} | {fmt_num(r['peak_mb'], 1)} |")
    return lines + [""]


def write_reports(results: dict) -> None:
    results["targets"] = targets(results)
    (BENCH / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    m = results["machine"]
    pv = results["peers"].get("versions") or {}
    peers = results["peers"].get("skipped") or ", ".join(f"{k} {v or 'not installed'}" for k, v in pv.items()) or "unavailable"
    L = [
        "# specgen benchmark results",
        "",
        f"Generated by `bench/run.py` ({' '.join(results['argv']) or 'no options'}); raw figures in `bench/results.json`.",
        "",
        f"- Date (UTC): {results['date_utc']}",
        f"- Machine: {m['cpu_count']} cores ({m['cpu_model']}), {m['memory_gib']} GiB memory, {m['platform']}; shared with other work, so compare ratios, not absolute times",
        f"- Python: {m['python']}",
        f"- specgen: {results['specgen_version']}",
        f"- Peers: {peers}" + (f" ({results['peers']['error']})" if results["peers"].get("error") else ""),
        "",
        f"## Targets (on {TARGET_SPEC})",
        "",
    ]
    for t in results["targets"]:
        mark = {True: "**met**", False: "**not met**", None: "not measured"}[t["met"]]
        L.append(f"- {t['target']}: {mark} — {t['detail']}")
    L += [
        "",
        (
            "Wall = `time.perf_counter()` around the child process; peak MB = max RSS of the child (and any child it waited for) "
            f"from `/usr/bin/time -f %M`. Cold runs: a fresh output dir and a fresh `SPECGEN_CACHE_DIR`; ours and openapi-python-client "
            f"alternate, {results.get('runs', 1)} run(s) each, the median shown, after one untimed warm-up run of each (and without "
            "`PYTHONDONTWRITEBYTECODE`, which this machine sets: before 2026-11-30 every timed run, ours and the peers', recompiled its modules). Warm = regenerate into the same output dir with the same cache "
            'after appending " (edited)" to one schema property description. No-op check = `specgen check` right after generating.'
        ),
        "",
    ]
    for s in results["specs"]:
        L += [f"## {s['spec']}", ""]
        if s.get("skipped"):
            L += [f"Skipped: {s['skipped']}", ""]
            continue
        L += [f"{s['operations']} operations, {s['schemas']} component schemas in the spec.", ""]
        L += spec_table(s) + [""]
        edit = next((r.get("edit") for r in s["runs"] if r["key"] == "warm_edit"), None)
        if edit and edit.get("ok"):
            L += [f'Warm edit: line {edit["line"]}, `` {edit["before"][:100]} `` + `" (edited)"`.', ""]
        L += stage_table(s)
    L += import_lines(results.get("import"))
    L += memory_lines(results.get("memory"))
    (BENCH / "RESULTS.md").write_text("\n".join(L))
