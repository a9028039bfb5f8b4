"""Render: one Jinja environment (StrictUndefined) and the escaping filters every template
uses. Spec text is untrusted: it reaches generated files only through these filters, which
escape it for its destination (Python string literal, docstring, comment, Markdown, JSON).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import pickle
import re
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, TypeVar

import jinja2
import orjson

from .. import __version__
from ..paths import cache_dir, templates_dir

if TYPE_CHECKING:
    from .incremental import PageCache

T = TypeVar("T")


def _escape_char(c: str) -> str:
    o = ord(c)
    if o < 0x100:
        return f"\\x{o:02x}"
    if o < 0x10000:
        return f"\\u{o:04x}"
    return f"\\U{o:08x}"


def _printable(text: str, keep: str = "") -> str:
    """`text` with every character that is not printable (other than those in `keep`) spelled
    as an escape. Nearly all text is printable already: that is found at C speed, and the
    text returned as it is (a spec's prose is megabytes of characters on a big spec)."""
    probe = text
    for c in keep:
        probe = probe.replace(c, "")
    if probe.isprintable():
        return text
    return "".join(c if (c.isprintable() or c in keep) else _escape_char(c) for c in text)


def py_string(value: Any) -> str:
    """A Python string literal holding `value` exactly (repr escapes quotes and controls)."""
    return repr(str(value))


def py_literal(value: Any) -> str:
    """A Python literal for a JSON value (str, number, bool, None, list, dict); inf/nan safe."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        if value != value:
            return 'float("nan")'
        if value in (float("inf"), float("-inf")):
            return 'float("inf")' if value > 0 else 'float("-inf")'
        return repr(value)
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(py_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_string(k)}: {py_literal(v)}" for k, v in value.items()) + "}"
    return repr(str(value))


_LINE_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def docstring(text: Any, indent: str = "", ends: bool = False) -> str:
    """Text that is safe between triple double quotes: backslashes and quote runs escaped,
    control and separator characters spelled as escapes, lines re-indented.

    `ends`: the closing quotes follow, and the string is a docstring to black (the first
    statement of a module, class or function, at `indent`). Black then puts them on a line of
    their own where the last line would pass 88 columns with them; ruff leaves them, and a
    piece that ruff shaped would need black's second pass (`output/format.py`). Here they get
    the line black gives them, and both formatters keep it."""
    s = str(text or "").strip()
    s = s.replace("\\", "\\\\")
    s = _LINE_BREAKS.sub("\n", s)
    s = _printable(s, keep="\n")
    s = re.sub(r'"(?=")|"$', '\\"', s)
    lines = [ln.rstrip() for ln in s.split("\n")]
    out = ("\n" + indent).join(lines).replace("\n" + indent + "\n", "\n\n")
    # (a text ending in a quote still costs black's second pass: black puts a space before the
    # closing quotes, and ruff takes it away)
    return out + "\n" + indent if ends and _closes_apart(lines, indent) else out


def _closes_apart(lines: list[str], indent: str) -> bool:
    """Whether black moves a docstring's closing quotes to their own line (its visit_STRING):
    several lines, the last one (re-indented to `indent` as black re-indents, padded with a
    space after a quote) plus the quotes over 88 columns, and no backslash before a line break
    (black leaves such a docstring alone)."""
    if len(lines) < 2 or any(ln.endswith("\\") for ln in lines[:-1]):
        return False
    common = min(len(ln) - len(ln.lstrip(" ")) for ln in lines[1:] if ln.strip())
    last = indent + lines[-1][common:]
    return len(last) + last.endswith('"') + 3 > 88


def comment(text: Any) -> str:
    """One line of text safe inside a `#` comment."""
    s = " ".join(_LINE_BREAKS.sub(" ", str(text or "")).split())
    return _printable(s)


def md_text(text: Any) -> str:
    """Markdown paragraph text: raw HTML neutralized."""
    s = _LINE_BREAKS.sub("\n", str(text or "").strip())
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _printable(s, keep="\n\t")


def md_cell(text: Any, limit: int = 400) -> str:
    """A Markdown table cell: one line, pipes escaped, HTML neutralized, long text folded."""
    s = " ".join(_LINE_BREAKS.sub(" ", str(text or "")).split())
    if len(s) > limit:
        s = s[: limit - 1].rstrip() + "…"
    s = s.replace("\\", "\\\\").replace("|", "\\|")
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _printable(s)


def md_code(text: Any) -> str:
    """Inline code in Markdown whatever the text holds (backticks, pipes)."""
    s = " ".join(_LINE_BREAKS.sub(" ", str(text or "")).split())
    s = s.replace("|", "\\|")
    ticks = max((len(m) for m in re.findall(r"`+", s)), default=0)
    fence = "`" * (ticks + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or not s else ""
    return f"{fence}{pad}{_printable(s)}{pad}{fence}"


def to_json(value: Any, indent: int | None = 2) -> str:
    """JSON text; inf/nan become strings since JSON has no spelling for them.

    orjson writes the thousands of fixture and example documents a big spec needs at C speed
    (the standard library's encoder is pure Python once `indent` is set); integers past 64 bits
    go through the standard library, whose output for them is the same every time."""
    safe = _json_safe(value)
    if indent == 2:
        try:
            return orjson.dumps(safe, option=orjson.OPT_INDENT_2).decode("utf-8")
        except TypeError:
            pass
    return json.dumps(safe, indent=indent, ensure_ascii=False, sort_keys=False)


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


FILTERS: dict[str, Callable[..., Any]] = {
    "pystr": py_string,
    "pyliteral": py_literal,
    "docstring": docstring,
    "comment": comment,
    "md": md_text,
    "md_cell": md_cell,
    "md_code": md_code,
    "tojson_safe": to_json,
}


@functools.lru_cache(maxsize=None)
def environment() -> jinja2.Environment:
    """The one Jinja environment; artifact modules add their own filters with `extend`."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates do not change during a run: no stat of the file per page
    )
    env.filters.update(FILTERS)
    env.globals["specgen_version"] = __version__
    return env


class _Compiled(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept for the next run (see `keep_compiled`). A damaged file compiles
    again; a folder that cannot be written only costs the compile."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError, TypeError, pickle.UnpicklingError):
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)  # atomic: a temporary file, then os.replace


def keep_compiled() -> None:
    """Keep compiled templates from now on, as Python keeps compiled modules: in `__pycache__`
    beside the templates (specgen's cache when that cannot be written). What a template compiles
    to depends only on its source, Jinja and Python, never on a spec or the options: Jinja
    checks each file against its template source's checksum (an edited template compiles
    again) and Python's version; the folder names Jinja's version and how templates are read."""
    env = environment()
    if env.bytecode_cache is None:
        # what a template compiles to depends on how the environment reads it too
        read = (env.autoescape, env.keep_trailing_newline, env.trim_blocks, env.lstrip_blocks, env.undefined.__name__)
        syntax = hashlib.sha256(repr(read).encode()).hexdigest()[:12]
        name = f"jinja-{jinja2.__version__}-py{sys.version_info[0]}.{sys.version_info[1]}-{syntax}"
        for folder in (templates_dir() / "__pycache__" / name, cache_dir() / "templates" / name):
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError:
                continue
            if os.access(folder, os.W_OK):
                env.bytecode_cache = _Compiled(str(folder))
                return


@dataclass
class RenderContext:
    """What every artifact renderer gets besides the IR."""

    package: str
    target: str
    spec_label: str  # how the spec is named in headers: a relative path, never absolute
    spec_sha256: str  # only the package's SPEC_SHA256 carries it (and manifest.json)
    api_key_env: str
    options: dict[str, Any] = field(default_factory=dict)
    # the units the last run into the same folder rendered, reused where unchanged (None: render all)
    pages: PageCache | None = field(default=None, compare=False, repr=False)

    def cached(self, artifact: str, unit: str, roots: Iterable[str] | None, make: Callable[[], T], own: Iterable[str] = ()) -> T:
        """`make()`, or its value from the last run when nothing it reads changed: `roots` are
        the definitions it is rendered from (None: it reads anything), `own` those whose prose
        alone it reads (see output/incremental.py)."""
        if self.pages is None:
            return make()
        return self.pages.get(artifact, unit, roots, make, own)

    @property
    def header(self) -> str:
        """The first line of every generated Python file. No hash of the spec: a spec edit then
        rewrites only the files whose content depends on what changed."""
        return comment(f"generated by specgen {__version__} from {self.spec_label}, do not edit")


def render_template(name: str, **values: Any) -> str:
    """Render one template from templates/ with the shared environment."""
    return environment().get_template(name).render(**values)
