"""An independent judge of fixtures: openapi-schema-validator over the raw spec documents.

It reads nothing of the generator's IR that could carry a mistake about meaning: schemas are
found by the JSON pointers the IR records (the place in the document), then validated straight
from the documents with openapi-schema-validator's OAS 3.0 read/write validators (3.0 specs) or
its OAS 3.1 / draft 2020-12 validator (3.1), each with its format checker, `$ref`s resolved by
`referencing` over the loaded files. Every valid fixture must pass; every invalid fixture must fail
at its stated pointer for its stated keyword.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import openapi_schema_validator as osv
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from specgen.artifacts import fixtures
from specgen.model import ir
from specgen.spec.load import Documents

BASE = "file:///spec/"
# the wire forms whose fixtures hold the fields of an object (JSON, forms, multipart, text)
CHECKED_ENCODINGS = ("json", "form", "multipart", "text")


class SpecSchemas:
    """jsonschema validators for schemas named by `file#pointer`, built from the raw documents."""

    def __init__(self, docs: Documents, openapi_version: str):
        self.docs = docs
        self.v30 = openapi_version == "3.0"
        spec = DRAFT4 if self.v30 else DRAFT202012
        self.registry: Any = Registry().with_resources(  # type: ignore[call-arg]
            [(BASE + name, Resource(contents=d.data, specification=spec)) for name, d in docs.files.items()]
        )
        self._validators: dict[tuple[str, str], Any] = {}

    def node(self, where: str) -> Any:
        """The raw node at `file#pointer` (None when there is none)."""
        file, pointer = self.docs.split_where(where)
        doc = self.docs.files.get(file)
        cur: Any = doc.data if doc is not None else None
        for tok in pointer.split("/")[1:] if pointer else []:
            tok = tok.replace("~1", "/").replace("~0", "~")
            if isinstance(cur, dict) and tok in cur:
                cur = cur[tok]
            elif isinstance(cur, list) and tok.isdigit() and int(tok) < len(cur):
                cur = cur[int(tok)]
            else:
                return None
        return cur

    def _validator(self, where: str, side: str) -> Any:
        key = (where, side)
        if key not in self._validators:
            file, pointer = self.docs.split_where(where)
            schema = {"$ref": BASE + file + "#" + pointer.replace("%", "%25")}
            if self.v30:
                cls: Any = osv.OAS30WriteValidator if side == "request" else osv.OAS30ReadValidator
                checker = osv.oas30_format_checker
            else:
                cls, checker = osv.OAS31Validator, osv.oas31_format_checker
            self._validators[key] = cls(schema, registry=self.registry, format_checker=checker)
        return self._validators[key]

    def errors(self, instance: Any, where: str, side: str) -> list[tuple[str, str, str]]:
        """(pointer, keyword, message) of every failure, those inside oneOf/anyOf included."""
        out = []
        stack = list(self._validator(where, side).iter_errors(instance))
        top = len(stack)
        while stack:
            e = stack.pop()
            out.append(("".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in e.absolute_path), str(e.validator), e.message[:200]))
            stack.extend(e.context or ())
        return out if top else []


def param_schema(schemas: SpecSchemas, p: ir.Parameter) -> str | None:
    """Where a parameter's schema stands in the document: `schema`, else its `content` one."""
    raw = schemas.node(p.pointer)  # the parameter object itself (a `$ref`ed one is followed)
    if isinstance(raw, dict) and "schema" in raw:
        return p.pointer + "/schema"
    if isinstance(raw, dict) and isinstance(raw.get("content"), dict) and raw["content"]:
        ct = next(iter(raw["content"]))
        return p.pointer + "/content/" + ct.replace("~", "~0").replace("/", "~1") + "/schema"
    return None  # undeclared (a path parameter the spec forgot): nothing to judge it by


def request_errors(schemas: SpecSchemas, op: ir.Operation, fx: fixtures.OperationFixtures, payload: Any) -> list[tuple[str, str, str]]:
    """Failures of a request fixture: each parameter and the body, pointers into the fixture."""
    out: list[tuple[str, str, str]] = []
    if fx.wrapped:
        for p in op.parameters:
            section = payload.get(p.location, {})
            where = param_schema(schemas, p)
            if p.name in section and where is not None:
                esc = p.name.replace("~", "~0").replace("/", "~1")
                out += [(f"/{p.location}/{esc}{ptr}", kw, msg) for ptr, kw, msg in schemas.errors(section[p.name], where, "request")]
        body, prefix = payload.get("body"), "/body"
    else:
        body, prefix = payload, ""
    if op.body is not None and op.body.encoding in CHECKED_ENCODINGS and body is not None and schemas.node(op.body.pointer) is not None:
        out += [(prefix + ptr, kw, msg) for ptr, kw, msg in schemas.errors(body, op.body.pointer, "request")]
    return out


@dataclass
class Verdict:
    """What the validator said about every fixture of one API."""

    checked: int = 0
    problems: list[str] = field(default_factory=list)
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [checked, failed]

    def count(self, kind: str, failed: bool) -> None:
        row = self.by_kind.setdefault(kind, [0, 0])
        row[0] += 1
        row[1] += int(failed)
        self.checked += 1


def check_all(api: ir.Api, docs: Documents) -> Verdict:
    """Every fixture of every operation judged: valid ones pass, invalid ones fail where they say."""
    schemas = SpecSchemas(docs, api.openapi)
    v = Verdict()
    for op, fx in fixtures.all_fixtures(api):
        enc = op.body.encoding if op.body is not None else "none"
        for name, payload in fx.requests.items():
            errs = request_errors(schemas, op, fx, payload)
            v.count(f"request ({enc})", bool(errs))
            if errs:
                v.problems.append(f"{op.id} request.{name}: {errs[:3]}")
        for status, payload in fx.responses.items():
            r = next(r for r in op.responses if r.status == status)
            errs = schemas.errors(payload, r.pointer, "response")
            v.count("response", bool(errs))
            if errs:
                v.problems.append(f"{op.id} response.{status}: {errs[:3]}")
        for event in fx.stream_events:
            assert op.stream_type is not None
            errs = schemas.errors(event, op.stream_type.pointer, "response")
            v.count("stream event", bool(errs))
            if errs:
                v.problems.append(f"{op.id} stream event: {errs[:3]}")
        for case in fx.invalid:
            errs = request_errors(schemas, op, fx, case.payload)
            # a wrong tag fails the tag's enum/const, or (3.0 explicit discriminator) the union itself
            want = {"enum", "const", "oneOf", "anyOf"} if case.reason == "discriminator" else {case.reason}
            missed = not any(ptr == case.pointer and kw in want for ptr, kw, _ in errs)
            v.count(f"invalid ({enc})" if case.pointer.startswith("/body") or not fx.wrapped else "invalid (parameter)", missed)
            if missed:
                v.problems.append(f"{op.id} invalid/{case.name}: expected {case.reason} at {case.pointer!r}, got {errs[:4]}")
    return v
