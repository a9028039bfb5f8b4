"""Validate: openapi-spec-validator (or the JSON Schema meta-schema for bare schemas),
its findings turned into diagnostics with JSON pointers.

Real specs fail strict validation (the OpenAI ones do), so findings are warnings unless
`strict`. Results are cached by the spec's content hash: a 3 MB spec takes seconds to
validate and an unchanged one should not pay that twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from typing import Any

from ..diagnostics import Diagnostics, join_pointer
from .load import Documents, cache_dir

_ROOT_KEYS = {"openapi", "info", "servers", "paths", "components", "security", "tags", "externalDocs", "webhooks", "jsonSchemaDialect"}
_MAX_REPORTED = 200
_CACHE_FORMAT = "specgen-validate-3"
_PARTS_FORMAT = "specgen-validate-parts-1"


def _findings(docs: Documents) -> list[dict[str, Any]]:
    """Run the validator on the main document; each finding is {message, pointer|None}."""
    return _findings_for(docs.main.data, docs)


def _findings_for(data: dict[str, Any], docs: Documents) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if "openapi" not in data:
        from jsonschema.validators import validator_for

        meta = validator_for(data)
        for e in meta(meta.META_SCHEMA).iter_errors(data):
            out.append({"message": e.message, "pointer": join_pointer("", *e.absolute_path)})
        return out
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    version = str(data.get("openapi", ""))
    cls = OpenAPIV31SpecValidator if version.startswith("3.1") else OpenAPIV30SpecValidator
    # a base_uri lets the validator follow relative-file $refs; remote ones were refused by load
    base_uri = docs.main.path.resolve().as_uri()
    try:
        errors = cls(data, base_uri=base_uri).iter_errors()
        for e in errors:
            path = list(getattr(e, "absolute_path", []) or [])
            rooted = bool(path) and str(path[0]) in _ROOT_KEYS
            out.append({"message": _short(getattr(e, "message", str(e))), "pointer": join_pointer("", *path) if rooted else None})
            if len(out) > _MAX_REPORTED:
                break
    except RecursionError:
        out.append({"message": "the validator gave up: the spec nests or recurses too deeply", "pointer": None})
    except Exception as e:  # the validator can trip over what load already reported
        out.append({"message": f"the validator stopped early: {type(e).__name__}: {_short(str(e))}", "pointer": None})
    return out


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _cache_file(docs: Documents) -> Any:
    return cache_dir() / "validate" / f"{docs.combined_sha256()}.json"


def _cached(docs: Documents) -> list[dict[str, Any]] | None:
    try:
        cached = json.loads(_cache_file(docs).read_text())
        if cached.get("format") == _CACHE_FORMAT:
            return list(cached["findings"])
    except (OSError, ValueError, KeyError):
        pass
    return None


def _store(docs: Documents, findings: list[dict[str, Any]]) -> None:
    try:
        cache_file = _cache_file(docs)
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps({"format": _CACHE_FORMAT, "findings": findings}))
        os.replace(tmp, cache_file)
    except OSError:
        pass


def _split_parts(data: dict[str, Any]) -> dict[str, str]:
    """Hash every path item and component schema on its own, and the rest together."""
    out: dict[str, str] = {}
    rest = dict(data)
    paths = data.get("paths")
    if isinstance(paths, dict):
        rest["paths"] = None
        for k, v in paths.items():
            out[join_pointer("/paths", k)] = _hash(v)
    comps = data.get("components")
    if isinstance(comps, dict) and isinstance(comps.get("schemas"), dict):
        rest["components"] = {**comps, "schemas": None}
        for k, v in comps["schemas"].items():
            out[join_pointer("/components/schemas", k)] = _hash(v)
    out[""] = _hash(rest)
    return out


def _hash(value: Any) -> str:
    return hashlib.sha256(pickle.dumps(value, protocol=5)).hexdigest()


def _part_of(pointer: str | None, parts: dict[str, str]) -> str:
    if pointer:
        tokens = pointer.split("/")
        for n in (3, 4):  # /paths/X or /components/schemas/X
            head = "/".join(tokens[:n])
            if head in parts and head:
                return head
    return ""


def _parts_file(docs: Documents) -> Any:
    key = hashlib.sha256(str(docs.main.path.resolve()).encode()).hexdigest()
    return cache_dir() / "validate" / f"parts-{key}.json"


def _incremental(docs: Documents) -> list[dict[str, Any]] | None:
    """Findings from the last full validation of this file, re-validating only the path items
    and component schemas that changed; None when the rest of the document changed too."""
    try:
        record = json.loads(_parts_file(docs).read_text())
        if record.get("format") != _PARTS_FORMAT:
            return None
    except (OSError, ValueError):
        return None
    data = docs.main.data
    if len(docs.files) > 1 or not isinstance(data, dict) or "openapi" not in data:
        return None
    parts = _split_parts(data)
    old: dict[str, str] = record["parts"]
    if parts.get("") != old.get(""):
        return None
    changed = {k for k, h in parts.items() if old.get(k) != h}
    if len(changed) > max(8, len(parts) // 10):
        return None  # a big change: a full run is as cheap and exact
    mini = dict(data)
    if isinstance(data.get("paths"), dict):
        mini["paths"] = {k: v for k, v in data["paths"].items() if join_pointer("/paths", k) in changed}
    comps = data.get("components")
    if isinstance(comps, dict) and isinstance(comps.get("schemas"), dict):
        changed_schemas = {k: v for k, v in comps["schemas"].items() if join_pointer("/components/schemas", k) in changed}
        mini["components"] = {**comps, "schemas": changed_schemas}
        # schemas the mini document refers to become stubs: their $refs resolve, nothing is re-checked
        needed = _schema_refs(mini, set()) - set(changed_schemas)
        mini["components"]["schemas"] = {k: (v if k in changed_schemas else {}) for k, v in comps["schemas"].items() if k in changed_schemas or k in needed}
    fresh = _findings_for(mini, docs)
    kept = [f for f in record["findings"] if _part_of(f["pointer"], old) not in changed]
    seen = {(f["message"], f["pointer"]) for f in kept}
    return kept + [f for f in fresh if (f["message"], f["pointer"]) not in seen]


def _schema_refs(node: Any, out: set[str]) -> set[str]:
    """Names of the component schemas that `$ref`s in `node` point at."""
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            ref = cur.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                out.add(ref[len("#/components/schemas/"):].split("/", 1)[0].replace("~1", "/").replace("~0", "~"))
            stack.extend(cur.values())
        elif isinstance(cur, list):
            stack.extend(cur)
    return out


def _remember_parts(docs: Documents, findings: list[dict[str, Any]]) -> None:
    data = docs.main.data
    if len(docs.files) > 1 or not isinstance(data, dict) or "openapi" not in data:
        return
    try:
        p = _parts_file(docs)
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps({"format": _PARTS_FORMAT, "parts": _split_parts(data), "findings": findings}))
        os.replace(tmp, p)
    except OSError:
        pass


class Validation:
    """Validation started early and collected later.

    In order of preference: the cached result for exactly these inputs; an incremental run
    that re-validates only what changed since the last full run of the same file (not with
    --strict, where only a full run will do); a full run in a forked child process, so the
    seconds-long meta-schema check overlaps rendering and formatting."""

    def __init__(self, docs: Documents, use_cache: bool = True, background: bool = True, strict: bool = False):
        self.docs = docs
        self.use_cache = use_cache
        self.full = True
        self.incremental = use_cache and not strict
        self.findings: list[dict[str, Any]] | None = _cached(docs) if use_cache else None
        self._proc: Any = None
        self._conn: Any = None
        if self.findings is None and background and hasattr(os, "fork"):
            import multiprocessing

            ctx = multiprocessing.get_context("fork")
            self._conn, child = ctx.Pipe(duplex=False)
            self._proc = ctx.Process(target=_child, args=(docs, child, self.incremental), daemon=True)
            self._proc.start()
            child.close()

    def result(self) -> list[dict[str, Any]]:
        """The findings, waiting for the child if it is still working."""
        computed = self.findings is None
        if self.findings is None and self._proc is not None:
            try:
                self.findings, self.full = self._conn.recv()
            except (EOFError, OSError):
                self.findings = None  # the child died: validate here instead
            self._proc.join()
            self._conn.close()
            self._proc = None
        if self.findings is None:
            self.findings, self.full = _compute(self.docs, self.incremental)
        if self.use_cache and computed and self.full:
            _store(self.docs, self.findings)
            _remember_parts(self.docs, self.findings)
        return self.findings

    def cancel(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.join()
            self._proc = None


def _compute(docs: Documents, incremental: bool) -> tuple[list[dict[str, Any]], bool]:
    """(findings, whether they come from a full run)."""
    found = _incremental(docs) if incremental else None
    if found is not None:
        return found, False
    return _findings(docs), True


def _child(docs: Documents, conn: Any, incremental: bool) -> None:
    try:
        conn.send(_compute(docs, incremental))
    except BaseException:
        pass  # silent: the parent validates again itself
    finally:
        conn.close()


def report(findings: list[dict[str, Any]], docs: Documents, diags: Diagnostics, strict: bool = False) -> int:
    """Record findings as diagnostics (errors when `strict`); returns their count."""
    severity = "error" if strict else "warning"
    for f in findings[:_MAX_REPORTED]:
        diags.add(
            severity,  # type: ignore[arg-type]
            "invalid-openapi",
            f["message"],
            hint="fix the spec here; specgen continues without --strict" if not strict else "fix the spec here, or run without --strict to continue with warnings",
            file=docs.main.name,
            pointer=f["pointer"],
        )
    if len(findings) > _MAX_REPORTED:
        diags.add(severity, "invalid-openapi", f"... and more validation findings ({len(findings)} shown at most {_MAX_REPORTED})", file=docs.main.name)  # type: ignore[arg-type]
    return len(findings)


def validate(docs: Documents, diags: Diagnostics, strict: bool = False, use_cache: bool = True) -> int:
    """Validate the main spec now; record findings (errors when `strict`). Returns the count."""
    return report(Validation(docs, use_cache, background=False, strict=strict).result(), docs, diags, strict)
