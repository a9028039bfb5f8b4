"""Stamps: specgen's own record (in its cache, never in OUT) of what produced an output tree.

`check`'s fast path answers "current" without parsing or rendering only when a stamp vouches
for this very spec (its resolved path), the bytes of every file its `$ref`s reached, the
options, the spec's label and the generator's code, and every file in OUT still holds the
bytes the manifest the stamp saw lists. Nothing in OUT is trusted on its own: a manifest
edited together with the file it describes no longer matches the stamp.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from .. import __version__
from ..spec.load import cache_dir
from .owner import MANIFEST, read_manifest, read_tree, sha256_bytes
from .render import templates_dir

_FORMAT = "specgen-stamp-2"


@functools.lru_cache(maxsize=1)
def code_sha256() -> str:
    """A hash of the generator's own code and templates: output is a function of these too."""
    h = hashlib.sha256(__version__.encode())
    roots = [Path(__file__).resolve().parent.parent, templates_dir()]
    for root in roots:
        for p in sorted(root.rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc":
                h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def _file(out: Path) -> Path:
    key = hashlib.sha256(str(out.resolve()).encode()).hexdigest()
    return cache_dir() / "stamps" / f"{key}.json"


def _fingerprint(spec: Path, inputs: dict[str, str], manifest: dict[str, Any]) -> str:
    payload = json.dumps(
        {
            "format": _FORMAT,
            "code": code_sha256(),
            "spec": str(spec.resolve()),
            "inputs": inputs,
            "options": manifest.get("options"),
            "label": manifest.get("spec"),
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _inputs_now(spec: Path, names: Any) -> dict[str, str] | None:
    """The sha256 of each named input as it is on disk now (names relative to the spec's folder)."""
    if not isinstance(names, dict) or spec.name not in names:
        return None
    now: dict[str, str] = {}
    for name in names:
        try:
            now[str(name)] = sha256_bytes((spec.parent / str(name)).read_bytes())
        except OSError:
            return None
    return now


def remember(out: Path, spec: Path, manifest: dict[str, Any]) -> None:
    """Record that OUT (just written or fully checked) is what `spec` produces with the
    manifest's options and this code."""
    try:
        data = (out / MANIFEST).read_bytes()
        p = _file(out)
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps({"fingerprint": _fingerprint(spec, manifest["inputs"], manifest), "manifest_sha256": sha256_bytes(data)}))
        os.replace(tmp, p)
    except (OSError, KeyError):
        pass  # a read-only cache only costs the next check its fast path


def current(out: Path, spec: Path, opts: Any) -> bool:
    """True only when a stamp vouches for exactly this spec, its inputs, options and code, and
    OUT's files are byte for byte what the stamped manifest lists."""
    if not opts.use_cache:
        return False
    manifest = read_manifest(out)
    try:
        stamp = json.loads(_file(out).read_text())
        manifest_sha = sha256_bytes((out / MANIFEST).read_bytes())
    except (OSError, ValueError):
        return False
    if manifest is None or not isinstance(stamp, dict) or stamp.get("manifest_sha256") != manifest_sha:
        return False
    recorded = manifest.get("options")
    if not isinstance(recorded, dict) or recorded.get("formatter") != opts.formatter:
        return False
    for key in ("package", "target", "api_key_env"):
        wanted = getattr(opts, key)
        if wanted is not None and recorded.get(key) != wanted:
            return False
    if manifest.get("spec") != (opts.spec_label or spec.name):
        return False
    base = ("package", "formatter", "target", "api_key_env")
    if {k: v for k, v in recorded.items() if k not in base} != {k: v for k, v in opts.recorded("", "").items() if k not in base}:
        return False  # the tools options differ
    inputs = _inputs_now(spec, manifest.get("inputs"))
    if inputs is None or inputs != manifest["inputs"] or _fingerprint(spec, inputs, manifest) != stamp.get("fingerprint"):
        return False
    hashes = manifest.get("files")
    if not isinstance(hashes, dict):
        return False
    on_disk = read_tree(out)
    on_disk.pop(MANIFEST, None)
    return set(on_disk) == set(hashes) and all(sha256_bytes(data) == hashes[p] for p, data in on_disk.items())
