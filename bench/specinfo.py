"""What the bench reads from specs and outputs: operation counts, the one-field edit, file digests."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

from harness import HTTP_METHODS, log

# --------------------------------------------------------------------------- spec helpers


def load_yaml(path: Path):
    try:
        import yaml  # type: ignore
    except ImportError:
        return None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, "rb") as f:
        return yaml.load(f, Loader=loader)


def count_spec(path: Path) -> dict:
    """Operations (paths x HTTP methods) and component schema count."""
    doc = None
    try:
        doc = load_yaml(path)
    except Exception as e:  # noqa: BLE001 - a broken spec is data, not a bench crash
        log(f"  YAML load failed for {path.name}: {e}")
    if isinstance(doc, dict):
        ops = 0
        for item in (doc.get("paths") or {}).values():
            if isinstance(item, dict):
                ops += sum(1 for m in HTTP_METHODS if m in item)
        schemas = len((doc.get("components") or {}).get("schemas") or {})
        return {"operations": ops, "schemas": schemas, "method": "yaml"}
    # Fallback without PyYAML: line-based count for block-style specs.
    ops, schemas, section, sub = 0, 0, None, None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line and not line[0].isspace():
            section = line.split(":", 1)[0]
            sub = None
            continue
        m = re.match(r"^( +)([^\s#][^:]*):", line)
        if not m:
            continue
        ind, key = len(m.group(1)), m.group(2).strip().strip("'\"")
        if section == "paths" and ind == 4 and key in HTTP_METHODS:
            ops += 1
        elif section == "components":
            if ind == 2:
                sub = key
            elif ind == 4 and sub == "schemas":
                schemas += 1
    return {"operations": ops, "schemas": schemas, "method": "lines"}


_KEY_RE = re.compile(
    r"^(?P<ind> *)(?P<dash>- +)?(?P<key>[A-Za-z0-9_$.\-]+|\"[^\"]*\"|'[^']*'):(?P<rest>.*)$"
)


def find_property_description(text: str) -> int | None:
    """Index of the first line that is a plain single-line-start `description:` of a schema
    *property* under components/schemas, whose line is unique in the file."""
    lines = text.splitlines()
    counts: dict[str, int] = {}
    for ln in lines:
        counts[ln] = counts.get(ln, 0) + 1
    stack: list[tuple[int, str]] = []
    block_indent = None  # inside a block scalar started by a key at this indent
    for i, ln in enumerate(lines):
        stripped = ln.strip()
        if not stripped or stripped.startswith("#"):
            continue
        ind_raw = len(ln) - len(ln.lstrip(" "))
        if block_indent is not None:
            if ind_raw > block_indent:
                continue
            block_indent = None
        m = _KEY_RE.match(ln)
        if not m:
            continue
        ind = len(m.group("ind")) + (len(m.group("dash")) if m.group("dash") else 0)
        key = m.group("key").strip("'\"")
        rest = m.group("rest").strip()
        while stack and stack[-1][0] >= ind:
            stack.pop()
        value = re.sub(
            r"^[&!]\S+\s*", "", rest
        )  # drop anchor / tag for block detection
        if value[:1] in ("|", ">"):
            block_indent = ind
        keys = [k for _, k in stack]
        if (
            key == "description"
            and len(keys) >= 4
            and keys[0] == "components"
            and keys[1] == "schemas"
            and keys[-2] == "properties"
            and rest
            and rest[0] not in "|>&*!'\"{[#"
            and " #" not in rest
            and counts[ln] == 1
        ):
            return i
        stack.append((ind, key))
    return None


def _diff_count(a, b, limit: int = 5) -> int:
    if type(a) is not type(b):
        return 1
    if isinstance(a, dict):
        n = 0
        for k in a.keys() | b.keys():
            if k not in a or k not in b:
                n += 1
            else:
                n += _diff_count(a[k], b[k], limit)
            if n >= limit:
                return n
        return n
    if isinstance(a, list):
        if len(a) != len(b):
            return 1
        n = 0
        for x, y in zip(a, b):
            n += _diff_count(x, y, limit)
            if n >= limit:
                return n
        return n
    return 0 if a == b else 1


def make_edited_copy(src: Path, dst: Path) -> dict:
    """Copy src to dst (outside git: bench/work/), return info for the later edit."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return {"path": str(dst)}


def apply_one_field_edit(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    idx = find_property_description(text)
    if idx is None:
        return {
            "ok": False,
            "error": "no unique plain property description under components/schemas",
        }
    lines = text.split("\n")
    before = lines[idx]
    lines[idx] = before.rstrip() + " (edited)"
    new_text = "\n".join(lines)
    info = {
        "ok": True,
        "line": idx + 1,
        "before": before.strip(),
        "after": lines[idx].strip(),
    }
    # Verify it still parses and changes exactly one field (when PyYAML is available).
    try:
        import yaml  # type: ignore

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        d = _diff_count(
            yaml.load(text, Loader=loader), yaml.load(new_text, Loader=loader)
        )
        info["fields_changed"] = d
        if d != 1:
            return {
                "ok": False,
                "error": f"edit changed {d} fields, expected 1",
                **info,
            }
    except ImportError:
        info["fields_changed"] = "unverified (no PyYAML)"
    except Exception as e:  # noqa: BLE001
        return {"ok": False, "error": f"edited spec no longer parses: {e}", **info}
    path.write_text(new_text, encoding="utf-8")
    return info


def tree_digest(root: Path) -> dict[str, str]:
    out = {}
    if root.is_dir():
        for p in sorted(root.rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts:
                out[str(p.relative_to(root))] = hashlib.sha1(p.read_bytes()).hexdigest()
    return out


# --------------------------------------------------------------------------- output counting


def ours_ops(out: Path) -> dict:
    cands = (
        [out / "manifest.json"]
        if (out / "manifest.json").exists()
        else sorted(out.rglob("manifest.json"))
    )
    if not cands:
        return {"ops_generated": None, "skipped": None, "note": "no manifest.json"}
    try:
        man = json.loads(cands[0].read_text())
        return {
            "ops_generated": len(man.get("operations", [])),
            "skipped": len(man.get("skipped", [])),
            "manifest": str(cands[0]),
        }
    except (OSError, ValueError) as e:
        return {
            "ops_generated": None,
            "skipped": None,
            "note": f"bad manifest.json: {e}",
        }


def opc_ops(out: Path, logs_text: str) -> dict:
    files = [p for p in out.glob("*/api/**/*.py") if p.name != "__init__.py"]
    # openapi-python-client reports each dropped endpoint as
    # "WARNING parsing <METHOD> <path> within <tag>. Endpoint will not be generated."
    warned = len(re.findall(r"Endpoint will not be generated", logs_text))
    warnings = len(re.findall(r"^WARNING", logs_text, re.MULTILINE))
    return {
        "ops_generated": len(files) if out.exists() else None,
        "skipped": warned,
        "warnings": warnings,
    }


def dmc_models(out_file: Path) -> dict:
    if not out_file.exists():
        return {"models": None}
    text = out_file.read_text(encoding="utf-8", errors="replace")
    return {
        "models": len(re.findall(r"^class \w+", text, re.MULTILINE)),
        "output_bytes": out_file.stat().st_size,
    }


