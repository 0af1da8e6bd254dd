"""The journal is bounded in bytes, not only in entries (issue: 300 x 1 MB bodies = +600 MiB).

Bodies and parameter values are cut at record time (the exchange keeps the original sizes), and
the journal evicts its oldest entries once it holds more than ``max_bytes``.
"""

from __future__ import annotations

import json
import tracemalloc

from werkzeug.test import Client

from mockserver import MockServer
from mockserver.scripting.journal import BODY_CAP
from mockserver.scripting.journal import DEFAULT_MAX_BYTES
from mockserver.scripting.journal import VALUE_CAP
from mockserver.scripting.journal import Exchange
from mockserver.scripting.journal import Journal
from mockserver.scripting.matching import RequestInfo
from tests.mockserver.helpers import password_params

MB = 1_000_000


def _exchange(journal: Journal, size: int, fill: bytes = b"x") -> Exchange:
    """A token exchange with fresh ``size``-byte bodies and a ``size``-character parameter."""
    return Exchange(
        seq=journal.next_seq(),
        at=0.0,
        request=RequestInfo(
            method="POST",
            path="/workflow/oauth2/token",
            endpoint="token",
            workspace="workflow",
            query={},
            params={"grant_type": "password", "username": fill.decode() * size},
            encoding="form",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            body=fill * size,
        ),
        status=200,
        response_headers=(("Content-Type", "application/json"),),
        response_body=fill * size,
        duration_ms=1.0,
    )


def _kept_bytes(journal: Journal) -> int:
    return sum(
        len(e.request.body) + len(e.response_body) + sum(len(v) for v in e.request.params.values())
        for e in journal
    )


def test_three_hundred_megabyte_bodies_stay_under_the_cap() -> None:
    journal = Journal()
    assert journal.max_bytes == DEFAULT_MAX_BYTES
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        for _ in range(300):
            journal.record(_exchange(journal, MB))
            entry = journal.last()
            assert entry is not None
            assert len(entry.request.body) <= BODY_CAP and len(entry.response_body) <= BODY_CAP
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert after - before < DEFAULT_MAX_BYTES  # 300 MB sent, at most the cap kept
    assert len(journal) == 300  # cut, not evicted: 300 cut entries fit in 64 MiB
    assert _kept_bytes(journal) <= 300 * (2 * BODY_CAP + VALUE_CAP + 100)
    assert _kept_bytes(journal) <= journal.retained_bytes <= journal.max_bytes
    entry = journal.last()
    assert entry is not None
    assert entry.request_body_size == MB and entry.response_body_size == MB
    assert entry.request.params["grant_type"] == "password"


def test_the_total_byte_cap_evicts_the_oldest_and_counts_them_as_dropped() -> None:
    journal = Journal(capacity=5000, max_bytes=1024 * 1024)
    for _ in range(100):
        journal.record(_exchange(journal, 100_000))
    assert 0 < len(journal) < 100
    assert journal.dropped == 100 - len(journal)
    assert journal.retained_bytes <= journal.max_bytes
    assert [e.seq for e in journal] == list(range(101 - len(journal), 101))  # the newest kept
    journal.clear()
    assert (len(journal), journal.retained_bytes, journal.dropped) == (0, 0, 0)


def test_the_entry_cap_still_applies_and_keeps_the_byte_count_right() -> None:
    journal = Journal(capacity=3)
    for _ in range(5):
        journal.record(_exchange(journal, 10))
    assert (len(journal), journal.dropped) == (3, 2)
    single = Journal()
    single.record(_exchange(single, 10))
    assert journal.retained_bytes == 3 * single.retained_bytes


def test_rendering_marks_what_was_cut() -> None:
    journal = Journal()
    journal.record(_exchange(journal, MB))
    rendered = journal.render()[0]
    assert rendered["response"]["body"].endswith(f"…[truncated: {MB} bytes total]")
    assert len(rendered["response"]["body"]) < BODY_CAP + 100
    username = rendered["request"]["params"]["username"]
    assert username.endswith(f"…[truncated: {MB} chars total]")
    assert len(username) < VALUE_CAP + 100


def test_a_secret_cut_in_half_is_not_rendered_in_part() -> None:
    token = "0123456789abcdef0123456789abcdef01234567"
    journal = Journal()
    exchange = _exchange(journal, 10)
    body = b"y" * (BODY_CAP - 20) + token.encode() + b"z" * 100
    secret_body = b"y" * (BODY_CAP - 5) + b"S3cr3tValue" + b"z" * 100
    for response_body in (body, secret_body):
        journal.record(
            Exchange(
                seq=journal.next_seq(),
                at=0.0,
                request=exchange.request,
                status=200,
                response_headers=(),
                response_body=response_body,
                duration_ms=0.0,
            )
        )
    first, second = journal.render(secrets=("S3cr3tValue",))
    assert token[:20] not in first["response"]["body"]
    assert "S3cr3" not in second["response"]["body"]
    assert second["response"]["body"].endswith(f"…[truncated: {len(secret_body)} bytes total]")


def test_a_megabyte_form_field_over_http_is_cut_in_the_journal() -> None:
    with MockServer() as pm:
        client = Client(pm.app)
        form = password_params(username="u" * MB)
        for _ in range(20):
            client.post("/workflow/oauth2/token", data=form)
        entry = pm.journal.last()
        assert entry is not None
        assert entry.request_body_size is not None and entry.request_body_size > MB
        assert len(entry.request.body) == BODY_CAP
        assert len(entry.request.params["username"]) < VALUE_CAP + 100
        assert pm.journal.retained_bytes < 20 * 100_000  # uncut: 20 x 2 MB (body + username)
        rendered = json.dumps(pm.journal.render(secrets=pm.known_secrets()), ensure_ascii=False)
        assert "…[truncated: 1000000 chars total]" in rendered
