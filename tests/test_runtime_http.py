"""The generated client's runtime against a real HTTP server on 127.0.0.1.

The server is a small threaded `http.server` whose answers each test scripts; the client is
the committed generated/openai-chat-2025 package (the Done-when target of issue 3).
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from support import ROOT

sys.path.insert(0, str(ROOT / "generated" / "openai-chat-2025"))

import openai_chat_2025 as sdk  # noqa: E402
from openai_chat_2025 import _base_client  # noqa: E402
from openai_chat_2025.types import (  # noqa: E402
    ChatCompletionStoredMessage,
    CreateChatCompletionResponse,
    CreateChatCompletionStreamResponse,
)


# ------------------------------------------------------------------ the server


@dataclass
class Req:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: Any


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    events: list[str] | None = None  # SSE frames, written one at a time
    wait: threading.Event | None = None  # written after the first frame, once this is set
    delay: float = 0.0


Handler = Callable[[Req], Reply]


class Server:
    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Handler | list[Reply]] = {}
        self.requests: list[Req] = []
        outer = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                url = urlsplit(self.path)
                n = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(n) if n else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw
                req = Req(self.command, url.path, parse_qsl(url.query), {k.lower(): v for k, v in self.headers.items()}, body)
                outer.requests.append(req)
                route = outer.routes.get((self.command, url.path))
                if route is None:
                    reply = Reply(404, {"error": {"message": f"no route {self.command} {url.path}", "type": "invalid_request_error"}})
                elif isinstance(route, list):
                    reply = route.pop(0) if len(route) > 1 else route[0]
                else:
                    reply = route(req)
                if reply.delay:
                    time.sleep(reply.delay)
                self.send_response(reply.status)
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                if reply.events is not None:
                    self.send_header("Content-Type", "text/event-stream")
                    self.end_headers()
                    for i, frame in enumerate(reply.events):
                        self.wfile.write(frame.encode())
                        self.wfile.flush()
                        if i == 0 and reply.wait is not None:
                            reply.wait.wait(5)
                    return
                data = b"" if reply.body is None else reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def reset(self) -> None:
        self.routes.clear()
        self.requests.clear()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def _server() -> Iterator[Server]:
    s = Server()
    yield s
    s.close()


@pytest.fixture
def server(_server: Server) -> Server:
    _server.reset()
    return _server


@pytest.fixture
def client(server: Server) -> Iterator[sdk.Client]:
    with sdk.Client(api_key="sk-test", base_url=server.url, max_retries=2) as c:
        yield c


# ------------------------------------------------------------------ canned bodies


def completion(text: str = "Hello!", cid: str = "chatcmpl-1") -> dict[str, Any]:
    return {
        "id": cid,
        "object": "chat.completion",
        "created": 1700000000,
        "model": "gpt-4o",
        "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None, "message": {"role": "assistant", "content": text, "refusal": None}}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
        "a_field_the_spec_does_not_have": {"kept": True},
    }


def chunk(text: str, finish: str | None = None) -> str:
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "gpt-4o",
        "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": finish, "logprobs": None}],
    }
    return f"data: {json.dumps(body)}\n\n"


def error(message: str, type_: str = "invalid_request_error", code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}


MESSAGES: list[Any] = [{"role": "developer", "content": "Be brief."}, {"role": "user", "content": "Hi"}]


# ------------------------------------------------------------------ calls


def test_create_returns_a_typed_model_and_sends_a_clean_request(server: Server, client: sdk.Client) -> None:
    server.routes[("POST", "/v1/chat/completions")] = [Reply(200, completion())]
    out = client.chat.completions.create(model="gpt-4o", messages=MESSAGES, temperature=None, extra_headers={"X-Trace": "1"})
    assert isinstance(out, CreateChatCompletionResponse)
    assert out.choices[0].message.content == "Hello!"
    assert out.model_extra == {"a_field_the_spec_does_not_have": {"kept": True}}  # unknown fields tolerated
    req = server.requests[0]
    assert req.headers["authorization"] == "Bearer sk-test"
    assert req.headers["x-trace"] == "1"
    assert req.headers["content-type"] == "application/json"
    # not-given arguments are left out; None is sent as null
    assert req.body == {"messages": MESSAGES, "model": "gpt-4o", "temperature": None}


def test_api_key_falls_back_to_the_environment(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    server.routes[("GET", "/v1/models")] = [Reply(200, {"object": "list", "data": []})]
    with sdk.Client(base_url=server.url) as c:
        c.models.list()
    assert server.requests[0].headers["authorization"] == "Bearer sk-from-env"


def test_retry_after_429_is_honored_then_success(server: Server, client: sdk.Client) -> None:
    server.routes[("POST", "/v1/chat/completions")] = [Reply(429, error("slow down", "rate_limit"), {"Retry-After": "1"}), Reply(200, completion())]
    t0 = time.monotonic()
    out = client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    assert time.monotonic() - t0 >= 0.95
    assert out.id == "chatcmpl-1"
    assert len(server.requests) == 2


def test_500s_until_retries_run_out_raise_internal_server_error(server: Server, client: sdk.Client) -> None:
    server.routes[("POST", "/v1/chat/completions")] = [Reply(500, error("oops", "server_error"), {"Retry-After": "0"})]
    with pytest.raises(sdk.InternalServerError) as info:
        client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    assert len(server.requests) == 3  # the first try and max_retries=2 more
    assert info.value.status_code == 500
    assert isinstance(info.value, sdk.APIStatusError)


def test_backoff_without_retry_after_waits_and_max_retries_zero_does_not_retry(server: Server) -> None:
    server.routes[("GET", "/v1/models")] = [Reply(503, error("busy")), Reply(200, {"object": "list", "data": []})]
    with sdk.Client(api_key="k", base_url=server.url, max_retries=1) as c:
        t0 = time.monotonic()
        c.models.list()
        assert 0.3 <= time.monotonic() - t0 < 3
    server.reset()
    server.routes[("GET", "/v1/models")] = [Reply(503, error("busy"))]
    with sdk.Client(api_key="k", base_url=server.url, max_retries=0) as c, pytest.raises(sdk.InternalServerError):
        c.models.list()
    assert len(server.requests) == 1


def test_400_error_exposes_the_servers_message_code_and_body_as_dicts(server: Server, client: sdk.Client) -> None:
    server.routes[("POST", "/v1/chat/completions")] = [Reply(400, error("messages is required", code="missing"), {"x-request-id": "req_9"})]
    with pytest.raises(sdk.BadRequestError) as info:
        client.chat.completions.create(model="gpt-4o", messages=[])
    err = info.value
    assert err.status_code == 400 and err.response.status_code == 400
    # the spec's ErrorResponse wraps the error in `error`: `.body` is that object, as dicts
    assert err.body == {"message": "messages is required", "type": "invalid_request_error", "code": "missing", "param": None}
    assert (err.message, err.code, err.type, err.param) == ("messages is required", "missing", "invalid_request_error", None)
    assert err.request_id == "req_9"
    assert str(err) == "Error code: 400 - messages is required"
    assert len(server.requests) == 1  # 400 is not retried


@pytest.mark.parametrize(
    "status, cls",
    [(401, "AuthenticationError"), (403, "PermissionDeniedError"), (404, "NotFoundError"), (409, "ConflictError"), (422, "UnprocessableEntityError"), (429, "RateLimitError"), (502, "InternalServerError")],
)
def test_each_status_has_its_error_class(server: Server, status: int, cls: str) -> None:
    server.routes[("GET", "/v1/models/m")] = [Reply(status, error("no"))]
    with sdk.Client(api_key="k", base_url=server.url, max_retries=0) as c, pytest.raises(getattr(sdk, cls)):
        c.models.retrieve("m")


def test_404_raises_not_found(server: Server, client: sdk.Client) -> None:
    with pytest.raises(sdk.NotFoundError) as info:
        client.chat.completions.retrieve("chatcmpl-missing")
    assert info.value.status_code == 404
    assert server.requests[0].path == "/v1/chat/completions/chatcmpl-missing"


def test_path_parameters_are_quoted(server: Server, client: sdk.Client) -> None:
    with pytest.raises(sdk.NotFoundError):  # http.server unquotes nothing: we see the raw path
        client.chat.completions.retrieve("../x")
    assert server.requests[0].path == "/v1/chat/completions/..%2Fx"


def test_a_fixed_query_is_sent_merged_with_the_call_query(server: Server, client: sdk.Client) -> None:
    """A path key with its own query (`/responses?beta=true`): httpx drops a URL's query when
    params are given, so the runtime sends the fixed pairs as params, before the call's own."""
    server.routes[("GET", "/v1/models")] = [Reply(200, {"object": "list", "data": []})]

    def send(**kw: Any) -> None:
        opts = _base_client.RequestOptions(method="get", path="/models", fixed_query=[("beta", "true")], **kw)
        assert client.request(opts) == {"object": "list", "data": []}

    send(query={"limit": 2, "after": sdk.NOT_GIVEN}, extra_query={"x": "1"})
    send()
    send(extra_query={"beta": "false"})  # what the caller sends itself replaces the fixed value
    assert [(r.path, r.query) for r in server.requests] == [
        ("/v1/models", [("beta", "true"), ("limit", "2"), ("x", "1")]),
        ("/v1/models", [("beta", "true")]),
        ("/v1/models", [("beta", "false")]),
    ]


def test_timeout_raises_api_timeout_error(server: Server) -> None:
    server.routes[("GET", "/v1/models")] = [Reply(200, {"object": "list", "data": []}, delay=1.0)]
    with sdk.Client(api_key="k", base_url=server.url, max_retries=0, timeout=0.2) as c, pytest.raises(sdk.APITimeoutError) as info:
        c.models.list()
    assert isinstance(info.value, sdk.APIConnectionError)
    # a per-call timeout overrides the client's
    server.routes[("GET", "/v1/models")] = [Reply(200, {"object": "list", "data": []}, delay=0.3)]
    with sdk.Client(api_key="k", base_url=server.url, max_retries=0, timeout=0.1) as c:
        assert c.models.list(timeout=5).data == []


def test_connection_errors_are_retried_then_raised() -> None:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens here now
    with sdk.Client(api_key="k", base_url=f"http://127.0.0.1:{port}", max_retries=1) as c:
        t0 = time.monotonic()
        with pytest.raises(sdk.APIConnectionError) as info:
            c.models.list()
        assert time.monotonic() - t0 >= 0.3  # one backoff
    assert not isinstance(info.value, sdk.APITimeoutError)


def test_stream_yields_chunks_incrementally_until_done(server: Server, client: sdk.Client) -> None:
    gate = threading.Event()
    frames = [chunk("Hel"), ": a comment\n\n", chunk("lo"), chunk("", "stop"), "data: [DONE]\n\n", chunk("after done")]
    server.routes[("POST", "/v1/chat/completions")] = [Reply(events=frames, wait=gate)]
    stream = client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
    assert isinstance(stream, sdk.Stream)
    it = iter(stream)
    first = next(it)  # arrives while the server still holds the rest: parsing is incremental
    assert isinstance(first, CreateChatCompletionStreamResponse)
    gate.set()
    rest = list(it)
    assert [c.choices[0].delta.content for c in [first, *rest]] == ["Hel", "lo", ""]
    assert server.requests[0].body["stream"] is True
    assert server.requests[0].headers["accept"] == "text/event-stream"


def test_stream_error_event_raises(server: Server, client: sdk.Client) -> None:
    frames = [chunk("a"), 'event: error\ndata: {"error": {"message": "overloaded"}}\n\n', chunk("b")]
    server.routes[("POST", "/v1/chat/completions")] = [Reply(events=frames)]
    got = []
    with pytest.raises(sdk.APIError, match="overloaded"):
        with client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True) as stream:
            for c in stream:
                got.append(c)
    assert len(got) == 1


async def test_async_stream_and_async_errors(server: Server) -> None:
    server.routes[("POST", "/v1/chat/completions")] = [Reply(events=[chunk("a"), chunk("b"), "data: [DONE]\n\n"])]
    async with sdk.AsyncClient(api_key="k", base_url=server.url) as c:
        stream = await c.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
        assert isinstance(stream, sdk.AsyncStream)
        texts = [x.choices[0].delta.content async for x in stream]
        assert texts == ["a", "b"]
        server.routes[("POST", "/v1/chat/completions")] = [Reply(429, error("slow"), {"Retry-After": "0"}), Reply(200, completion("async!"))]
        out = await c.chat.completions.create(model="gpt-4o", messages=MESSAGES)
        assert out.choices[0].message.content == "async!"
        with pytest.raises(sdk.NotFoundError):
            await c.chat.completions.retrieve("nope")


def _pages(server: Server, path: str, ids: list[str], per_page: int, item: Callable[[str], dict[str, Any]]) -> None:
    def handler(req: Req) -> Reply:
        after = dict(req.query).get("after")
        start = ids.index(after) + 1 if after else 0
        chunk_ids = ids[start : start + per_page]
        return Reply(200, {"object": "list", "data": [item(i) for i in chunk_ids], "first_id": chunk_ids[0], "last_id": chunk_ids[-1], "has_more": start + per_page < len(ids)})

    server.routes[("GET", path)] = handler


def test_list_walks_every_page_lazily(server: Server, client: sdk.Client) -> None:
    ids = [f"chatcmpl-{i}" for i in range(7)]
    _pages(server, "/v1/chat/completions", ids, 3, lambda i: completion(cid=i))
    page = client.chat.completions.list(limit=3)
    assert len(server.requests) == 1  # only the first page so far
    assert [c.id for c in page.data] == ids[:3] and page.has_next_page()
    assert [c.id for c in page] == ids
    assert [dict(r.query).get("after") for r in server.requests] == [None, "chatcmpl-2", "chatcmpl-5"]
    assert all(dict(r.query)["limit"] == "3" for r in server.requests)
    assert [len(p.data) for p in page.iter_pages()] == [3, 3, 1]


def test_nested_list_pages_and_metadata_query(server: Server, client: sdk.Client) -> None:
    ids = [f"msg-{i}" for i in range(4)]
    _pages(server, "/v1/chat/completions/c1/messages", ids, 2, lambda i: {"id": i, "role": "assistant", "content": i, "refusal": None})
    items = list(client.chat.completions.messages.list("c1"))
    assert [m.id for m in items] == ids and isinstance(items[0], ChatCompletionStoredMessage)
    server.reset()
    _pages(server, "/v1/chat/completions", ["x"], 5, lambda i: completion(cid=i))
    list(client.chat.completions.list(metadata={"k": "v"}, order="desc"))
    assert ("metadata[k]", "v") in server.requests[0].query and ("order", "desc") in server.requests[0].query


async def test_async_list_walks_every_page(server: Server) -> None:
    ids = [f"chatcmpl-{i}" for i in range(5)]
    _pages(server, "/v1/chat/completions", ids, 2, lambda i: completion(cid=i))
    async with sdk.AsyncClient(api_key="k", base_url=server.url) as c:
        page = await c.chat.completions.list()
        assert [x.id async for x in page] == ids
        assert [len(p.data) async for p in page.iter_pages()] == [2, 2, 1]


def test_deprecated_argument_warns_and_names_its_replacement(server: Server, client: sdk.Client) -> None:
    server.routes[("POST", "/v1/chat/completions")] = [Reply(200, completion())]
    fn = {"name": "get_weather", "parameters": {"type": "object"}}
    with pytest.warns(DeprecationWarning, match="`tools`") as rec:
        client.chat.completions.create(model="gpt-4o", messages=MESSAGES, functions=[fn])
    assert "functions" in str(rec[0].message) and rec[0].filename == __file__  # points at the caller
    with pytest.warns(DeprecationWarning, match="max_completion_tokens"):
        client.chat.completions.create(model="gpt-4o", messages=MESSAGES, max_tokens=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.chat.completions.create(model="gpt-4o", messages=MESSAGES, tools=[{"type": "function", "function": fn}])
    assert server.requests[0].body["functions"] == [fn]


def test_with_raw_response_returns_the_http_response_and_parsed_value(server: Server, client: sdk.Client) -> None:
    server.routes[("POST", "/v1/chat/completions")] = [Reply(200, completion(), {"x-request-id": "req_1"})]
    raw = client.with_raw_response.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    assert isinstance(raw.http_response, httpx.Response)
    assert raw.headers["x-request-id"] == "req_1" and raw.status_code == 200
    assert isinstance(raw.parse(), CreateChatCompletionResponse)
    assert "x-specgen-raw-response" not in server.requests[0].headers
    _pages(server, "/v1/chat/completions", ["a", "b", "c"], 2, lambda i: completion(cid=i))
    raw_page = client.chat.completions.with_raw_response.list()
    assert raw_page.status_code == 200
    assert [c.id for c in raw_page.parse()] == ["a", "b", "c"]


def test_retry_delay_reads_seconds_http_dates_and_backs_off_outside_zero_to_two_minutes() -> None:
    from openai_chat_2025 import _retry

    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    assert 3.0 <= _retry.retry_delay(0, httpx.Headers({"retry-after": when})) <= 5.5
    assert _retry.retry_delay(0, httpx.Headers({"retry-after": "2"})) == 2.0
    assert _retry.retry_delay(0, httpx.Headers({"retry-after-ms": "250"})) == 0.25
    assert _retry.retry_delay(0, httpx.Headers({"retry-after": "90"})) == 90.0
    # zero, negative or unreadable: the SDKs' backoff instead (0 would hammer the server)
    for value in ("0", "-3", "inf"):
        assert 0.375 <= _retry.retry_delay(0, httpx.Headers({"retry-after": value})) <= 0.5
    # longer than two minutes: not retried at all (the caller decides)
    assert not _retry.should_retry(httpx.Response(503, headers={"retry-after": "100000"}))
    assert _retry.should_retry(httpx.Response(503, headers={"retry-after": "100"}))
    first = _retry.retry_delay(0, None)
    assert 0.375 <= first <= 0.5  # backoff with jitter
    assert _retry.retry_delay(20, httpx.Headers({"retry-after": "soon"})) <= _retry.MAX_RETRY_DELAY


def test_done_when_scenario(server: Server) -> None:
    """Issue 3's Done-when, end to end on the 2025 chat target."""
    c = sdk.Client(api_key="sk", base_url=server.url)
    server.routes[("POST", "/v1/chat/completions")] = [Reply(200, completion("typed"))]
    res = c.chat.completions.create(model="gpt-4o", messages=[{"role": "developer", "content": "You are terse."}])
    assert isinstance(res, CreateChatCompletionResponse) and res.choices[0].message.content == "typed"

    server.routes[("POST", "/v1/chat/completions")] = [Reply(events=[chunk("x"), chunk("y"), "data: [DONE]\n\n"])]
    chunks = list(c.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))
    assert [type(x) for x in chunks] == [CreateChatCompletionStreamResponse] * 2

    server.routes[("POST", "/v1/chat/completions")] = [Reply(200, completion())]
    with pytest.warns(DeprecationWarning, match="tools"):
        c.chat.completions.create(model="gpt-4o", messages=MESSAGES, functions=[{"name": "f"}])

    server.reset()
    server.routes[("POST", "/v1/chat/completions")] = [Reply(429, error("rate"), {"Retry-After": "1"}), Reply(200, completion())]
    assert c.chat.completions.create(model="gpt-4o", messages=MESSAGES).id == "chatcmpl-1"
    assert len(server.requests) == 2

    with pytest.raises(sdk.NotFoundError):
        c.chat.completions.retrieve("missing")

    ids = [f"chatcmpl-{i}" for i in range(5)]
    _pages(server, "/v1/chat/completions", ids, 2, lambda i: completion(cid=i))
    assert [x.id for x in c.chat.completions.list()] == ids
    c.close()


def test_async_client_is_usable_from_asyncio_run(server: Server) -> None:
    server.routes[("GET", "/v1/models")] = [Reply(200, {"object": "list", "data": [{"id": "m", "object": "model", "created": 1, "owned_by": "me"}]})]

    async def main() -> list[str]:
        async with sdk.AsyncClient(api_key="k", base_url=server.url) as c:
            res = await c.models.list()
            return [m.id for m in res.data]

    assert asyncio.run(main()) == ["m"]


def test_with_options_and_default_headers(server: Server) -> None:
    server.routes[("GET", "/v1/models")] = [Reply(503, error("busy"))]
    with sdk.Client(api_key="k", base_url=server.url, default_headers={"X-Team": "a"}) as c:
        quick = c.with_options(max_retries=0, default_headers={"X-Extra": "b"})
        with pytest.raises(sdk.InternalServerError):
            quick.models.list()
        assert quick.max_retries == 0 and c.max_retries == 2
    assert len(server.requests) == 1
    assert server.requests[0].headers["x-team"] == "a" and server.requests[0].headers["x-extra"] == "b"
    assert server.requests[0].headers["user-agent"].startswith("openai_chat_2025/")


async def test_async_raw_response_and_deprecated_argument(server: Server) -> None:
    server.routes[("POST", "/v1/chat/completions")] = [Reply(200, completion(), {"x-request-id": "req_2"})]
    async with sdk.AsyncClient(api_key="k", base_url=server.url) as c:
        raw = await c.with_raw_response.chat.completions.create(model="gpt-4o", messages=MESSAGES)
        assert raw.headers["x-request-id"] == "req_2" and raw.parse().id == "chatcmpl-1"
        with pytest.warns(DeprecationWarning, match="`tools`") as rec:
            await c.chat.completions.create(model="gpt-4o", messages=MESSAGES, functions=[{"name": "f"}])
        assert rec[0].filename == __file__


def test_a_stream_event_that_is_not_json_passes_through_unless_strict(server: Server, client: sdk.Client) -> None:
    server.routes[("POST", "/v1/chat/completions")] = [Reply(events=[chunk("a"), "data: {not json\n\n"])]
    items = list(client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))
    assert isinstance(items[1], sdk.ServerSentEvent) and items[1].data == "{not json"
    server.routes[("POST", "/v1/chat/completions")] = [Reply(events=[chunk("a"), "data: {not json\n\n"])]
    strict = client.with_options(strict_response_validation=True)
    with pytest.raises(sdk.APIResponseValidationError):
        list(strict.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))
