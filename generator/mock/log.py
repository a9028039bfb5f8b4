"""The request log (`specgen mock --log FILE`): one JSON line per request, as it is answered.

`{"method", "path", "status", "operation", "problems"}`; `problems` lists what the mock refused
the request for (each `{"in", "pointer", "reason", "message"}`), empty for an accepted one.
Lines are appended and flushed one at a time, so a log can be followed while the mock runs.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, TextIO


class RequestLog:
    """An append-only JSON Lines file shared by the server's requests."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._file: TextIO | None = self.path.open("a", encoding="utf-8")

    def write(self, method: str, path: str, status: int, operation: str | None, problems: list[dict[str, Any]]) -> None:
        line = json.dumps({"method": method, "path": path, "status": status, "operation": operation, "problems": problems}, ensure_ascii=False, default=str)
        with self._lock:
            if self._file is not None:
                self._file.write(line + "\n")
                self._file.flush()

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
