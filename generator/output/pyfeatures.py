"""The syntax features black looks for (`black.get_features_used`), read from Python's own C
parser (`ast`) instead of black's: black's parse of a chunk costs as much as a fifth of
formatting it, `ast.parse` about a tenth of that.

Black picks a file's target versions from these features, so a chunk formatted alone must be
told the versions of its whole file. Where `ast` cannot tell a feature's presence from its
absence (parentheses and trailing commas it drops, syntax newer than this Python), the answer
is None and the caller asks black itself: never a guess. tests/test_format.py proves the
result equals black's own detection on every generated target.
"""

from __future__ import annotations

import ast
import re
from typing import Iterable

# black's Feature names
_FUTURE_FLAGS = {"annotations": "FUTURE_ANNOTATIONS"}
_DEBUG_FSTRING = re.compile(r"=\s*(![a-z]\s*)?[:}]")  # f"{x=}", f"{x = !r:>5}": may be one
_WITH_PARENS = re.compile(rb"\bwith\s*\(")
_NUMBER = re.compile(rb"[0-9.][0-9a-zA-Z_.+-]*")  # a literal's text (signs are operators)


class _Unsure(Exception):
    """ast cannot decide a feature for this text: black must be asked."""


def _after(lines: list[bytes], line: int, col: int) -> bytes:
    """The first byte of code after (line, col) (ast's 1-based line, UTF-8 byte column), past
    blanks, line continuations and comments; b"" at the end."""
    i = line - 1
    rest = lines[i][col:] if i < len(lines) else b""
    while True:
        stripped = rest.lstrip(b" \t\f\\\r\n")
        if stripped and not stripped.startswith(b"#"):
            return stripped[:1]
        i += 1
        if i >= len(lines):
            return b""
        rest = lines[i]


def _end(node: ast.AST) -> tuple[int, int]:
    return (getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0)


def _trailing_comma(lines: list[bytes], parts: Iterable[ast.AST]) -> bool:
    """Whether a comma follows the last of `parts` (the items of one argument list)."""
    ends = [_end(p) for p in parts]
    if not ends:
        return False
    line, col = max(ends)
    return _after(lines, line, col) == b","


def _simple_decorator(node: ast.expr) -> bool:
    """black's is_simple_decorator_expression, on ast: a dotted name, optionally called."""
    if isinstance(node, ast.Call):
        node = node.func
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def _def_parts(a: ast.arguments) -> list[ast.AST]:
    return [*a.posonlyargs, *a.args, *a.defaults, *([a.vararg] if a.vararg else []), *a.kwonlyargs, *(d for d in a.kw_defaults if d is not None), *([a.kwarg] if a.kwarg else [])]


# the node types _features_of looks at: every other node is only walked through
_WATCHED = frozenset(
    {
        ast.JoinedStr, ast.Constant, ast.NamedExpr, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.Call, ast.ClassDef,
        ast.Subscript, ast.Match, ast.TryStar, ast.Return, ast.Yield, ast.AnnAssign, ast.With, ast.AsyncWith,
    }
)  # fmt: skip


def _watched(tree: ast.AST) -> list[ast.AST]:
    """The nodes under `tree` of a `_WATCHED` type: the nodes ast.walk gives, depth first, in a
    loop with no generator per node (twice as fast on a generated client, where this walk was
    most of the features' cost)."""
    out: list[ast.AST] = []
    stack: list[ast.AST] = [tree]
    pop, push, keep, AST = stack.pop, stack.append, out.append, ast.AST
    while stack:
        node = pop()
        if type(node) in _WATCHED:
            keep(node)
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, AST):
                        push(item)
            elif isinstance(value, AST):
                push(value)
    return out


def _features_of(tree: ast.Module, text: str) -> set[str]:
    lines = text.encode("utf-8").splitlines(keepends=True) or [b""]  # as ast counts lines
    found: set[str] = set()
    for node in _watched(tree):
        if isinstance(node, ast.JoinedStr):
            found.add("F_STRINGS")
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float, complex):
            line = lines[node.lineno - 1] if node.lineno == node.end_lineno else b""
            seg = _NUMBER.fullmatch(line[node.col_offset : node.end_col_offset])
            if seg is None:
                raise _Unsure  # not where ast says (3.11's positions inside f-strings)
            if b"_" in seg.group():
                found.add("NUMERIC_UNDERSCORES")
        elif isinstance(node, ast.NamedExpr):
            found.add("ASSIGNMENT_EXPRESSIONS")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            a = node.args
            if a.posonlyargs:
                found.add("POS_ONLY_ARGUMENTS")
            if a.vararg is not None and isinstance(a.vararg.annotation, ast.Starred):
                found.add("VARIADIC_GENERICS")
            if not isinstance(node, ast.Lambda):
                if any(not _simple_decorator(d) for d in node.decorator_list):
                    found.add("RELAXED_DECORATORS")
                # `*`, `*args` or `**kw` in a parameter list that ends in a comma
                if (a.vararg or a.kwarg or a.kwonlyargs) and _trailing_comma(lines, _def_parts(a)):
                    found.add("TRAILING_COMMA_IN_DEF")
        elif isinstance(node, (ast.Call, ast.ClassDef)):
            args = node.args if isinstance(node, ast.Call) else node.bases
            starred = any(isinstance(x, ast.Starred) for x in args) or any(k.arg is None for k in node.keywords)
            if starred and _trailing_comma(lines, [*args, *node.keywords]):
                found.add("TRAILING_COMMA_IN_CALL")
            if isinstance(node, ast.ClassDef) and any(not _simple_decorator(d) for d in node.decorator_list):
                found.add("RELAXED_DECORATORS")
        elif isinstance(node, ast.Subscript):
            s = node.slice
            if isinstance(s, ast.Starred) or (isinstance(s, ast.Tuple) and any(isinstance(e, ast.Starred) for e in s.elts)):
                raise _Unsure  # `x[*a]` or `x[(*a,)]`: ast drops the parentheses
        elif isinstance(node, ast.Match):
            found.add("PATTERN_MATCHING")
        elif isinstance(node, ast.TryStar):
            found.add("EXCEPT_STAR")
        elif isinstance(node, (ast.Return, ast.Yield)) and isinstance(node.value, ast.Tuple):
            if any(isinstance(e, ast.Starred) for e in node.value.elts):
                raise _Unsure  # `return *a, b` or `return (*a, b)`: ast drops the parentheses
        elif isinstance(node, ast.AnnAssign) and isinstance(node.value, ast.Tuple):
            raise _Unsure  # `x: T = 1, 2` or `x: T = (1, 2)`: likewise
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            if _WITH_PARENS.search(lines[node.lineno - 1]):
                raise _Unsure  # `with (a as b):` or `with (a):`
    if "F_STRINGS" in found and _DEBUG_FSTRING.search(text):
        raise _Unsure  # ast reads f"{x=}" as f"x={x!r}"
    if "@" in text and re.search(r"@\s*\(", text):
        raise _Unsure  # `@(name)`: ast drops the parentheses black counts
    return found


def future_imports(tree: ast.Module) -> set[str]:
    """black's get_future_imports: the leading `from __future__ import` names, past docstrings."""
    names: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
            continue
        if not (isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__" and stmt.level == 0):
            break
        names.update(a.name for a in stmt.names)
    return names


def features_used(text: str) -> set[str] | None:
    """black's Feature names for this source (with the __future__ flags it imports), or None
    where only black's own parse can tell."""
    try:
        tree = ast.parse(text)
        found = _features_of(tree, text)
    except (SyntaxError, ValueError, RecursionError, MemoryError, _Unsure):
        return None
    return found | {_FUTURE_FLAGS[f] for f in future_imports(tree) if f in _FUTURE_FLAGS}
