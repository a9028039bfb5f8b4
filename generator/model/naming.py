"""Names: the only way spec text becomes a Python identifier or a file name.

Every name is ASCII, a valid identifier, not a keyword, stable (same input, same name) and
made unique by the caller through `Namer`.
"""

from __future__ import annotations

import builtins
import functools
import keyword
import re
import sys
import unicodedata

# one spec asks for the same names thousands of times (a shared schema named from every use);
# bounded, since the texts are the spec's
NAME_MEMO = 1 << 16

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z0-9]+|[A-Z0-9]+")

# Names a generated module or class body must not shadow.
PY_RESERVED = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | {
    "None", "True", "False", "self", "cls",
}
# names the generated client's modules import beside the API's types (never handed to a schema)
CLIENT_RUNTIME_NAMES = frozenset(
    {
        "Annotated", "Mapping", "Sequence", "Required", "TypeAlias", "TypeAliasType", "TypedDict", "SyncPage", "AsyncPage",
        "FileContent", "FileTypes", "BinaryResponse", "AsyncBinaryResponse", "JSONLStream", "AsyncJSONLStream", "Any", "List",
        "Dict", "Optional", "Union", "Literal", "BaseModel", "Field", "Client", "AsyncClient", "Stream", "AsyncStream",
        "NotGiven", "NOT_GIVEN", "TYPE_CHECKING", "UnknownVariant", "Unknown",
    }
)
# builtins a class name could shadow (`Warning`, `Exception`...): a type never takes one
BUILTIN_NAMES = frozenset(n for n in dir(builtins) if not n.startswith("_"))
# names the annotations and defaults of generated classes use: a field or TypedDict key named
# like one would shadow it inside the class body (`str: Optional[str]` breaks at import)
ANNOTATION_NAMES = CLIENT_RUNTIME_NAMES | {"str", "int", "float", "bool", "bytes"}
# the builtins among them: a field takes one of these names unless its own class spells a type
# with it (`bytes: List[int]` is fine beside `token: str`; `str: Optional[str]` is not)
BUILTIN_TYPE_NAMES = frozenset({"str", "int", "float", "bool", "bytes"})
# names the body of a generated method uses: an argument named like one would shadow it
# (`cast(...)`, `cast_to=str`, the page fetcher's `cursor: object`, the per-call options)
METHOD_BODY_NAMES = ANNOTATION_NAMES | {
    "object", "self", "cls", "cast", "isinstance", "NotGiven", "NOT_GIVEN", "extra_headers", "extra_query",
    "extra_body", "timeout", "next_page", "_fetch", "_base_client", "_pagination", "_response", "_streamed",
}
# attributes of the generated Client a top-level resource must not shadow, and of every resource
CLIENT_ATTRS = frozenset(
    {
        "api_key", "base_url", "timeout", "max_retries", "request", "call", "close", "copy", "with_options", "with_raw_response",
        "with_streaming_response", "get", "post", "put", "patch", "delete", "options", "auth", "http_client",
        "default_headers", "strict_response_validation", "username", "password", "client_id", "client_secret",
        "access_token",
    }
)
RESOURCE_ATTRS = frozenset({"with_raw_response", "with_streaming_response"})
# what an import of the generated package would shadow: the standard library, the client's
# dependencies (and theirs), and the folders beside the package in OUT
_DEPENDENCIES = frozenset(
    {"httpx", "httpcore", "h11", "anyio", "sniffio", "idna", "certifi", "pydantic", "pydantic_core", "annotated_types",
     "typing_extensions", "typing_inspection", "specgen", "mcp", "pytest"}
)
OUT_FOLDERS = frozenset({"docs", "tests", "tools", "fixtures", "mcp", "manifest"})
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
    return _snake(str(text), fallback)


def pascal(text: str, fallback: str = "Model") -> str:
    """`chat completion message` -> `ChatCompletionMessage`; always a safe identifier."""
    return _pascal(str(text), fallback)


def constant(text: str, fallback: str = "VALUE") -> str:
    """Enum member names: `gpt-4o` -> `GPT_4O`, `GMT+0` -> `GMT_0`."""
    return _constant(str(text), fallback)


# memoized on the text (`words` reads any value as its str, so this is the same function)
@functools.lru_cache(maxsize=NAME_MEMO)
def _snake(text: str, fallback: str) -> str:
    parts = [w.lower() for w in words(text)]
    name = "_".join(parts) or fallback
    return safe_identifier(name, fallback)


@functools.lru_cache(maxsize=NAME_MEMO)
def _pascal(text: str, fallback: str) -> str:
    parts = words(text)
    name = "".join(p[:1].upper() + p[1:] for p in parts) or fallback
    return safe_identifier(name, fallback)


@functools.lru_cache(maxsize=NAME_MEMO)
def _constant(text: str, fallback: str) -> str:
    name = "_".join(w.upper() for w in words(text)) or fallback
    return safe_identifier(name, fallback)


@functools.lru_cache(maxsize=NAME_MEMO)
def safe_identifier(name: str, fallback: str = "value") -> str:
    """Make any string a valid, non-keyword Python identifier."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", ascii_fold(name))
    if not name or set(name) == {"_"}:
        name = fallback or "value"
    if name[0].isdigit():
        name = f"{fallback}_{name}" if fallback else f"_{name}"
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
    importable = not (keyword.iskeyword(stem) or keyword.issoftkeyword(stem) or stem in PY_RESERVED or stem == "__init__")
    return stem if importable else stem + "_"


def reserved_type_name(name: str) -> str | None:
    """Why a class name would shadow something generated code needs (None when it is safe)."""
    if name in BUILTIN_NAMES:
        return f"`{name}` is a Python builtin"
    if name in CLIENT_RUNTIME_NAMES:
        return f"`{name}` is a name the generated client imports"
    return None


def package_problem(name: str) -> str | None:
    """Why `name` cannot be the client package (None when it can)."""
    if not (name.isidentifier() and name.isascii()) or name != name.lower():
        return "is not a lower-case Python identifier"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in PY_RESERVED:
        return "is a Python keyword"
    if name in sys.stdlib_module_names or name in sys.builtin_module_names:
        return "is the name of a standard-library module, which the package would shadow"
    if name in _DEPENDENCIES:
        return "is the name of a package the client or its tests depend on, which it would shadow"
    if name in OUT_FOLDERS:
        return f"is the name of another folder specgen writes beside the package (OUT/{name}/)"
    if name.startswith("__"):
        return "is a dunder name, which Python keeps for itself"
    return None


def package_name(title: str) -> tuple[str, str | None]:
    """The package name derived from an API's title, and why it was changed (if it was)."""
    base = snake(title, "client").rstrip("_") or "client"
    problem = package_problem(base)
    if problem is None:
        return base, None
    return f"{base}_client", f"the title's name `{base}` {problem}"


def env_prefix(title: str) -> str | None:
    """`OPENAI` for "OpenAI API": the title's first word, upper case, as environment variables
    name an API (`OPENAI_API_KEY`); None when the title has no usable first word."""
    first = ascii_fold(str(title)).strip().split(maxsplit=1)
    word = re.sub(r"[^A-Za-z0-9]", "", first[0]) if first else ""
    if not word or word[0].isdigit():
        return None
    return word.upper()
