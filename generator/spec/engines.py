"""The two validation engines behind `validate.py`, and the choice between them.

- the reference, openapi-spec-validator (its plain-Python jsonschema backend, whatever else is
  installed): it decides with `--strict`, and wherever the fast engine declines;
- the fast engine, openapi-spec-validator-rs, a rule-for-rule Rust port of the reference that
  takes a fraction of a second where the reference takes seconds (13 s on a 3 MB spec).

The fast engine answers only where it agrees with the reference, finding for finding and in
the same order (tests/test_validate_corpus.py proves it on every spec of ../shared/corpus):
it declines (None) when it is not installed, when validation aborts (the port raises before
yielding, the reference yields the findings before the abort), and when a spec names a format
whose check the port leaves out (`idn-hostname`, which jsonschema checks through `idna`).
Neither engine ever fetches a remote `$ref`: specgen refuses them, and so do they here.
"""

from __future__ import annotations

import functools
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Literal

from ..diagnostics import join_pointer
from . import base_uri
from .load import Documents

Engine = Literal["fast", "reference"]
Finding = dict[str, Any]
# where an error with a path relative to the schema being checked lies in the document:
# (that path, the offending value, the node that holds the path's first key or None) -> a JSON
# pointer, or None (validate.py's _Finder)
Locate = Callable[[list[Any], Any, Any], "str | None"]

MAX_FINDINGS = 200
_ROOT_KEYS = {"openapi", "info", "servers", "paths", "components", "security", "tags", "externalDocs", "webhooks", "jsonSchemaDialect", "$self"}
# formats the port does not check as the reference does (found by comparing both on every format)
_UNPORTED_FORMATS = ("idn-hostname",)
_BACKEND_VAR = "OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND"


def short(text: str, limit: int = 300) -> str:
    """One line of at most `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _no_place(path: list[Any], instance: Any, holder: Any = None) -> str | None:
    return None


def _finding(error: Any, locate: Locate) -> Finding:
    """An engine's error as a finding: its message, and a JSON pointer: its path where that is
    rooted in the document, else where `locate` finds it (errors about a sub-schema carry a
    path relative to that schema)."""
    path = list(getattr(error, "absolute_path", []) or [])
    instance = getattr(error, "instance", None)
    schema = getattr(error, "schema", None)
    if not path and isinstance(schema, dict) and "default" in schema and schema["default"] == instance:
        # a schema's `default` checked against that schema: the (empty) path is relative to the
        # value, which lies under the schema's own `default`, not at the document's root
        pointer = locate(["default"], instance, schema)
    elif not path or str(path[0]) in _ROOT_KEYS:
        pointer = join_pointer("", *path)
    else:
        pointer = locate(path, instance, None)
    return {"message": short(getattr(error, "message", str(error))), "pointer": pointer}


def version_of(data: dict[str, Any]) -> Literal["3.0", "3.1", "3.2"]:
    """Which meta-schema the document is checked against: its own minor version (3.0 for an
    unknown one, as 3.0 is the strictest about what it accepts)."""
    minor = str(data.get("openapi", "")).strip()[:4]
    return "3.2" if minor.startswith("3.2") else "3.1" if minor.startswith("3.1") else "3.0"


@contextmanager
def _plain_backend() -> Iterator[None]:
    """The reference with its default jsonschema backend: with jsonschema-rs installed its
    `auto` setting switches backends, and that one reports different findings."""
    before = os.environ.get(_BACKEND_VAR)
    os.environ[_BACKEND_VAR] = "jsonschema"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(_BACKEND_VAR, None)
        else:
            os.environ[_BACKEND_VAR] = before


@functools.cache
def _plain_meta_validator(version: str) -> Any:
    """The meta-schema validator of the jsonschema backend, built here: the library's own is
    built once per process with whichever backend was chosen at its first use, which may have
    been outside `_plain_backend` (another caller in the same process)."""
    from openapi_spec_validator import schemas
    from openapi_spec_validator.schemas.backend.jsonschema import create_validator

    return create_validator({"3.0": schemas.schema_v30, "3.1": schemas.schema_v31, "3.2": schemas.schema_v32}[version])


def reference(data: dict[str, Any], docs: Documents, locate: Locate = _no_place) -> list[Finding]:
    """openapi-spec-validator's findings (the JSON Schema meta-schema's for a bare schema)."""
    out: list[Finding] = []
    if "openapi" not in data:
        from jsonschema.validators import validator_for

        meta = validator_for(data)
        for e in meta(meta.META_SCHEMA).iter_errors(data):
            out.append({"message": e.message, "pointer": join_pointer("", *e.absolute_path)})
        return out
    from jsonschema_path.handlers import default_handlers
    import openapi_spec_validator as osv

    version = version_of(data)
    base = {"3.0": osv.OpenAPIV30SpecValidator, "3.1": osv.OpenAPIV31SpecValidator, "3.2": osv.OpenAPIV32SpecValidator}[version]
    handlers = _LocalOnly(docs, file=default_handlers["file"])
    cls = type(base.__name__, (base,), {"resolver_handlers": handlers, "schema_validator": _plain_meta_validator(version)})
    # a base_uri lets the validator follow relative-file $refs
    base_uri = docs.main.path.resolve().as_uri()
    try:
        with _plain_backend():
            for e in cls(data, base_uri=base_uri).iter_errors():
                out.append(_finding(e, locate))
                if len(out) > MAX_FINDINGS:
                    break
    except RecursionError:
        out.append({"message": "the validator gave up: the spec nests or recurses too deeply", "pointer": None})
    except Exception as e:  # the validator can trip over what load already reported
        out.append({"message": f"the validator stopped early: {type(e).__name__}: {short(str(e))}", "pointer": None})
    return out


def _refuse_remote(url: str) -> bytes:
    raise OSError(f"specgen never fetches a remote $ref ({url})")


def _spec_file(docs: Documents, url: str) -> Path | None:
    """The file of the spec's folder a URL names through a document's `$self` (3.2), if any."""
    selves = {n: s for n, d in docs.files.items() if (s := base_uri.self_of(d.data)) is not None}
    if docs.main.name not in selves:
        return None
    name, _ = base_uri.target_of(url, docs.main.name, docs.main.name, selves)
    path = (docs.root_dir / name).resolve() if name is not None else None
    return path if path is not None and path.is_file() and path.is_relative_to(docs.root_dir.resolve()) else None


def _reader(docs: Documents) -> Callable[[str], bytes]:
    """Reads what a `$self`-relative URL names in the spec's folder; refuses anything else."""

    def read(url: str) -> bytes:
        path = _spec_file(docs, url)
        if path is None:
            return _refuse_remote(url)
        return path.read_bytes()

    return read


class _LocalOnly(dict[str, Any]):
    """The reference's $ref handlers: files only. It downloads with urllib for any scheme it
    has no handler for, so every scheme has one here: `file` reads, a URL under the main
    document's `$self` reads the spec folder's file it names, all else refuses."""

    def __init__(self, docs: Documents, **handlers: Any):
        super().__init__(**handlers)
        self.docs = docs

    def __contains__(self, scheme: object) -> bool:
        return True

    def __missing__(self, scheme: str) -> Any:
        file_handler = self["file"]

        def handle(url: str) -> Any:
            path = _spec_file(self.docs, url)
            return file_handler(path.as_uri()) if path is not None else _refuse_remote(url)

        return handle


def declines(data: dict[str, Any], docs: Documents) -> str | None:
    """Why the fast engine leaves this document to the reference, or None when it can take it."""
    if "openapi" not in data:
        return "a bare JSON Schema (the reference checks it against its meta-schema)"
    try:
        import openapi_spec_validator_rs  # noqa: F401
    except ImportError:
        return "openapi-spec-validator-rs is not installed"
    for fmt in _UNPORTED_FORMATS:
        if any(fmt in d.text for d in docs.files.values()):
            return f"the spec uses format {fmt!r}, which only the reference checks"
    return None


def fast(data: dict[str, Any], docs: Documents, locate: Locate = _no_place) -> list[Finding] | None:
    """openapi-spec-validator-rs's findings, or None where it declines (see `declines`)."""
    if declines(data, docs) is not None:
        return None
    import openapi_spec_validator_rs as rs
    from openapi_spec_validator_rs import handlers

    handlers.retrieve = _reader(docs)  # type: ignore[assignment]  # read at every validation; specgen never downloads
    cls = {"3.0": rs.OpenAPIV30SpecValidator, "3.1": rs.OpenAPIV31SpecValidator, "3.2": rs.OpenAPIV32SpecValidator}[version_of(data)]
    try:
        errors = cls(data, base_uri=docs.main.path.resolve().as_uri()).iter_errors()
        found = [_finding(e, locate) for e in errors]
    except Exception:  # an abort (unresolvable $ref, depth, a crash the reference shares): it decides
        return None
    return found[: MAX_FINDINGS + 1]


def findings(data: dict[str, Any], docs: Documents, strict: bool = False, locate: Locate = _no_place) -> tuple[list[Finding], Engine]:
    """The findings for `data` and which engine gave them: the reference with `strict`, else the
    fast engine wherever it can decide."""
    if not strict:
        found = fast(data, docs, locate)
        if found is not None:
            return found, "fast"
    return reference(data, docs, locate), "reference"
