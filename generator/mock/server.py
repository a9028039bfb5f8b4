"""`specgen mock SPEC [--port N] [--fixtures DIR] [--log FILE]`: a local HTTP server that
answers like the API, on 127.0.0.1 only; `--send-webhook NAME --to URL` sends one sample webhook
to a receiver on 127.0.0.1 instead (`webhooks.py`).

The application is `app.MockApp` (routing, credentials, parameters, bodies, answers: see there);
this module runs it: `MockServer` in a background thread for tests, `run` for the CLI. Fixtures
are built per operation on first use, so start-up costs one parse and normalize of the spec.
"""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any, Iterator

from ..budgets import allow_deep_recursion
from ..diagnostics import UsageError
from .app import MockApp, print_warnings

HOST = "127.0.0.1"  # never anything else


class MockServer:
    """The mock server in a background thread, for tests:

        with MockServer("specs/x.yaml") as server:
            client = Client(base_url=server.base_url, api_key="test")
    """

    def __init__(self, spec: Path | str, fixtures_dir: Path | str | None = None, port: int = 0, log: Path | str | None = None):
        self.spec = spec
        self.fixtures_dir = fixtures_dir
        self.port = port
        self.log = log
        self.app: MockApp | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def base_url(self) -> str:
        """Origin plus the spec's base path (`/v1`), as a client's base_url."""
        assert self.app is not None, "start the server first"
        return self.origin + self.app.base_path

    def start(self) -> MockServer:
        import uvicorn

        allow_deep_recursion()  # also when a generated test suite starts the mock in its own process
        self.app = MockApp(self.spec, self.fixtures_dir, self.log)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # accepted connections inherit it: no Nagle delay between a response's header and body writes
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((HOST, self.port))
        self.port = sock.getsockname()[1]
        self._sock = sock
        config = uvicorn.Config(self.app.app, host=HOST, port=self.port, log_level="warning", access_log=False, lifespan="off", ws="none", interface="asgi3")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, name="specgen-mock", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the mock server did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._sock is not None:
            self._sock.close()
        if self.app is not None and self.app.log is not None:
            self.app.log.close()
        self._server = self._thread = self._sock = None

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def run(args: argparse.Namespace) -> int:
    """`specgen mock`: serve until interrupted."""
    import uvicorn

    spec = Path(args.spec)
    if not spec.is_file():
        raise UsageError(f"{spec}: no such file")
    fixtures = getattr(args, "fixtures", None)
    if fixtures is not None and not Path(fixtures).is_dir():
        raise UsageError(f"--fixtures {fixtures}: no such folder")
    port = int(getattr(args, "port", 4010) or 0)
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port} is not a port number")
    log = getattr(args, "log", None)
    if log is not None and not Path(log).parent.is_dir():
        raise UsageError(f"--log {log}: its folder does not exist")
    hook, to = getattr(args, "send_webhook", None), getattr(args, "to", None)
    if (hook is None) != (to is None):
        raise UsageError("--send-webhook NAME and --to URL go together")
    if hook is not None and to is not None:
        return send_webhook(spec, str(hook), str(to), fixtures)
    app = MockApp(spec, fixtures, log)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((HOST, port))
    except OSError as e:
        raise UsageError(f"cannot listen on {HOST}:{port}: {e.strerror}") from None
    port = sock.getsockname()[1]
    sock.listen(128)  # connections wait in the backlog from the moment the address is printed
    print_warnings(app)
    print(f"specgen mock: {len(app.api.operations)} operations of {app.api.title} on http://{HOST}:{port}{app.base_path} (Ctrl-C stops)", file=sys.stderr, flush=True)
    config = uvicorn.Config(app.app, host=HOST, port=port, log_level="warning", lifespan="off", ws="none", interface="asgi3")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
        if app.log is not None:
            app.log.close()
    return 0


def send_webhook(spec: Path, name: str, to: str, fixtures: Path | None) -> int:
    """`--send-webhook NAME --to URL`: 0 when the receiver answered 2xx, 1 otherwise."""
    from .webhooks import loopback_url, send

    loopback_url(to)  # refused before the spec is even read
    app = MockApp(spec, fixtures, None)
    status, text = send(app.api, name, to, fixtures)
    print(f"specgen mock: sent the {name!r} webhook to {to}: {status}{(' ' + text) if status >= 300 and text else ''}", file=sys.stderr, flush=True)
    return 0 if 200 <= status < 300 else 1


def iter_sse(text: str) -> Iterator[str]:
    """The `data:` payloads of an SSE text, in order (for tests and tools)."""
    for block in text.split("\n\n"):
        data = [ln[5:].lstrip() for ln in block.splitlines() if ln.startswith("data:")]
        if data:
            yield "\n".join(data)
