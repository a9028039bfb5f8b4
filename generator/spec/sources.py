"""What a SPEC argument may be: a local file. specgen never fetches a spec from the network."""

from __future__ import annotations

import re

from ..diagnostics import UsageError

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")


def refuse_url(text: str) -> None:
    """A URL given as SPEC: say that remote specs are not fetched, and how to get the file."""
    if _URL.match(text):
        raise UsageError(
            f"{text}: specgen reads specs from local files and never fetches one from the network; "
            f"download it first, e.g. `curl -fsSL '{text}' -o spec.yaml`, review it, and give that file"
        )
