"""Where users expect each call: specgen's names for the OpenAI corpus against the official SDK's.

tests/openai_call_names.yaml lists every difference with why it is right or left; this test
fails when the list changes (a new difference, or one that went away), so the list stays true.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from support import CORPUS_IR, corpus, normalized_once

pytest.importorskip("openai", reason="the official SDK is the oracle here (pip install openai)")

import sdk_calls  # noqa: E402

pytestmark = CORPUS_IR  # shares each corpus spec's one normalization (support.CORPUS_IR)

NAMES: dict[str, Any] = yaml.safe_load((Path(__file__).parent / "openai_call_names.yaml").read_text())


def _without_namespace(call: str) -> str:
    for prefix in NAMES["namespaces"]:
        if call.startswith(prefix):
            return "client." + call[len(prefix) :]
    return call


def test_call_names_differ_from_the_official_sdk_only_where_the_list_says_why() -> None:
    spec = corpus("openai-2026-08-21.yaml")
    both, same, diffs = sdk_calls.compare(spec, normalized_once(spec))
    listed: dict[str, dict[str, str]] = NAMES["differences"]
    found: dict[str, dict[str, str]] = {}
    namespace_only = 0
    for d in diffs:
        if d["specgen"] in {_without_namespace(c) for c in d["sdk"].split(" | ")}:
            namespace_only += 1
            continue
        found[f"{d['method']} {d['path']}"] = {"specgen": d["specgen"], "sdk": d["sdk"]}
    assert set(found) == set(listed), (sorted(set(found) - set(listed)), sorted(set(listed) - set(found)))
    for key, names in found.items():
        assert names == {"specgen": listed[key]["specgen"], "sdk": listed[key]["sdk"]}, key
        assert listed[key]["why"].strip(), key
    # most operations match outright or but for the SDK's namespace
    assert both >= 270 and same + namespace_only >= 0.85 * both, (both, same, namespace_only)


def test_the_names_the_issue_called_odd_are_where_users_expect_them() -> None:
    spec = corpus("openai-2026-08-21.yaml")
    ours = {d: calls for d, calls in sdk_calls.specgen_calls(spec, normalized_once(spec)).items()}

    def calls(method: str, path: str) -> list[str]:
        return ours[(method, re.sub(r"\{[^}]*\}", "{}", path))]

    assert "client.files.content" in calls("GET", "/files/{file_id}/content")
    assert calls("POST", "/threads/{thread_id}/runs") == ["client.threads.runs.create"]
    assert calls("POST", "/threads/runs") == ["client.threads.create_and_run"]
    assert calls("POST", "/uploads/{upload_id}/parts") == ["client.uploads.parts.create", "client.uploads.parts"]
    assert calls("GET", "/organization/data_retention") == ["client.organization.data_retention.retrieve"]
    assert calls("POST", "/organization/data_retention") == ["client.organization.data_retention.update"]
    assert calls("POST", "/batches/{batch_id}/cancel") == ["client.batches.cancel"]
    assert calls("POST", "/responses/compact") == ["client.responses.compact"]
    assert calls("POST", "/organization/certificates/activate") == ["client.organization.certificates.activate"]
