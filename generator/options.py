"""What shapes a run's output (recorded in the manifest) and how the run behaves.

Its own light module: `specgen check`'s fast path builds one without importing the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

Formatter = Literal["black", "ruff", "none"]


@dataclass
class Options:
    """What shapes the output (recorded in the manifest) and how the run behaves."""

    package: str | None = None
    formatter: Formatter = "black"
    strict: bool = False
    validate: bool = True
    target: str | None = None
    api_key_env: str | None = None
    spec_label: str | None = None
    quiet: bool = False
    use_cache: bool = True
    progress: Callable[[str], None] | None = None
    tools: dict[str, Any] = field(default_factory=dict)  # tools_profile, tools_include, tools_exclude, mcp_mode

    def recorded(self, package: str, api_key_env: str) -> dict[str, Any]:
        """The options that determine the output, as the manifest records them."""
        out = {"package": package, "formatter": self.formatter, "target": self.target, "api_key_env": api_key_env}
        # recorded only when set, so manifests of targets that don't use them stay as they were
        out.update({k: v for k, v in sorted(self.tools.items()) if v not in (None, [], "generic", "auto")})
        return out

    def adopt(self, manifest: dict[str, Any] | None, spec: Path, given: set[str]) -> None:
        """Take the options OUT was generated with (its manifest) wherever the user gave none
        (`given` names those they gave), so `check --spec` judges a tree by what made it."""
        recorded = manifest.get("options") if manifest is not None else None
        if manifest is None or not isinstance(recorded, dict):
            return
        for key in ("package", "target", "api_key_env"):
            if key not in given and isinstance(recorded.get(key), str):
                setattr(self, key, recorded[key])
        if "formatter" not in given and recorded.get("formatter") in ("black", "ruff", "none"):
            self.formatter = recorded["formatter"]
        for key in ("tools_profile", "tools_include", "tools_exclude", "mcp_mode"):
            if key not in self.tools and key in recorded:
                self.tools[key] = recorded[key]
        label = manifest.get("spec")
        if "spec_label" not in given and isinstance(label, str) and Path(label).name == spec.name:
            self.spec_label = label
