"""Request bodies on the wire: form-urlencoded and multipart per the Encoding Object's defaults,
files in every accepted form, and the choice of media type for operations that accept several.

The form-urlencoded cases are the examples of OAS 3.1.2, section 4.8.15.2.1 ("URL Encoded Form
with JSON Values"), byte for byte. Multipart bodies are framed by httpx (as the client sends
them) and parsed back with the module specgen's mock uses.
"""

from __future__ import annotations

import asyncio
import io
import pathlib
import threading
from typing import Any

import httpx
import pytest

from specgen.runtime._bodies import Media, Part, binary_content, choose_media, decode_body, decode_multipart, encode_form, multipart_fields
from specgen.runtime._files import File, aread_files, has_file, is_file, read_file, read_files

ADDRESS = {"streetAddress": "123 Example Dr.", "city": "Somewhere", "state": "CA", "zip": "99999+1234"}
ID = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"


def test_form_urlencoded_with_json_values_matches_the_specification_example() -> None:
    media = Media("application/x-www-form-urlencoded", "form", (Part("id", "text/plain"), Part("address", "application/json")))
    expected = (
        "id=f81d4fae-7dec-11d0-a765-00a0c91e6bf6&address=%7B%22streetAddress%22%3A%22123+Example+Dr.%22%2C%22city%22%3A%22Somewhere"
        "%22%2C%22state%22%3A%22CA%22%2C%22zip%22%3A%2299999%2B1234%22%7D"
    )
    body = encode_form(media, {"id": ID, "address": ADDRESS})
    assert body == expected
    assert decode_body(media, media.content_type, body.encode(), {}) == {"id": ID, "address": ADDRESS}


def test_form_urlencoded_id_as_json_matches_the_specification_example() -> None:
    media = Media("application/x-www-form-urlencoded", "form", (Part("id", "application/json"),))
    assert encode_form(media, {"id": ID}) == "id=%22f81d4fae-7dec-11d0-a765-00a0c91e6bf6%22"


def test_form_urlencoded_arrays_repeat_the_key_and_styled_objects_follow_their_style() -> None:
    media = Media(
        "application/x-www-form-urlencoded",
        "form",
        (Part("StatusCallbackEvent", "text/plain", "form", True), Part("metadata", "text/plain", "deepObject", True), Part("expand", "text/plain", "form", True)),
    )
    body = encode_form(media, {"StatusCallbackEvent": ["initiated", "ringing"], "metadata": {"order": "6735", "ok": True}, "expand": [], "To": "+1 555"})
    assert body == "StatusCallbackEvent=initiated&StatusCallbackEvent=ringing&metadata%5Border%5D=6735&metadata%5Bok%5D=true&To=%2B1+555"
    shapes = {"StatusCallbackEvent": "array", "metadata": "object", "expand": "array"}
    assert decode_body(media, media.content_type, body.encode(), shapes) == {"StatusCallbackEvent": ["initiated", "ringing"], "metadata": {"order": "6735", "ok": "true"}, "To": "+1 555"}


def _frame(fields: list[Any]) -> tuple[str, bytes]:
    """The multipart body httpx writes for these fields (what the client sends)."""
    req = httpx.Request("POST", "http://127.0.0.1/x", files=fields)
    return req.headers["content-type"], req.read()


def test_multipart_defaults_text_json_and_one_part_per_array_item() -> None:
    media = Media("multipart/form-data", "multipart", (Part("id", "text/plain"), Part("address", "application/json"), Part("tags", "text/plain"), Part("addresses", "application/json")))
    body = {"id": ID, "address": ADDRESS, "tags": ["a", "b"], "addresses": [ADDRESS, {"city": "X"}], "n": 3, "flag": False}
    ctype, raw = _frame(multipart_fields(media, body))
    parts = decode_multipart(ctype, raw)
    assert [(n, f, c) for n, f, c, _ in parts] == [
        ("id", None, None),
        ("address", None, "application/json"),
        ("tags", None, None),
        ("tags", None, None),
        ("addresses", None, "application/json"),
        ("addresses", None, "application/json"),
        ("n", None, None),
        ("flag", None, None),
    ]
    assert [d for n, _, _, d in parts if n in ("tags", "n", "flag")] == [b"a", b"b", b"3", b"false"]
    shapes = {"tags": "array", "addresses": "array"}
    assert decode_body(media, ctype, raw, shapes) == {"id": ID, "address": ADDRESS, "tags": ["a", "b"], "addresses": [ADDRESS, {"city": "X"}], "n": "3", "flag": "false"}


def test_multipart_files_carry_their_name_and_media_type(tmp_path: pathlib.Path) -> None:
    audio = tmp_path / "speech.mp3"
    audio.write_bytes(b"ID3audio")
    media = Media("multipart/form-data", "multipart", (Part("file", "application/octet-stream"), Part("image", "image/png"), Part("mask", "application/octet-stream")))
    body = read_files({"file": audio, "image": [b"\x89PNG1", ("b.png", io.BytesIO(b"\x89PNG2"))], "mask": ("m.bin", b"x", "application/x-mask", {"X-Part": "1"})})
    fields = multipart_fields(media, body)
    assert [(n, f, c, dict(h)) for n, (f, _, c, h) in fields] == [
        ("file", "speech.mp3", "audio/mpeg", {}),
        ("image", "upload", "image/png", {}),
        ("image", "b.png", "image/png", {}),
        ("mask", "m.bin", "application/x-mask", {"X-Part": "1"}),
    ]
    ctype, raw = _frame(fields)
    parts = decode_multipart(ctype, raw)
    assert [(n, f, c, d) for n, f, c, d in parts][0] == ("file", "speech.mp3", "audio/mpeg", b"ID3audio")


def test_multipart_parts_with_a_style_are_sent_as_their_query_pairs() -> None:
    media = Media("multipart/form-data", "multipart", (Part("array", "text/plain", "form", False), Part("object", "text/plain", "deepObject", True)))
    fields = multipart_fields(media, {"array": ["a", "b"], "object": {"foo": "1", "bar": "2"}})
    assert [(n, d) for n, (_, d, _, _) in fields] == [("array", b"a,b"), ("object[foo]", b"1"), ("object[bar]", b"2")]
    ctype, raw = _frame(fields)
    assert decode_body(media, ctype, raw, {"array": "array", "object": "object"}) == {"array": ["a", "b"], "object": {"foo": "1", "bar": "2"}}


def test_file_types_are_recognised_and_read(tmp_path: pathlib.Path) -> None:
    p = tmp_path / "a.txt"
    p.write_bytes(b"hello")
    for value in (b"x", bytearray(b"x"), p, io.BytesIO(b"x"), ("n", b"x"), ("n", b"x", "text/plain"), ("n", b"x", None, {})):
        assert is_file(value), value
    for value in ("text", 3, ["a"], ("a", "b"), {"a": 1}, None):
        assert not is_file(value), value
    assert read_file(p) == File("a.txt", b"hello", None, {})
    with open(p, "rb") as fh:
        assert read_file(fh) == File("a.txt", b"hello", None, {})
    assert has_file({"x": 1, "files": [p]}) and not has_file({"x": [1]})


def test_async_file_reads_happen_off_the_event_loop(tmp_path: pathlib.Path) -> None:
    threads: list[str] = []

    class Tracked(io.BytesIO):
        def read(self, *args: Any) -> bytes:
            threads.append(threading.current_thread().name)
            return super().read(*args)

    p = tmp_path / "big.bin"
    p.write_bytes(b"z" * 1000)

    async def main() -> Any:
        return await aread_files({"a": p, "b": [("t.bin", Tracked(b"abc"))], "c": "keep"})

    out = asyncio.run(main())
    assert out == {"a": File("big.bin", b"z" * 1000, None, {}), "b": [File("t.bin", b"abc", None, {})], "c": "keep"}
    assert threads and all(t != threading.main_thread().name for t in threads)


def test_media_choice_a_file_picks_multipart_else_the_first_and_content_type_overrides() -> None:
    media = (Media("application/json", "json"), Media("multipart/form-data", "multipart"))
    assert choose_media(media, {"prompt": "x"}).kind == "json"
    assert choose_media(media, {"prompt": "x", "image": b"png"}).kind == "multipart"
    assert choose_media(media, {"prompt": "x", "image": [("a.png", b"png")]}).kind == "multipart"
    assert choose_media(media, {"prompt": "x"}, "multipart/form-data").kind == "multipart"
    with pytest.raises(ValueError, match="not one of"):
        choose_media(media, {}, "text/csv")
    ranged = (Media("image/*", "binary"),)
    assert choose_media(ranged, b"x", "image/png").content_type == "image/png"


def test_binary_bodies_carry_their_media_type() -> None:
    jpeg = Media("image/jpeg", "binary")
    assert binary_content(jpeg, File(None, b"\xff\xd8", None, {})) == (b"\xff\xd8", "image/jpeg")
    anything = Media("*/*", "binary")
    assert binary_content(anything, File("a.png", b"p", None, {})) == (b"p", "image/png")
    assert binary_content(anything, File(None, b"p", None, {})) == (b"p", "application/octet-stream")
    assert binary_content(Media("text/plain", "text"), "héllo") == ("héllo".encode(), "text/plain")
