"""Rendering only what changed: each artifact's output is cut into units (a page, or a group of
pages one call renders), each cached on disk under a fingerprint of what it reads.

What a unit reads is split in two, so no change can slip past a fingerprint:

- the structure: the whole IR with the prose of its definitions left out (the `description`
  and `summary` of every model, union, enum, operation and webhook, and of everything inside
  them: fields, parameters, bodies, responses...), plus specgen's code and templates and the
  render options. One hash, `structure`, covers it and enters every fingerprint: a change to
  a type, an enum value, `required`, a parameter, a name (anything but prose) re-renders all;
- the prose: a unit names the definitions it is rendered from (its roots). It reads the prose
  of everything its roots reach through references (a field typed by a model, a body
  flattened from one; `closure`), and of the definitions listed as `own` (for a page that
  names its users, such as a model page listing the operations that use it). A unit that
  cannot name its roots is `GLOBAL`: its fingerprint covers all the prose and the spec's hash.
  A unit that lists every definition by its own `summary` and `description` alone (the docs'
  index) names `HEADS`: its fingerprint covers those two texts of each definition, not the
  prose of what is inside them (a field's description), nor the spec's hash.

References are found without knowing the IR's field names: any string in a definition that is
another definition's name (a `TypeExpr.ref`, `Operation.body_model`, a webhook's `operation`)
counts, which may reach more than the unit reads, never less. A root that is no definition
makes the unit GLOBAL. tests/test_incremental.py proves the result equals a render from
scratch, byte for byte, for edits of every kind on real specs, and for the prose of every
definition of a spec changed one at a time.

The cache lives in specgen's cache folder, one file per output folder and artifact (never in
OUT, never a big structure in memory beyond the pages of the artifact rendering now).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import operator
import os
import pickle
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar

from ..model import ir
from ..paths import cache_dir

_FORMAT = b"specgen-pages-2"
_PROSE = frozenset({"description", "summary"})
GLOBAL = None  # roots of a unit that reads anything (`__init__`...)


class _Heads:
    def __repr__(self) -> str:
        return "HEADS"


# roots of a unit that reads the structure and each definition's own summary and description
# (the docs' index: a row per definition), not the prose inside definitions (fields, parameters)
HEADS: Any = _Heads()

T = TypeVar("T")


def _digest(*parts: bytes) -> bytes:
    h = hashlib.blake2b(digest_size=20)
    for p in parts:
        h.update(len(p).to_bytes(8, "little"))
        h.update(p)
    return h.digest()


class _Walk:
    """Pickles one definition with its prose taken out: the bytes are its structure, the prose
    is kept aside, and every string that names a definition is noted as a reference."""

    def __init__(self, names: frozenset[str]):
        self.names = names
        self.prose: list[str] = []
        self.refs: set[str] = set()
        self.table: dict[type, Callable[[Any], Any]] = {}
        self._buffer = io.BytesIO()
        self._pickler: pickle.Pickler | None = None
        for cls in vars(ir).values():
            if isinstance(cls, type) and dataclasses.is_dataclass(cls):
                self.table[cls] = self._reducer(cls)

    def _reducer(self, cls: type) -> Callable[[Any], Any]:
        fields = tuple(f.name for f in dataclasses.fields(cls))
        get = operator.attrgetter(*fields) if len(fields) > 1 else (lambda o: (getattr(o, fields[0]),))
        prose = tuple(i for i, f in enumerate(fields) if f in _PROSE)
        # the fields that may name a definition: every plain string (`ref`, `body_model`...)
        named = tuple(i for i, f in enumerate(dataclasses.fields(cls)) if f.name not in _PROSE and f.type in ("str", "str | None"))
        names, out, refs = self.names, self.prose, self.refs

        def reduce(obj: Any) -> Any:
            values = get(obj)  # the fields only: cached properties (Api.model_map) stay out
            for i in named:
                v = values[i]
                if v is not None and v in names:
                    refs.add(v)
            if not prose:
                return (cls, values)
            kept = list(values)
            for i in prose:
                out.append(str(kept[i]))
                kept[i] = None
            return (cls, tuple(kept))

        return reduce

    def structure(self, obj: Any) -> bytes:
        """The structure's digest of `obj` (its prose and references collected on the way)."""
        if self._pickler is None:
            self._pickler = pickle.Pickler(self._buffer, protocol=5)
            self._pickler.dispatch_table = self.table
            self._pickler.fast = True  # no memo: equal content gives equal bytes, however objects are shared
        self._buffer.seek(0)
        self._buffer.truncate()
        self._pickler.dump(obj)
        return hashlib.blake2b(self._buffer.getbuffer(), digest_size=20).digest()


# per definition: its structure's digest, its own prose's hash, the definitions it names
Entry = tuple[bytes, bytes, frozenset[str]]


@dataclasses.dataclass
class Known:
    """The last run's entries (`Fingerprints.entries`), for an IR some of whose definitions are
    the very objects of that run, unchanged (model/reuse.py knows which: `unchanged`, by id)."""

    keys: list[str]
    entries: dict[str, Entry]
    unchanged: set[int]


class Fingerprints:
    """The structure hash of one API and the prose hash of each definition and of what it reaches."""

    def __init__(self, api: ir.Api, salt: bytes, spec_sha256: str, known: Known | None = None):
        items: dict[str, Any] = {}
        for m in api.models:
            items[m.name] = m
        for u in api.unions:
            items[u.name] = u
        for e in api.enums:
            items[e.name] = e
        for op in api.operations:
            items["op:" + op.id] = op
        for h in api.hooks:
            items["hook:" + h.py_name] = h
        # an unchanged definition's entry is the last run's when every key is the same (so are
        # the names its references are found among) and no key was met twice
        count = len(api.models) + len(api.unions) + len(api.enums) + len(api.operations) + len(api.hooks)
        if known is not None and (len(items) != count or list(items) != known.keys):
            known = None
        # a string names a definition: models, unions and enums by name, operations by id
        by_name: dict[str, list[str]] = {}
        for key in items:
            by_name.setdefault(key.removeprefix("op:") if key.startswith("op:") else key, []).append(key)
        walk = _Walk(frozenset(k for k in by_name if not k.startswith("hook:")))
        self.own: dict[str, bytes] = {}
        self.edges: dict[str, set[str]] = {}
        self.entries: dict[str, Entry] = {}
        whole = hashlib.blake2b(digest_size=20)
        for key, obj in items.items():
            entry = known.entries.get(key) if known is not None and id(obj) in known.unchanged else None
            if entry is None:
                walk.prose.clear()
                walk.refs.clear()
                digest = walk.structure(obj)
                own = hashlib.blake2b(pickle.dumps(walk.prose, protocol=5), digest_size=20).digest()
                entry = (digest, own, frozenset(k for name in walk.refs for k in by_name[name] if k != key))
            self.entries[key] = entry
            whole.update(_digest(key.encode(), entry[0]))
            self.own[key] = entry[1]
            self.edges[key] = set(entry[2])
        # what is not a definition (title, servers, security, tags, the order of the lists...);
        # not the spec's hash, which every edit moves: only GLOBAL units may read it
        rest = dataclasses.replace(api, models=(), unions=(), enums=(), operations=(), hooks=(), spec_sha256="")
        plain = _Walk(frozenset())
        plain.table = {}  # everything outside the definitions is structure, prose included
        whole.update(plain.structure(rest))
        # the IR's shape alone (model/reuse.py checks a reused IR by it), then with what every page reads
        self.shape = whole.digest()
        self.structure = _digest(_FORMAT, salt, self.shape)
        self.every = _digest(self.structure, spec_sha256.encode(), api.spec_sha256.encode(), *(k.encode() + v for k, v in self.own.items()))
        heads = hashlib.blake2b(self.structure, digest_size=20)
        for key, obj in items.items():
            heads.update(pickle.dumps((key, getattr(obj, "summary", None), getattr(obj, "description", None)), protocol=5))
        self.heads = heads.digest()
        self.aliases: dict[str, str] = {}
        for m in api.models:
            self.aliases.setdefault(m.param_name, m.name)
        for u in api.unions:
            if u.unknown_name:
                self.aliases.setdefault(u.unknown_name, u.name)
        self.users: dict[str, set[str]] = {}
        for key, targets in self.edges.items():
            for t in targets:
                self.users.setdefault(t, set()).add(key)
        self._reach = _closure_hashes(self.own, self.edges)

    def key(self, name: str) -> str | None:
        """The definition a name means (a class name of the client counts), or None."""
        if name in self.own:
            return name
        return self.aliases.get(name)

    def of(self, unit: str, roots: Iterable[str] | None, own: Iterable[str] = ()) -> bytes:
        """The fingerprint of a unit rendered from `roots` (and the prose of `own`)."""
        if roots is GLOBAL:
            return _digest(self.every, unit.encode())
        if roots is HEADS:
            return _digest(self.heads, unit.encode(), b"heads")
        reach: list[bytes] = []
        for name in roots:
            k = self.key(name)
            if k is None:
                return _digest(self.every, unit.encode())
            reach.append(self._reach[k])
        mine: list[bytes] = []
        for name in own:
            k = self.key(name)
            if k is None:
                return _digest(self.every, unit.encode())
            mine.append(self.own[k])
        return _digest(self.structure, unit.encode(), b"".join(sorted(reach)), b"".join(sorted(mine)))


def _closure_hashes(own: dict[str, bytes], edges: dict[str, set[str]]) -> dict[str, bytes]:
    """For each definition, a hash of the prose of everything it reaches (itself included):
    strongly connected components (Tarjan, iterative) hashed in reverse topological order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on: set[str] = set()
    stack: list[str] = []
    comp_of: dict[str, int] = {}
    comps: list[list[str]] = []
    counter = 0
    for start in own:
        if start in index:
            continue
        work: list[tuple[str, Iterable[str]]] = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on.add(start)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on.add(nxt)
                    work.append((nxt, iter(sorted(edges[nxt]))))
                    advanced = True
                    break
                if nxt in on:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                members: list[str] = []
                while True:
                    n = stack.pop()
                    on.discard(n)
                    comp_of[n] = len(comps)
                    members.append(n)
                    if n == node:
                        break
                comps.append(members)
    # Tarjan emits a component after every component it reaches
    comp_hash: list[bytes] = []
    for i, members in enumerate(comps):
        inner = sorted(m.encode() + own[m] for m in members)
        below = sorted({comp_hash[comp_of[t]] for m in members for t in edges[m] if comp_of[t] != i})
        comp_hash.append(_digest(*inner, b"|", *below))
    return {n: comp_hash[comp_of[n]] for n in own}


class PageCache:
    """The units of one output folder: what this run renders or reuses, by artifact.

    `prints` may be a function that computes them: when the folder has no units on disk yet
    (a cold run), every unit renders whatever its fingerprint, which is needed only to store
    it. The units are then noted with what their fingerprints read (`pending`) and stored by
    `complete`, off the run's serial start; the files are the ones a run that fingerprinted
    first would write. (With units on disk the fingerprints are computed at once.)"""

    def __init__(self, folder: Path, prints: Fingerprints | Callable[[], Fingerprints], use_disk: bool = True):
        self.use_disk = use_disk
        self.base = cache_dir() / "pages" / hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:32]
        self._old: dict[str, dict[str, tuple[bytes, Any]]] = {}
        self._new: dict[str, dict[str, tuple[bytes, Any]]] = {}
        self.reused = 0
        self.rendered = 0
        self._make: Callable[[], Fingerprints] | None = None
        self._prints: Fingerprints | None = None
        if isinstance(prints, Fingerprints):
            self._prints = prints
        elif self._stored_any():
            self._prints = prints()
        else:
            self._make = prints
        # per artifact, its units' (unit, roots, own) while the fingerprints are not known; the
        # artifacts `save` was asked for meanwhile
        self._noted: dict[str, list[tuple[str, tuple[str, ...] | None, Iterable[str]]]] = {}
        self._saving: list[str] = []

    @property
    def pending(self) -> bool:
        """Whether the fingerprints are still to be computed (`complete`) or received (`adopt`)."""
        return self._prints is None

    @property
    def prints(self) -> Fingerprints:
        """The fingerprints (computed now if still pending)."""
        return self.complete()

    def users_of(self, name: str) -> Iterable[str]:
        """The definitions that name `name` (`Fingerprints.users`), read only when a unit's
        fingerprint is computed: a unit may pass them as `own` while the fingerprints are pending."""
        return _Users(self, name)

    def _stored_any(self) -> bool:
        try:
            return self.use_disk and any(name.endswith(".pickle") for name in os.listdir(self.base))
        except OSError:
            return False

    def complete(self) -> Fingerprints:
        """Compute pending fingerprints, then store the artifacts `save` was asked for."""
        if self._prints is None:
            assert self._make is not None  # set whenever the fingerprints are pending (see __init__)
            self.adopt(self._make())
        assert self._prints is not None
        return self._prints

    def adopt(self, prints: Fingerprints) -> None:
        """Take fingerprints computed elsewhere (a forked renderer's parent computes them), then
        store the artifacts `save` was asked for meanwhile."""
        self._prints, self._make = prints, None
        for artifact, units in self._noted.items():
            new = self._new[artifact]
            for unit, roots, own in units:
                new[unit] = (prints.of(f"{artifact}/{unit}", roots, own), new[unit][1])
        self._noted.clear()
        saving, self._saving = self._saving, []
        for artifact in saving:
            self.save(artifact)

    def _store(self, artifact: str) -> dict[str, tuple[bytes, Any]]:
        if artifact not in self._old:
            data: Any = {}
            if self.use_disk and self._prints is not None:  # pending: nothing on disk to read
                try:
                    with open(self.base / f"{artifact}.pickle", "rb") as fh:
                        data = pickle.load(fh)
                except (OSError, pickle.PickleError, EOFError, ValueError, TypeError, AttributeError):
                    data = {}  # no cache, or one from another specgen: everything renders
            self._old[artifact] = data if isinstance(data, dict) else {}
            self._new[artifact] = {}
        return self._old[artifact]

    def get(self, artifact: str, unit: str, roots: Iterable[str] | None, make: Callable[[], T], own: Iterable[str] = ()) -> T:
        """The unit's value from the cache when its fingerprint is unchanged, else `make()`."""
        old_units = self._store(artifact)
        if self._prints is None:
            self.rendered += 1
            value = make()
            self._noted.setdefault(artifact, []).append((unit, roots if roots is GLOBAL or roots is HEADS else tuple(roots), own if isinstance(own, _Users) else tuple(own)))
            self._new[artifact][unit] = (b"", value)
            return value
        fp = self._prints.of(f"{artifact}/{unit}", roots, own)
        old = old_units.get(unit)
        if old is not None and old[0] == fp:
            self.reused += 1
            value = old[1]
        else:
            self.rendered += 1
            value = make()
        self._new[artifact][unit] = (fp, value)
        return value

    def save(self, artifact: str) -> None:
        """Keep what this run used of `artifact` (and nothing else) for the next run (once the
        fingerprints are known, if they are pending)."""
        new = self._new.get(artifact)
        if not self.use_disk or new is None:
            return
        if self._prints is None:
            self._saving.append(artifact)
            return
        old = self._old.get(artifact, {})
        if new.keys() == old.keys() and all(old[k][0] == v[0] for k, v in new.items()):
            return  # every unit reused: the file on disk says it all already
        try:
            self.base.mkdir(parents=True, exist_ok=True)
            tmp = self.base / f"{artifact}.tmp{os.getpid()}"
            with open(tmp, "wb") as fh:
                pickle.dump(new, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.base / f"{artifact}.pickle")
        except OSError:
            pass  # a read-only cache only costs the next run its reuse
        self._old[artifact] = new
        self._new[artifact] = {}

    def counts(self) -> dict[str, int]:
        return {"rendered": self.rendered, "reused": self.reused}


class _Users:
    """`PageCache.users_of`: iterated when the fingerprints are known."""

    def __init__(self, cache: PageCache, name: str):
        self.cache, self.name = cache, name

    def __iter__(self) -> Iterator[str]:
        return iter(self.cache.prints.users.get(self.name, ()))
