"""The style table of the OpenAPI specification, row by row, against the runtime's wire rules.

The rows are the "Style Examples" table of OAS 3.1.2 (spec.openapis.org/oas/v3.1.2, section
4.8.12.6), for a parameter named `color` holding "blue", ["blue", "black", "brown"] or
{"R": 100, "G": 200, "B": 150}. The first value column is headed `empty` in 3.1.0 and
`undefined` in 3.1.2; its cells are what the empty string expands to, so that is what they
are tested with. 3.1.2 corrected the 3.1.0 `label`/explode=false row (`.blue.black.brown`) to
RFC 6570's `.blue,black,brown`. Cells marked n/a are not tested.

Every serialized cell is parsed back by the same module (what specgen's mock does) and must give
the value again, as the strings a URL carries.
"""

from __future__ import annotations

from typing import Any

import pytest

from specgen.runtime._wire import (
    MISSING,
    Param,
    cookie_header,
    expand_path,
    header_values,
    param_query,
    parse_cookie,
    parse_header,
    parse_path,
    parse_query,
    query_string,
)

EMPTY, STRING, ARRAY, OBJECT = "", "blue", ["blue", "black", "brown"], {"R": 100, "G": 200, "B": 150}
NA = None

# style, explode, empty, string, array, object  (OAS 3.1.2, 4.8.12.6)
TABLE: list[tuple[str, bool, str | None, str | None, str | None, str | None]] = [
    ("matrix", False, ";color", ";color=blue", ";color=blue,black,brown", ";color=R,100,G,200,B,150"),
    ("matrix", True, ";color", ";color=blue", ";color=blue;color=black;color=brown", ";R=100;G=200;B=150"),
    ("label", False, ".", ".blue", ".blue,black,brown", ".R,100,G,200,B,150"),
    ("label", True, ".", ".blue", ".blue.black.brown", ".R=100.G=200.B=150"),
    ("simple", False, "", "blue", "blue,black,brown", "R,100,G,200,B,150"),
    ("simple", True, "", "blue", "blue,black,brown", "R=100,G=200,B=150"),
    ("form", False, "color=", "color=blue", "color=blue,black,brown", "color=R,100,G,200,B,150"),
    ("form", True, "color=", "color=blue", "color=blue&color=black&color=brown", "R=100&G=200&B=150"),
    ("spaceDelimited", False, NA, NA, "color=blue%20black%20brown", "color=R%20100%20G%20200%20B%20150"),
    ("pipeDelimited", False, NA, NA, "color=blue%7Cblack%7Cbrown", "color=R%7C100%7CG%7C200%7CB%7C150"),
    ("deepObject", True, NA, NA, NA, "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"),
]

PATH_STYLES = {"matrix", "label", "simple"}
VALUES = {"empty": EMPTY, "string": STRING, "array": ARRAY, "object": OBJECT}
SHAPES = {"empty": "primitive", "string": "primitive", "array": "array", "object": "object"}


def _cases() -> list[Any]:
    out = []
    for style, explode, *cells in TABLE:
        for column, expected in zip(VALUES, cells):
            if expected is not None:
                out.append(pytest.param(style, explode, column, expected, id=f"{style}-explode={str(explode).lower()}-{column}"))
    return out


def _as_strings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: str(v) for k, v in value.items()}
    if isinstance(value, list):
        return [str(v) for v in value]
    return value


def _serialize(style: str, explode: bool, value: Any) -> str:
    if style in PATH_STYLES:
        return expand_path("{color}", [(Param("color", "path", style, explode), value)])
    return query_string(param_query([(Param("color", "query", style, explode), value)]))


@pytest.mark.parametrize(("style", "explode", "column", "expected"), _cases())
def test_style_table_row_serializes_as_the_specification_shows(style: str, explode: bool, column: str, expected: str) -> None:
    assert _serialize(style, explode, VALUES[column]) == expected


@pytest.mark.parametrize(("style", "explode", "column", "expected"), _cases())
def test_style_table_row_parses_back_to_the_value(style: str, explode: bool, column: str, expected: str) -> None:
    from urllib.parse import parse_qsl

    p = Param("color", "path" if style in PATH_STYLES else "query", style, explode)
    if style in PATH_STYLES:
        got = parse_path(p, SHAPES[column], expected)
    else:
        got = parse_query(p, SHAPES[column], parse_qsl(expected, keep_blank_values=True))
    assert got == _as_strings(VALUES[column])


@pytest.mark.parametrize("explode", [False, True])
def test_header_parameters_use_simple_style_unencoded(explode: bool) -> None:
    row = next(r for r in TABLE if r[0] == "simple" and r[1] is explode)
    for column, expected in zip(VALUES, row[2:]):
        p = Param("X-Color", "header", "simple", explode)
        if column == "empty":
            continue
        assert header_values([(p, VALUES[column])]) == {"X-Color": expected}
        assert parse_header(p, SHAPES[column], expected or "") == _as_strings(VALUES[column])


def test_cookie_parameters_use_form_style_as_cookie_pairs() -> None:
    p = Param("color", "cookie", "form", False)
    assert cookie_header([(p, ARRAY)]) == "color=blue,black,brown"
    assert parse_cookie(p, "array", "other=1; color=blue,black,brown") == ARRAY
    exploded = Param("color", "cookie", "form", True)
    assert cookie_header([(exploded, ARRAY)]) == "color=blue; color=black; color=brown"
    assert cookie_header([(exploded, "a b;c")]) == "color=a%20b%3Bc"
    assert parse_cookie(exploded, "primitive", "color=a%20b%3Bc") == "a b;c"


def test_values_are_percent_encoded_but_delimiters_are_not() -> None:
    p = Param("q", "query", "form", False)
    assert query_string(param_query([(p, ["a,b", "c&d", "é"])])) == "q=a%2Cb,c%26d,%C3%A9"
    assert parse_query(p, "array", [("q", "a,b,c&d,é")]) == ["a", "b", "c&d", "é"]
    assert expand_path("/items/{id}", [(Param("id", "path", "simple", False), "a/b c")]) == "/items/a%2Fb%20c"


def test_allow_reserved_keeps_reserved_characters_and_percent_triples() -> None:
    p = Param("path", "query", "form", True, allow_reserved=True)
    assert query_string(param_query([(p, "/a/b:c,d?e=%20 f")])) == "path=/a/b:c,d?e=%20%20f"
    strict = Param("path", "query", "form", True)
    assert query_string(param_query([(strict, "/a/b")])) == "path=%2Fa%2Fb"


def test_undefined_values_are_left_out_and_nothing_is_a_python_repr() -> None:
    p = Param("ids", "query", "form", True)
    assert param_query([(p, None)]) == []
    assert param_query([(p, [])]) == []
    assert query_string(param_query([(p, [1, None, True, 2.5])])) == "ids=1&ids=true&ids=2.5"
    assert parse_query(p, "array", []) is MISSING


def test_nested_deep_objects_use_brackets_all_the_way_down() -> None:
    p = Param("filter", "query", "deepObject", True)
    value = {"a": {"b": 1, "c": [1, 2]}, "d": None, "e": "x y"}
    pairs = param_query([(p, value)])
    from urllib.parse import unquote

    assert [(unquote(k), unquote(v)) for k, v in pairs] == [("filter[a][b]", "1"), ("filter[a][c][0]", "1"), ("filter[a][c][1]", "2"), ("filter[e]", "x y")]
    decoded = [(unquote(k), unquote(v)) for k, v in pairs]
    assert parse_query(p, "object", decoded) == {"a": {"b": "1", "c": ["1", "2"]}, "e": "x y"}


def test_content_parameters_are_written_as_their_media_type() -> None:
    p = Param("coordinates", "query", "form", True, content_type="application/json")
    pairs = param_query([(p, {"lat": 1.5, "long": 2})])
    from urllib.parse import unquote

    assert [(k, unquote(v)) for k, v in pairs] == [("coordinates", '{"lat":1.5,"long":2}')]
    assert parse_query(p, "object", [("coordinates", '{"lat":1.5,"long":2}')]) == {"lat": 1.5, "long": 2}
