"""The change record: one `Change` per fact found, the `Acc` a comparison fills, and how spec
values are spelled in messages and field paths."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from typing import Any, Callable

from .rules import RULE_MAP

PairKey = tuple[str, str, str, str]  # (kind, old name, new name, direction)

_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$-]*$")


class Code(str):
    """A message argument shown as code (a name or value from the spec)."""


class Pointer(str):
    """A message argument that is a JSON pointer, shown as code and never cut short."""


class Vals(tuple[Any, ...]):
    """A message argument that is a list of values, each shown as code."""


@dataclass(frozen=True)
class Change:
    """One change: a rule, where (field path), a message template and the values."""

    rule: str
    path: str
    template: str
    args: tuple[Any, ...] = ()
    old: Any = None
    new: Any = None
    direction: str = "both"
    # why a breaking or warning change is only info here (`x-stability-level: alpha`)
    downgraded: str | None = None
    fingerprint: str = ""  # set once the change is placed in its group (`fingerprint`)

    @property
    def severity(self) -> str:
        sev = RULE_MAP[self.rule].severity
        return "info" if self.downgraded is not None else sev

    def message(self, code: Callable[[str], str] | None = None) -> str:
        """The message with its arguments rendered (spec values through `code`)."""
        code = code or plain_code
        return self.template.format(*(_render_arg(a, code) for a in self.args))

    def with_path(self, path: str) -> Change:
        return replace(self, path=path)


def fingerprint(group: str, rule: str, path: str, old: Any, new: Any) -> str:
    """A short id for one change that stays the same from run to run and release to release
    as long as the same thing changes the same way: where (group and field path), the rule,
    and the values before and after. Messages and severities may be reworded freely."""
    text = json.dumps([group, rule, path, old, new], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def show(v: Any) -> str:
    """A spec value as short text."""
    if isinstance(v, str):
        s = v
    else:
        try:
            s = json.dumps(v, sort_keys=True, ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            s = str(v)
    s = " ".join(s.split())
    return s if len(s) <= 80 else s[:77] + "..."


def _render_arg(a: Any, code: Callable[[str], str]) -> str:
    if isinstance(a, Vals):
        shown = [code(show(v)) for v in a[:12]]
        if len(a) > 12:
            shown.append(f"and {len(a) - 12} more")
        return ", ".join(shown)
    if isinstance(a, Pointer):
        return code(" ".join(str(a).split()))
    if isinstance(a, Code):
        return code(show(str(a)))
    if a is None:
        return "none"
    if isinstance(a, bool) or isinstance(a, (int, float)):
        return json.dumps(a)
    if isinstance(a, str):
        return code(show(a))
    return code(show(a))


def plain_code(s: str) -> str:
    return "`" + s.replace("`", "'") + "`"


def jsonable(v: Any) -> Any:
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    return str(v)


class Acc:
    """What one comparison found: changes (paths relative to it) and the named pairs below."""

    __slots__ = ("changes", "children")

    def __init__(self) -> None:
        self.changes: list[Change] = []
        self.children: list[tuple[str, PairKey]] = []

    def add(self, rule: str, path: str, template: str, *args: Any, old: Any = None, new: Any = None, direction: str = "both") -> None:
        assert rule in RULE_MAP, rule
        self.changes.append(Change(rule, path, template, tuple(args), jsonable(old), jsonable(new), direction))


def seg(name: str) -> str:
    """One field-path step: `.name`, or `["name"]` when the name is not an identifier."""
    return "." + name if _IDENT.match(name) else "[" + json.dumps(name, ensure_ascii=False) + "]"


def vkey(v: Any) -> tuple[str, str]:
    """A value as a hashable key, its type part of it."""
    return (type(v).__name__, json.dumps(v, sort_keys=True, default=str))


def canon(v: Any) -> str:
    return json.dumps(v, sort_keys=True, default=str)
