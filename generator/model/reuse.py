"""Normalization reused across runs: an edit that changes only prose (the text of a
`description` or `summary`) gives the IR of the last run with that text replaced, without
normalizing again.

After every normalization of a spec that reaches no other file, specgen's cache keeps, per
spec path, the document (marshal: exact types, fast), the IR with the diagnostics normalize
recorded (pickle protocol 3: every string is `X`, its UTF-8 length and bytes, unframed; each
definition pickled on its own), a digest of the IR's shape (`Fingerprints.shape`: everything
but the definitions' prose) and each definition's fingerprint entry. A definition whose bytes
no replacement touched is the same value as last run's, so its entry is reused as it is.
The next run takes the shortcut only when all of this holds, else it normalizes as before:

- same specgen code, same spec path, one file;
- the documents differ only in string leaves (found with `==` and confirmed by comparing the
  marshal bytes of the old document with those leaves set to their new text, so `1`, `1.0`
  and `true` are never taken for each other), each the value of a `description` or
  `summary` key of an object that is not a container of named entries, an example, a default,
  an enum or an extension;
- each old and new text is one line, stripped, non-empty, printable, has no `"` or `\\` (so no
  escaping can hide a copy of it) and names the same replacement for a deprecation (none);
- the old text is no other string of the document (value or key: marshal writes each string
  whole, as `u`, its UTF-8 length and bytes), and in the stored IR every occurrence of its
  bytes is one string's whole payload;
- after the replacement, the IR's shape digest equals the stored one (checked by the caller,
  who computes it anyway for the page cache); a difference means normalize again.

Normalize only copies such a text (and the spec's hash, replaced the same way), so the result
equals a fresh normalization; tests/test_reuse_normalize.py compares the two byte for byte for
edits of every prose field of several specs, and shows that edits of anything else, and prose
edits that break a condition, normalize again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..diagnostics import Diagnostic, Diagnostics
from ..output.incremental import Entry, Fingerprints, Known
from ..paths import cache_dir, keep
from ..spec.load import Documents
from . import ir
from .keywords import parse_replacement

_FORMAT = "specgen-normalized-2"
_PROSE_KEYS = frozenset({"description", "summary"})
# a prose key under one of these is the name of an entry (a property called `description`), or
# data the normalizer reads as values
_CONTAINERS = frozenset(
    {
        "properties", "patternProperties", "definitions", "$defs", "dependentSchemas", "schemas", "responses",
        "requestBodies", "headers", "securitySchemes", "links", "callbacks", "encoding", "content", "mapping",
        "variables", "paths", "webhooks", "pathItems", "scopes", "parameters",
    }
)
_DATA = frozenset({"example", "examples", "default", "const", "enum"})
MAX_LEAVES = 64  # more changed texts than this: normalizing is as quick as checking them


@dataclass
class Stored:
    """What the last normalization of a spec left: see the module's docstring."""

    code: str
    sha256: str
    document: bytes
    normalized: Pickled
    shape: bytes
    # the fingerprint entries of its definitions (output/incremental.py), in their order
    keys: list[str] = field(default_factory=list)
    entries: dict[str, Entry] = field(default_factory=dict)


# the IR pickled in pieces: the API without its definitions (with the definitions' counts and
# the diagnostics), then each definition on its own, so a piece no edit touched is known unchanged
Pickled = tuple[bytes, list[bytes]]
_PARTS = ("models", "unions", "enums", "operations", "hooks")


@dataclass
class Memo:
    """Reuse of the last normalization of one spec path (see the module's docstring)."""

    spec: Path
    code: str
    use_disk: bool = True
    reused: bool = False  # this run's IR came from the stored one
    _stored: Stored | None = None
    _document: bytes | None = None
    _normalized: Pickled | None = None
    _before: list[Diagnostic] = field(default_factory=list)
    _unchanged: set[int] = field(default_factory=set)  # ids of the definitions no swap touched
    _ready: tuple[str, Fingerprints | Callable[[], Fingerprints]] | None = None  # what `flush` saves
    _fresh: tuple[Any, ir.Api, list[Diagnostic]] | None = None  # what `keep` noted, pickled by `save`

    @property
    def file(self) -> Path:
        return cache_dir() / "normalized" / (hashlib.sha256(str(self.spec.resolve()).encode()).hexdigest()[:32] + ".pickle")

    def _read(self) -> Stored | None:
        try:
            with open(self.file, "rb") as fh:
                fmt, stored = pickle.load(fh)
        except (OSError, pickle.PickleError, EOFError, ValueError, TypeError, AttributeError):
            return None
        return stored if fmt == _FORMAT and isinstance(stored, Stored) and stored.code == self.code else None

    def reuse(self, docs: Documents, diags: Diagnostics) -> ir.Api | None:
        """The IR of the last run, its prose brought up to date, with its diagnostics recorded
        in `diags`; None when the shortcut cannot be proved (then normalize as usual)."""
        if not self.use_disk or len(docs.files) != 1:
            return None
        stored = self._stored = self._read()
        if stored is None:
            return None
        try:
            now = marshal.dumps(docs.main.data, 2)
        except ValueError:
            return None  # a value marshal cannot write: never from YAML or JSON, but then normalize
        self._document = now
        if stored.sha256 == docs.main.sha256 and stored.document == now:
            swaps: list[tuple[str, str]] = []
        else:
            found = _prose_swaps(marshal.loads(stored.document), docs.main.data, now)
            if found is None:
                return None
            swaps = found + [(stored.sha256, docs.main.sha256)]
        head = _swap(stored.normalized[0], swaps)
        swapped = [_swap(p, swaps) for p in stored.normalized[1]]
        pieces = [p for p in swapped if p is not None]
        if head is None or len(pieces) != len(swapped):
            return None
        try:
            rest, counts, recorded = pickle.loads(head)
            parts = [pickle.loads(p) for p in pieces]
            groups: dict[str, Any] = {}
            at = 0
            for name, n in zip(_PARTS, counts):
                groups[name] = tuple(parts[at : at + n])
                at += n
            api = dataclasses.replace(rest, **groups) if at == len(parts) and isinstance(rest, ir.Api) else None
        except Exception:  # noqa: BLE001 - any failure only means: normalize instead
            return None
        if not isinstance(api, ir.Api):
            return None
        self._unchanged = {id(d) for d, new, old in zip(parts, pieces, stored.normalized[1]) if new is old}
        blob: Pickled = (head, pieces)
        self._before = list(diags.items)
        for d in recorded:
            diags.add(d.severity, d.code, d.message, hint=d.hint, file=d.file, pointer=d.pointer, line=d.line)
        self._normalized = blob
        self.reused = True
        return api

    def undo(self, diags: Diagnostics) -> None:
        """Forget a reused IR (its shape was not the stored one): `diags` as before `reuse`."""
        diags.items[:] = self._before
        diags._seen = {(d.code, d.message, d.file, d.pointer) for d in self._before}
        self.reused = False
        self._normalized = None
        self._fresh = None
        self._unchanged = set()

    def keep(self, docs: Documents, api: ir.Api, recorded: list[Diagnostic]) -> None:
        """Note a fresh normalization (kept by `save` once its shape is known). It is pickled by
        `save`, among the run's cache writes (0.1 s on a 3 MB spec, off the run's serial start):
        neither the IR (frozen) nor the parsed document changes meanwhile."""
        if self.use_disk and len(docs.files) == 1:
            self._fresh = (docs.main.data, api, list(recorded))

    def _pickle_fresh(self) -> None:
        if self._fresh is None:
            return
        data, api, recorded = self._fresh
        self._fresh = None
        try:
            if self._document is None:
                self._document = marshal.dumps(data, 2)
            rest = dataclasses.replace(api, models=(), unions=(), enums=(), operations=(), hooks=())
            counts = [len(getattr(api, name)) for name in _PARTS]
            pieces = [pickle.dumps(d, protocol=3) for name in _PARTS for d in getattr(api, name)]
            self._normalized = (pickle.dumps((rest, counts, recorded), protocol=3), pieces)
        except (ValueError, pickle.PickleError, TypeError, AttributeError, RecursionError):
            self._normalized = None

    def shape_matches(self, shape: bytes) -> bool:
        """Whether a reused IR has the stored shape (always true of a fresh one)."""
        return not self.reused or (self._stored is not None and self._stored.shape == shape)

    def known(self) -> Known | None:
        """The last run's fingerprint entries for a reused IR (its unchanged definitions' stand)."""
        if not self.reused or self._stored is None or not self._stored.entries:
            return None
        return Known(self._stored.keys, self._stored.entries, self._unchanged)

    def ready(self, sha256: str, prints: Fingerprints | Callable[[], Fingerprints]) -> None:
        """Note what `flush` is to save (see `save`): a warm run saves it in its render child. The
        fingerprints may be a function that gives them (a cold run computes them late)."""
        self._ready = (sha256, prints)

    def flush(self) -> None:
        """`save` what `ready` noted, once."""
        ready, self._ready = self._ready, None
        if ready is not None:
            sha256, given = ready
            prints = given if isinstance(given, Fingerprints) else given()
            self.save(sha256, prints.shape, prints)

    def save(self, sha256: str, shape: bytes, prints: Fingerprints | None = None) -> None:
        """Keep this run's normalization (and `prints`, its fingerprints) for the next run
        (nothing when the file says it already)."""
        self._pickle_fresh()
        if self._normalized is None or self._document is None:
            return
        stored = self._stored
        entries = prints.entries if prints is not None else {}
        if stored is not None and stored.sha256 == sha256 and stored.normalized == self._normalized and stored.shape == shape and stored.entries == entries:
            return
        keep(self.file, pickle.dumps((_FORMAT, Stored(self.code, sha256, self._document, self._normalized, shape, list(entries), entries)), protocol=pickle.HIGHEST_PROTOCOL))


def _prose_swaps(old: Any, new: Any, new_bytes: bytes) -> list[tuple[str, str]] | None:
    """The (old text, new text) of each prose leaf that differs, when nothing else does."""
    leaves: list[tuple[tuple[Any, ...], Any, Any]] = []
    if not _differences(old, new, (), leaves):
        return None
    swaps: list[tuple[str, str]] = []
    for path, was, now in leaves:
        if not _prose_place(path) or not isinstance(was, str) or not isinstance(now, str):
            return None
        if not (_plain_line(was) and _plain_line(now)) or parse_replacement(was) is not None or parse_replacement(now) is not None:
            return None
        swaps.append((was, now))
    # the leaves are the whole difference: the old document with them set is the new one
    for path, _, now in leaves:
        parent = old
        for token in path[:-1]:
            parent = parent[token]
        parent[path[-1]] = now
    if marshal.dumps(old, 2) != new_bytes:
        return None
    olds = {w for w, _ in swaps}
    if len(olds) != len(swaps) or olds & {n for _, n in swaps} or any(_whole(w, b"u") in new_bytes for w in olds):
        return None  # a text met twice, or elsewhere: its copies could not be told apart
    return swaps


def _differences(old: Any, new: Any, path: tuple[Any, ...], out: list[tuple[tuple[Any, ...], Any, Any]]) -> bool:
    """Append the leaves where `old` and `new` differ by `==` (false: they differ in shape)."""
    if old == new:
        return True
    if type(old) is dict and type(new) is dict:
        if list(old) != list(new):
            return False
        return all(_differences(v, new[k], path + (k,), out) for k, v in old.items())
    if type(old) is list and type(new) is list:
        if len(old) != len(new):
            return False
        return all(_differences(v, w, path + (i,), out) for i, (v, w) in enumerate(zip(old, new)))
    if isinstance(old, (dict, list)) or isinstance(new, (dict, list)) or len(out) >= MAX_LEAVES:
        return False
    out.append((path, old, new))
    return True


def _prose_place(path: tuple[Any, ...]) -> bool:
    if len(path) < 2 or path[-1] not in _PROSE_KEYS or path[-2] in _CONTAINERS:
        return False
    return not any(isinstance(t, str) and (t in _DATA or t.startswith("x-")) for t in path[:-1])


def _plain_line(text: str) -> bool:
    return bool(text) and text == text.strip() and text.isprintable() and '"' not in text and "\\" not in text


def _whole(text: str, opcode: bytes) -> bytes:
    """How a pickle (protocol 3, `X`) or marshal (version 2, `u`) writes a whole string."""
    raw = text.encode("utf-8", "surrogatepass")
    return opcode + len(raw).to_bytes(4, "little") + raw


def _swap(blob: bytes, swaps: list[tuple[str, str]]) -> bytes | None:
    """`blob` with each old text's strings replaced by the new text, when every occurrence of
    its bytes is a whole string (a protocol 3 pickle writes `X`, a 4-byte length, the bytes)."""
    for was, now in swaps:
        raw = was.encode("utf-8", "surrogatepass")
        if raw not in blob:
            continue  # untouched: the very bytes (and object) stay, which tells it unchanged
        whole = _whole(was, b"X")
        if blob.count(raw) != blob.count(whole):
            return None
        blob = blob.replace(whole, _whole(now, b"X"))
    return blob
