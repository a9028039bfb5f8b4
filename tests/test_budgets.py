"""Budgets for every value a spec controls (issue 20, item 4): each named constant in
`generator/budgets.py` pinned at its limit (accepted) and just above it (a clear error, a
degradation with a pointer, or a fixture left out with the reason), plus the pattern engine that
keeps fixtures and the mock in bounded time. The hostile specs themselves, run end to end under
resource limits, are in tests/hostile/ (test_hostile.py)."""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from support import normalize_dict, openapi, write_spec

from specgen import budgets, patterns
from specgen.artifacts import fixtures
from specgen.diagnostics import Diagnostics, SpecError
from specgen.model.normalize import normalize
from specgen.spec.bounds import shape_problem
from specgen.spec.load import load

sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))  # as the CLI does: deep schemas are the point here


def _post(schema: dict[str, Any]) -> dict[str, Any]:
    return {"/x": {"post": {"operationId": "make", "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}, "responses": {"204": {"description": "none"}}}}}


# ------------------------------------------------------------------ reading the document


def test_yaml_aliases_up_to_the_budget_load_and_one_more_is_a_clear_error(tmp_path: Path) -> None:
    def doc(n: int) -> str:
        return "openapi: 3.1.0\ninfo: {title: a, version: '1'}\npaths: {}\nx-one: &one [1]\nx-many:\n" + "".join("  - *one\n" for _ in range(n))

    (tmp_path / "ok.yaml").write_text(doc(budgets.YAML_MAX_ALIASES))
    (tmp_path / "over.yaml").write_text(doc(budgets.YAML_MAX_ALIASES + 1))
    load(tmp_path / "ok.yaml", Diagnostics(), use_cache=False)
    with pytest.raises(SpecError) as info:
        load(tmp_path / "over.yaml", Diagnostics(), use_cache=False)
    assert "[spec-too-large]" in str(info.value) and f"more than {budgets.YAML_MAX_ALIASES:,} YAML aliases" in str(info.value)


def test_expansion_up_to_the_budget_passes_and_one_node_more_does_not() -> None:
    leaf = list(range(999))  # one container and 999 scalars: 1,000 nodes, reached n times
    n = (budgets.YAML_MAX_EXPANDED_NODES - 2) // 1000
    pad = budgets.YAML_MAX_EXPANDED_NODES - 2 - 1000 * n
    assert shape_problem({"x": [leaf] * n + [0] * pad}) is None
    over = shape_problem({"x": [leaf] * n + [0] * (pad + 1)})
    assert over is not None and "expand the document" in over[0]


def test_a_527_byte_alias_bomb_is_refused_at_load_in_milliseconds(tmp_path: Path) -> None:
    levels = "".join(f"x-{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    text = "openapi: 3.1.0\ninfo: {title: bomb, version: '1'}\npaths: {}\nx-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + levels
    assert len(text) < 600
    (tmp_path / "bomb.yaml").write_text(text)
    with pytest.raises(SpecError) as info:
        load(tmp_path / "bomb.yaml", Diagnostics(), use_cache=False)
    assert "[spec-too-large]" in str(info.value)


def test_a_recursive_alias_is_refused() -> None:
    loop: list[Any] = []
    loop.append(loop)
    over = shape_problem({"x": loop})
    assert over is not None and "contains it" in over[0]


def _nested(containers: int) -> Any:
    """`containers` lists, each inside the next."""
    node: Any = []
    for _ in range(containers - 1):
        node = [node]
    return node


def test_documents_nested_to_the_budget_load_and_deeper_ones_are_refused() -> None:
    assert shape_problem({"x": _nested(budgets.DOCUMENT_MAX_DEPTH - 1)}) is None  # the mapping is one level
    over = shape_problem({"x": _nested(budgets.DOCUMENT_MAX_DEPTH)})
    assert over is not None and f"deeper than {budgets.DOCUMENT_MAX_DEPTH}" in over[0]


def _chain(links: int) -> dict[str, Any]:
    """`links` schemas that are only a `$ref` to the next, then a real one."""
    schemas: dict[str, Any] = {f"S{i}": {"$ref": f"#/components/schemas/S{i + 1}"} for i in range(links)}
    schemas[f"S{links}"] = {"type": "string"}
    return openapi(paths=_post({"$ref": "#/components/schemas/S0"}), schemas=schemas)


def test_ref_chains_up_to_the_budget_load_and_longer_ones_are_refused(tmp_path: Path) -> None:
    ok = write_spec(tmp_path, _chain(budgets.REF_CHAIN_MAX - 1), "ok.json")  # the body's own $ref is a link too
    api = normalize(load(ok, Diagnostics(), use_cache=False), Diagnostics())
    assert api.operations[0].body is not None and api.operations[0].body.type.kind == "string"
    over = write_spec(tmp_path, _chain(budgets.REF_CHAIN_MAX), "over.json")
    with pytest.raises(SpecError) as info:
        load(over, Diagnostics(), use_cache=False)
    assert "[spec-too-large]" in str(info.value) and f"at most {budgets.REF_CHAIN_MAX}" in str(info.value)


def test_a_ref_chain_across_files_is_stopped_by_the_normalizer(tmp_path: Path) -> None:
    """Each file's own chains are short; together they are over the budget."""
    n = budgets.REF_CHAIN_MAX + 4
    a = openapi(paths=_post({"$ref": "b.json#/defs/S0"}), schemas={})
    a["defs"] = {f"S{i}": {"$ref": f"b.json#/defs/S{i + 1}"} for i in range(0, n, 2)}
    b = {"defs": {f"S{i}": {"$ref": f"a.json#/defs/S{i + 1}"} for i in range(0, n, 2)}}
    a["defs"].update({f"S{i}": {"$ref": f"b.json#/defs/S{i + 1}"} for i in range(1, n, 2)})
    b["defs"].update({f"S{i}": {"$ref": f"a.json#/defs/S{i + 1}"} for i in range(1, n, 2)})
    (tmp_path / "b.json").write_text(json.dumps(b))
    spec = write_spec(tmp_path, a, "a.json")
    diags = Diagnostics()
    with pytest.raises(SpecError):
        normalize(load(spec, diags, use_cache=False), diags)
    assert any(d.code == "ref-chain" for d in diags.items)


# ------------------------------------------------------------------ the normalizer


def _objects(levels: int) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "string"}
    for _ in range(levels):
        node = {"type": "object", "required": ["a"], "properties": {"a": node}}
    return node


def test_schemas_nested_to_the_budget_convert_and_deeper_ones_become_any_with_a_note(tmp_path: Path) -> None:
    # the body is one schema; `levels` objects around the string leaf make levels + 1 in all
    def api(name: str, levels: int) -> Any:
        spec = write_spec(tmp_path, openapi(paths=_post(_objects(levels))), name)  # JSON: libyaml stops at 1,000 levels
        return normalize(load(spec, Diagnostics(), use_cache=False), Diagnostics())

    ok = api("ok.json", budgets.SCHEMA_MAX_DEPTH - 1)
    assert not [d for d in ok.degraded if "SCHEMA_MAX_DEPTH" in d["reason"]]
    over = api("over.json", budgets.SCHEMA_MAX_DEPTH)
    notes = [d for d in over.degraded if "SCHEMA_MAX_DEPTH" in d["reason"]]
    assert len(notes) == 1 and notes[0]["where"].count("/properties/a") == budgets.SCHEMA_MAX_DEPTH


def _arrays(levels: int) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "integer"}
    for _ in range(levels):
        node = {"type": "array", "items": node}
    return node


def test_inline_types_nested_past_the_budget_get_a_name_and_generated_code_stays_valid(tmp_path: Path) -> None:
    import ast

    from specgen.artifacts.client.pytypes import Types

    (tmp_path / "ok").mkdir()
    (tmp_path / "deep").mkdir()
    ok = normalize_dict(tmp_path / "ok", openapi(paths=_post({"type": "object", "properties": {"v": _arrays(budgets.INLINE_MAX_DEPTH - 1)}})))
    assert not [u for u in ok.unions if u.alias]
    deep = normalize_dict(tmp_path / "deep", openapi(paths=_post({"type": "object", "properties": {"v": _arrays(198)}})))
    aliases = [u for u in deep.unions if u.alias]
    assert aliases and all(len(u.variants) == 1 for u in aliases)
    types = Types.build(deep)
    for u in aliases:
        spelled = types.spell(u.variants[0].type)
        ast.parse(spelled, mode="eval")  # valid Python: 198 nested brackets would not be
        assert spelled.count("[") <= budgets.INLINE_MAX_DEPTH


# ------------------------------------------------------------------ fixtures


def _fixtures_of(tmp_path: Path, schema: dict[str, Any]) -> fixtures.OperationFixtures:
    api = normalize_dict(tmp_path, openapi(paths=_post({"type": "object", "required": ["v"], "properties": {"v": schema}})))
    return fixtures.all_fixtures(api)[0][1]


@pytest.mark.parametrize(
    "keyword, budget, schema",
    [
        ("minLength", budgets.FIXTURE_MAX_STRING, lambda n: {"type": "string", "minLength": n}),
        ("minItems", budgets.FIXTURE_MAX_ITEMS, lambda n: {"type": "array", "minItems": n, "items": {"type": "integer"}}),
        ("minProperties", budgets.FIXTURE_MAX_PROPERTIES, lambda n: {"type": "object", "minProperties": n, "additionalProperties": {"type": "integer"}}),
    ],
)
def test_fixture_sizes_up_to_the_budget_are_written_and_larger_ones_skipped_with_the_reason(tmp_path: Path, keyword: str, budget: int, schema: Any) -> None:
    (tmp_path / "ok").mkdir()
    (tmp_path / "over").mkdir()
    at = _fixtures_of(tmp_path / "ok", schema(budget))
    assert len(at.requests["minimal"]["v"]) == budget
    over = _fixtures_of(tmp_path / "over", schema(10**9))
    assert "minimal" not in over.requests
    why = dict(over.skipped)["request.minimal"]
    assert "FIXTURE_MAX_" in why and not over.invalid


def test_value_nesting_up_to_the_budget_is_written_and_deeper_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "ok").mkdir()
    (tmp_path / "over").mkdir()
    # the body is depth 0 and holds `v`: `levels` objects below it put the string at levels + 1
    at = _fixtures_of(tmp_path / "ok", _objects(budgets.FIXTURE_MAX_DEPTH - 1))
    assert "minimal" in at.requests
    over = _fixtures_of(tmp_path / "over", _objects(budgets.FIXTURE_MAX_DEPTH))
    assert "FIXTURE_MAX_DEPTH" in dict(over.skipped)["request.minimal"]


def test_one_request_per_variant_up_to_the_budget_then_shared_requests(tmp_path: Path) -> None:
    n = budgets.FIXTURE_MAX_VARIANT_REQUESTS + 10
    variants = [{"type": "object", "required": ["kind"], "properties": {"kind": {"const": f"k{i}"}}} for i in range(n)]
    fx = _fixtures_of(tmp_path, {"oneOf": variants})
    singles = [r for r in fx.requests if r.startswith("variant-")]
    assert len(singles) == budgets.FIXTURE_MAX_VARIANT_REQUESTS
    assert any("FIXTURE_MAX_VARIANT_REQUESTS" in note for note in fx.notes)
    assert set(fx.reach.variants) <= fx.covered.variants  # the rest, held together by coverage requests


def test_a_backtracking_pattern_with_a_non_matching_example_is_answered_at_once(tmp_path: Path) -> None:
    fx = _fixtures_of(tmp_path, {"type": "string", "pattern": "^(a+)+$", "example": "a" * 40 + "!"})
    assert fx.requests["minimal"]["v"] != "a" * 40 + "!"


# ------------------------------------------------------------------ the pattern engine


def test_patterns_run_in_linear_time_on_re2() -> None:
    compiled = patterns.compile_pattern("^(a+)+$")
    assert compiled.engine == "re2"
    assert compiled.search("a" * 100_000 + "!") is False and compiled.search("aaa") is True


def test_lookarounds_use_the_timed_fallback_and_a_slow_pattern_is_not_run_again() -> None:
    assert patterns.compile_pattern(r"^(?=.*\d)[a-z\d]+$").engine == "regex"
    assert patterns.search(r"^(?=.*\d)[a-z\d]+$", "abc1") is True
    slow = r"^(?=(a|a)*$)a"
    assert patterns.search(slow, "a" * 64 + "!") is None  # over PATTERN_FALLBACK_SECONDS: undecided
    assert slow in patterns._SLOW
    assert patterns.search(slow, "a") is None  # remembered: never run again


def test_pattern_length_and_subject_budgets() -> None:
    assert patterns.search("a" * budgets.PATTERN_MAX_LENGTH, "a" * budgets.PATTERN_MAX_LENGTH) is True
    assert patterns.search("a" * (budgets.PATTERN_MAX_LENGTH + 1), "a") is None
    lookahead = r"^(?=b)b+$"
    assert patterns.search(lookahead, "b" * budgets.PATTERN_MAX_SUBJECT) is True
    assert patterns.search(lookahead, "b" * (budgets.PATTERN_MAX_SUBJECT + 1)) is None
    assert patterns.search("(", "x") is None  # not a regular expression: undecided, never an exception


def test_the_mock_answers_a_backtracking_pattern_at_once_and_keeps_serving(tmp_path: Path) -> None:
    from specgen.mock.server import MockServer

    props = {"name": {"type": "string", "pattern": "^(a+)+$"}, "odd": {"type": "string", "pattern": "(unclosed"}}
    spec = write_spec(tmp_path, openapi(paths=_post({"type": "object", "properties": props})))
    with MockServer(spec) as server:
        results: dict[str, int] = {}

        def hostile() -> None:
            results["hostile"] = httpx.post(server.base_url + "/x", json={"name": "a" * 50_000 + "!"}, timeout=30).status_code

        thread = threading.Thread(target=hostile)
        thread.start()
        thread.join(timeout=30)
        assert not thread.is_alive() and results["hostile"] == 422
        assert httpx.post(server.base_url + "/x", json={"name": "aaa"}, timeout=30).status_code == 204
        # a pattern that is not a regular expression constrains nothing: never a 500
        assert httpx.post(server.base_url + "/x", json={"odd": "x"}, timeout=30).status_code == 204


def test_the_mock_names_patterns_it_cannot_evaluate(tmp_path: Path) -> None:
    from specgen.mock.bounded import unusable_patterns

    props = {"odd": {"type": "string", "pattern": "(unclosed"}, "fine": {"type": "string", "pattern": "^a$"}}
    api = normalize_dict(tmp_path, openapi(paths=_post({"type": "object", "properties": props})))
    found = unusable_patterns(api)
    assert [p for p, _ in found] == ["(unclosed"]


def test_budgets_are_documented_in_the_readme() -> None:
    from support import ROOT

    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Untrusted specs", 1)[1]
    names = [n for n in vars(budgets) if n.isupper()]
    assert names and all(f"`{n}`" in section for n in names), [n for n in names if f"`{n}`" not in section]


# ---------------------------------------------------------------- budgets proved from the chunks


def _big(schemas: dict[str, Any]) -> dict[str, Any]:
    """A spec past the size where YAML is loaded in chunks (spec/load.py's _CHUNKED_MIN)."""
    from specgen.spec.load import _CHUNKED_MIN

    filler = {f"Filler{i}": {"type": "object", "description": "x" * 200, "properties": {"a": {"type": "string"}}} for i in range(_CHUNKED_MIN // 250 + 50)}
    return openapi(paths=_post({"$ref": "#/components/schemas/S0"}), schemas={**schemas, **filler})


@pytest.mark.parametrize("case", ["within", "deep", "chain"])
def test_a_chunked_spec_is_judged_from_its_chunks_as_a_whole_walk_judges_it(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A YAML spec loaded in chunks is proved within budget from each chunk's size, height and
    $refs (kept with the chunk: an edit walks its own chunk, not the document). Over budget, the
    whole document is walked and the error is the one `shape_problem` gives, at its place."""
    from specgen.spec import bounds, load as load_mod, yamlchunks

    monkeypatch.setattr(bounds, "DOCUMENT_MAX_DEPTH", 12)
    monkeypatch.setattr(bounds, "REF_CHAIN_MAX", 4)
    deep: Any = {"type": "string"}
    for _ in range(12 if case == "deep" else 6):
        deep = {"type": "array", "items": deep}
    schemas = {"S0": deep}
    if case == "chain":
        schemas = {f"S{i}": {"$ref": f"#/components/schemas/S{i + 1}"} for i in range(5)} | {"S5": {"type": "string"}}
    spec = write_spec(tmp_path, _big(schemas))
    walked: list[object] = []
    monkeypatch.setattr(load_mod, "shape_problem", lambda data: walked.append(data) or shape_problem(data))
    doc = yaml.safe_load(spec.read_text())
    expected = shape_problem(doc)
    assert (expected is None) == (case == "within")
    if case == "within":
        docs = load(spec, Diagnostics(), use_cache=False)
        assert docs.main.data == doc and walked == []  # proved from the chunks alone
        return
    with pytest.raises(SpecError) as info:
        load(spec, Diagnostics(), use_cache=False)
    assert len(walked) == 1 and expected[0] in str(info.value) and expected[2] in str(info.value)
    assert yamlchunks.layout(spec.read_text())[1]  # it was loaded in chunks


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["openai-2026-08-21.yaml", "real/readme-3.0/star-trek.yaml", "real/readme-3.0/readme.yaml", "real/readme-3.1/train-travel.yaml"])  # specs that split
def test_the_facts_of_a_real_specs_chunks_add_up_to_the_whole_documents(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from support import corpus

    from specgen.spec import bounds, yamlchunks
    from specgen.spec.load import _construct_clean

    seen: list[tuple[Any, list[tuple[int, bounds.Facts]]]] = []
    monkeypatch.setattr(yamlchunks, "within", lambda data, parts: seen.append((data, parts)) or bounds.within(data, parts))
    root, proved = yamlchunks.load_within(corpus(name).read_text(encoding="utf-8"), _construct_clean, tmp_path, "spec")
    ((data, parts),) = seen
    whole = bounds.facts(root)
    assert whole is not None and data is root
    assert 1 + sum(p[0] for _, p in parts) == whole[0]  # size
    assert max([1] + [above + 1 + p[1] for above, p in parts]) == whole[1]  # height
    assert sorted(r for _, p in parts for r in p[2]) == sorted(whole[2])  # $refs
    assert proved == (shape_problem(root) is None) == True
