"""Validate: the findings of openapi-spec-validator (or of its fast Rust port where that one
agrees: see engines.py), turned into diagnostics with JSON pointers.

Real specs fail strict validation (the OpenAI ones do), so findings are warnings unless
`strict`, where the reference decides. Results are cached by the exact validated text, and a
changed spec the fast engine declines re-validates only the parts that changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from typing import Any, Literal

from ..children import stop
from ..diagnostics import Diagnostics, join_pointer
from . import engines
from ..paths import cache_dir, keep
from .load import Documents

_MAX_REPORTED = engines.MAX_FINDINGS
_CACHE_FORMAT = "specgen-validate-9"  # 9: keys YAML read as numbers validated as JSON text (8: a wrong default placed at its `default`)
_PARTS_FORMAT = "specgen-validate-parts-4"


def _findings(docs: Documents, strict: bool = False) -> list[dict[str, Any]]:
    """A full run on the main document; each finding is {message, pointer|None}."""
    data, odd = _as_json(docs.main.data)
    return _key_note(docs.main.data, odd, _findings_for(data, docs, strict)[0])


def _findings_for(data: dict[str, Any], docs: Documents, strict: bool = False) -> tuple[list[dict[str, Any]], engines.Engine]:
    """The findings for `data` and the engine that gave them (see engines.findings)."""
    return engines.findings(data, docs, strict, _Finder(data).find)


class _Finder:
    """Where in the document a finding lies when the validator names a path relative to the
    schema it was checking (it checks each schema on its own): the first node, in document
    order, from which that path leads to the offending value."""

    def __init__(self, data: Any):
        self.data = data
        self.by_key: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        # one walk for every key asked about; a node's pointer is spelled only when it is the answer
        self._dicts: list[tuple[int, dict[str, Any]]] | None = None  # (entry, mapping), document order
        self._up: list[tuple[int, Any]] = [(-1, None)]  # entry -> (its parent's entry, its key or index)

    def _walk(self) -> list[tuple[int, dict[str, Any]]]:
        dicts: list[tuple[int, dict[str, Any]]] = []
        up = self._up
        stack: list[tuple[int, Any]] = [(0, self.data)]
        while stack:
            entry, node = stack.pop()
            if isinstance(node, dict):
                dicts.append((entry, node))
                items: list[tuple[Any, Any]] = list(node.items())
            elif isinstance(node, list):
                items = list(enumerate(node))
            else:
                continue
            for k, v in reversed(items):
                if isinstance(v, (dict, list)):
                    up.append((entry, k))
                    stack.append((len(up) - 1, v))
        return dicts

    def _pointer(self, entry: int) -> str:
        tokens: list[Any] = []
        while entry > 0:
            entry, token = self._up[entry]
            tokens.append(token)
        return join_pointer("", *reversed(tokens))

    def _holding(self, key: str) -> list[tuple[int, dict[str, Any]]]:
        if key not in self.by_key:
            if self._dicts is None:
                self._dicts = self._walk()
            self.by_key[key] = [(entry, node) for entry, node in self._dicts if key in node]
        return self.by_key[key]

    def find(self, path: list[Any], instance: Any, holder: Any = None) -> str | None:
        """With `holder`: the first node equal to it, if one is; else the first node at all. By
        equality, not identity: the Rust port hands back copies, and both engines must place a
        finding alike (two equal schemas with the same wrong default are both placed at the first)."""
        if holder is not None:
            found = self._find(path, instance, holder)
            if found is not None:
                return found
        return self._find(path, instance, None)

    def _find(self, path: list[Any], instance: Any, holder: Any) -> str | None:
        for entry, node in self._holding(str(path[0])):
            if holder is not None and node != holder:
                continue
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
                    return join_pointer(self._pointer(entry), *path)
        return None


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
        return f"{version('openapi-spec-validator')}/{version('jsonschema')}/{version('openapi-spec-validator-rs')}"
    except PackageNotFoundError:
        return "unknown"


def _cached(docs: Documents, strict: bool = False) -> list[dict[str, Any]] | None:
    """Findings stored for exactly these inputs; with `strict` only the reference's will do."""
    try:
        cached = json.loads(_cache_file(docs).read_text())
        if cached.get("format") == _CACHE_FORMAT and (not strict or cached.get("engine") == "reference"):
            return list(cached["findings"])
    except (OSError, ValueError, KeyError):
        pass
    return None


def _store(docs: Documents, findings: list[dict[str, Any]], engine: engines.Engine) -> None:
    keep(_cache_file(docs), json.dumps({"format": _CACHE_FORMAT, "engine": engine, "findings": findings}).encode())


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


def _incremental(docs: Documents, data: Any) -> list[dict[str, Any]] | None:
    """Findings from the last full validation of this file (`data`: its `json_view`),
    re-validating only the path items and component schemas that changed; None when the rest
    of the document changed too."""
    try:
        record = json.loads(_parts_file(docs).read_text())
        if record.get("format") != _PARTS_FORMAT:
            return None
    except (OSError, ValueError):
        return None
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
    fresh, _ = _findings_for(mini, docs)
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
    data = json_view(docs.main.data)  # as `_incremental` will split it
    if len(docs.files) > 1 or not isinstance(data, dict) or "openapi" not in data:
        return
    keep(_parts_file(docs), json.dumps({"format": _PARTS_FORMAT, "parts": _split_parts(data), "findings": findings}).encode())


Source = Literal["cache", "fast", "reference", "incremental"]


class Validation:
    """Validation started early and collected later.

    In order of preference: the cached result for exactly these inputs (with --strict, one the
    reference gave); a full run of the fast engine where it can decide (never with --strict);
    an incremental run that re-validates only what changed since the last full run of the same
    file (not with --strict either); a full run of the reference. Runs happen in a forked child
    process, so a seconds-long reference run overlaps rendering and formatting."""

    def __init__(self, docs: Documents, use_cache: bool = True, background: bool = True, strict: bool = False):
        self.docs = docs
        self.use_cache = use_cache
        self.strict = strict
        self.findings: list[dict[str, Any]] | None = _cached(docs, strict) if use_cache else None
        self.source: Source | None = "cache" if self.findings is not None else None
        self._proc: Any = None
        self._conn: Any = None
        if self.findings is None and background and hasattr(os, "fork"):
            import multiprocessing

            ctx = multiprocessing.get_context("fork")
            self._conn, child = ctx.Pipe(duplex=False)
            self._proc = ctx.Process(target=_child, args=(docs, child, use_cache, strict), daemon=True)
            self._proc.start()
            child.close()

    @property
    def full(self) -> bool:
        """Whether the findings come from a full run (or the cache of one)."""
        return self.source != "incremental"

    def result(self) -> list[dict[str, Any]]:
        """The findings, waiting for the child if it is still working."""
        if self.findings is not None:
            return self.findings
        if self._proc is not None:
            try:
                self.findings, self.source = self._conn.recv()
            except (EOFError, OSError):
                self.findings = None  # the child died: validate here instead
            self._proc.join()
            self._conn.close()
            self._proc = None
        if self.findings is None:
            self.findings, self.source = _compute(self.docs, self.use_cache, self.strict)
            if self.use_cache:
                _keep(self.docs, self.findings, self.source)
        return self.findings

    def cancel(self) -> None:
        if self._proc is not None:
            stop(self._proc)
            self._proc = None


def json_view(value: Any) -> Any:
    """`value` as JSON carries it: a mapping key that YAML read as a number, a boolean or null
    (`200:` unquoted, as OpenAPI says it must not be but real specs write) as its JSON text, so
    that the validators (which take JSON, and stopped at the first such key) read the whole
    spec; the value itself when it has no such key (the usual case: one walk, no copy)."""
    return _as_json(value)[0]


def _as_json(value: Any) -> tuple[Any, int]:
    """(`json_view` of `value`, how many of its keys were not strings)."""
    odd = _odd_count(value)
    return (_rekeyed(value) if odd else value), odd


def _odd_count(value: Any) -> int:
    """How many mapping keys YAML read as numbers, booleans or null."""
    count = 0
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            count += sum(1 for k in node if not isinstance(k, str))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return count


def _first_odd(value: Any) -> str:
    """The JSON pointer of the first such key in document order (a walk that spells pointers,
    taken only when there is one)."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        node, at = stack.pop()
        if isinstance(node, dict):
            for k in node:
                if not isinstance(k, str):
                    return join_pointer(at, _json_key(k))
            stack.extend((v, join_pointer(at, _json_key(k))) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend((v, join_pointer(at, str(i))) for i, v in reversed(list(enumerate(node))))
    return ""


def _key_note(data: Any, count: int, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`findings`, with one more when `count` keys of `data` are YAML numbers (`json_view`)."""
    findings = [f for f in findings if not str(f.get("message", "")).endswith(_KEY_NOTE)]  # a kept one, maybe of another count
    if not count:
        return findings
    return [{"message": f"{count} mapping key{'s are' if count > 1 else ' is'} a YAML number, boolean or null (`200:` unquoted){_KEY_NOTE}", "pointer": _first_odd(data)}, *findings]


_KEY_NOTE = ", which OpenAPI says must be quoted: validated as JSON text"


def _json_key(k: Any) -> str:
    return k if isinstance(k, str) else json.dumps(k) if isinstance(k, (bool, int, float)) or k is None else str(k)


def _rekeyed(node: Any) -> Any:
    if isinstance(node, dict):
        return {_json_key(k): _rekeyed(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_rekeyed(v) for v in node]
    return node


def _compute(docs: Documents, incremental: bool, strict: bool) -> tuple[list[dict[str, Any]], Source]:
    """(findings, where they come from)."""
    data, odd = _as_json(docs.main.data)
    found, source = _engine_findings(docs, data, incremental, strict)
    return _key_note(docs.main.data, odd, found), source


def _engine_findings(docs: Documents, data: Any, incremental: bool, strict: bool) -> tuple[list[dict[str, Any]], Source]:
    locate = _Finder(data).find
    if not strict:
        found = engines.fast(data, docs, locate)
        if found is not None:
            return found, "fast"
        partial = _incremental(docs, data) if incremental else None
        if partial is not None:
            return partial, "incremental"
    return engines.reference(data, docs, locate), "reference"


def _keep(docs: Documents, findings: list[dict[str, Any]], source: Source) -> None:
    """Store the findings of a full run for the next runs (the whole result, and by part)."""
    if source in ("fast", "reference"):
        _store(docs, findings, "fast" if source == "fast" else "reference")
        _remember_parts(docs, findings)


def _child(docs: Documents, conn: Any, incremental: bool, strict: bool) -> None:
    try:
        found = _compute(docs, incremental, strict)
        if incremental:  # the cache is on: stored here, off the parent's path
            _keep(docs, *found)
        conn.send(found)
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
