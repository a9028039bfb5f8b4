"""The escaping filters every spec text goes through on its way into generated code and docs:
what they give is read back by Python's own parser as the text, with every unprintable
character spelled as an escape, whichever path (the printable fast path or the slow one) a
text takes."""

from __future__ import annotations

import ast
import random

import pytest

from specgen.output.render import _printable, docstring, md_cell, md_text

_CHARS = ["a", "Z", " ", "\n", "\t", "\r", "\x00", "\x1b", "\x7f", "\x85", "\u2028", "\ufeff", "é", "\U0001f600", '"', "\\", "'"]


def _texts(n: int) -> list[str]:
    rnd = random.Random(19)
    return ["".join(rnd.choice(_CHARS) for _ in range(rnd.randint(0, 10))) for _ in range(n)]


@pytest.mark.parametrize("keep", ["", "\n", "\n\t"])
def test_printable_spells_exactly_the_unprintable_characters(keep: str) -> None:
    for text in _texts(3000):
        out = _printable(text, keep)
        back = ast.literal_eval('"' + out.replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"') if "\\" not in text else None
        assert all(c.isprintable() or c in keep for c in out), (text, out)
        if back is not None:
            assert back == text, (text, out)
        if all(c.isprintable() or c in keep for c in text):
            assert out == text


def test_docstring_text_reads_back_as_a_python_string() -> None:
    for text in _texts(3000):
        out = docstring(text, "    ")
        assert all(c.isprintable() or c == "\n" for c in out), (text, out)
        value = ast.literal_eval('"""' + out + '"""')
        assert isinstance(value, str)
        plain = text.strip()
        if plain and all(c.isprintable() for c in plain):
            assert value == plain, (text, out)


def test_markdown_text_holds_only_printable_characters() -> None:
    for text in _texts(3000):
        assert all(c.isprintable() for c in md_cell(text)), text
        assert all(c.isprintable() or c in "\n\t" for c in md_text(text)), text
