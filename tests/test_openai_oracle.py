"""The generated client beside the official `openai` SDK, with the same canned responses.

Both clients talk to one recording `httpx.MockTransport`: the client generated from the 2026
OpenAI corpus spec and `openai.OpenAI`. Each test gives both the same answers (drift the spec
does not list, tagged unions, streams with and without `event:` lines, errors of every status,
retries with every header, three pages of a list) and asserts the same observable outcome where
the official SDK is right. Where ours is deliberately different, the test says why.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import pytest

from support import corpus

openai = pytest.importorskip("openai", reason="the official SDK is the oracle here (pip install openai)")

Handler = Callable[[httpx.Request], httpx.Response]
MESSAGES: list[Any] = [{"role": "user", "content": "Hi"}]


@pytest.fixture(scope="module")
def ours(generated_once: Callable[..., Path]) -> Iterator[Any]:
    """The client generated from the corpus spec (unformatted: formatting changes nothing here;
    the session's one generation of it, shared with other modules)."""
    out = generated_once(corpus("openai-2026-08-21.yaml"), package="oai_2026")
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("oai_2026")
    finally:
        sys.path.remove(str(out))


class Recorder:
    """Answers from a script (one reply per request, the last one repeated) and keeps every request."""

    def __init__(self, *replies: httpx.Response | Handler) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        return reply(request) if callable(reply) else reply


def clients(ours: Any, *replies: httpx.Response | Handler, **kw: Any) -> tuple[Any, Any, Recorder, Recorder]:
    """(official SDK client, our client, their recorders), answering with the same script."""
    rs, ro = Recorder(*replies), Recorder(*replies)
    sdk = openai.OpenAI(api_key="sk-test", base_url="http://api.test/v1", http_client=httpx.Client(transport=httpx.MockTransport(rs)), **kw)
    mine = ours.Client(api_key="sk-test", base_url="http://api.test/v1", http_client=httpx.Client(transport=httpx.MockTransport(ro)), **kw)
    return sdk, mine, rs, ro


def ok(body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(200, json=body, headers={"x-request-id": "req_123", **headers})


def sse(*frames: str) -> httpx.Response:
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, content="".join(frames).encode())


def completion(**over: Any) -> dict[str, Any]:
    message = {"role": "assistant", "content": "Hello", "refusal": None, "annotations": []}
    body: dict[str, Any] = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "gpt-4o",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
    body.update(over)
    return body


def response_object(*output: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "resp_1", "object": "response", "created_at": 1700000000, "status": "completed", "model": "gpt-4o",
        "output": list(output), "parallel_tool_calls": True, "tool_choice": "auto", "tools": [], "error": None,
        "incomplete_details": None, "instructions": None, "metadata": {}, "temperature": 1.0, "top_p": 1.0,
    }


MESSAGE_ITEM = {"type": "message", "id": "msg_1", "status": "completed", "role": "assistant", "content": [{"type": "output_text", "text": "Hello", "annotations": []}]}


def chat(client: Any) -> Any:
    return client.chat.completions.create(model="gpt-4o", messages=MESSAGES)


# ------------------------------------------------------------------ drift: what the spec does not list


def _choice(body: dict[str, Any], **message_over: Any) -> dict[str, Any]:
    body["choices"][0]["message"].update(message_over)
    return body


def _without_refusal() -> dict[str, Any]:
    body = completion()
    del body["choices"][0]["message"]["refusal"]
    return body


DRIFT: dict[str, tuple[dict[str, Any], Callable[[Any], Any], Any]] = {
    # case: (answer, what to read from the result, the value both must read)
    "new finish_reason": (completion(choices=[{"index": 0, "message": {"role": "assistant", "content": "x", "refusal": None}, "finish_reason": "thinking_too_hard", "logprobs": None}]), lambda r: r.choices[0].finish_reason, "thinking_too_hard"),
    "new service_tier": (completion(service_tier="ultra"), lambda r: r.service_tier, "ultra"),
    "created null": (completion(created=None), lambda r: r.created, None),
    "missing refusal": (_without_refusal(), lambda r: (r.choices[0].message.refusal, r.choices[0].message.content), (None, "Hello")),
    "new message role": (_choice(completion(), role="narrator"), lambda r: r.choices[0].message.role, "narrator"),
    "new top-level field": (completion(brand_new={"nested": [1, 2]}), lambda r: r.brand_new, {"nested": [1, 2]}),
    "new annotation type": (_choice(completion(), annotations=[{"type": "hologram", "hologram": {"id": "h"}}]), lambda r: r.choices[0].message.annotations[0].type, "hologram"),
}


@pytest.mark.parametrize("case", sorted(DRIFT))
def test_drift_the_spec_does_not_list_is_read_like_the_official_sdk(ours: Any, case: str) -> None:
    body, read, expected = DRIFT[case]
    sdk, mine, _, _ = clients(ours, ok(body))
    theirs, result = chat(sdk), chat(mine)
    assert read(theirs) == expected
    assert read(result) == expected
    assert isinstance(result, ours.types.CreateChatCompletionResponse)
    # the request id rides on the parsed object in both (`_request_id`, the SDK's spelling)
    assert theirs._request_id == result._request_id == "req_123"


def test_missing_and_null_required_fields_are_told_apart_by_model_fields_set(ours: Any) -> None:
    sdk, mine, _, _ = clients(ours, ok(_without_refusal()))
    message = chat(mine).choices[0].message
    assert message.refusal is None and "refusal" not in message.model_fields_set
    sdk, mine, _, _ = clients(ours, ok(completion(created=None)))
    result = chat(mine)
    assert result.created is None and "created" in result.model_fields_set


def test_strict_response_validation_restores_strictness(ours: Any) -> None:
    _, mine, _, _ = clients(ours, ok(completion(service_tier="ultra")))
    with pytest.raises(ours.APIResponseValidationError):
        chat(mine.with_options(strict_response_validation=True))
    sdk = openai.OpenAI(api_key="k", base_url="http://api.test/v1", http_client=httpx.Client(transport=httpx.MockTransport(Recorder(ok(completion(service_tier="ultra"))))), _strict_response_validation=True)
    with pytest.raises(openai.APIResponseValidationError):
        chat(sdk)


# ------------------------------------------------------------------ tagged unions


def test_union_items_are_read_into_the_variant_their_tag_names(ours: Any) -> None:
    function_call = {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "f", "arguments": "{}", "status": "completed"}
    reasoning = {"type": "reasoning", "id": "rs_1", "summary": []}
    sdk, mine, _, _ = clients(ours, ok(response_object(MESSAGE_ITEM, function_call, reasoning)))
    theirs, result = sdk.responses.retrieve("resp_1"), mine.responses.retrieve("resp_1")
    assert [i.type for i in theirs.output] == [i.type for i in result.output] == ["message", "function_call", "reasoning"]
    # class names follow each spec (the SDK's are hand-named): compare what each variant holds
    assert [type(i).__name__ for i in result.output] == ["OutputMessage", "FunctionToolCall", "ReasoningItem"]
    assert theirs.output[1].name == result.output[1].name == "f"
    assert theirs.output[0].content[0].text == result.output[0].content[0].text == "Hello"


def test_an_unknown_variant_is_kept_with_its_tag_and_raw_data(ours: Any) -> None:
    hologram = {"type": "hologram_call", "id": "h_1", "status": "completed", "depth": 3}
    sdk, mine, _, _ = clients(ours, ok(response_object(hologram, MESSAGE_ITEM)))
    theirs, result = sdk.responses.retrieve("resp_1"), mine.responses.retrieve("resp_1")
    assert theirs.output[0].type == result.output[0].type == "hologram_call"
    # deliberately better: the SDK reads the unknown item into its first variant's class
    # (ResponseOutputMessage); ours reads it into UnknownOutputItem, with everything sent kept
    assert type(theirs.output[0]).__name__ == "ResponseOutputMessage"
    assert isinstance(result.output[0], ours.types.UnknownOutputItem)
    assert result.output[0].raw == hologram
    assert type(result.output[1]).__name__ == "OutputMessage"


def test_sdk_computed_output_text_is_documented_as_such(ours: Any) -> None:
    sdk, mine, _, _ = clients(ours, ok(response_object(MESSAGE_ITEM)))
    theirs, result = sdk.responses.retrieve("resp_1"), mine.responses.retrieve("resp_1")
    # the SDK computes `output_text`; the spec marks it x-oaiSupportedSDKs (not server data), and
    # a generated client has no recipe for it: it is documented as such and reads what was sent
    assert theirs.output_text == "Hello" and result.output_text is None
    field = type(result).model_fields["output_text"]
    assert "not sent by the server" in (field.description or type(result).__doc__ or "") or "not sent by the server" in _docstring_of(type(result), "output_text")


def _docstring_of(cls: type, attr: str) -> str:
    """The docstring written under a class attribute in the generated source."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(cls))
    body = tree.body[0].body  # type: ignore[attr-defined]
    for i, node in enumerate(body):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == attr and i + 1 < len(body):
            nxt = body[i + 1]
            if isinstance(nxt, ast.Expr) and isinstance(nxt.value, ast.Constant):
                return str(nxt.value.value)
    return ""


# ------------------------------------------------------------------ streams


def _chunk(i: int, content: str, finish: str | None = None) -> str:
    body = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o", "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": finish, "logprobs": None}]}
    return f"data: {json.dumps(body)}\n\n"


def test_a_stream_without_event_lines_yields_the_same_chunks(ours: Any) -> None:
    frames = [_chunk(0, "Hel"), ": keep-alive comment\n\n", _chunk(1, "lo"), _chunk(2, "", "stop"), "data: [DONE]\n\n", _chunk(3, "after done")]
    sdk, mine, rs, ro = clients(ours, sse(*frames))
    theirs = list(sdk.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))
    result = list(mine.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))
    assert [c.choices[0].delta.content for c in theirs] == [c.choices[0].delta.content for c in result] == ["Hel", "lo", ""]
    assert json.loads(rs.requests[0].content)["stream"] is json.loads(ro.requests[0].content)["stream"] is True


def _event(name: str, body: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(body)}\n\n"


def test_a_stream_with_event_lines_and_a_new_event_type_passes_every_event(ours: Any) -> None:
    def ev(kind: str, n: int, **kw: Any) -> str:
        return _event(kind, {"type": kind, "sequence_number": n, **kw})

    delta = {"item_id": "msg_1", "output_index": 0, "content_index": 0, "logprobs": []}
    frames = [
        ev("response.created", 0, response=response_object()),
        ev("response.output_text.delta", 1, delta="Hel", **delta),
        ev("response.hologram.started", 2, depth=3),  # not in the spec
        ev("response.output_text.delta", 3, delta="lo", **delta),
        ev("response.output_text.done", 4, text="Hello", **delta),
        ev("response.hologram.done", 5),
        ev("response.completed", 6, response=response_object(MESSAGE_ITEM)),
    ]
    sdk, mine, _, _ = clients(ours, sse(*frames))
    theirs = list(sdk.responses.create(model="gpt-4o", input="Hi", stream=True))
    result = list(mine.responses.create(model="gpt-4o", input="Hi", stream=True))
    assert [e.type for e in theirs] == [e.type for e in result]
    assert len(result) == 7 and [e.sequence_number for e in result] == list(range(7))
    # deliberately better: the SDK reads the unknown events into its first variant's class
    assert type(theirs[2]).__name__ == "ResponseAudioDeltaEvent"
    assert isinstance(result[2], ours.types.UnknownResponseStreamEvent) and result[2].raw["depth"] == 3
    assert result[1].delta == theirs[1].delta == "Hel"


def _run(status: str) -> dict[str, Any]:
    return {"id": "run_1", "object": "thread.run", "created_at": 1, "thread_id": "thread_1", "assistant_id": "asst_1", "status": status, "model": "gpt-4o", "instructions": "", "tools": [], "metadata": {}, "parallel_tool_calls": True}


def test_events_named_by_event_lines_are_typed_by_their_name(ours: Any) -> None:
    frames = [
        _event("thread.run.created", _run("queued")),
        _event("thread.run.in_progress", _run("in_progress")),
        _event("thread.message.delta", {"id": "msg_1", "object": "thread.message.delta", "delta": {"content": [{"index": 0, "type": "text", "text": {"value": "Hi"}}]}}),
        _event("thread.run.completed", _run("completed")),
        "event: done\ndata: [DONE]\n\n",
    ]
    sdk, mine, _, _ = clients(ours, sse(*frames))
    with pytest.warns(DeprecationWarning):
        theirs = list(sdk.beta.threads.runs.create("thread_1", assistant_id="asst_1", stream=True))
    result = list(mine.threads.runs.create("thread_1", assistant_id="asst_1", stream=True))
    assert [e.event for e in theirs] == [e.event for e in result] == ["thread.run.created", "thread.run.in_progress", "thread.message.delta", "thread.run.completed"]
    assert [getattr(e.data, "status", None) for e in theirs] == [getattr(e.data, "status", None) for e in result]
    assert isinstance(result[0].data, ours.types.RunObject) and result[0].data.id == "run_1"


@pytest.mark.parametrize(
    "frames",
    [
        ['data: {"error": {"message": "The server overloaded", "type": "server_error", "code": "overloaded", "param": null}}\n\n'],
        ['event: error\ndata: {"error": {"message": "The server overloaded", "type": "server_error", "code": "overloaded", "param": null}}\n\n'],
    ],
    ids=["payload", "error event"],
)
def test_an_error_in_a_stream_raises_api_error_with_the_servers_message(ours: Any, frames: list[str]) -> None:
    sdk, mine, _, _ = clients(ours, sse(_chunk(0, "Hel"), *frames))
    errors = []
    for client, cls in ((sdk, openai.APIError), (mine, ours.APIError)):
        with pytest.raises(cls) as info:
            list(client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))
        errors.append(info.value)
    theirs, result = errors
    assert theirs.message == result.message == "The server overloaded"
    assert theirs.code == result.code == "overloaded" and theirs.type == result.type == "server_error"
    assert theirs.body == result.body


# ------------------------------------------------------------------ errors


def _error(status: int) -> httpx.Response:
    body = {"error": {"message": f"failed with {status}", "type": "invalid_request_error", "param": "model", "code": f"code_{status}"}}
    return httpx.Response(status, json=body, headers={"x-request-id": f"req_{status}"})


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 429, 500, 503])
def test_each_status_raises_the_same_error_class_with_the_same_details(ours: Any, status: int) -> None:
    sdk, mine, _, _ = clients(ours, _error(status), max_retries=0)
    errors = []
    for client, module in ((sdk, openai), (mine, ours)):
        with pytest.raises(module.APIStatusError) as info:
            chat(client)
        errors.append(info.value)
    theirs, result = errors
    assert type(theirs).__name__ == type(result).__name__
    assert theirs.status_code == result.status_code == status
    assert theirs.body == result.body == {"message": f"failed with {status}", "type": "invalid_request_error", "param": "model", "code": f"code_{status}"}
    assert (theirs.code, theirs.param, theirs.type) == (result.code, result.param, result.type) == (f"code_{status}", "model", "invalid_request_error")
    assert theirs.request_id == result.request_id == f"req_{status}"
    assert theirs.response.status_code == result.response.status_code
    # deliberately better: `.message` is the server's own sentence (the SDK's embeds the whole body);
    # str() keeps the SDK's `Error code: N - ...` form
    assert result.message == f"failed with {status}" and str(result) == f"Error code: {status} - failed with {status}"
    assert f"failed with {status}" in theirs.message


def test_an_error_body_that_is_not_json_keeps_its_text(ours: Any) -> None:
    sdk, mine, _, _ = clients(ours, httpx.Response(502, text="Bad gateway from the proxy"), max_retries=0)
    for client, module in ((sdk, openai), (mine, ours)):
        with pytest.raises(module.InternalServerError) as info:
            chat(client)
        assert info.value.body == "Bad gateway from the proxy" and info.value.code is None


# ------------------------------------------------------------------ retries


@pytest.fixture
def sleeps(ours: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[float]]:
    """The waits each client asks for, instead of waiting (both call `time.sleep`: told apart
    by the module that calls it)."""
    import time

    waits: dict[str, list[float]] = {"sdk": [], "ours": []}

    def sleep(seconds: float) -> None:
        caller = sys._getframe(1).f_globals.get("__name__", "")
        waits["sdk" if caller.startswith("openai") else "ours"].append(seconds)

    monkeypatch.setattr(time, "sleep", sleep)
    return waits


RETRIES: dict[str, tuple[httpx.Response, int, Callable[[float], bool]]] = {
    # case: (first answer, attempts when it keeps coming, what each wait must be)
    "retry-after-ms": (httpx.Response(429, headers={"retry-after-ms": "250"}), 3, lambda s: s == 0.25),
    "retry-after seconds": (httpx.Response(429, headers={"retry-after": "2"}), 3, lambda s: s == 2.0),
    "retry-after 0 backs off": (httpx.Response(429, headers={"retry-after": "0"}), 3, lambda s: 0.375 <= s <= 1.0),
    "retry-after over two minutes is not waited for": (httpx.Response(503, headers={"retry-after": "3600"}), 1, lambda s: False),
    "retry-after of a minute and a half": (httpx.Response(503, headers={"retry-after": "90"}), 3, lambda s: s == 90.0),
    "retry-after junk backs off": (httpx.Response(503, headers={"retry-after": "soon"}), 3, lambda s: 0.375 <= s <= 1.0),
    "408": (httpx.Response(408), 3, lambda s: 0.375 <= s <= 1.0),
    "409": (httpx.Response(409), 3, lambda s: 0.375 <= s <= 1.0),
    "500": (httpx.Response(500), 3, lambda s: 0.375 <= s <= 1.0),
    "x-should-retry false": (httpx.Response(500, headers={"x-should-retry": "false"}), 1, lambda s: False),
    "x-should-retry true": (httpx.Response(400, headers={"x-should-retry": "true"}), 3, lambda s: 0.375 <= s <= 1.0),
    "400 is final": (httpx.Response(400), 1, lambda s: False),
    "404 is final": (httpx.Response(404), 1, lambda s: False),
}


@pytest.mark.parametrize("case", sorted(RETRIES))
def test_retries_follow_the_same_headers(ours: Any, sleeps: dict[str, list[float]], case: str) -> None:
    answer, attempts, wait_ok = RETRIES[case]
    sdk, mine, rs, ro = clients(ours, answer)
    for client, module in ((sdk, openai), (mine, ours)):
        with pytest.raises(module.APIStatusError):
            chat(client)
    assert len(rs.requests) == len(ro.requests) == attempts
    assert len(sleeps["sdk"]) == len(sleeps["ours"]) == attempts - 1
    assert all(wait_ok(s) for s in sleeps["sdk"] + sleeps["ours"]), sleeps


def test_a_retry_after_http_date_is_honoured(ours: Any, sleeps: dict[str, list[float]]) -> None:
    import email.utils
    import time

    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    sdk, mine, _, _ = clients(ours, httpx.Response(503, headers={"retry-after": when}), ok(completion()))
    assert chat(sdk).id == chat(mine).id == "chatcmpl-1"
    assert all(3.0 <= s <= 5.5 for s in sleeps["sdk"] + sleeps["ours"]) and len(sleeps["ours"]) == 1


def test_connection_errors_are_retried_then_raised(ours: Any, sleeps: dict[str, list[float]]) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    sdk, mine, rs, ro = clients(ours, refuse)
    for client, module in ((sdk, openai), (mine, ours)):
        with pytest.raises(module.APIConnectionError):
            chat(client)
    assert len(rs.requests) == len(ro.requests) == 3


# ------------------------------------------------------------------ pagination


def _batch(i: int) -> dict[str, Any]:
    return {"id": f"batch_{i}", "object": "batch", "endpoint": "/v1/chat/completions", "input_file_id": "f", "completion_window": "24h", "status": "completed", "created_at": 1}


def _batches_page(request: httpx.Request) -> httpx.Response:
    """Three pages of two: after=None -> 0,1; after=batch_1 -> 2,3; after=batch_3 -> 4,5."""
    start = {None: 0, "batch_1": 2, "batch_3": 4}[request.url.params.get("after")]
    data = [_batch(i) for i in range(start, start + 2)]
    return ok({"object": "list", "data": data, "first_id": data[0]["id"], "last_id": data[-1]["id"], "has_more": start < 4})


def test_three_pages_walk_alike(ours: Any) -> None:
    sdk, mine, rs, ro = clients(ours, _batches_page)
    theirs = [b.id for b in sdk.batches.list(limit=2)]
    result = [b.id for b in mine.batches.list(limit=2)]
    assert theirs == result == [f"batch_{i}" for i in range(6)]
    assert [sorted(r.url.params.multi_items()) for r in rs.requests] == [sorted(r.url.params.multi_items()) for r in ro.requests]
    pages = list(mine.batches.list(limit=2).iter_pages())
    assert [len(p.data) for p in pages] == [2, 2, 2] and pages[0].has_more is True and pages[-1].has_more is False


def test_a_list_without_cursors_iterates_its_items(ours: Any) -> None:
    models = {"object": "list", "data": [{"id": m, "object": "model", "created": 1, "owned_by": "openai"} for m in ("gpt-4o", "o3")]}
    sdk, mine, _, ro = clients(ours, ok(models))
    assert [m.id for m in sdk.models.list()] == [m.id for m in mine.models.list()] == ["gpt-4o", "o3"]
    assert all(isinstance(m, ours.types.Model) for m in mine.models.list())
    assert len(ro.requests) == 2  # one request per call: nothing to follow


# ------------------------------------------------------------------ calls where users expect them


def test_the_same_calls_reach_the_same_requests(ours: Any) -> None:
    """Calls written for the SDK work unchanged (keyword path parameters, download leaves,
    callable sub-resources, actions), and send the same method and path."""
    upload_part = {"id": "part_1", "object": "upload.part", "created_at": 1, "upload_id": "upload_1"}

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/content"):
            return httpx.Response(200, json="the file's text")  # the spec declares a JSON string
        if request.url.path.endswith("/parts"):
            return ok(upload_part)
        return ok(_batch(0))

    sdk, mine, rs, ro = clients(ours, answer)
    calls: list[Callable[[Any], Any]] = [
        lambda c: c.files.content("file_1"),
        lambda c: c.batches.cancel("batch_0"),
        lambda c: c.uploads.parts.create("upload_1", data=b"abc"),
        lambda c: c.batches.retrieve(batch_id="batch_0"),
    ]
    for call in calls:
        call(sdk)
        call(mine)
    assert [(r.method, r.url.path) for r in rs.requests] == [(r.method, r.url.path) for r in ro.requests]
    # and the shortcuts users reach for: `uploads.parts(...)`, `files.content.retrieve(...)`
    mine.uploads.parts("upload_1", data=b"abc")
    mine.files.content.retrieve("file_1")
    assert [(r.method, r.url.path) for r in ro.requests[-2:]] == [("POST", "/v1/uploads/upload_1/parts"), ("GET", "/v1/files/file_1/content")]


def test_missing_credentials_name_the_argument_and_the_environment_variable(ours: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_ADMIN_API_KEY", raising=False)
    with pytest.raises(openai.OpenAIError, match="OPENAI_API_KEY"):
        openai.OpenAI(base_url="http://api.test/v1")
    with pytest.raises(ours.MissingCredentialsError, match=r"`api_key` \(or \$OPENAI_API_KEY\)"):
        ours.Client(base_url="http://api.test/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    rec = Recorder(ok(completion()))
    chat(ours.Client(base_url="http://api.test/v1", http_client=httpx.Client(transport=httpx.MockTransport(rec))))
    assert rec.requests[0].headers["authorization"] == "Bearer sk-env"


def test_the_official_sdk_can_be_compared_from_the_command_line() -> None:
    """tests/sdk_calls.py prints the call-name comparison (kept runnable: the report quotes it)."""
    res = subprocess.run([sys.executable, str(Path(__file__).parent / "sdk_calls.py"), str(corpus("openai-2026-08-21.yaml"))], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0 and "operations in both" in res.stdout, res.stderr[-2000:]
