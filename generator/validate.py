"""Validate: openapi-spec-validator (or the JSON Schema meta-schema for bare schemas),
its findings turned into diagnostics with JSON pointers.

Real specs fail strict validation (the OpenAI ones do), so findings are warnings unless
`strict`. Results are cached by the spec's content hash: a 3 MB spec takes seconds to
validate and an unchanged one should not pay that twice.
"""

from __future__ import annotations

import json
import os
from typing import Any

from generator.diagnostics import Diagnostics, join_pointer
from generator.load import Documents, cache_dir

_ROOT_KEYS = {"openapi", "info", "servers", "paths", "components", "security", "tags", "externalDocs", "webhooks", "jsonSchemaDialect"}
_MAX_REPORTED = 200
_CACHE_FORMAT = "specgen-validate-2"


def _findings(docs: Documents) -> list[dict[str, Any]]:
    """Run the validator; each finding is {message, pointer|None}."""
    data = docs.main.data
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


class Validation:
    """Validation started early and collected later: on a cache miss it runs in a forked
    child process so the (seconds-long) meta-schema check overlaps rendering and formatting."""

    def __init__(self, docs: Documents, use_cache: bool = True, background: bool = True):
        self.docs = docs
        self.use_cache = use_cache
        self.findings: list[dict[str, Any]] | None = _cached(docs) if use_cache else None
        self._proc: Any = None
        self._conn: Any = None
        if self.findings is None and background and hasattr(os, "fork"):
            import multiprocessing

            ctx = multiprocessing.get_context("fork")
            self._conn, child = ctx.Pipe(duplex=False)
            self._proc = ctx.Process(target=_child, args=(docs, child), daemon=True)
            self._proc.start()
            child.close()

    def result(self) -> list[dict[str, Any]]:
        """The findings, waiting for the child if it is still working."""
        if self.findings is None and self._proc is not None:
            try:
                self.findings = self._conn.recv()
            except (EOFError, OSError):
                self.findings = None  # the child died: validate here instead
            self._proc.join()
            self._conn.close()
            self._proc = None
        if self.findings is None:
            self.findings = _findings(self.docs)
        if self.use_cache:
            _store(self.docs, self.findings)
        return self.findings

    def cancel(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.join()
            self._proc = None


def _child(docs: Documents, conn: Any) -> None:
    try:
        conn.send(_findings(docs))
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
    return report(Validation(docs, use_cache, background=False).result(), docs, diags, strict)
