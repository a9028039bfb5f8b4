"""Diagnostics: what went wrong, where (file:line and JSON pointer), and what to do.

Stages collect diagnostics instead of raising; a fatal problem raises SpecError carrying
them, and only the CLI turns them into text and an exit code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Literal

Severity = Literal["error", "warning"]


def escape_pointer_token(token: str) -> str:
    """Escape one JSON pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape_pointer_token(token: str) -> str:
    """Undo escape_pointer_token."""
    return token.replace("~1", "/").replace("~0", "~")


def join_pointer(pointer: str, *tokens: object) -> str:
    """Append tokens (keys or indexes) to a JSON pointer."""
    if len(tokens) == 1:  # the usual call (normalize makes tens of thousands): no generator
        token = str(tokens[0])
        return pointer + "/" + (escape_pointer_token(token) if "~" in token or "/" in token else token)
    return pointer + "".join("/" + escape_pointer_token(str(t)) for t in tokens)


def pointer_ref(pointer: str) -> str:
    """`#pointer` as a `$ref` writes it: a URI fragment, percent-encoded (`%` in a path key
    such as `/%2e%2e/x` stays that text, it is not read as an escape)."""
    from urllib.parse import quote

    return "#" + quote(pointer, safe="/~!$&'()*+,;=:@")


def split_pointer(pointer: str) -> list[str]:
    """Split a JSON pointer (with or without a leading '#') into its tokens."""
    if pointer.startswith("#"):
        pointer = pointer[1:]
    if not pointer:
        return []
    return [unescape_pointer_token(t) for t in pointer.split("/")[1:]]


MISSING: Any = object()  # what `node_at` answers where a pointer leads nowhere


def node_at(data: Any, pointer: str) -> Any:
    """The node a JSON pointer leads to in `data` (through objects and arrays), else MISSING."""
    node = data
    for tok in split_pointer(pointer):
        if isinstance(node, dict) and tok in node:
            node = node[tok]
        elif isinstance(node, list) and tok.isdigit() and int(tok) < len(node):
            node = node[int(tok)]
        else:
            return MISSING
    return node


@dataclass(frozen=True)
class Diagnostic:
    """One finding about a spec: severity, code, message, hint and location."""

    severity: Severity
    code: str
    message: str
    hint: str = ""
    file: str | None = None
    pointer: str | None = None
    line: int | None = None

    def format(self) -> str:
        """Render as `file:line: severity[code]: message (at pointer). hint`."""
        where = self.file or "<spec>"
        if self.line is not None:
            where += f":{self.line}"
        text = f"{where}: {self.severity}[{self.code}]: {self.message}"
        if self.pointer is not None:
            text += f" (at {self.pointer or '/'})"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def as_dict(self) -> dict[str, object]:
        """JSON-friendly form, for `--format json` outputs and tests."""
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
            "file": self.file,
            "line": self.line,
            "pointer": self.pointer,
        }


class SpecError(Exception):
    """A spec problem that stops the pipeline; carries every diagnostic found so far."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


class UsageError(Exception):
    """A problem with how specgen was called (exit code 2), not with the spec."""


class MissingSpec(Exception):
    """`check` was given a spec that does not exist: never "current"."""

    def __init__(self, spec: Path):
        super().__init__(f"{spec}: no such file")
        self.spec = spec


LineLocator = Callable[[str, str], "int | None"]


@dataclass
class Diagnostics:
    """A collector that stages append to; `locate(file, pointer)` fills in line numbers lazily."""

    items: list[Diagnostic] = field(default_factory=list)
    locate: LineLocator | None = None
    _seen: set[tuple[str, str, str | None, str | None]] = field(default_factory=set)

    def add(
        self,
        severity: Severity,
        code: str,
        message: str,
        *,
        hint: str = "",
        file: str | None = None,
        pointer: str | None = None,
        line: int | None = None,
    ) -> Diagnostic:
        """Record a diagnostic (deduplicated by code, message, file and pointer)."""
        key = (code, message, file, pointer)
        diag = Diagnostic(severity, code, message, hint, file, pointer, line)
        if key in self._seen:
            return diag
        self._seen.add(key)
        self.items.append(diag)
        return diag

    def error(self, code: str, message: str, **kw: object) -> Diagnostic:
        """Record an error."""
        return self.add("error", code, message, **kw)  # type: ignore[arg-type]

    def warning(self, code: str, message: str, **kw: object) -> Diagnostic:
        """Record a warning."""
        return self.add("warning", code, message, **kw)  # type: ignore[arg-type]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def with_lines(self) -> list[Diagnostic]:
        """Diagnostics with line numbers filled in where a locator can find them."""
        if self.locate is None:
            return list(self.items)
        out = []
        for d in self.items:
            if d.line is None and d.file is not None and d.pointer is not None:
                line = self.locate(d.file, d.pointer)
                if line is not None:
                    d = Diagnostic(d.severity, d.code, d.message, d.hint, d.file, d.pointer, line)
            out.append(d)
        return out

    def raise_if_errors(self) -> None:
        """Raise SpecError when any error has been recorded."""
        if self.errors:
            raise SpecError(self.with_lines())
