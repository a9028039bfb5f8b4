"""Files: what a binary argument may be, and reading it for sending.

`FileTypes` is accepted wherever the spec says a binary goes: `bytes`, a `pathlib.Path`
(read, and named after the file), a binary file object (named after its `.name`), or a
tuple `(filename, content[, content_type[, headers]])`. The async client reads paths and
file objects in a worker thread, so a large file never blocks the event loop.
"""

from __future__ import annotations

import asyncio
import mimetypes
import os
import pathlib
from typing import IO, Any, List, Mapping, NamedTuple, Optional, Tuple, Union

from typing_extensions import TypeAlias

__all__ = [
    "FileContent",
    "FileTypes",
    "File",
    "is_file",
    "read_file",
    "aread_file",
    "read_files",
    "aread_files",
    "has_file",
    "guess_type",
]

FileContent: TypeAlias = Union[bytes, bytearray, IO[bytes], "os.PathLike[str]"]
FileTypes: TypeAlias = Union[
    FileContent,
    Tuple[Optional[str], FileContent],
    Tuple[Optional[str], FileContent, Optional[str]],
    Tuple[Optional[str], FileContent, Optional[str], Mapping[str, str]],
]


class File(NamedTuple):
    """A file ready to send: its name, its bytes, its media type and extra part headers."""

    filename: Optional[str]
    content: bytes
    content_type: Optional[str] = None
    headers: Mapping[str, str] = {}


def _is_content(value: object) -> bool:
    if isinstance(value, (bytes, bytearray, os.PathLike)):
        return True
    return hasattr(value, "read") and not isinstance(value, (str, type))


def is_file(value: object) -> bool:
    """Is `value` one of FileTypes (or an already read File)?"""
    if isinstance(value, File):
        return True
    if isinstance(value, tuple):
        return (
            2 <= len(value) <= 4
            and (value[0] is None or isinstance(value[0], str))
            and _is_content(value[1])
            and (len(value) < 3 or value[2] is None or isinstance(value[2], str))
            and (len(value) < 4 or isinstance(value[3], Mapping))
        )
    return _is_content(value)


def has_file(body: object) -> bool:
    """Does a body (a mapping of fields) hold a file, directly or as an item of a list?"""
    if is_file(body):
        return True
    if isinstance(body, Mapping):
        for value in body.values():
            if is_file(value):
                return True
            if isinstance(value, (list, tuple)) and any(is_file(v) for v in value):
                return True
    return False


def guess_type(filename: Optional[str]) -> Optional[str]:
    """The media type a file name suggests (`speech.mp3` -> `audio/mpeg`), if any."""
    if not filename:
        return None
    return mimetypes.guess_type(filename)[0]


def _name_of(content: object) -> Optional[str]:
    if isinstance(content, os.PathLike):
        return pathlib.Path(content).name
    name = getattr(content, "name", None)
    if isinstance(name, str) and name and not name.startswith("<"):
        return os.path.basename(name)
    return None


def _split(value: Any) -> Tuple[Optional[str], Any, Optional[str], Mapping[str, str]]:
    if isinstance(value, tuple):
        filename = value[0]
        content = value[1]
        ctype = value[2] if len(value) > 2 else None
        headers = value[3] if len(value) > 3 else {}
        return filename, content, ctype, headers
    return _name_of(value), value, None, {}


def _read(content: Any) -> bytes:
    if isinstance(content, (bytes, bytearray)):
        return bytes(content)
    if isinstance(content, os.PathLike):
        return pathlib.Path(content).read_bytes()
    data = content.read()
    if isinstance(data, str):
        return data.encode("utf-8")
    return bytes(data)


def read_file(value: Any) -> File:
    """Read one FileTypes value into a File."""
    if isinstance(value, File):
        return value
    filename, content, ctype, headers = _split(value)
    if filename is None and isinstance(content, os.PathLike):
        filename = pathlib.Path(content).name
    return File(filename, _read(content), ctype, dict(headers))


async def aread_file(value: Any) -> File:
    """Read one FileTypes value into a File without blocking the event loop."""
    if isinstance(value, File):
        return value
    filename, content, ctype, headers = _split(value)
    if isinstance(content, (bytes, bytearray)):
        data = bytes(content)
    else:
        data = await asyncio.to_thread(_read, content)
    if filename is None and isinstance(content, os.PathLike):
        filename = pathlib.Path(content).name
    return File(filename, data, ctype, dict(headers))


def _files_in(body: Any) -> List[Tuple[Any, Any]]:
    """(container, key) of every file value in a body: the body itself, its fields, the
    items of its list fields."""
    found: List[Tuple[Any, Any]] = []
    if isinstance(body, Mapping):
        for key, value in body.items():
            if is_file(value) and not isinstance(value, File):
                found.append((body, key))
            elif isinstance(value, list):
                found.extend(
                    (value, i)
                    for i, v in enumerate(value)
                    if is_file(v) and not isinstance(v, File)
                )
    return found


def _copy(body: Any) -> Any:
    if isinstance(body, Mapping):
        return {
            k: list(v) if isinstance(v, (list, tuple)) and not is_file(v) else v
            for k, v in body.items()
        }
    return body


def read_files(body: Any) -> Any:
    """The body with every file value read into a File (the caller's objects untouched)."""
    if is_file(body):
        return read_file(body)
    body = _copy(body)
    for container, key in _files_in(body):
        container[key] = read_file(container[key])
    return body


async def aread_files(body: Any) -> Any:
    """`read_files` for the async client: file reads happen in a worker thread."""
    if is_file(body):
        return await aread_file(body)
    body = _copy(body)
    for container, key in _files_in(body):
        container[key] = await aread_file(container[key])
    return body
