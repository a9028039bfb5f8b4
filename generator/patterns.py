"""Patterns: a spec's `pattern` evaluated in bounded time, for fixtures and for the mock.

A `pattern` is text from an untrusted spec, and Python's `re` backtracks: `^(a+)+$` against forty
`a`s and a `!` runs for hours. So patterns run on RE2 (google-re2: linear in the subject, memory
capped), which covers nearly every pattern real specs write. The few it refuses (lookarounds,
back-references, `\\Z`) run on the `regex` module with a timeout of
`PATTERN_FALLBACK_SECONDS`; a pattern that times out once is remembered and never run again in
the process. `search` answers None when it cannot decide within budget: each caller says what
that means for it (the fixtures leave the value out; the mock accepts the value and says so).

Chosen over the alternatives: `regex` alone bounds each call but not a request of a thousand
strings; `re2` alone refuses lookaheads, which password and identifier patterns use.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from .budgets import PATTERN_FALLBACK_SECONDS, PATTERN_MAX_LENGTH, PATTERN_MAX_SUBJECT

_RE2_MAX_MEM = 8 << 20  # bytes RE2 may spend compiling and running one pattern


@dataclass(frozen=True)
class Pattern:
    """A compiled pattern: `engine` is "re2" or "regex" (the fallback)."""

    source: str
    engine: str
    compiled: Any

    def search(self, subject: str) -> bool | None:
        """Does the pattern match somewhere in `subject` (JSON Schema's `pattern`)? None when
        it cannot be told within budget."""
        if self.engine == "re2":
            return self.compiled.search(subject) is not None
        if self.source in _SLOW or len(subject) > PATTERN_MAX_SUBJECT:
            return None
        try:
            return self.compiled.search(subject, timeout=PATTERN_FALLBACK_SECONDS) is not None
        except TimeoutError:
            _SLOW.add(self.source)
            return None


_SLOW: set[str] = set()  # fallback patterns that ran out of time once


class PatternError(ValueError):
    """The pattern is not a regular expression either engine reads (or is over budget)."""


@functools.lru_cache(maxsize=4096)
def compile_pattern(source: str) -> Pattern:
    """The pattern compiled on RE2, else on the fallback engine; PatternError when neither can."""
    if len(source) > PATTERN_MAX_LENGTH:
        raise PatternError(f"pattern longer than {PATTERN_MAX_LENGTH} characters")
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print every refusal to stderr
    options.max_mem = _RE2_MAX_MEM
    try:
        return Pattern(source, "re2", re2.compile(source, options))
    except Exception:  # re2 raises its own error type for syntax it does not support
        pass
    import regex

    try:
        return Pattern(source, "regex", regex.compile(source))
    except Exception as e:  # regex.error and the odd ValueError/OverflowError on huge repeats
        raise PatternError(str(e)) from None


def search(source: str, subject: str) -> bool | None:
    """`compile_pattern(source).search(subject)`; None when the pattern cannot be evaluated
    (invalid, or over budget)."""
    try:
        return compile_pattern(source).search(subject)
    except PatternError:
        return None
