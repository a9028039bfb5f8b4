"""Config: the `[tool.specgen]` table of pyproject.toml, checked key by key.

Every mistake is a UsageError (exit 2) naming the file, the table and the key, and for a
misspelled key the closest valid one: a config that is silently ignored is worse than none.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import UsageError

_FORMATTERS = ("black", "ruff", "none")

# every key each table accepts: {key: (required, what it holds)}; README's Configuration section documents each
TOOL_KEYS: dict[str, tuple[bool, str]] = {
    "output": (False, "folder the targets are generated into, relative to pyproject.toml (default: generated)"),
    "targets": (False, "the array of [[tool.specgen.targets]] tables"),
    "diffs": (False, "the array of [[tool.specgen.diffs]] tables"),
}
TARGET_KEYS: dict[str, tuple[bool, str]] = {
    "name": (True, "the output folder's name under `output`"),
    "spec": (True, "the spec file, relative to pyproject.toml"),
    "package": (False, "the client package's name (default: from the spec's title)"),
    "formatter": (False, "black (default), ruff or none"),
    "api_key_env": (False, "the environment variable the client reads its API key from (default: <PACKAGE>_API_KEY)"),
    "tools_profile": (False, "the shape of tools/tools.json: generic (default), openai-strict or anthropic"),
    "tools_include": (False, "only these operations become tools and MCP tools: a list of tag:NAME, path:GLOB or op:GLOB"),
    "tools_exclude": (False, "leave these operations out of tools and MCP tools (same selectors)"),
    "mcp_mode": (False, "the MCP server's default: auto (default), tools or search"),
}
DIFF_KEYS: dict[str, tuple[bool, str]] = {
    "name": (True, "the report's file name: <output>/diffs/<name>.md"),
    "old": (True, "the old spec: a file or git:REV:path"),
    "new": (True, "the new spec: a file or git:REV:path"),
    "title": (False, "the report's heading (default: the name)"),
}


@dataclass(frozen=True)
class Target:
    """One configured target: a spec in, generated/<name>/ out."""

    name: str
    spec: Path  # absolute
    spec_label: str  # as written in pyproject.toml (relative to the repo root)
    package: str | None
    formatter: str
    api_key_env: str | None
    out: Path  # absolute: <root>/generated/<name>
    # the tools and MCP artifacts (issue 18): profile, selectors, MCP server mode
    tools: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Project:
    root: Path
    targets: tuple[Target, ...]
    output_dir: Path
    diffs: tuple[tuple[str, str, str, str], ...]  # (name, old spec, new spec, title)


def find_pyproject(start: Path | None = None) -> Path:
    """The nearest pyproject.toml with a [tool.specgen] table, from `start` upwards."""
    here = (start or Path.cwd()).absolute()
    for d in (here, *here.parents):
        p = d / "pyproject.toml"
        if p.is_file():
            if "specgen" in _read(p).get("tool", {}):
                return p
    raise UsageError("no pyproject.toml with a [tool.specgen] table here or above; run from your project folder or use `specgen generate`")


def _read(p: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise UsageError(f"{p}: cannot read it: {e.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise UsageError(f"{p}: not valid TOML: {e}") from None


def check_keys(table: Any, allowed: dict[str, tuple[bool, str]], where: str) -> dict[str, Any]:
    """`table` as a dict holding only known keys and every required one; a UsageError naming
    the key, the table and the closest valid key otherwise."""
    if not isinstance(table, dict):
        raise UsageError(f"{where} must be a table, not {type(table).__name__}")
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            raise UsageError(f"{where}: unknown key `{key}`{hint} (valid keys: {', '.join(allowed)})")
    for key, (required, what) in allowed.items():
        if required and key not in table:
            raise UsageError(f"{where}: `{key}` is missing ({what})")
    return table


def _string(table: dict[str, Any], key: str, where: str) -> str | None:
    value = table.get(key)
    if value is not None and (not isinstance(value, str) or not value):
        raise UsageError(f"{where}: `{key}` must be a non-empty string, not {value!r}")
    return value


def _plain_name(name: str, where: str, seen: set[str]) -> None:
    if name in seen or "/" in name or "\\" in name or name.startswith(".") or name in ("diffs",):
        raise UsageError(f"{where}: name {name!r} is repeated, reserved or not a plain folder name")
    seen.add(name)


def _tables(cfg: dict[str, Any], key: str, where: str) -> list[Any]:
    raw = cfg.get(key, [])
    if not isinstance(raw, list):
        raise UsageError(f"{where}: `{key}` must be an array of tables ([[tool.specgen.{key}]])")
    return raw


def load_project(start: Path | None = None) -> Project:
    """Read and check the targets and diffs; every mistake is a UsageError naming the key."""
    path = find_pyproject(start)
    root = path.parent
    cfg = check_keys(_read(path)["tool"]["specgen"], TOOL_KEYS, f"{path}: [tool.specgen]")
    out_dir = root / (_string(cfg, "output", f"{path}: [tool.specgen]") or "generated")
    targets = []
    seen: set[str] = set()
    for i, raw in enumerate(_tables(cfg, "targets", f"{path}: [tool.specgen]")):
        where = f"{path}: [[tool.specgen.targets]] #{i + 1}"
        t = check_keys(raw, TARGET_KEYS, where)
        name, spec = str(_string(t, "name", where)), str(_string(t, "spec", where))
        where = f"{path}: [[tool.specgen.targets]] {name!r}"
        _plain_name(name, where, seen)
        formatter = _string(t, "formatter", where) or "black"
        if formatter not in _FORMATTERS:
            raise UsageError(f"{where}: `formatter` must be one of {', '.join(_FORMATTERS)}, not {formatter!r}")
        targets.append(
            Target(
                name=name,
                spec=(root / spec).resolve(),
                spec_label=spec,
                package=_string(t, "package", where),
                formatter=formatter,
                api_key_env=_string(t, "api_key_env", where),
                out=out_dir / name,
                tools=_tools_options(t, where),
            )
        )
    diffs = []
    names: set[str] = set()
    for i, raw in enumerate(_tables(cfg, "diffs", f"{path}: [tool.specgen]")):
        where = f"{path}: [[tool.specgen.diffs]] #{i + 1}"
        d = check_keys(raw, DIFF_KEYS, where)
        name = str(_string(d, "name", where))
        _plain_name(name, f"{path}: [[tool.specgen.diffs]] {name!r}", names)
        old, new = str(_string(d, "old", where)), str(_string(d, "new", where))
        diffs.append((name, old, new, _string(d, "title", where) or name))
    return Project(root, tuple(targets), out_dir, tuple(diffs))


_TOOLS_PROFILES = ("generic", "openai-strict", "anthropic")
_MCP_MODES = ("auto", "tools", "search")


def _tools_options(t: dict[str, object], where: str) -> dict[str, object]:
    """`tools_profile`, `tools_include`, `tools_exclude` and `mcp_mode` of a target, checked."""
    out: dict[str, object] = {}
    profile = t.get("tools_profile", "generic")
    if profile not in _TOOLS_PROFILES:
        raise UsageError(f"{where}: tools_profile must be one of {', '.join(_TOOLS_PROFILES)}")
    out["tools_profile"] = profile
    for key in ("tools_include", "tools_exclude"):
        v = t.get(key, [])
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise UsageError(f"{where}: {key} must be a list of selectors (tag:NAME, path:GLOB, op:GLOB)")
        out[key] = list(v)
    mode = t.get("mcp_mode", "auto")
    if mode not in _MCP_MODES:
        raise UsageError(f"{where}: mcp_mode must be one of {', '.join(_MCP_MODES)}")
    out["mcp_mode"] = mode
    return out
