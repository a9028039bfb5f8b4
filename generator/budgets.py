"""Budgets: every limit on work that a spec's own values could otherwise make unbounded.

A spec is untrusted input: a `minLength`, a `pattern`, a YAML alias or a chain of `$ref`s is a
number or a shape its author chose. Each budget below is the one place its limit is decided;
README "Untrusted specs" lists them, and tests pin each one at the limit and above it. Going over
a budget is never a crash: it is a clear error (load), a degradation with a pointer (normalize),
or a fixture left out with a note in the fixture report (fixtures).
"""

from __future__ import annotations

# ---- reading the document (generator/spec/load.py)

# YAML aliases (`*name`) in one document: real specs use a few hundred at most.
YAML_MAX_ALIASES = 10_000
# Nodes of the document once every alias is expanded: a 500-byte "billion laughs" expands to
# millions of nodes that every later stage (validation, fixtures, JSON output) would walk.
YAML_MAX_EXPANDED_NODES = 5_000_000
# Nesting of a parsed document: deeper documents make recursive readers run out of stack.
DOCUMENT_MAX_DEPTH = 2_000
# Links in a chain of `$ref`s that only point at other `$ref`s: validators follow each chain
# once per reference to it (2,000 links cost minutes).
REF_CHAIN_MAX = 64

# ---- the normalizer (generator/model/context.py)

# Schemas nested inside one another (properties, items, variants, `$ref`s followed the first
# time): deeper ones become `any` with a note, so nothing downstream recurses without end.
# Real specs nest about 20 deep; the generated client builds models innermost first, so this
# can be generous.
SCHEMA_MAX_DEPTH = 500
# Python frames allowed to the recursive walkers (load, normalize, fixtures) of a document
# nested up to the budgets above, about ten frames per level: raised by every entry point (the
# CLI, and the mock a generated test suite starts in its own process), never lowered.
RECURSION_LIMIT = 20_000
# Containers (arrays, maps) nested inline with no named definition in between: at this depth
# the inner type gets a name (an alias), so no generated type expression nests deeper than
# this (Python's parser stops at 200 nested brackets).
INLINE_MAX_DEPTH = 8

# ---- fixtures (generator/artifacts/fixtures/)

# Characters of one synthesized string; a `minLength` above this leaves the fixture out.
FIXTURE_MAX_STRING = 4_096
# Items of one synthesized array (`minItems`) and properties of one object (`minProperties`).
FIXTURE_MAX_ITEMS = 256
FIXTURE_MAX_PROPERTIES = 256
# Nesting of one synthesized value: a required chain deeper than this leaves the fixture out.
FIXTURE_MAX_DEPTH = 48
# Request fixtures of one operation (variants and coverage fixtures included): each becomes two
# generated tests.
FIXTURE_MAX_REQUESTS = 96
# Requests that hold one union variant each; past this, variants share coverage requests.
FIXTURE_MAX_VARIANT_REQUESTS = 40

# ---- regular expressions (generator/patterns.py): fixtures and the mock

# Length of a pattern evaluated at all; longer ones are treated as unevaluable.
PATTERN_MAX_LENGTH = 2_000
# Seconds one evaluation may take with the backtracking fallback engine (patterns RE2 cannot
# run: lookarounds, back-references); a pattern that exceeds it once is not run again.
PATTERN_FALLBACK_SECONDS = 0.05
# Characters of a value matched against a pattern by the fallback engine.
PATTERN_MAX_SUBJECT = 100_000


def allow_deep_recursion() -> None:
    """Raise the interpreter's recursion limit to RECURSION_LIMIT (where it is lower)."""
    import sys

    sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
