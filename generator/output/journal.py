"""Updating OUT in place: only the files that changed are moved in, each by one atomic rename,
with a journal that lets any run undo a run that was killed half-way.

The new files wait in the staging folder beside OUT (`.OUT.specgen-new-PID`, on OUT's
filesystem). Before OUT is touched, every file about to be replaced or removed is hard-linked
into the staging folder's `.old/` and the plan (what is replaced, removed, which folders are
made) is written as `.plan.json` in one rename. Only then are the old files removed and the new
ones renamed in, the manifest last. What this promises:

- every file of OUT is at every moment whole, the old bytes or the new (a rename replaces it);
- an error while applying (a full disk, a folder made read-only) puts the old files back before
  the run reports it, and a signal waits until the plan is applied (`children.deferred`), so a
  failed or interrupted run leaves OUT exactly as it was, as the tree swap does;
- a run killed where nothing can run (SIGKILL, a power cut) between the plan and its end leaves
  the plan and the old files' links beside OUT, and the next run on OUT undoes it (`rollback`,
  from `write.recover`) before it reads anything: the old tree, byte for byte. The tree swap's
  fallback, where renameat2 is missing, makes the same promise across its two renames.

The `.` that starts both names keeps them apart from any staged file (`write.check_relative_path`
lets no part of a path start with one).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from .owner import DERIVED_DIRS, MANIFEST, stat_key

PLAN = ".plan.json"
OLD = ".old"


def apply(out: Path, new: Path, staged: list[str], removed: list[str]) -> dict[str, list[int]]:
    """Move the `staged` files (written under `new` at their paths in OUT) into OUT and remove
    the `removed` ones, undone whole on any error; the stat_key of each file moved in."""
    changed = sorted(rel for rel in staged if rel != MANIFEST) + ([MANIFEST] if MANIFEST in staged else [])
    old = new / OLD
    old.mkdir()
    backups: dict[str, str] = {}
    for rel in changed + removed:
        name = str(len(backups))
        try:
            os.link(out / rel, old / name, follow_symlinks=False)
        except FileNotFoundError:
            continue  # a file this run adds
        backups[rel] = name
    made: list[str] = []
    seen: set[str] = set()
    for rel in changed:
        parts = rel.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            folder = "/".join(parts[:i])
            if folder not in seen:
                seen.add(folder)
                if not (out / folder).is_dir():
                    made.append(folder)
    tmp = new / (PLAN + ".tmp")
    tmp.write_text(json.dumps({"changed": changed, "removed": removed, "backups": backups, "made": made}))
    os.rename(tmp, new / PLAN)
    stats: dict[str, list[int]] = {}
    try:
        for rel in removed:
            os.unlink(out / rel)
        _prune(out, removed)
        for rel in changed:
            target = out / rel
            if rel.count("/"):
                target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(new / rel, target)
            stats[rel] = stat_key(os.lstat(target))  # a rename moves the ctime: taken after it
    except BaseException:
        rollback(out, new)
        raise
    return stats


def _prune(out: Path, removed: list[str]) -> None:
    """Remove the folders that removing files emptied (a tool's caches in them count as empty)."""
    folders = sorted({"/".join(rel.split("/")[:i]) for rel in removed for i in range(1, rel.count("/") + 1)}, key=lambda f: -f.count("/"))
    for folder in folders:
        path = out / folder
        try:
            left = os.listdir(path)
        except OSError:
            continue
        if all(name in DERIVED_DIRS for name in left):
            shutil.rmtree(path)


def rollback(out: Path, new: Path) -> None:
    """Undo what the plan in `new` did to OUT so far (nothing when no plan was written)."""
    try:
        plan = json.loads((new / PLAN).read_text())
    except (OSError, ValueError):
        return  # killed before the plan was whole: OUT was not touched
    backups: dict[str, str] = plan["backups"]
    for rel in plan["changed"]:
        target = out / rel
        if rel in backups:
            _restore(new / OLD / backups[rel], target)
        elif not (new / rel).exists():  # a file this run added, already moved in
            try:
                os.unlink(target)
            except FileNotFoundError:
                pass
    for folder in reversed(plan["made"]):
        try:
            os.rmdir(out / folder)
        except OSError:
            pass
    for rel in plan["removed"]:
        if rel in backups:
            _restore(new / OLD / backups[rel], out / rel)
    os.unlink(new / PLAN)


def _restore(backup: Path, target: Path) -> None:
    if backup.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(backup, target)  # when still the same file, a no-op
