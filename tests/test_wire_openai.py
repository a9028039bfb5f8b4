"""The official `openai` package as the oracle of the wire.

The client generated from ../shared/corpus/openai-2026-08-21.yaml and the official SDK make
the same calls through a recording `httpx.MockTransport`; for each operation the two requests
must agree on method, path, query, the headers that carry meaning, and body (JSON by value,
multipart parts by name, file name, content type and content). Our methods are found by
operationId in the generated manifest, so the test does not depend on how methods are named.

Where the two legitimately differ, the case says so and the difference is checked to be
exactly that (a normalization turns one convention into the other, then the requests must be
equal):

- `brackets`: the SDK names array items `name[]` (its own convention, Stainless'
  `array_format="brackets"`); the spec declares plain names, so OpenAPI's rule applies: one
  query pair, or one multipart part, per item under the property's name.
- `json-part`: the SDK writes an object field of a multipart body as `name[key]` text parts;
  OpenAPI's default for an object property of a multipart body is one `application/json` part.
- `no-style`: the spec declares no `style` for the query parameter (its description shows
  `metadata[key]=value`), so OpenAPI's default applies: `form`, exploded, `key=value`.
- `beta-header`: the SDK adds `OpenAI-Beta: assistants=v2`, a header the spec does not declare.
- `bodyless-content-type`: the SDK sends `Content-Type: application/json` on requests without a
  body (DELETE, POST actions); the spec declares no request body there, so ours sends none.
Answers are compared too where they are bytes: speech, skill and video downloads come back as a
`BinaryResponse` holding what the SDK's binary content holds. Two answers legitimately differ:
`files.content` is declared as a JSON `string`, so our method returns the body as text (the SDK
returns bytes); the container file download declares no content (`200: Success`), so our method
returns None (the SDK reads bytes).

The Accept header is compared separately: ours is built from the media types the operation
declares, the SDK sends `application/json` (or `application/binary` for downloads) everywhere.
"""

from __future__ import annotations

import email.parser
import email.policy
import importlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx
import pytest

from support import corpus

openai = pytest.importorskip("openai", reason="the official openai package is the oracle (pip install -e '.[test]')")

pytestmark = pytest.mark.corpus

BASE = "https://api.openai.com/v1"
AUDIO = b"ID3\x04\x00fake-mp3"
PNG = b"\x89PNG\r\n\x1a\nfake"


# ------------------------------------------------------------------ the two clients


@pytest.fixture(scope="module")
def generated(generated_once: Callable[..., Path]) -> tuple[Any, dict[str, str]]:
    """The package generated from the 2026 spec (the session's one generation of it), and
    operationId -> `client.a.b` call."""
    out = generated_once(corpus("openai-2026-08-21.yaml"), package="oai_2026")
    sys.path.insert(0, str(out))
    try:
        pkg = importlib.import_module("oai_2026")
    finally:
        sys.path.remove(str(out))
    calls = {o["id"]: o["call"] for o in json.loads((out / "manifest.json").read_text())["operations"]}
    return pkg, calls


class Recorder:
    """A transport that keeps every request and answers as the case says."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.reply: Callable[[httpx.Request], httpx.Response] = lambda r: httpx.Response(200, json={})

    def handler(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.reply(request)


# ------------------------------------------------------------------ what a request says


IGNORED_HEADERS = {"host", "user-agent", "accept", "accept-encoding", "connection", "content-length"}


@dataclass
class Wire:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: Any
    accept: str | None = None


def _parts(content_type: str, raw: bytes) -> list[tuple[str, str | None, str, bytes]]:
    """(name, filename, content type, content) of each part; text/plain is a part's default."""
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    out = []
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        ctype = part.get_content_type() if part.get("content-type") else "text/plain"
        out.append((str(name), part.get_filename(), ctype, part.get_payload(decode=True) or b""))
    return sorted(out)


def wire_of(request: httpx.Request) -> Wire:
    url = urlsplit(str(request.url))
    headers = {k.lower(): v for k, v in request.headers.items() if k.lower() not in IGNORED_HEADERS and not k.lower().startswith("x-stainless")}
    ctype = headers.get("content-type", "")
    raw = request.content
    body: Any = None
    if ctype.startswith("multipart/"):
        body = ("multipart", _parts(ctype, raw))
        headers["content-type"] = ctype.split(";", 1)[0]
    elif ctype.startswith("application/json"):
        body = json.loads(raw) if raw else None
    elif raw:
        body = ("raw", raw)
    return Wire(request.method, unquote(url.path), sorted(parse_qsl(url.query, keep_blank_values=True)), headers, body, request.headers.get("accept"))


# ------------------------------------------------------------------ known conventions


def _brackets(w: Wire) -> Wire:
    """The SDK's `name[]` array convention, written the OpenAPI way (`name`)."""
    query = sorted((k[:-2] if k.endswith("[]") else k, v) for k, v in w.query)
    body = w.body
    if isinstance(body, tuple) and body[0] == "multipart":
        body = ("multipart", sorted((n[:-2] if n.endswith("[]") else n, f, c, d) for n, f, c, d in body[1]))
    return Wire(w.method, w.path, query, w.headers, body, w.accept)


def _json_parts(w: Wire) -> Wire:
    """Our application/json parts holding objects, as the SDK's `name[key]` text parts."""
    body = w.body
    if not (isinstance(body, tuple) and body[0] == "multipart"):
        return w
    parts = []
    for n, f, c, d in body[1]:
        value = json.loads(d) if c == "application/json" else None
        if isinstance(value, dict):
            parts.extend((f"{n}[{k}]", None, "text/plain", (json.dumps(v) if not isinstance(v, str) else v).encode()) for k, v in value.items())
        else:
            parts.append((n, f, c, d))
    return Wire(w.method, w.path, w.query, w.headers, ("multipart", sorted(parts)), w.accept)


def _deep_query(w: Wire) -> Wire:
    """The SDK's `metadata[key]=value` as the `form` style writes it (`key=value`)."""
    query = sorted((k[len("metadata[") : -1] if k.startswith("metadata[") else k, v) for k, v in w.query)
    return Wire(w.method, w.path, query, w.headers, w.body, w.accept)


def _no_beta_header(w: Wire) -> Wire:
    return Wire(w.method, w.path, w.query, {k: v for k, v in w.headers.items() if k != "openai-beta"}, w.body, w.accept)


def _no_bodyless_content_type(w: Wire) -> Wire:
    if w.body is not None:
        return w
    return Wire(w.method, w.path, w.query, {k: v for k, v in w.headers.items() if k != "content-type"}, w.body, w.accept)


# what each legitimate difference does to the SDK's request and to ours
CONVENTIONS: dict[str, tuple[Callable[[Wire], Wire], Callable[[Wire], Wire]]] = {
    "brackets": (_brackets, lambda w: w),
    "json-part": (lambda w: w, _json_parts),
    "no-style": (_deep_query, lambda w: w),
    "beta-header": (_no_beta_header, lambda w: w),
    "bodyless-content-type": (_no_bodyless_content_type, lambda w: w),
}


# ------------------------------------------------------------------ the cases


@dataclass
class Case:
    op: str  # operationId
    kind: str  # what it exercises: json, stream, multipart, files, binary, audio, form, list, path
    sdk: Callable[[Any], Any]
    ours: dict[str, Any]
    legit: tuple[str, ...] = ()
    reply: str = "json"  # json | sse | binary | none
    check: Callable[[Any, Any], None] | None = None  # (sdk result, our result)


MESSAGES = [{"role": "developer", "content": "Be brief."}, {"role": "user", "content": [{"type": "text", "text": "Hi"}]}]
TOOLS = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {"a": {"type": "string"}}}}}]


def _same_bytes(sdk_result: Any, ours: Any) -> None:
    assert type(ours).__name__ == "BinaryResponse", type(ours)
    assert ours.read() == sdk_result.content == AUDIO
    assert ours.content_type == "audio/mpeg"


def _text_of_json_string(sdk_result: Any, ours: Any) -> None:
    assert sdk_result.content == AUDIO
    assert ours == AUDIO.decode("utf-8", "replace")  # declared `application/json: {type: string}`


def _nothing_declared(sdk_result: Any, ours: Any) -> None:
    assert sdk_result.content == AUDIO
    assert ours is None  # declared `200: {description: Success}`, no content


CASES: list[Case] = [
    # JSON bodies
    Case("createChatCompletion", "json", lambda c: c.chat.completions.create(model="gpt-4o", messages=MESSAGES, temperature=0.5, tools=TOOLS, metadata={"k": "v"}, n=1), dict(model="gpt-4o", messages=MESSAGES, temperature=0.5, tools=TOOLS, metadata={"k": "v"}, n=1)),
    Case("createChatCompletion", "stream", lambda c: list(c.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True, stream_options={"include_usage": True})), dict(model="gpt-4o", messages=MESSAGES, stream=True, stream_options={"include_usage": True}), reply="sse"),
    Case("createCompletion", "json", lambda c: c.completions.create(model="gpt-3.5-turbo-instruct", prompt=["a", "b"], max_tokens=5, stop=["\n"]), dict(model="gpt-3.5-turbo-instruct", prompt=["a", "b"], max_tokens=5, stop=["\n"])),
    Case("createEmbedding", "json", lambda c: c.embeddings.create(model="text-embedding-3-small", input=["a", "b"], dimensions=8, encoding_format="float"), dict(model="text-embedding-3-small", input=["a", "b"], dimensions=8, encoding_format="float")),
    Case("createModeration", "json", lambda c: c.moderations.create(input="text", model="omni-moderation-latest"), dict(input="text", model="omni-moderation-latest")),
    Case("createImage", "json", lambda c: c.images.generate(prompt="a cat", n=2, size="1024x1024", quality="high"), dict(prompt="a cat", n=2, size="1024x1024", quality="high")),
    Case("createResponse", "json", lambda c: c.responses.create(model="gpt-4o", input="Hi", instructions="Be brief.", max_output_tokens=16), dict(model="gpt-4o", input="Hi", instructions="Be brief.", max_output_tokens=16)),
    Case("createResponse", "stream", lambda c: list(c.responses.create(model="gpt-4o", input="Hi", stream=True)), dict(model="gpt-4o", input="Hi", stream=True), reply="sse"),
    Case("createBatch", "json", lambda c: c.batches.create(input_file_id="file-1", endpoint="/v1/chat/completions", completion_window="24h"), dict(input_file_id="file-1", endpoint="/v1/chat/completions", completion_window="24h")),
    Case("createFineTuningJob", "json", lambda c: c.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-1", suffix="x", seed=3), dict(model="gpt-4o-mini", training_file="file-1", suffix="x", seed=3)),
    Case("createVectorStore", "json", lambda c: c.vector_stores.create(name="docs", file_ids=["file-1"], metadata={"a": "b"}), dict(name="docs", file_ids=["file-1"], metadata={"a": "b"}), legit=("beta-header",)),
    Case("searchVectorStore", "json", lambda c: c.vector_stores.search("vs_1", query="q", max_num_results=3, rewrite_query=True), dict(vector_store_id="vs_1", query="q", max_num_results=3, rewrite_query=True), legit=("beta-header",)),
    Case("createUpload", "json", lambda c: c.uploads.create(bytes=10, filename="a.jsonl", mime_type="text/jsonl", purpose="batch"), dict(bytes=10, filename="a.jsonl", mime_type="text/jsonl", purpose="batch")),
    Case("completeUpload", "json", lambda c: c.uploads.complete("upload_1", part_ids=["p1", "p2"], md5="abc"), dict(upload_id="upload_1", part_ids=["p1", "p2"], md5="abc")),
    Case("createConversation", "json", lambda c: c.conversations.create(metadata={"topic": "x"}), dict(metadata={"topic": "x"})),
    Case("CreateContainer", "json", lambda c: c.containers.create(name="box", file_ids=["file-1"]), dict(name="box", file_ids=["file-1"])),
    Case("updateChatCompletion", "json", lambda c: c.chat.completions.update("cmpl_1", metadata={"a": "b"}), dict(completion_id="cmpl_1", metadata={"a": "b"})),
    Case("createAssistant", "json", lambda c: c.beta.assistants.create(model="gpt-4o", name="helper", temperature=0.2), dict(model="gpt-4o", name="helper", temperature=0.2), legit=("beta-header",)),
    Case("createThread", "json", lambda c: c.beta.threads.create(messages=[{"role": "user", "content": "hi"}]), dict(messages=[{"role": "user", "content": "hi"}]), legit=("beta-header",)),
    # audio: a JSON request answered with bytes
    Case("createSpeech", "audio", lambda c: c.audio.speech.create(model="gpt-4o-mini-tts", input="Hello", voice="alloy", response_format="mp3", speed=1.25), dict(model="gpt-4o-mini-tts", input="Hello", voice="alloy", response_format="mp3", speed=1.25), reply="binary", check=_same_bytes),
    # lists and query parameters
    Case("listChatCompletions", "list", lambda c: c.chat.completions.list(model="gpt-4o", limit=2, order="desc", after="c_0"), dict(model="gpt-4o", limit=2, order="desc", after="c_0")),
    Case("listChatCompletions", "list", lambda c: c.chat.completions.list(metadata={"k1": "v1"}), dict(metadata={"k1": "v1"}), legit=("no-style",)),
    Case("listFiles", "list", lambda c: c.files.list(purpose="batch", limit=5, order="asc"), dict(purpose="batch", limit=5, order="asc")),
    Case("listModels", "list", lambda c: c.models.list(), {}),
    Case("listBatches", "list", lambda c: c.batches.list(after="b_0", limit=3), dict(after="b_0", limit=3)),
    Case("listPaginatedFineTuningJobs", "list", lambda c: c.fine_tuning.jobs.list(limit=2, metadata={"team": "a b"}), dict(limit=2, metadata={"team": "a b"})),
    Case("listVectorStoreFiles", "list", lambda c: c.vector_stores.files.list("vs_1", filter="completed", limit=4), dict(vector_store_id="vs_1", filter="completed", limit=4), legit=("beta-header",)),
    Case("listInputItems", "list", lambda c: c.responses.input_items.list("resp_1", include=["message.input_image.image_url", "file_search_call.results"], limit=3), dict(response_id="resp_1", include=["message.input_image.image_url", "file_search_call.results"], limit=3), legit=("brackets",)),
    Case("getResponse", "list", lambda c: c.responses.retrieve("resp_1", include=["file_search_call.results"]), dict(response_id="resp_1", include=["file_search_call.results"]), legit=("brackets",)),
    Case("listRunSteps", "list", lambda c: c.beta.threads.runs.steps.list("run_1", thread_id="th_1", include=["step_details.tool_calls[*].file_search.results[*].content"], limit=2), {"thread_id": "th_1", "run_id": "run_1", "include": ["step_details.tool_calls[*].file_search.results[*].content"], "limit": 2}, legit=("beta-header",)),
    Case("list-audit-logs", "list", lambda c: c.admin.organization.audit_logs.list(project_ids=["p1", "p2"], event_types=["api_key.created"], limit=5), {"project_ids": ["p1", "p2"], "event_types": ["api_key.created"], "limit": 5}),
    Case("usage-completions", "list", lambda c: c.admin.organization.usage.completions(start_time=1700000000, project_ids=["p1", "p2"], group_by=["model"], limit=7), dict(start_time=1700000000, project_ids=["p1", "p2"], group_by=["model"], limit=7), legit=("brackets",)),
    Case("listAssistants", "list", lambda c: c.beta.assistants.list(limit=2, order="asc", before="a_9"), dict(limit=2, order="asc", before="a_9"), legit=("beta-header",)),
    # paths
    Case("retrieveModel", "path", lambda c: c.models.retrieve("ft:gpt-4o:org:x:1"), dict(model="ft:gpt-4o:org:x:1")),
    Case("deleteModel", "path", lambda c: c.models.delete("ft:gpt-4o:org:x:1"), dict(model="ft:gpt-4o:org:x:1"), legit=("bodyless-content-type",)),
    Case("retrieveFile", "path", lambda c: c.files.retrieve("file-1"), dict(file_id="file-1")),
    Case("deleteFile", "path", lambda c: c.files.delete("file-1"), dict(file_id="file-1"), legit=("bodyless-content-type",)),
    Case("getChatCompletion", "path", lambda c: c.chat.completions.retrieve("cmpl 1/2"), dict(completion_id="cmpl 1/2")),
    Case("deleteChatCompletion", "path", lambda c: c.chat.completions.delete("cmpl_1"), dict(completion_id="cmpl_1"), legit=("bodyless-content-type",)),
    Case("cancelBatch", "path", lambda c: c.batches.cancel("batch_1"), dict(batch_id="batch_1"), legit=("bodyless-content-type",)),
    Case("getVectorStoreFile", "path", lambda c: c.vector_stores.files.retrieve("file-1", vector_store_id="vs_1"), dict(vector_store_id="vs_1", file_id="file-1"), legit=("beta-header",)),
    # downloads
    Case("downloadFile", "binary", lambda c: c.files.content("file-1"), dict(file_id="file-1"), reply="binary", check=_text_of_json_string),
    Case("GetSkillContent", "binary", lambda c: c.skills.content.retrieve("skill_1"), dict(skill_id="skill_1"), reply="binary", check=_same_bytes),
    Case("RetrieveVideoContent", "binary", lambda c: c.videos.download_content("video_1", variant="thumbnail"), dict(video_id="video_1", variant="thumbnail"), reply="binary", check=_same_bytes),
    Case("RetrieveContainerFileContent", "binary", lambda c: c.containers.files.content.retrieve("f_1", container_id="cntr_1"), dict(container_id="cntr_1", file_id="f_1"), reply="binary", check=_nothing_declared),
    # multipart: single files, arrays of files, form fields
    Case("createFile", "files", lambda c: c.files.create(file=("train.jsonl", b'{"a":1}\n', "application/jsonl"), purpose="fine-tune"), dict(file=("train.jsonl", b'{"a":1}\n', "application/jsonl"), purpose="fine-tune")),
    Case("createTranscription", "multipart", lambda c: c.audio.transcriptions.create(file=("speech.mp3", AUDIO, "audio/mpeg"), model="whisper-1", language="en", temperature=0.2, response_format="json"), dict(file=("speech.mp3", AUDIO, "audio/mpeg"), model="whisper-1", language="en", temperature=0.2, response_format="json")),
    Case("createTranscription", "form", lambda c: c.audio.transcriptions.create(file=("speech.mp3", AUDIO, "audio/mpeg"), model="whisper-1", response_format="verbose_json", timestamp_granularities=["word", "segment"]), dict(file=("speech.mp3", AUDIO, "audio/mpeg"), model="whisper-1", response_format="verbose_json", timestamp_granularities=["word", "segment"]), legit=("brackets",)),
    Case("createTranscription", "form", lambda c: c.audio.transcriptions.create(file=("speech.mp3", AUDIO, "audio/mpeg"), model="gpt-4o-transcribe", chunking_strategy={"type": "server_vad", "prefix_padding_ms": 300}), dict(file=("speech.mp3", AUDIO, "audio/mpeg"), model="gpt-4o-transcribe", chunking_strategy={"type": "server_vad", "prefix_padding_ms": 300}), legit=("json-part",)),
    Case("createTranslation", "multipart", lambda c: c.audio.translations.create(file=("speech.mp3", AUDIO, "audio/mpeg"), model="whisper-1", prompt="Hi"), dict(file=("speech.mp3", AUDIO, "audio/mpeg"), model="whisper-1", prompt="Hi")),
    Case("createImageEdit", "files", lambda c: c.images.edit(image=[("a.png", PNG, "image/png"), ("b.png", PNG, "image/png")], prompt="merge", n=1), dict(image=[("a.png", PNG, "image/png"), ("b.png", PNG, "image/png")], prompt="merge", n=1), legit=("brackets",)),
    Case("createImageEdit", "files", lambda c: c.images.edit(image=("a.png", PNG, "image/png"), mask=("m.png", PNG, "image/png"), prompt="fix", size="1024x1024"), dict(image=("a.png", PNG, "image/png"), mask=("m.png", PNG, "image/png"), prompt="fix", size="1024x1024")),
    Case("createImageVariation", "files", lambda c: c.images.create_variation(image=("a.png", PNG, "image/png"), n=2), dict(image=("a.png", PNG, "image/png"), n=2)),
    Case("addUploadPart", "files", lambda c: c.uploads.parts.create("upload_1", data=("part", b"\x00\x01chunk", "application/octet-stream")), dict(upload_id="upload_1", data=("part", b"\x00\x01chunk", "application/octet-stream"))),
    Case("CreateContainerFile", "files", lambda c: c.containers.files.create("cntr_1", file=("a.csv", b"a,b\n", "text/csv")), dict(container_id="cntr_1", file=("a.csv", b"a,b\n", "text/csv"))),
    Case("CreateContainerFile", "json", lambda c: c.containers.files.create("cntr_1", file_id="file-1"), dict(container_id="cntr_1", file_id="file-1")),
    Case("createVideo", "files", lambda c: c.videos.create(prompt="a wave", input_reference=("ref.png", PNG, "image/png"), seconds="4"), dict(prompt="a wave", input_reference=("ref.png", PNG, "image/png"), seconds="4")),
    Case("CreateSkill", "files", lambda c: c.skills.create(files=[("skill/SKILL.md", b"# s", "text/markdown"), ("skill/run.py", b"print(1)", "text/x-python")]), dict(files=[("skill/SKILL.md", b"# s", "text/markdown"), ("skill/run.py", b"print(1)", "text/x-python")]), legit=("brackets",)),
]

def _reply(kind: str) -> Callable[[httpx.Request], httpx.Response]:
    if kind == "sse":
        return lambda r: httpx.Response(200, content=b'data: {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "m", "choices": []}\n\ndata: [DONE]\n\n', headers={"content-type": "text/event-stream"})
    if kind == "binary":
        return lambda r: httpx.Response(200, content=AUDIO, headers={"content-type": "audio/mpeg"})
    return lambda r: httpx.Response(200, json={})


def _ours(pkg: Any, calls: dict[str, str], http: httpx.Client) -> Any:
    return pkg.Client(base_url=BASE, api_key="sk-test", admin_api_key="sk-test", max_retries=0, http_client=http)


def _method(client: Any, call: str) -> Any:
    obj = client
    for attr in call.split(".")[1:]:
        obj = getattr(obj, attr)
    return obj


@dataclass
class Outcome:
    case: Case
    differences: list[str] = field(default_factory=list)


def _run(fn: Callable[[], Any]) -> tuple[Any, BaseException | None]:
    try:
        return fn(), None
    except Exception as e:  # an answer the client cannot read: the request is what we compare
        return None, e


def _compare(a: Wire, b: Wire) -> list[str]:
    out = []
    for name in ("method", "path", "query", "headers", "body"):
        if getattr(a, name) != getattr(b, name):
            out.append(f"{name}: sdk {getattr(a, name)!r:.300} != ours {getattr(b, name)!r:.300}")
    return out


def test_generated_client_sends_what_the_official_sdk_sends(generated: tuple[Any, dict[str, str]]) -> None:
    pkg, calls = generated
    rec = Recorder()
    sdk = openai.OpenAI(api_key="sk-test", admin_api_key="sk-test", base_url=BASE, max_retries=0, http_client=httpx.Client(transport=httpx.MockTransport(rec.handler)))
    ours = _ours(pkg, calls, httpx.Client(transport=httpx.MockTransport(rec.handler)))
    report: list[str] = []
    failures: list[str] = []
    identical = 0
    for case in CASES:
        rec.reply = _reply(case.reply)
        rec.requests.clear()
        sdk_result, sdk_err = _run(lambda: case.sdk(sdk))
        assert len(rec.requests) == 1, f"{case.op}: the SDK sent {len(rec.requests)} requests ({sdk_err!r})"
        method = _method(ours, calls[case.op])
        our_result, our_err = _run(lambda: method(**case.ours))
        assert len(rec.requests) == 2, f"{case.op}: the generated client sent no request ({our_err!r})"
        theirs, mine = wire_of(rec.requests[0]), wire_of(rec.requests[1])
        raw = _compare(theirs, mine)
        for convention in case.legit:
            to_sdk, to_ours = CONVENTIONS[convention]
            theirs, mine = to_sdk(theirs), to_ours(mine)
        left = _compare(theirs, mine)
        if left:
            failures.append(f"{case.op} ({case.kind}): " + "; ".join(left))
        elif case.legit and not raw:
            failures.append(f"{case.op} ({case.kind}): declared to differ by {case.legit} but the requests are identical")
        elif raw:
            report.append(f"{case.op} ({case.kind}): differs legitimately: {', '.join(case.legit)}")
        else:
            identical += 1
            report.append(f"{case.op} ({case.kind}): identical")
        if case.check is not None and not left:
            case.check(sdk_result, our_result)
    print(f"\nOpenAI side by side: {len(CASES)} calls, {len({c.op for c in CASES})} operations; {identical} identical, {len(CASES) - identical} differ")
    print("\n".join(report))
    assert not failures, "\n".join(failures)
    assert len({c.op for c in CASES}) >= 40
    assert {c.kind for c in CASES} >= {"json", "stream", "multipart", "files", "binary", "audio", "form", "list", "path"}


def test_accept_asks_for_what_each_operation_declares(generated: tuple[Any, dict[str, str]]) -> None:
    """Speech answers with bytes or events: never only `text/event-stream` (the old client asked
    for that and got an empty stream of MP3); downloads ask for their media types."""
    pkg, calls = generated
    rec = Recorder()
    rec.reply = _reply("binary")
    ours = _ours(pkg, calls, httpx.Client(transport=httpx.MockTransport(rec.handler)))
    expected = {
        "createSpeech": ("application/octet-stream, text/event-stream", dict(model="tts-1", input="x", voice="alloy")),
        "RetrieveVideoContent": ("video/mp4, image/webp, application/json", dict(video_id="v")),
        "GetSkillContent": ("application/zip, application/json", dict(skill_id="s")),
        "listModels": ("application/json", {}),
    }
    for op, (accept, kwargs) in expected.items():
        rec.requests.clear()
        _run(lambda: _method(ours, calls[op])(**kwargs))
        assert rec.requests[0].headers["accept"] == accept, op
