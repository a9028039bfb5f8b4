"""`specgen diff` end to end: the seed specs, the CLI (formats, --fail-on, --rules, git:REV:path),
the committed reports that `specgen check` keeps current, and the corpus."""

from __future__ import annotations

import json
import shutil
import subprocess
import functools
from pathlib import Path
from typing import Any

import pytest
import yaml
from support import corpus, openapi, ROOT, run_specgen, SEED_SPECS, specgen_in_process, write_spec

from specgen.config import load_project
from specgen.diff import Report, check_reports, compare, diff_specs, load_api, render_markdown, write_reports
from specgen.diff.rules import RULES


@pytest.fixture(scope="module")
def chat_2023_to_2025() -> Report:
    return compare(load_api(SEED_SPECS["openai-chat-2023"], use_cache=False), load_api(SEED_SPECS["openai-chat-2025"], use_cache=False))


def by_path(rep: Report, path: str) -> dict[str, Any]:
    return {c.rule: c for c in rep.changes if c.path == path}


def test_chat_2023_to_2025_top_logprobs_maximum_relaxed(chat_2023_to_2025: Report) -> None:
    c = by_path(chat_2023_to_2025, "body.top_logprobs")["request-max-increased"]
    assert (c.old, c.new, c.severity, c.direction) == (5, 20, "info", "request")
    assert c.message() == "maximum 5 → 20"


def test_chat_2023_to_2025_max_tokens_deprecated(chat_2023_to_2025: Report) -> None:
    c = by_path(chat_2023_to_2025, "body.max_tokens")["property-deprecated"]
    assert c.new == "max_completion_tokens" and c.severity == "warning"
    assert "in favor of `max_completion_tokens`" in c.message()


def test_chat_2023_to_2025_tool_choice_gains_required(chat_2023_to_2025: Report) -> None:
    hits = [c for c in chat_2023_to_2025.changes if c.path.startswith("body.tool_choice") and c.rule == "request-enum-value-added"]
    assert len(hits) == 1 and hits[0].new == ["required"]
    assert any(c.symbol == "ToolChoiceMode.REQUIRED" and c.change == "added" for c in chat_2023_to_2025.client)


def test_chat_2023_to_2025_developer_message_variant_added(chat_2023_to_2025: Report) -> None:
    c = by_path(chat_2023_to_2025, "body.messages[]<role=developer>")["request-union-variant-added"]
    assert c.severity == "info" and c.new == "ChatCompletionRequestDeveloperMessage"


def test_chat_2023_to_2025_new_optional_fields_are_info(chat_2023_to_2025: Report) -> None:
    for name in ("audio", "modalities", "prediction", "store", "metadata", "max_completion_tokens", "service_tier"):
        c = by_path(chat_2023_to_2025, f"body.{name}")["request-property-added"]
        assert c.severity == "info", name
    args = {c.symbol: c.change for c in chat_2023_to_2025.client if c.kind == "argument"}
    assert args["client.chat.completions.create(audio)"] == "added"


def test_chat_2023_to_2025_nothing_reported_twice(chat_2023_to_2025: Report) -> None:
    keys = [(g.key, c.path, c.rule) for g in chat_2023_to_2025.groups for c in g.changes]
    assert len(keys) == len(set(keys))
    # each fact once across the whole report, not once per place that reaches it
    facts = [(c.path, c.rule, c.message()) for c in chat_2023_to_2025.changes]
    assert len(facts) == len(set(facts))
    assert len({g.key for g in chat_2023_to_2025.groups}) == len(chat_2023_to_2025.groups)


def test_chat_2023_to_2025_renamed_messages_are_matched_not_replaced(chat_2023_to_2025: Report) -> None:
    renamed = {(c.old, c.new) for c in chat_2023_to_2025.client if c.change == "renamed"}
    assert ("SystemMessage", "ChatCompletionRequestSystemMessage") in renamed
    assert not any(c.rule == "request-union-variant-removed" for c in chat_2023_to_2025.changes)


def test_markdown_is_grouped_with_the_summary_first(chat_2023_to_2025: Report) -> None:
    md = render_markdown(chat_2023_to_2025, "Chat: 2023 -> 2025")
    head, _, rest = md.partition("### ")
    assert "| 🔴 breaking |" in head and "| 🔵 info |" in head
    assert "`POST /chat/completions` · `client.chat.completions.create`" in md
    assert "## What it does to your client" in md
    assert str(ROOT) not in md and "/tmp" not in md


# ------------------------------------------------------------------ the CLI


def small(tmp_path: Path, name: str, props: dict[str, Any]) -> Path:
    spec = openapi(
        {
            "/things": {
                "post": {
                    "operationId": "createThing",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "properties": props}}}},
                    "responses": {"200": {"description": "ok"}},
                }
            }
        }
    )
    return write_spec(tmp_path, spec, name)


def test_fail_on_breaking_exits_1_only_when_something_breaks(tmp_path: Path) -> None:
    a = small(tmp_path, "a.yaml", {"x": {"type": "string"}, "y": {"type": "string"}})
    b = small(tmp_path, "b.yaml", {"x": {"type": "string"}})
    c = small(tmp_path, "c.yaml", {"x": {"type": "string"}, "y": {"type": "string"}, "z": {"type": "string"}})
    assert run_specgen("diff", str(a), str(b), "--fail-on", "breaking").returncode == 1
    assert run_specgen("diff", str(a), str(c), "--fail-on", "breaking").returncode == 0
    assert run_specgen("diff", str(a), str(c), "--fail-on", "info").returncode == 1
    res = run_specgen("diff", str(a), str(b))
    assert res.returncode == 0 and "request-property-removed" in res.stdout
    assert "\x1b[" not in res.stdout  # not a terminal: no color
    assert "\x1b[" in run_specgen("diff", str(a), str(b), "--color", "always").stdout


def test_json_output_has_the_documented_shape(tmp_path: Path) -> None:
    a = small(tmp_path, "a.yaml", {"x": {"type": "string"}, "y": {"type": "string"}})
    b = small(tmp_path, "b.json", {"x": {"type": "string"}})
    res = specgen_in_process("diff", str(a), str(b), "--format", "json")
    data = json.loads(res.stdout)
    assert set(data) == {"old", "new", "summary", "groups", "client"}
    client = {"breaking": 2, "warning": 0, "info": 0, "total": 2}  # the argument and the body model's field
    assert data["summary"] == {"breaking": 0, "warning": 1, "info": 0, "total": 1, "client": client, "semver": "major"}
    (group,) = data["groups"]
    assert (group["kind"], group["key"], group["call"]) == ("operation", "POST /things", "client.things.create")
    (change,) = group["changes"]
    assert set(change) == {"rule", "severity", "direction", "path", "message", "old", "new", "fingerprint"}
    assert (change["rule"], change["path"], change["direction"]) == ("request-property-removed", "body.y", "request")
    (arg,) = [c for c in data["client"] if c["kind"] == "argument"]
    assert {k: arg[k] for k in ("symbol", "change", "old", "new", "severity", "rule")} == {
        "symbol": "client.things.create(y)", "change": "removed", "old": "y: str = ...", "new": None, "severity": "breaking", "rule": "client-symbol-removed"
    }


def test_only_hides_less_severe_changes_and_says_how_many(tmp_path: Path) -> None:
    a = small(tmp_path, "a.yaml", {"x": {"type": "string"}, "y": {"type": "string"}})
    c = small(tmp_path, "c.yaml", {"x": {"type": "string", "maxLength": 3}, "z": {"type": "string"}})
    full = json.loads(specgen_in_process("diff", str(a), str(c), "--format", "json").stdout)
    only = json.loads(specgen_in_process("diff", str(a), str(c), "--format", "json", "--only", "breaking").stdout)
    sevs = {ch["severity"] for g in only["groups"] for ch in g["changes"]} | {cc["severity"] for cc in only["client"]}
    assert sevs == {"breaking"}
    total = full["summary"]["total"] + full["summary"]["client"]["total"]
    kept = only["summary"]["total"] + only["summary"]["client"]["total"]
    assert only["summary"]["hidden"] == {"below": total - kept} and total > kept


def test_summary_counts_per_rule_and_per_operation(tmp_path: Path) -> None:
    a = small(tmp_path, "a.yaml", {"x": {"type": "string"}, "y": {"type": "string"}})
    b = small(tmp_path, "b.yaml", {"x": {"type": "integer"}})
    data = json.loads(specgen_in_process("diff", str(a), str(b), "--format", "json", "--summary").stdout)
    assert set(data) == {"old", "new", "summary", "rules", "groups"}
    assert {(r["rule"], r["count"]) for r in data["rules"]} >= {("request-property-removed", 1), ("request-type-changed", 1)}
    assert {"key": "POST /things", "breaking": 1, "warning": 1, "info": 0} in data["groups"]
    md = specgen_in_process("diff", str(a), str(b), "--format", "markdown", "--summary").stdout
    assert "| `request-type-changed` | 🔴 breaking | 1 |" in md and "body.x" not in md


def test_fingerprints_are_stable_and_an_ignore_file_accepts_changes(tmp_path: Path) -> None:
    a = small(tmp_path, "a.yaml", {"x": {"type": "string"}, "y": {"type": "string"}})
    b = small(tmp_path, "b.yaml", {"x": {"type": "integer"}})
    first = json.loads(run_specgen("diff", str(a), str(b), "--format", "json").stdout)
    again = diff_specs(str(a), str(b))
    prints = {ch["path"]: ch["fingerprint"] for g in first["groups"] for ch in g["changes"]}
    assert prints == {c.path: c.fingerprint for c in again.changes}
    assert all(len(fp) == 12 for fp in prints.values()) and len(set(prints.values())) == len(prints)
    ignore = tmp_path / "accepted.txt"
    client_fp = [cc["fingerprint"] for cc in first["client"]]
    ignore.write_text("# accepted in review\n" + prints["body.x"] + "\nrequest-property-removed body.y  # gone on purpose\n" + "\n".join(client_fp) + "\n")
    res = run_specgen("diff", str(a), str(b), "--format", "json", "--ignore", str(ignore), "--fail-on", "breaking")
    data = json.loads(res.stdout)
    assert res.returncode == 0 and data["groups"] == [] and data["client"] == []
    assert data["summary"]["hidden"] == {"ignored": 2 + len(client_fp)}
    ignore.write_text("not-a-rule body.x\n")
    bad = run_specgen("diff", str(a), str(b), "--ignore", str(ignore))
    assert bad.returncode == 2 and "accepted.txt:1" in bad.stderr and "Traceback" not in bad.stderr
    missing = run_specgen("diff", str(a), str(b), "--ignore", str(tmp_path / "nope.txt"))
    assert missing.returncode == 2 and "nope.txt" in missing.stderr


def test_today_must_be_a_date(tmp_path: Path) -> None:
    a = small(tmp_path, "a.yaml", {"x": {"type": "string"}})
    res = run_specgen("diff", str(a), str(a), "--today", "tomorrow")
    assert res.returncode == 2 and "YYYY-MM-DD" in res.stderr


def test_markdown_is_cut_to_fit_least_severe_first(tmp_path: Path) -> None:
    a = small(tmp_path, "a.yaml", {"x": {"type": "string"}})
    props = {f"p{i}": {"type": "string"} for i in range(60)}
    b = small(tmp_path, "b.yaml", {"x": {"type": "integer"}, **props})
    full = specgen_in_process("diff", str(a), str(b), "--format", "markdown", "--max-chars", "0").stdout
    cut = specgen_in_process("diff", str(a), str(b), "--format", "markdown", "--max-chars", "4000").stdout
    assert len(full) > 4000 >= len(cut)
    assert "request-type-changed" in cut and "Cut to fit 4,000 characters" in cut
    assert cut.count("request-property-added") < full.count("request-property-added")


def test_an_unquoted_integer_status_key_is_read(tmp_path: Path) -> None:
    text = """openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /things:
    post:
      operationId: createThing
      responses:
        201:
          description: created
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}}}
"""
    (tmp_path / "a.yaml").write_text(text)
    (tmp_path / "b.yaml").write_text(text.replace("id: {type: string}", "id: {type: string}, n: {type: integer}"))
    res = specgen_in_process("diff", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"), "--format", "json")
    assert res.returncode == 0, res.stderr
    assert [c["rule"] for g in json.loads(res.stdout)["groups"] for c in g["changes"]] == ["response-property-added"]


def test_rules_lists_every_rule() -> None:
    res = specgen_in_process("diff", "--rules", "--format", "json")
    rules = json.loads(res.stdout)
    assert res.returncode == 0 and len(rules) == len(RULES)
    assert {"id", "severity", "direction", "description"} == set(rules[0])
    text = specgen_in_process("diff", "--rules").stdout
    for rid in ("request-property-removed", "response-property-became-optional", "request-enum-value-removed", "request-max-decreased", "operation-deprecated"):
        assert rid in text


def test_missing_arguments_and_files_are_usage_errors(tmp_path: Path) -> None:
    res = run_specgen("diff", str(tmp_path / "nope.yaml"), str(tmp_path / "nope2.yaml"))
    assert res.returncode == 2 and "no such file" in res.stderr and "Traceback" not in res.stderr
    assert run_specgen("diff").returncode == 2


def test_spec_values_cannot_break_the_markdown(tmp_path: Path) -> None:
    a = small(tmp_path, "a.yaml", {"x|y`z": {"type": "string"}})
    b = small(tmp_path, "b.yaml", {"other": {"type": "string"}})
    md = specgen_in_process("diff", str(a), str(b), "--format", "markdown").stdout
    row = next(line for line in md.splitlines() if "request-property-removed" in line)
    assert row.count(" | ") == 3  # the pipe from the spec is escaped, the columns hold


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_rev_path_reads_the_spec_and_its_relative_refs(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "api").mkdir(parents=True)
    git(repo, "init", "-q")
    spec = openapi({"/things": {"post": {"operationId": "createThing", "requestBody": {"content": {"application/json": {"schema": {"$ref": "thing.yaml"}}}}, "responses": {"200": {"description": "ok"}}}}})
    (repo / "api" / "openapi.yaml").write_text(yaml.safe_dump(spec))
    (repo / "api" / "thing.yaml").write_text(yaml.safe_dump({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v1")
    (repo / "api" / "thing.yaml").write_text(yaml.safe_dump({"type": "object", "properties": {"a": {"type": "string"}}}))
    res = run_specgen("diff", "git:HEAD:api/openapi.yaml", "api/openapi.yaml", "--format", "json", "--fail-on", "breaking", cwd=repo)
    assert res.returncode == 1, res.stderr
    data = json.loads(res.stdout)
    assert data["old"]["label"] == "git:HEAD:api/openapi.yaml"
    assert [c["rule"] for g in data["groups"] for c in g["changes"]] == ["request-property-removed"]
    git(repo, "commit", "-q", "-am", "v2")
    rep = diff_specs("git:HEAD~1:api/openapi.yaml", "git:HEAD:api/openapi.yaml", cwd=repo)
    assert [c.path for c in rep.changes] == ["body.b"]
    bad = run_specgen("diff", "git:HEAD:api/missing.yaml", "api/openapi.yaml", cwd=repo)
    assert bad.returncode == 2 and "does not exist" in bad.stderr


# ------------------------------------------------------------------ committed reports


def test_reports_are_written_and_checked(tmp_path: Path) -> None:
    small(tmp_path, "a.yaml", {"x": {"type": "string"}, "y": {"type": "string"}})
    small(tmp_path, "b.yaml", {"x": {"type": "string"}})
    (tmp_path / "pyproject.toml").write_text('[tool.specgen]\n[[tool.specgen.diffs]]\nname = "a-to-b"\nold = "a.yaml"\nnew = "b.yaml"\ntitle = "A | B"\n')
    project = load_project(tmp_path)
    assert check_reports(project) == {"generated/diffs": ["a-to-b.md: missing (would be generated)"]}
    write_reports(project, quiet=True)
    report = tmp_path / "generated" / "diffs" / "a-to-b.md"
    text = report.read_text()
    assert text.startswith("## A \\| B\n") and str(tmp_path) not in text
    assert check_reports(project) == {"generated/diffs": []}
    report.write_text(text + "edited\n")
    (report.parent / "old.md").write_text("gone\n")
    assert check_reports(project) == {"generated/diffs": ["a-to-b.md: stale (content differs)", "old.md: extra (would be removed)"]}
    write_reports(project, quiet=True)
    assert report.read_text() == text and not (report.parent / "old.md").exists()


def test_committed_reports_exist_for_the_configured_diffs() -> None:
    project = load_project(ROOT)
    for name, _, _, _ in project.diffs:
        assert (ROOT / "generated" / "diffs" / f"{name}.md").is_file(), name
    assert check_reports(project) == {"generated/diffs": []}


# ------------------------------------------------------------------ the corpus


@functools.cache  # both corpus tests below read the same report (read-only); one xdist group
def _corpus_diff(old: Path, new: Path) -> Report:
    return diff_specs(str(old), str(new))


def test_corpus_diff_completes_grouped_by_operation() -> None:
    old, new = corpus("openai-2025-02-10.yaml"), corpus("openai-2026-08-21.yaml")
    # (no time limit asserted here: a wall-clock bound fails on a busy machine; bench/ times it)
    rep = _corpus_diff(old, new)
    ops = [g for g in rep.groups if g.kind == "operation"]
    assert len(ops) > 100 and all(g.call and g.call.startswith("client.") for g in ops)
    assert len({g.key for g in rep.groups}) == len(rep.groups)
    for g in rep.groups:
        keys = [(c.path, c.rule, c.message()) for c in g.changes]
        assert len(keys) == len(set(keys)), g.key
        assert [c.path for c in g.changes] == sorted(c.path for c in g.changes)
    assert rep.counts()["breaking"] > 0


def test_corpus_markdown_fits_a_pull_request_comment_with_every_breaking_change() -> None:
    old, new = corpus("openai-2025-02-10.yaml"), corpus("openai-2026-08-21.yaml")
    rep = _corpus_diff(old, new)
    md = render_markdown(rep, max_chars=60_000)
    assert len(md) <= 65_536
    breaking = [c.fingerprint for c in rep.changes if c.severity == "breaking"] + [c.fingerprint for c in rep.client if c.severity == "breaking"]
    assert breaking and all(fp in md for fp in (c.fingerprint for c in rep.changes if c.severity == "breaking"))
    assert all(f"| {c.kind} | `{c.symbol}` |" in md for c in rep.client if c.severity == "breaking")
