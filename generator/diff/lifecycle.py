"""Lifecycle promises: `deprecated` with its `x-sunset` date (the day an item may go), and
`x-stability-level` (draft < alpha < beta < stable: what is promised at all).

Removing a deprecated item before its sunset date breaks as much as removing it without
warning; a sunset date that goes away or moves earlier breaks a plan made on it; a date that
can't be read, or a stability level that isn't one of the four, breaks the gate's ability to
judge. Changes to draft and alpha operations are promised to nobody: they are reported, as
info (`UNSTABLE`)."""

from __future__ import annotations

import datetime as dt
import re

from ..model import ir
from .changes import Acc, Code

STABILITY = ("draft", "alpha", "beta", "stable")
UNSTABLE = frozenset({"draft", "alpha"})
# rules about the promises themselves: never softened for an unstable operation
LIFECYCLE_RULES = frozenset({"stability-invalid", "stability-decreased", "sunset-invalid", "sunset-removed", "sunset-moved-earlier"})
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[Tt ].*)?$")


def sunset_date(text: str | None) -> dt.date | None | bool:
    """The date an `x-sunset` names (YYYY-MM-DD or RFC 3339), None without one, False when it
    is not a date."""
    if text is None:
        return None
    m = _DATE.match(text.strip())
    if m is None:
        return False
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return False


def removal(base: str, dep: ir.Deprecation | None, today: dt.date) -> tuple[str, str]:
    """The rule and message suffix for removing an item (`base`: `operation-removed`,
    `request-parameter-removed`, ...): without deprecation, before its sunset date (or with
    a sunset date that can't be read), or after deprecation."""
    if dep is None:
        return base, ""
    when = sunset_date(dep.sunset)
    if when is False:
        return base + "-before-sunset", f" (its x-sunset {dep.sunset!r} is not a date)"
    if isinstance(when, dt.date) and today < when:
        return base + "-before-sunset", f" before its x-sunset {when.isoformat()}"
    return base + "-after-deprecation", ""


def compare_sunset(od: ir.Deprecation | None, nd: ir.Deprecation | None, path: str, d: str, acc: Acc) -> None:
    """The x-sunset of an item deprecated on the new side (and perhaps already on the old)."""
    if nd is None:
        return
    old = od.sunset if od is not None else None
    new = nd.sunset
    if old == new:
        return
    a, b = sunset_date(old), sunset_date(new)
    if a is False or b is False:
        acc.add("sunset-invalid", path, "x-sunset {0} → {1}: not a date", old, new, old=old, new=new, direction=d)
    elif od is not None and isinstance(a, dt.date) and b is None:
        acc.add("sunset-removed", path, "x-sunset {0} removed", a.isoformat(), old=old, direction=d)
    elif isinstance(a, dt.date) and isinstance(b, dt.date) and b < a:
        acc.add("sunset-moved-earlier", path, "x-sunset {0} → {1}", a.isoformat(), b.isoformat(), old=old, new=new, direction=d)
    else:
        acc.add("sunset-changed", path, "x-sunset {0} → {1}", old, new, old=old, new=new, direction=d)


def compare_stability(old: str | None, new: str | None, path: str, d: str, acc: Acc) -> None:
    """x-stability-level. A level written on one side only promises nothing new (nor takes a
    promise back); one that is not a level at all can't be judged."""
    if old == new:
        return
    a, b = old or "", new or ""
    if (a and a not in STABILITY) or (b and b not in STABILITY):
        acc.add("stability-invalid", path, "x-stability-level {0} → {1}: not one of draft, alpha, beta, stable", Code(str(old)), Code(str(new)), old=old, new=new, direction=d)
    elif not a or not b:
        acc.add("stability-changed", path, "x-stability-level {0} → {1}", old, new, old=old, new=new, direction=d)
    elif a not in STABILITY or b not in STABILITY:
        acc.add("stability-invalid", path, "x-stability-level {0} → {1}: not one of draft, alpha, beta, stable", Code(str(old)), Code(str(new)), old=old, new=new, direction=d)
    elif STABILITY.index(b) < STABILITY.index(a):
        acc.add("stability-decreased", path, "x-stability-level {0} → {1}", a, b, old=old, new=new, direction=d)
    elif STABILITY.index(b) > STABILITY.index(a):
        acc.add("stability-increased", path, "x-stability-level {0} → {1}", a, b, old=old, new=new, direction=d)
