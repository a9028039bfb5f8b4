"""Config: the `[tool.specgen]` targets of pyproject.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import UsageError

_FORMATTERS = ("black", "ruff", "none")


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
            try:
                data = tomllib.loads(p.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as e:
                raise UsageError(f"{p}: cannot read it as TOML: {e}") from None
            if "specgen" in data.get("tool", {}):
                return p
    raise UsageError("no pyproject.toml with a [tool.specgen] table here or above; run from your project folder or use `specgen generate`")


def load_project(start: Path | None = None) -> Project:
    """Read and check the targets; every mistake is a UsageError naming the key."""
    path = find_pyproject(start)
    root = path.parent
    cfg = tomllib.loads(path.read_text(encoding="utf-8"))["tool"]["specgen"]
    out_dir = root / str(cfg.get("output", "generated"))
    raw = cfg.get("targets", [])
    if not isinstance(raw, list):
        raise UsageError(f"{path}: [tool.specgen] targets must be an array of tables ([[tool.specgen.targets]])")
    targets = []
    seen: set[str] = set()
    for i, t in enumerate(raw):
        where = f"{path}: [[tool.specgen.targets]] #{i + 1}"
        if not isinstance(t, dict) or not isinstance(t.get("name"), str) or not isinstance(t.get("spec"), str):
            raise UsageError(f"{where} needs `name` and `spec` strings")
        name = t["name"]
        if name in seen or not name or "/" in name or name.startswith("."):
            raise UsageError(f"{where}: target name {name!r} is empty, repeated or not a plain folder name")
        seen.add(name)
        formatter = t.get("formatter", "black")
        if formatter not in _FORMATTERS:
            raise UsageError(f"{where}: formatter must be one of {', '.join(_FORMATTERS)}")
        tools = _tools_options(t, where)
        targets.append(
            Target(
                name=name,
                spec=(root / t["spec"]).resolve(),
                spec_label=t["spec"],
                package=t.get("package"),
                formatter=formatter,
                api_key_env=t.get("api_key_env"),
                out=out_dir / name,
                tools=tools,
            )
        )
    diffs = []
    for i, d in enumerate(cfg.get("diffs", []) if isinstance(cfg.get("diffs", []), list) else []):
        if isinstance(d, dict) and all(isinstance(d.get(k), str) for k in ("name", "old", "new")):
            diffs.append((d["name"], d["old"], d["new"], str(d.get("title", d["name"]))))
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
