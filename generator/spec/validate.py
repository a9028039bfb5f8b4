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
_CACHE_FORMAT = "specgen-validate-4"
_PARTS_FORMAT = "specgen-validate-parts-2"


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
        finder = _Finder(data)
        for e in errors:
            path = list(getattr(e, "absolute_path", []) or [])
            rooted = not path or str(path[0]) in _ROOT_KEYS
            pointer = join_pointer("", *path) if rooted else finder.find(path, getattr(e, "instance", None))
            out.append({"message": _short(getattr(e, "message", str(e))), "pointer": pointer})
            if len(out) > _MAX_REPORTED:
                break
    except RecursionError:
        out.append({"message": "the validator gave up: the spec nests or recurses too deeply", "pointer": None})
    except Exception as e:  # the validator can trip over what load already reported
        out.append({"message": f"the validator stopped early: {type(e).__name__}: {_short(str(e))}", "pointer": None})
    return out


class _Finder:
    """Where in the document a finding lies when the validator names a path relative to the
    schema it was checking (it checks each schema on its own): the first node, in document
    order, from which that path leads to the offending value."""

    def __init__(self, data: Any):
        self.data = data
        self.by_key: dict[str, list[tuple[str, dict[str, Any]]]] = {}

    def _holding(self, key: str) -> list[tuple[str, dict[str, Any]]]:
        if key not in self.by_key:
            found: list[tuple[str, dict[str, Any]]] = []
            stack: list[tuple[str, Any]] = [("", self.data)]
            while stack:
                ptr, node = stack.pop()
                if isinstance(node, dict):
                    if key in node:
                        found.append((ptr, node))
                    stack.extend((join_pointer(ptr, k), v) for k, v in reversed(list(node.items())))
                elif isinstance(node, list):
                    stack.extend((join_pointer(ptr, i), v) for i, v in reversed(list(enumerate(node))))
            self.by_key[key] = found
        return self.by_key[key]

    def find(self, path: list[Any], instance: Any) -> str | None:
        for ptr, node in self._holding(str(path[0])):
            cur: Any = node
            for tok in path:
                if isinstance(cur, dict) and str(tok) in cur:
                    cur = cur[str(tok)]
                elif isinstance(cur, list) and isinstance(tok, int) and tok < len(cur):
                    cur = cur[tok]
                else:
                    break
            else:
                if cur == instance:
                    return join_pointer(ptr, *path)
        return None


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _cache_file(docs: Documents) -> Any:
    """Keyed by the exact bytes of every file validated (their sha256, by name) and by the
    validator's version: a fixed spec never reads an old finding."""
    h = hashlib.sha256(f"{_CACHE_FORMAT}\0{_validator_version()}\0{docs.main.name}\0".encode())
    for name in sorted(docs.files):
        h.update(name.encode() + b"\0" + hashlib.sha256(docs.files[name].text.encode("utf-8")).hexdigest().encode() + b"\0")
    return cache_dir() / "validate" / f"{h.hexdigest()}.json"


def _validator_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{version('openapi-spec-validator')}/{version('jsonschema')}"
    except PackageNotFoundError:
        return "unknown"


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
    if any(not isinstance(f.get("pointer"), str) for f in record["findings"]):
        return None  # a finding without a place cannot be kept or dropped by part: run in full
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
        diags.add(severity, "invalid-openapi", f"... and more validation findings ({len(findings)} shown at most {_MAX_REPORTED})", file=docs.main.name, pointer="")  # type: ignore[arg-type]
    return len(findings)


def validate(docs: Documents, diags: Diagnostics, strict: bool = False, use_cache: bool = True) -> int:
    """Validate the main spec now; record findings (errors when `strict`). Returns the count."""
    return report(Validation(docs, use_cache, background=False, strict=strict).result(), docs, diags, strict)
