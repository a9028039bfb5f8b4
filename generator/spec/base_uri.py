"""`$self` (OpenAPI 3.2): a document's own URI, the base its relative `$ref`s resolve against.

Nothing is fetched: a reference resolved against `$self` names a file of the spec's folder when it
lands on a document's `$self` or under the folder the main document's `$self` names (files keep
beside the main spec the places they have beside its URI); anything else is remote and refused.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote, urldefrag, urljoin

# the URI every file of the spec's folder has when its document names no `$self`
_HOME = "file:///specgen-spec-folder/"


def self_of(data: Any) -> str | None:
    """The document's `$self`, when it names one."""
    value = data.get("$self") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value.strip() else None


def _base(name: str, selves: dict[str, str]) -> str:
    home = _HOME + quote(name)
    return urljoin(home, selves[name]) if name in selves else home


def target_of(ref: str, file: str, main: str, selves: dict[str, str]) -> tuple[str | None, str]:
    """(the spec-folder file a `$ref`'s document part names, or None when it lies outside, and
    the absolute URI it resolved to), read against the `$self` of the document holding it."""
    uri = urldefrag(urljoin(_base(file, selves), ref)).url
    for name in sorted(selves):
        if urldefrag(_base(name, selves)).url == uri:
            return name, uri
    roots = [_HOME] + ([urljoin(_base(main, selves), ".")] if main in selves else [])
    for root in roots:
        if uri.startswith(root) and len(uri) > len(root):
            return unquote(uri[len(root):]), uri
    return None, uri
