#!/usr/bin/env python3
"""The cold path by stage: `specgen generate` in this process, as the CLI runs it; or, with
--render-only, each artifact's renderer on its own, to show where rendering time goes.

Usage:  .venv/bin/python bench/stages.py SPEC OUT [--formatter ruff|black|none] [--no-validate]
        .venv/bin/python bench/stages.py SPEC --render-only
Prints one JSON object: {"stages": {load, normalize, fingerprint, render, format, write,
validate_wait}, "total": wall seconds, "pages": units of the page cache rendered and reused}; with --render-only (no output written) {"render_by_artifact":
{artifact: seconds}, "files_by_artifact", "bytes_by_artifact"}, each renderer run once, in
order, serially, in a fresh process (templates compiled on first use, as in a cold run).
Run it with a fresh SPECGEN_CACHE_DIR for cold figures (bench/run.py does).
"""

from __future__ import annotations

import argparse
import gc
import json
import time
from pathlib import Path


def _render_by_artifact(spec: Path) -> dict[str, dict[str, float]]:
    from specgen.artifacts import renderers
    from specgen.diagnostics import Diagnostics
    from specgen.model.normalize import normalize
    from specgen.output.render import RenderContext
    from specgen.spec.load import load

    diags = Diagnostics()
    api = normalize(load(spec, diags), diags)
    ctx = RenderContext(package="bench_pkg", target="bench", spec_label=spec.name, spec_sha256="0" * 64, api_key_env="BENCH_API_KEY", options={"formatter": "ruff"})
    seconds: dict[str, float] = {}
    files: dict[str, float] = {}
    size: dict[str, float] = {}
    for render, _ in renderers():
        name = render.__module__.removeprefix("specgen.artifacts.").removesuffix(".views")
        if render.__name__ != "render":  # an artifact rendered in parts (docs: definitions, operations)
            name += "." + render.__name__.removeprefix("render_")
        t = time.perf_counter()
        rendered = render(api, ctx)
        seconds[name] = round(time.perf_counter() - t, 3)
        files[name] = len(rendered)
        size[name] = round(sum(len(v) for v in rendered.values()) / 1e6, 2)
    return {"render_by_artifact": seconds, "files_by_artifact": files, "mb_by_artifact": size}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("spec", type=Path)
    ap.add_argument("out", type=Path, nargs="?")
    ap.add_argument("--render-only", action="store_true")
    ap.add_argument("--formatter", default="ruff", choices=["ruff", "black", "none"])
    ap.add_argument("--no-validate", action="store_true")
    args = ap.parse_args()
    gc.disable()  # as the CLI's entry point does
    t0 = time.perf_counter()
    from specgen.diagnostics import Diagnostics
    from specgen.pipeline import Options, generate

    imported = time.perf_counter() - t0
    if args.render_only:
        print(json.dumps(_render_by_artifact(args.spec)))
        return 0
    t = time.perf_counter()
    res = generate(args.spec, args.out, Options(formatter=args.formatter, validate=not args.no_validate, quiet=True), Diagnostics())
    total = time.perf_counter() - t
    print(json.dumps({"import_s": round(imported, 3), "stages": {k: round(v, 3) for k, v in res.timings.items()}, "total": round(total, 3), "pages": res.pages}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
