#!/usr/bin/env python3
"""Import a client package and construct its client, in this fresh interpreter.

Usage:  python bench/importtime.py MODULE CLASS [PATH]
Prints {"import_s", "construct_s", "peak_mb"}: the import of MODULE (with PATH first on
sys.path), then `MODULE.CLASS(api_key=...)`, and the process's peak RSS afterwards.
bench/run.py runs it in the peers' venv for both the generated package and the official
`openai` package, so both use the same httpx and pydantic.
"""

from __future__ import annotations

import importlib
import json
import resource
import sys
import time


def _peak_mb() -> float:
    """This process's peak RSS since exec (VmHWM): ru_maxrss would count the memory of the
    process that forked it too, which Linux carries across exec."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main() -> int:
    module, cls = sys.argv[1], sys.argv[2]
    if len(sys.argv) > 3:
        sys.path.insert(0, sys.argv[3])
    t0 = time.perf_counter()
    mod = importlib.import_module(module)
    t1 = time.perf_counter()
    client = getattr(mod, cls)(api_key="sk-bench")
    t2 = time.perf_counter()
    del client
    print(json.dumps({"import_s": round(t1 - t0, 4), "construct_s": round(t2 - t1, 6), "peak_mb": _peak_mb()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
