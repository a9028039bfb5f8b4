"""Names: the only way spec text becomes a Python identifier or a file name.

Every name is ASCII, a valid identifier, not a keyword, stable (same input, same name) and
made unique by the caller through `Namer`.
"""

from __future__ import annotations

import keyword
import re
import unicodedata

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z0-9]+|[A-Z0-9]+")

# Names a generated module or class body must not shadow.
PY_RESERVED = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | {
    "None", "True", "False", "self", "cls",
}
# names the generated client's modules import beside the API's types (never handed to a schema)
CLIENT_RUNTIME_NAMES = frozenset(
    {"Annotated", "Mapping", "Sequence", "Required", "TypeAlias", "TypeAliasType", "TypedDict", "SyncPage", "AsyncPage", "FileContent", "FileTypes",
     "BinaryResponse", "AsyncBinaryResponse", "JSONLStream", "AsyncJSONLStream"}
)
# pydantic BaseModel attributes a field must not shadow.
MODEL_RESERVED = frozenset(
    {
        "model_config", "model_fields", "model_computed_fields", "model_extra", "model_fields_set",
        "model_construct", "model_copy", "model_dump", "model_dump_json", "model_json_schema",
        "model_parametrized_name", "model_post_init", "model_rebuild", "model_validate",
        "model_validate_json", "model_validate_strings", "dict", "json", "copy", "parse_obj",
        "parse_raw", "parse_file", "from_orm", "construct", "schema", "schema_json", "validate",
        "update_forward_refs", "fields", "to_dict", "to_json",
    }
)


def ascii_fold(text: str) -> str:
    """Transliterate to ASCII where Unicode knows how (é -> e); drop the rest."""
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode("ascii")


def words(text: str) -> list[str]:
    """Split any spelling (camelCase, snake_case, kebab, spaced, dotted) into words."""
    return _WORD.findall(ascii_fold(str(text)))


def snake(text: str, fallback: str = "value") -> str:
    """`createChatCompletion` -> `create_chat_completion`; always a safe identifier."""
    parts = [w.lower() for w in words(text)]
    name = "_".join(parts) or fallback
    return safe_identifier(name, fallback)


def pascal(text: str, fallback: str = "Model") -> str:
    """`chat completion message` -> `ChatCompletionMessage`; always a safe identifier."""
    parts = words(text)
    name = "".join(p[:1].upper() + p[1:] for p in parts) or fallback
    return safe_identifier(name, fallback)


def constant(text: str, fallback: str = "VALUE") -> str:
    """Enum member names: `gpt-4o` -> `GPT_4O`, `GMT+0` -> `GMT_0`."""
    name = "_".join(w.upper() for w in words(text)) or fallback
    return safe_identifier(name, fallback)


def safe_identifier(name: str, fallback: str = "value") -> str:
    """Make any string a valid, non-keyword Python identifier."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", ascii_fold(name))
    if not name or set(name) == {"_"}:
        name = fallback or "value"
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    if name in PY_RESERVED or keyword.iskeyword(name) or keyword.issoftkeyword(name):
        name += "_"
    return name


class Namer:
    """Hands out unique names in one namespace, deterministically: first come keeps the name,
    later ones get `2`, `3`... Reserved names are never handed out."""

    def __init__(self, reserved: frozenset[str] | set[str] = frozenset(), sep: str = ""):
        self.taken: set[str] = set(reserved)
        self.sep = sep

    def claim(self, name: str) -> str:
        if name not in self.taken:
            self.taken.add(name)
            return name
        n = 2
        while f"{name}{self.sep}{n}" in self.taken:
            n += 1
        unique = f"{name}{self.sep}{n}"
        self.taken.add(unique)
        return unique

    def __contains__(self, name: str) -> bool:
        return name in self.taken

    def claim_all(self, wanted: list[tuple[str, str]]) -> dict[str, str]:
        """{key: name} for (key, wanted name) pairs, whatever order they come in: names that are
        the key itself are claimed first, then the rest in order of key, so a collision gives
        the same winner however the document orders its keys."""
        out: dict[str, str] = {}
        ordered = sorted(wanted, key=lambda kw: (kw[1] != kw[0], kw[0]))
        for key, name in ordered:
            if key not in out:
                out[key] = self.claim(name)
        return out


_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def file_stem(text: str, fallback: str = "item", max_len: int = 80) -> str:
    """A file or folder name from spec text: snake case, ASCII, no separators, not a device
    name on Windows, bounded length."""
    stem = snake(text, fallback)[:max_len].strip("_") or fallback
    if stem.lower() in _WINDOWS_RESERVED:
        stem += "_"
    return stem


def module_stem(text: str, fallback: str = "item") -> str:
    """A Python module name from spec text: a file stem that is also importable (`global`,
    a keyword, becomes `global_`)."""
    stem = file_stem(text, fallback)
    return stem + "_" if keyword.iskeyword(stem) or stem in PY_RESERVED else stem
