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


def validate(docs: Documents, diags: Diagnostics, strict: bool = False, use_cache: bool = True) -> int:
    """Validate the main spec; record findings (errors when `strict`). Returns the count."""
    key = docs.combined_sha256()
    cache_file = cache_dir() / "validate" / f"{key}.json"
    findings: list[dict[str, Any]] | None = None
    if use_cache:
        try:
            cached = json.loads(cache_file.read_text())
            if cached.get("format") == _CACHE_FORMAT:
                findings = cached["findings"]
        except (OSError, ValueError, KeyError):
            findings = None
    if findings is None:
        findings = _findings(docs)
        if use_cache:
            try:
                cache_file.parent.mkdir(parents=True, exist_ok=True)
                tmp = cache_file.with_suffix(f".tmp{os.getpid()}")
                tmp.write_text(json.dumps({"format": _CACHE_FORMAT, "findings": findings}))
                os.replace(tmp, cache_file)
            except OSError:
                pass
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
