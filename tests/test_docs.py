"""The docs artifact: pages people read, tables that stay tables, links that resolve."""

from __future__ import annotations

import functools
import json
import posixpath
import re
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from support import CORPUS_IR, ROOT, SEED_SPECS, corpus, normalized_once, openapi, write_spec

pytestmark = CORPUS_IR

SEED_004 = ROOT.parent / "shared" / "seeds" / "004_60144500b3d560ab.txt"
CHAT_PAGE = "docs/operations/create_chat_completion.md"


# --------------------------------------------------------------------------- helpers


def load_api(spec: Path) -> Any:
    from specgen.diagnostics import Diagnostics
    from specgen.spec.load import load
    from specgen.model.normalize import normalize

    diags = Diagnostics()
    return normalize(load(spec, diags, use_cache=False), diags)


def render_spec(spec: Path, target: str = "test-target") -> dict[str, str]:
    """Docs and tools files for a spec, rendered in process."""
    from specgen.artifacts import docs
    from specgen.artifacts import tools
    from specgen.output.render import RenderContext

    api = load_api(spec)
    ctx = RenderContext(package="pkg", target=target, spec_label=spec.name, spec_sha256="0" * 64, api_key_env="PKG_API_KEY")
    files = docs.render(api, ctx)
    files.update(tools.render(api, ctx))
    return files


@functools.lru_cache(maxsize=None)
def chat_2025() -> dict[str, str]:
    return render_spec(SEED_SPECS["openai-chat-2025"], "openai-chat-2025")


_MD = MarkdownIt("commonmark").enable("table")


@functools.lru_cache(maxsize=256)
def tokens(text: str) -> list[Any]:
    return _MD.parse(text)


def split_cells(line: str) -> list[str]:
    """A GFM table row split on pipes that no backslash escapes."""
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return re.split(r"(?<!\\)\|", s)


def table_problems(name: str, text: str) -> list[str]:
    """Every table: the same number of cells in every row, by the parser and in the source."""
    problems = []
    toks = tokens(text)
    lines = text.split("\n")
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.type != "table_open":
            i += 1
            continue
        counts: list[int] = []
        j = i + 1
        cells = 0
        while toks[j].type != "table_close":
            t = toks[j].type
            if t == "tr_open":
                cells = 0
            elif t in ("th_open", "td_open"):
                cells += 1
            elif t == "tr_close":
                counts.append(cells)
            j += 1
        if len(set(counts)) != 1:
            problems.append(f"{name}:{tok.map}: parsed rows with {counts} cells")
        assert tok.map is not None
        start, end = tok.map
        header = len(split_cells(lines[start]))
        for n in range(start, end):
            got = len(split_cells(lines[n]))
            if got != header:
                problems.append(f"{name}:{n + 1}: {got} cells, header has {header}: {lines[n][:120]}")
        i = j + 1
    return problems


def slug(text: str) -> str:
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def anchors(text: str) -> set[str]:
    """GitHub-style heading anchors of a page (duplicates get -1, -2...)."""
    seen: dict[str, int] = {}
    out = set()
    toks = tokens(text)
    for i, tok in enumerate(toks):
        if tok.type == "heading_open":
            inline = toks[i + 1]
            plain = "".join(c.content for c in (inline.children or []) if c.type in ("text", "code_inline"))
            base = slug(plain)
            n = seen.get(base, 0)
            seen[base] = n + 1
            out.add(base if n == 0 else f"{base}-{n}")
    return out


def link_problems(files: dict[str, str]) -> list[str]:
    """Every relative link of every Markdown file points at a rendered file (and anchor)."""
    problems = []
    anchor_cache: dict[str, set[str]] = {}
    for name, text in files.items():
        if not name.endswith(".md"):
            continue
        for tok in tokens(text):
            for child in tok.children or []:
                if child.type != "link_open":
                    continue
                href = str(child.attrs.get("href", ""))
                if re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I):
                    if not href.lower().startswith(("http://", "https://", "mailto:")):
                        problems.append(f"{name}: unsafe link {href}")
                    continue
                path, _, frag = href.partition("#")
                target = posixpath.normpath(posixpath.join(posixpath.dirname(name), path)) if path else name
                if target not in files:
                    problems.append(f"{name}: broken link {href}")
                    continue
                if frag:
                    if target not in anchor_cache:
                        anchor_cache[target] = anchors(files[target])
                    if frag not in anchor_cache[target]:
                        problems.append(f"{name}: missing anchor {href}")
    return problems


def page_rows(text: str, after: str) -> dict[str, list[str]]:
    """The rows (by first cell) of the first table after a heading line."""
    lines = text.split("\n")
    start = lines.index(after)
    rows: dict[str, list[str]] = {}
    in_table = False
    for line in lines[start + 1 :]:
        if line.startswith("|"):
            in_table = True
            cells = [c.strip() for c in split_cells(line)]
            rows.setdefault(cells[0], cells)
        elif in_table:
            break
    return rows


# --------------------------------------------------------------------------- seed 004


def seed_004_fields() -> list[dict[str, Any]]:
    """Fields of seed 004's request body table: name, type, required, default, possible values."""
    if not SEED_004.is_file():
        pytest.skip(f"{SEED_004} is absent (../shared is only beside developer checkouts)")
    text = SEED_004.read_text()
    body = text[text.index("Request body fields") : text.index("How to start integrating")]
    fields: list[dict[str, Any]] = []
    row = re.compile(r"^(\S+) (?:(Object|String|Number|Integer|Boolean|Array) )?(Yes|No)$")
    for line in body.split("\n"):
        line = line.strip().removeprefix("• ")  # possible values are a bulleted list
        m = row.match(line)
        if m:
            fields.append({"name": m.group(1), "type": m.group(2), "required": m.group(3), "default": None, "values": []})
        elif fields and line.startswith("Default value: "):
            fields[-1]["default"] = json.loads(line[len("Default value: ") :])
        elif fields and re.fullmatch(r'"[^"]*"', line):
            fields[-1]["values"].append(json.loads(line))
    return fields


_TYPE_WORDS = {"String": ("string", '`"'), "Integer": ("integer",), "Number": ("number",), "Boolean": ("boolean",), "Array": ("array of",)}


def test_every_seed_004_field_is_on_the_create_chat_completion_page() -> None:
    fields = seed_004_fields()
    assert len(fields) >= 50, "seed 004 parsing found too few fields"
    assert sum(len(f["values"]) for f in fields) == 17 and sum(f["default"] is not None for f in fields) == 13
    page = chat_2025()[CHAT_PAGE]
    rows = page_rows(page, "## Request body")
    missing = []
    for f in fields:
        name = f["name"].removesuffix("[]")
        cells = rows.get(f"`{name}`")
        if cells is None:
            missing.append(f"{name}: no row")
            continue
        path, typ, required, default, desc = cells
        if required != f["required"]:
            missing.append(f"{name}: required {required}, seed says {f['required']}")
        if f["type"] in _TYPE_WORDS and not any(w in typ for w in _TYPE_WORDS[f["type"]]):
            missing.append(f"{name}: type {typ!r}, seed says {f['type']}")
        if f["default"] is not None and (default == "—" or json.loads(default.strip("`")) != f["default"]):
            missing.append(f"{name}: default {default}, seed says {f['default']!r}")
        for v in f["values"]:
            if f"`{json.dumps(v)}`" not in typ + desc:
                missing.append(f"{name}: possible value {v!r} not shown")
    assert not missing, "\n".join(missing)


def test_create_chat_completion_page_carries_types_variants_deprecations_and_responses() -> None:
    page = chat_2025()[CHAT_PAGE]
    body = page_rows(page, "## Request body")
    assert body["`top_logprobs`"][1] == "integer (0..20), nullable"
    assert body["`frequency_penalty`"][1].startswith("number (-2..2)")
    assert "max 128 items" in body["`tools`"][1] and "array of [ChatCompletionTool]" in body["`tools`"][1]
    assert "(one of: developer, system, user, assistant, tool, function (deprecated))" in body["`messages`"][1]
    assert "**Deprecated**: use `max_completion_tokens` instead." in body["`max_tokens`"][4]
    assert "**Deprecated**: use `tools` instead." in body["`functions`"][4]
    assert "**Deprecated**: use `tool_choice` instead." in body["`function_call`"][4]
    assert "`web_search_options.user_location.approximate.city`" in body
    assert "`tools[].function.strict`" in body
    # union variants, each with its own fields
    assert "### Variants of `messages[]`" in page
    assert '#### `messages[]` with `role` = `"user"`' in page
    assert "| `messages[].tool_call_id` |" in page
    assert "| `messages[].content[].image_url.detail` |" in page
    assert '`"auto"` \\| `"low"` \\| `"high"`' in page
    # response, flattened; streaming; examples
    resp = page_rows(page, "## Response fields (200)")
    for path in ("choices[].message.role", "choices[].message.refusal", "usage.prompt_tokens_details.cached_tokens", "usage.completion_tokens_details.reasoning_tokens"):
        assert f"`{path}`" in resp, path
    assert "## Streaming" in page and "CreateChatCompletionStreamResponse" in page
    assert "### Request body (spec example 1)" in page and "### Minimal request body" in page
    assert "from pkg import Client" in page and "result = client.chat.completions.create(" in page
    assert "    stream=True,\n):" in page
    retrieve = chat_2025()["docs/operations/get_chat_completion.md"]
    assert "result = client.chat.completions.retrieve(\n    completion_id=" in retrieve


def test_index_lists_operations_auth_base_url_and_models() -> None:
    files = chat_2025()
    index = files["docs/README.md"]
    assert "https://api.openai.com/v1" in index
    assert "`PKG_API_KEY`" in index
    assert "Authorization: Bearer" in index
    assert "| `POST` | `/chat/completions` | `client.chat.completions.create` | [Create chat completion](operations/create_chat_completion.md) |" in index
    assert "[CreateChatCompletionRequest](models/CreateChatCompletionRequest.md)" in index
    for name in files:
        if name.startswith("docs/operations/") and name.count(".") == 2:  # a section's own page
            assert f"]({name.rpartition('/')[2]})" in files[name.split(".")[0] + ".md"], f"{name} is not linked from its operation"
        elif name.startswith("docs/operations/") or name.startswith("docs/models/"):
            assert name[len("docs/") :] in index, f"{name} is not linked from the index"


# --------------------------------------------------------------------------- well-formed


def _all_targets() -> dict[str, str]:
    files: dict[str, str] = {}
    for target, spec in SEED_SPECS.items():
        for name, text in render_spec(spec, target).items():
            files[f"{target}/{name}"] = text
    return files


def test_every_table_of_every_seed_target_page_is_well_formed() -> None:
    problems = [p for name, text in _all_targets().items() if name.endswith(".md") for p in table_problems(name, text)]
    assert not problems, "\n".join(problems[:30])


def test_every_internal_link_resolves() -> None:
    problems = link_problems(_all_targets())
    assert not problems, "\n".join(problems[:30])


HOSTILE = "a | b || c\nnext line `code | pipe` </table> <script>alert(1)</script> {{ 7*7 }} {% raw %} \\| ` <b>lone</b> end\\"
HOSTILE_BLOCK = HOSTILE + "\n# Not a heading\n\n| x | y |\n|---|---|\n| 1 |\n\nTitle\n===\n[rel](/docs/x) [js](javascript:alert(1)) [multi\nline](/docs/y)\n```\nunclosed fence"


def hostile_spec() -> dict[str, Any]:
    deep: dict[str, Any] = {"type": "object", "description": HOSTILE, "properties": {"leaf": {"type": "string", "description": HOSTILE}}}
    for i in range(12):
        deep = {"type": "object", "description": HOSTILE, "properties": {f"level{i}": deep, "x|y": {"type": "integer", "minimum": 0, "maximum": 9}}}
    schemas = {
        "Node": {
            "type": "object",
            "description": HOSTILE_BLOCK,
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "description": HOSTILE, "pattern": "^[a-z|`]+<i>x</i>$"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}, "description": HOSTILE},
                "kind": {"type": "string", "enum": ["a|b", "`tick`", "</table>", "x\ny"], "default": "a|b"},
                "weird`name|x": {"type": "boolean", "description": HOSTILE},
                "long": {"type": "string", "description": "word " * 2000 + "END_OF_LONG"},
                "deep": deep,
                "pick": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/Node"},
                        {"type": "object", "required": ["k"], "properties": {"k": {"type": "string", "enum": ["|"]}}},
                    ],
                    "description": HOSTILE,
                },
            },
        }
    }
    paths = {
        "/nodes/{node_id}": {
            "post": {
                "operationId": "createNode|`{{x}}`" + "x" * 90,
                "summary": HOSTILE,
                "description": HOSTILE_BLOCK,
                "parameters": [
                    {"name": "node_id", "in": "path", "required": True, "schema": {"type": "string"}, "description": HOSTILE},
                    {"name": "q|x", "in": "query", "schema": {"type": "string", "enum": ["|", "<b>"]}, "description": HOSTILE},
                ],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}},
                "responses": {"200": {"description": HOSTILE, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}}},
            }
        },
        "/nodes": {
            "get": {
                "operationId": "createNode|`{{x}}`" + "x" * 90 + "2",
                "summary": "list",
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}}}},
            }
        },
    }
    return openapi(paths, schemas, info={"title": "Hostile | API </table>", "version": "1 | 2", "description": HOSTILE_BLOCK})


@functools.lru_cache(maxsize=None)
def _hostile_files(tmp: str) -> dict[str, str]:
    return render_spec(write_spec(Path(tmp), hostile_spec()), "hostile|target")


@pytest.fixture()
def hostile_files(tmp_path: Path) -> dict[str, str]:
    return _hostile_files(str(tmp_path))


def test_hostile_descriptions_still_give_well_formed_tables_and_links(hostile_files: dict[str, str]) -> None:
    problems = [p for name, text in hostile_files.items() if name.endswith(".md") for p in table_problems(name, text)]
    problems += link_problems(hostile_files)
    assert not problems, "\n".join(problems[:30])
    for name, text in hostile_files.items():
        if name.endswith(".md"):
            # no raw HTML reaches a viewer, even where fragments of spec text meet (a lone backtick
            # in one must not pair with a backtick of the next and expose what lies between)
            toks = tokens(text)
            raw = [t.content for t in toks if t.type == "html_block"] + [c.content for t in toks for c in (t.children or []) if c.type == "html_inline"]
            assert not raw, (name, raw[:3])


def test_long_text_is_whole_on_its_model_page_folded_elsewhere_and_template_syntax_stays_text(hostile_files: dict[str, str]) -> None:
    node = hostile_files["docs/models/Node.md"]
    row = next(line for line in node.split("\n") if line.startswith("| `long` |"))
    assert "END_OF_LONG" in row and "…" not in row
    # repeated on operation pages, a description past any real spec's length is folded: bounded output
    page = next(t for n, t in hostile_files.items() if n.startswith("docs/operations/") and "| `long` |" in t)
    row = next(line for line in page.split("\n") if line.startswith("| `long` |"))
    assert "END_OF_LONG" not in row and "…" in row and len(row) < 6000
    assert "{{ 7*7 }}" in node and "{% raw %}" in node and "49" not in node


def test_hostile_markup_in_descriptions_cannot_change_the_page_outline(hostile_files: dict[str, str]) -> None:
    node = hostile_files["docs/models/Node.md"]
    headings = [line for line in node.split("\n") if line.startswith("#")]
    assert headings == ["# Node", "## Fields", "## Used by"], headings
    assert node.count("```") % 2 == 0
    assert "](/docs/x)" not in node and "](javascript:" not in node and "](/docs/y)" not in node


def test_recursion_and_depth_are_cut_with_a_link(hostile_files: dict[str, str]) -> None:
    page = next(t for n, t in hostile_files.items() if n.startswith("docs/operations/") and "Variants" in t)
    assert "Recursive: see [Node](../models/Node.md)" in page
    assert "Fields: see [" in page  # the 12-level object stops at the cut depth
    assert len(page) < 200_000


def test_docs_are_deterministic(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, hostile_spec())
    assert render_spec(spec) == render_spec(spec)


def api_2026() -> Any:
    """The 2026 corpus spec's IR (skips when ../shared/corpus is absent), loaded once per worker
    with the session's (support.normalized_once)."""
    return normalized_once(corpus("openai-2026-08-21.yaml"))


def test_docs_and_tools_for_the_2026_corpus_spec_are_well_formed_and_within_the_page_budget() -> None:
    from specgen.artifacts.docs.pages import PAGE_BYTES

    from specgen.artifacts import docs
    from specgen.artifacts import tools
    from specgen.output.render import RenderContext

    api = api_2026()
    ctx = RenderContext(package="openai", target="openai", spec_label="openai-2026-08-21.yaml", spec_sha256="0" * 64, api_key_env="OPENAI_API_KEY")
    files = docs.render(api, ctx)
    files.update(tools.render(api, ctx))
    assert len(api.operations) == 288
    op_pages = [n for n in files if n.startswith("docs/operations/") and n.count(".") == 1]
    assert len(op_pages) == 288
    # the size budget: long variant sections moved to pages of their own, linked from the page
    over = {n: len(t.encode()) for n, t in files.items() if n.startswith("docs/") and len(t.encode()) > PAGE_BYTES}
    assert not over, over
    section_pages = [n for n in files if n.startswith("docs/operations/") and n.count(".") == 2]
    assert section_pages and all(f"]({n.rpartition('/')[2]})" in files[n.split(".")[0] + ".md"] for n in section_pages)
    # markdown-it-py reads ~1.5 MB/s: check the indexes, the 10 biggest operation pages and a
    # sample of the rest (the seed targets and the hostile spec are checked in full above)
    ops = sorted(n for n in files if n.startswith("docs/operations/"))
    biggest = sorted(ops, key=lambda n: (-len(files[n]), n))[:10]
    models = sorted(n for n in files if n.startswith("docs/models/"))
    pages = {n: files[n] for n in ["docs/README.md", "tools/README.md", *biggest, *ops[::12], *models[::50]]}
    pages.update({n: files[n] for n in section_pages if n.split(".")[0] + ".md" in pages})  # what their links point at
    problems = [p for name, text in pages.items() if name.endswith(".md") for p in table_problems(name, text)]
    problems += link_problems({**{n: "" for n in files}, **pages})
    assert not problems, "\n".join(problems[:30])
    assert len(json.loads(files["tools/tools.json"])) == 288


def test_a_union_response_gets_its_variants_and_a_union_met_twice_gets_one_section(tmp_path: Path) -> None:
    text = {"type": "string", "description": "Text."}
    schemas = {
        "Cat": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["cat"]}, "meow": text}},
        "Dog": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["dog"]}, "bark": text}},
        "Pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]},
        "Owner": {"type": "object", "properties": {"first": {"$ref": "#/components/schemas/Pet"}, "pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}}},
        "Home": {
            "oneOf": [
                {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["house"]}, "owner": {"$ref": "#/components/schemas/Owner"}}},
                {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["flat"]}, "owner": {"$ref": "#/components/schemas/Owner"}}},
            ]
        },
    }
    ok = {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Home"}}}}
    paths = {"/homes/{id}": {"get": {"operationId": "getHome", "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}], "responses": {"200": ok}}}}
    files = render_spec(write_spec(tmp_path, openapi(paths, schemas)))
    page = files["docs/operations/get_home.md"]
    assert "### Variants of the response" in page
    assert '#### The response with `kind` = `"house"`' in page
    assert "| `owner.first` |" in page and "| `owner.pets[].meow` |" in page
    # `owner.first` is met under both variants: one section, linked from both rows
    assert page.count("### Variants of `owner.first`") == 1
    assert page.count("(#variants-of-ownerfirst)") == 2
    assert re.search(r"result = client\.[a-z_.]+\(\n    id='[^']+',\n\)", page), "path parameter missing from the Python example"
    assert not link_problems(files) and not [p for n, t in files.items() if n.endswith(".md") for p in table_problems(n, t)]
