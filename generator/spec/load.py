"""Load: read YAML or JSON specs, resolve `$ref`s (local and relative-file, never remote),
keep source locations for diagnostics, and cache parsed documents by content hash.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable
from urllib.parse import quote, unquote

import yaml

from ..diagnostics import Diagnostics, SpecError, split_pointer
from . import base_uri, yamlchunks
from .bounds import shape_problem
from ..paths import cache_dir, keep

# Bump when the parsed form changes so stale cache entries are never reused.
_CACHE_FORMAT = "specgen-parse-4"  # 4: documents over a budget (bounds.py) are never cached
_CHUNKED_MIN = 256 * 1024  # below this a whole parse is as fast as splitting


class _SpecLoader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):  # type: ignore[misc]
    """libyaml loader that keeps timestamps as strings (they must round-trip to JSON),
    knows only YAML 1.2 booleans, and records duplicate mapping keys instead of hiding them."""

    duplicates: list[tuple[str, int, bool]]

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        seen: dict[Any, yaml.Node] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = key_node.value
                if key in seen:
                    same = _node_equal(seen[key], value_node)
                    self.duplicates.append((str(key), key_node.start_mark.line + 1, same))
                seen[key] = value_node
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


def _node_equal(a: yaml.Node, b: yaml.Node) -> bool:
    if type(a) is not type(b) or a.tag != b.tag:
        return False
    if isinstance(a, yaml.ScalarNode):
        return bool(a.value == b.value)
    if len(a.value) != len(b.value):
        return False
    if isinstance(a, yaml.MappingNode):
        return all(_node_equal(k1, k2) and _node_equal(v1, v2) for (k1, v1), (k2, v2) in zip(a.value, b.value))
    return all(_node_equal(x, y) for x, y in zip(a.value, b.value))


_SpecLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_SpecLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass
class Document:
    """One parsed file: its display name (relative to the main spec's folder), data, hash."""

    name: str
    path: Path
    data: Any
    sha256: str
    text: str
    is_yaml: bool
    _lines: dict[tuple[str, ...], int] | None = None
    _chunks: _ChunkLines | None = None

    def line_of(self, pointer: str) -> int | None:
        """1-based line of the node at `pointer`, or of its nearest existing parent."""
        tokens = tuple(split_pointer(pointer))
        if self._lines is None and self.is_yaml:
            # composing all of a 3 MB spec costs half a second; its chunks answer most pointers
            if self._chunks is None:
                self._chunks = _ChunkLines(self.text)
            found = self._chunks.line_of(tokens)
            if found is not None:
                return found
        if self._lines is None:
            self._lines = _line_map(self.text)
        while tokens:
            if tokens in self._lines:
                return self._lines[tokens]
            tokens = tokens[:-1]
        return self._lines.get((), None)


class _ChunkLines:
    """Lines of pointers found by composing only the `yamlchunks` entry that holds them (the
    same nodes at the same places as in the whole text); None where that cannot answer."""

    def __init__(self, text: str):
        self.spans: list[tuple[tuple[str, ...], int, int, int]]
        try:
            self.lines, found = yamlchunks.layout(text)  # load's own, when it split this text
            self.spans = [sp for sp in found if not yamlchunks.is_open(sp[0])]
        except yamlchunks.NotSplittable:
            self.lines, self.spans = text.split("\n"), []
        self.maps: dict[int, dict[tuple[str, ...], int]] = {}
        # the spans that can hold a pointer, by its first tokens: the entry's parent and its key
        # as written (a key spelled otherwise only costs a whole compose); top-level ones for any
        self.by_key: dict[tuple[str, ...], list[int]] = {}
        self.top: list[int] = []
        for k, (where, start, _, _) in enumerate(self.spans):
            if where:
                self.by_key.setdefault(where + (self.lines[start].split(":", 1)[0].strip().strip("'\""),), []).append(k)
            else:
                self.top.append(k)

    def line_of(self, tokens: tuple[str, ...]) -> int | None:
        if not self.spans:
            return None
        if not tokens:  # the root: the document's first entry
            return int(self.spans[0][1]) + 1
        candidates = self.top + [k for n in range(2, len(tokens) + 1) for k in self.by_key.get(tokens[:n], ())]
        for k in sorted(candidates):  # in document order, as a scan of every span would meet them
            where, start, end, indent = self.spans[k]
            if k not in self.maps:
                self.maps[k] = _line_map(yamlchunks.entry_text(self.lines, start, end, indent))
            lines = self.maps[k]
            rest = tokens[len(where):]
            if rest[:1] not in lines:
                continue
            while rest not in lines:
                rest = rest[:-1]
            return lines[rest] + start
        if tokens[0] not in self._top_keys():
            return int(self.spans[0][1]) + 1  # no such entry: its nearest parent is the root
        return None

    def _top_keys(self) -> set[str]:
        keys = {where[0] for where, _, _, _ in self.spans if where}
        for k, (where, start, end, indent) in enumerate(self.spans):
            if not where:
                if k not in self.maps:
                    self.maps[k] = _line_map(yamlchunks.entry_text(self.lines, start, end, indent))
                keys.update(t[0] for t in self.maps[k] if len(t) == 1)
        return keys


def _line_map(text: str) -> dict[tuple[str, ...], int]:
    """Map every node's pointer tokens to its line, by composing the YAML (JSON is YAML too)."""
    try:
        root = yaml.compose(_dedupe_anchors(text)[0], Loader=_SpecLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[tuple[str, ...], int] = {}
    stack: list[tuple[tuple[str, ...], yaml.Node]] = [((), root)] if root is not None else []
    while stack:
        path, node = stack.pop()
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode):
                    child = path + (str(k.value),)
                    lines.setdefault(child, k.start_mark.line + 1)
                    stack.append((child, v))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                stack.append((path + (str(i),), v))
    return lines


def _dedupe_anchors(text: str) -> tuple[str, list[tuple[str, int]]]:
    """Rename re-defined YAML anchors (and the aliases that follow them) so each is unique.

    YAML 1.2 lets an anchor be redefined, the alias meaning the latest one; PyYAML refuses.
    Returns the rewritten text and (anchor, line) for each redefinition."""
    if "&" not in text:
        return text, []
    try:
        tokens = [
            t
            for t in yaml.scan(text, Loader=_SpecLoader)
            if isinstance(t, (yaml.AnchorToken, yaml.AliasToken))
        ]
    except yaml.YAMLError:
        return text, []
    counts: dict[str, int] = {}
    current: dict[str, str] = {}
    edits: list[tuple[int, int, str]] = []
    redefined: list[tuple[str, int]] = []
    for tok in tokens:
        if isinstance(tok, yaml.AnchorToken):
            n = counts.get(tok.value, 0) + 1
            counts[tok.value] = n
            if n > 1:
                redefined.append((tok.value, tok.start_mark.line + 1))
                new = f"{tok.value}__specgen{n}"
                edits.append((tok.start_mark.index, tok.end_mark.index, "&" + new))
                current[tok.value] = new
        elif tok.value in current:
            edits.append((tok.start_mark.index, tok.end_mark.index, "*" + current[tok.value]))
    if not edits:
        return text, []
    parts, last = [], 0
    for start, end, repl in edits:
        parts.append(text[last:start])
        parts.append(repl)
        last = end
    parts.append(text[last:])
    return "".join(parts), redefined


def _parse(name: str, text: str, diags: Diagnostics, meanwhile: Callable[[], None] | None = None, later: list[Callable[[], None]] | None = None) -> tuple[Any, bool, bool]:
    """Parse text as JSON (when it looks like JSON) or YAML; problems become diagnostics.
    Returns (data, whether it is YAML, whether it is proved within the budgets of bounds.py)."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise SpecError([_diag(diags, "empty-file", f"{name} is empty", "point specgen at an OpenAPI 3.x or JSON Schema document", name, line=1)])
    if stripped[0] in "{[":
        dup_keys: list[str] = []

        def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for k, v in items:
                if k in out:
                    dup_keys.append(k)
                out[k] = v
            return out

        try:
            data = json.loads(stripped, object_pairs_hook=pairs)
        except json.JSONDecodeError as e:
            truncated = e.pos >= len(stripped) - 1
            msg = f"not valid JSON: {e.msg}" + (" (the file looks truncated)" if truncated else "")
            raise SpecError([_diag(diags, "parse-error", msg, "fix the JSON syntax at that line", name, line=e.lineno)]) from None
        for k in dup_keys:
            diags.warning("duplicate-key", f"duplicate key {k!r}; the last value wins", hint="remove the repeated key", file=name)
        return data, False, False
    if len(text) > _CHUNKED_MIN:
        from . import yamlchunks

        try:
            data, proved = yamlchunks.load_within(text, _construct_clean, cache_dir(), name, meanwhile, later)
            return data, True, proved
        except yamlchunks.NotSplittable:
            pass  # the whole text, below: it reports problems with their lines
    try:
        data, dups = _construct(text)
    except yaml.composer.ComposerError as e:
        if "duplicate anchor" not in str(e):
            raise _yaml_error(e, text, name, diags) from None
        # rare: only then pay for a second tokenizing pass that renames re-defined anchors
        fixed, redefined = _dedupe_anchors(text)
        for anchor, anchor_line in redefined:
            diags.warning(
                "duplicate-anchor",
                f"YAML anchor &{anchor} is defined again; aliases after it refer to the new definition",
                hint="give each anchor a unique name",
                file=name,
                line=anchor_line,
            )
        try:
            data, dups = _construct(fixed)
        except yaml.YAMLError as e2:
            raise _yaml_error(e2, fixed, name, diags) from None
    except yaml.YAMLError as e:
        raise _yaml_error(e, text, name, diags) from None
    for key, line, same in dups:
        detail = "with the same value" if same else "with a different value; the last one wins"
        diags.warning("duplicate-key", f"duplicate key {key!r} {detail}", hint="remove the repeated key", file=name, line=line)
    return data, True, False


def _yaml_error(e: yaml.YAMLError, text: str, name: str, diags: Diagnostics) -> SpecError:
    """A YAML error as a diagnostic at its line, saying when the file looks cut short."""
    if isinstance(e, yaml.MarkedYAMLError):
        mark = e.problem_mark or e.context_mark
        line: int | None = mark.line + 1 if mark is not None else None
        truncated = mark is not None and mark.index >= len(text.rstrip()) - 1
        msg = f"not valid YAML: {e.problem or e}" + (" (the file looks truncated)" if truncated else "")
        return SpecError([_diag(diags, "parse-error", msg, "fix the YAML syntax at that line", name, line=line)])
    return SpecError([_diag(diags, "parse-error", f"not valid YAML: {e}", "fix the YAML syntax", name, line=1)])


def _construct(text: str) -> tuple[Any, list[tuple[str, int, bool]]]:
    """Parse YAML text; (data, duplicate keys). Raises yaml errors."""
    loader = _SpecLoader(text)
    loader.duplicates = []
    try:
        return loader.get_single_data(), loader.duplicates
    finally:
        loader.dispose()


def _construct_clean(text: str) -> Any:
    """Parse a chunk; a duplicate key sends the caller back to the whole text, which warns.

    libyaml composes the nodes; the plain tags a chunk holds (str, null, bool, int, float in
    maps and lists) are then built by `_build`, with the constructor's own methods for numbers,
    without its per-node bookkeeping (half of a cold parse). A node it does not take (a merge
    key, another tag, nesting past the recursion limit) leaves the chunk to the constructor."""
    loader = _SpecLoader(text)
    loader.duplicates = []
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            return _build(loader, node, set())
        except (_NotPlain, RecursionError):
            data = loader.construct_document(node)
        if loader.duplicates:
            raise ValueError("duplicate keys")
        return data
    finally:
        loader.dispose()


class _NotPlain(Exception):
    """A node `_build` leaves to the constructor."""


_STR, _NULL, _BOOL, _INT, _FLOAT = (f"tag:yaml.org,2002:{t}" for t in ("str", "null", "bool", "int", "float"))
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


def _build(loader: _SpecLoader, node: yaml.Node, entered: set[int]) -> Any:
    """What the constructor makes of a node of plain tags (see `_construct_clean`); a key
    written twice (as text, as `construct_mapping` compares them) raises ValueError. A node
    met twice is an alias: the constructor makes it once, shared (bounds.py counts on that)."""
    kind, tag = type(node), node.tag
    if kind is yaml.ScalarNode:
        if tag == _STR:
            return node.value
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return loader.bool_values[node.value.lower()]
        if tag == _INT:
            return loader.construct_yaml_int(node)
        if tag == _FLOAT:
            return loader.construct_yaml_float(node)
        raise _NotPlain(tag)
    if id(node) in entered:
        raise _NotPlain("an alias")
    entered.add(id(node))
    if kind is yaml.MappingNode and tag == _MAP:
        out: dict[Any, Any] = {}
        written: set[str] = set()
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode:
                raise _NotPlain("a key that is not a scalar")
            if key_node.value in written:
                raise ValueError("duplicate keys")
            written.add(key_node.value)
            out[_build(loader, key_node, entered)] = _build(loader, value_node, entered)
        return out
    if kind is yaml.SequenceNode and tag == _SEQ:
        return [_build(loader, child, entered) for child in node.value]
    raise _NotPlain(tag)


def _diag(diags: Diagnostics, code: str, message: str, hint: str, file: str, line: int | None = None) -> Any:
    return diags.error(code, message, hint=hint, file=file, line=line)


def read_document(path: Path, name: str, diags: Diagnostics, use_cache: bool = True, meanwhile: Callable[[], None] | None = None, later: list[Callable[[], None]] | None = None) -> Document:
    """Read and parse one file, through the content-hash cache (`meanwhile`, `later`: see `load`)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SpecError([_diag(diags, "file-not-found", f"{name} does not exist", "check the path", name)]) from None
    except IsADirectoryError:
        raise SpecError([_diag(diags, "file-not-found", f"{name} is a folder, not a spec file", "give the path of a .yaml or .json file", name)]) from None
    except OSError as e:
        raise SpecError([_diag(diags, "file-unreadable", f"cannot read {name}: {e.strerror}", "check the file's permissions", name)]) from None
    sha = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise SpecError([_diag(diags, "not-utf8", f"{name} is not UTF-8 text (byte {e.start})", "save the spec as UTF-8 YAML or JSON", name, line=line)]) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SpecError([_diag(diags, "binary-file", f"{name} contains NUL bytes; it is not a text spec", "point specgen at a YAML or JSON file", name, line=line)])
    cache_file = cache_dir() / "parsed" / f"{sha}.pickle"
    if use_cache:
        try:
            with cache_file.open("rb") as fh:
                fmt, data, is_yaml, warnings = pickle.load(fh)
            if fmt == _CACHE_FORMAT:
                for w in warnings:
                    diags.add(w.severity, w.code, w.message, hint=w.hint, file=name, pointer=w.pointer, line=w.line)
                return Document(name, path, data, sha, text, is_yaml)
        except (OSError, pickle.PickleError, EOFError, ValueError, TypeError, AttributeError):
            pass
    before = len(diags.items)
    data, is_yaml, proved = _parse(name, text, diags, meanwhile, later)
    over = None if proved else shape_problem(data)  # budgets: aliases, depth, $ref chains (checked before anything walks it)
    if over is not None:
        message, hint, pointer = over
        if pointer.count("/") > 12:  # the place it starts: a pointer thousands of levels long helps nobody
            pointer = "/".join(pointer.split("/")[:13])
            message += " (below this place)"
        raise SpecError([diags.error("spec-too-large", message, hint=hint, file=name, pointer=pointer)])
    if use_cache:
        found = diags.items[before:]

        def kept() -> None:
            keep(cache_file, pickle.dumps((_CACHE_FORMAT, data, is_yaml, found), protocol=pickle.HIGHEST_PROTOCOL))

        if later is not None:
            later.append(kept)
        else:
            kept()
    return Document(name, path, data, sha, text, is_yaml)


_REMOTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


def _inside(path: Path, root: Path) -> bool:
    """Whether `path`, with every symbolic link resolved, is `root` or lies below it."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a link loop
        return False


@dataclass
class Resolved:
    """Where a `$ref` led: the file's display name, the JSON pointer, and the node."""

    file: str
    pointer: str
    node: Any


@dataclass
class Documents:
    """The main spec plus every file its `$ref`s reach, loaded on demand."""

    main: Document
    diags: Diagnostics
    use_cache: bool = True
    files: dict[str, Document] = field(default_factory=dict)
    _resolved: dict[tuple[str, str, int], Resolved] = field(default_factory=dict, repr=False, compare=False)

    @property
    def root_dir(self) -> Path:
        return self.main.path.parent

    def get(self, name: str) -> Document | None:
        return self.files.get(name)

    def where(self, file: str, pointer: str) -> str:
        """How the IR names a place: a JSON pointer, prefixed by `file#` outside the main spec."""
        return pointer if file == self.main.name else f"{file}#{pointer}"

    def split_where(self, where: str) -> tuple[str, str]:
        """(file, pointer) of a `where` made by `Documents.where`."""
        if "#" not in where:
            return self.main.name, where
        file, _, pointer = where.rpartition("#")
        return file or self.main.name, pointer

    def locate(self, file: str, pointer: str) -> int | None:
        """Line of `pointer` in `file`, for diagnostics."""
        doc = self.files.get(file)
        return doc.line_of(pointer) if doc is not None else None

    def combined_sha256(self) -> str:
        """One hash over every loaded file, so output is tied to all of its inputs."""
        h = hashlib.sha256()
        for name in sorted(self.files):
            h.update(name.encode() + b"\0" + self.files[name].sha256.encode() + b"\0")
        return h.hexdigest()

    def resolve(self, ref: Any, file: str, pointer: str) -> Resolved | None:
        """Resolve one `$ref` found at (file, pointer); record an error and return None if it can't."""
        # the answer depends on (ref, file) and the files loaded, not on pointer (only errors
        # name it): one spec holds thousands of $refs to a few hundred schemas
        key = (ref, file, len(self.files)) if isinstance(ref, str) else None
        found = self._resolved.get(key) if key is not None else None
        if found is None:
            found = self._resolve(ref, file, pointer)
            if found is not None and key is not None and len(self.files) == key[2]:
                self._resolved[key] = found
        return found

    def _resolve(self, ref: Any, file: str, pointer: str) -> Resolved | None:
        where = {"file": file, "pointer": pointer + "/$ref"}
        if not isinstance(ref, str):
            self.diags.error("bad-ref", f"$ref must be a string, not {type(ref).__name__}", hint="write $ref: '#/components/schemas/Name'", **where)
            return None
        selves = {n: s for n, d in self.files.items() if (s := base_uri.self_of(d.data)) is not None}
        target_file, _, frag = ref.partition("#")
        name, base_dir = file, PurePosixPath(file).parent
        if target_file and (file in selves or self.main.name in selves):
            # 3.2: read against `$self`; a URI that lands on a document or beside the main one is a file here
            local, uri = base_uri.target_of(target_file, file, self.main.name, selves)
            if local is None:
                self.diags.error(
                    "remote-ref",
                    f"$ref {ref!r} resolves against $self to {uri[:200]!r}, outside the spec's folder: specgen never fetches from the network",
                    hint="download the referenced document next to the spec, under the folder its $self names",
                    **where,
                )
                return None
            base_dir, target_file = PurePosixPath(""), ("" if local == file else quote(local))
        elif _REMOTE.match(ref):
            self.diags.error(
                "remote-ref",
                f"remote $ref {ref!r} refused: specgen never fetches from the network",
                hint="download the referenced document next to the spec and use a relative $ref",
                **where,
            )
            return None
        if target_file:
            joined = base_dir / unquote(target_file)
            norm = os.path.normpath(str(joined)).replace(os.sep, "/")
            if norm.startswith("../") or norm == ".." or os.path.isabs(norm):
                self.diags.error(
                    "ref-outside",
                    f"$ref {ref!r} leaves the spec's folder",
                    hint="keep referenced files in the folder of the main spec (or below it)",
                    **where,
                )
                return None
            name = norm
            if name not in self.files:
                path = self.root_dir / name
                if not _inside(path, self.root_dir):
                    self.diags.error(
                        "ref-outside",
                        f"$ref {ref!r} reaches a file outside the spec's folder through a symbolic link",
                        hint="keep referenced files (not links to them) in the folder of the main spec or below it",
                        **where,
                    )
                    return None
                if not path.is_file():
                    self.diags.error(
                        "ref-missing-file",
                        f"$ref {ref!r} points to a file that does not exist ({name})",
                        hint="fix the path in the $ref or add the file",
                        **where,
                    )
                    return None
                try:
                    self.files[name] = read_document(path, name, self.diags, self.use_cache)
                except SpecError:
                    return None
        doc = self.files[name]
        frag = unquote(frag)
        if frag and not frag.startswith("/"):
            self.diags.error("bad-ref", f"$ref {ref!r} has a fragment that is not a JSON pointer", hint="write the fragment as #/path/to/node", **where)
            return None
        node = doc.data
        for tok in split_pointer(frag):
            if isinstance(node, dict) and tok in node:
                node = node[tok]
            elif isinstance(node, dict) and any(str(k) == tok for k in node):
                # a key YAML read as a number or a date (`201:`): pointers spell it as text
                node = node[next(k for k in node if str(k) == tok)]
            elif isinstance(node, list) and tok.isdigit() and int(tok) < len(node):
                node = node[int(tok)]
            else:
                self.diags.error(
                    "ref-missing",
                    f"$ref {ref!r} points to nothing: {tok!r} does not exist there",
                    hint="fix the $ref or add the missing definition",
                    **where,
                )
                return None
        return Resolved(name, frag, node)


def load(path: str | Path, diags: Diagnostics | None = None, use_cache: bool = True, meanwhile: Callable[[], None] | None = None, later: list[Callable[[], None]] | None = None) -> Documents:
    """Load the main spec file; referenced files are loaded as `$ref`s reach them. `meanwhile`:
    work the run needs later, done while a second process parses a big spec beside this one
    (`yamlchunks.parse_all`); not done at all otherwise. `later`: given, the main file's cache
    writes are appended to it (the caller runs them, where they delay nothing) instead of done."""
    diags = diags if diags is not None else Diagnostics()
    p = Path(path)
    name = p.name
    main = read_document(p, name, diags, use_cache, meanwhile, later)
    docs = Documents(main, diags, use_cache, {name: main})
    diags.locate = docs.locate
    if not isinstance(main.data, dict):
        kind = "nothing" if main.data is None else f"a {type(main.data).__name__}"
        diags.error(
            "not-a-spec",
            f"{name} holds {kind}, not an OpenAPI document or JSON Schema object",
            hint="the top level must be a mapping with `openapi: 3.x` (or a JSON Schema object)",
            file=name,
            line=1,
        )
        diags.raise_if_errors()
    return docs
