"""The journal: recorded exchanges, redaction, bounds, assert_request_made with near misses."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import requests
from werkzeug.test import Client

from mockserver import MockServer
from mockserver.scripting.journal import BODY_CAP
from mockserver.scripting.journal import FIELDS_CAP
from mockserver.scripting.journal import VALUE_CAP
from mockserver.scripting.journal import Exchange
from mockserver.scripting.journal import Journal
from mockserver.scripting.journal import bounded
from mockserver.scripting.matching import RequestInfo
from mockserver.scripting.matching import RequestMatcher
from mockserver.state.seed import DOC_CLIENT_SECRET
from mockserver.state.seed import DOC_PASSWORD
from tests.mockserver.helpers import basic
from tests.mockserver.helpers import password_params


def test_records_parsed_parameters_and_the_answer(live: MockServer) -> None:
    requests.post(live.token_url(), json=password_params(), timeout=10)
    entry = live.journal.last()
    assert entry is not None
    assert entry.request.endpoint == "token"
    assert entry.request.encoding == "json"
    assert entry.request.params["password"] == DOC_PASSWORD  # kept as sent, for the test's use
    assert entry.status == 200
    assert entry.json()["token_type"] == "bearer"
    assert entry.duration_ms >= 0


def test_rendering_redacts_every_secret(live: MockServer) -> None:
    body = requests.post(
        live.token_url(),
        data=password_params(),
        headers=basic("HWAYUEGWRMWNVLSTKPXAJDZGUQKAXKSF", DOC_CLIENT_SECRET),
        timeout=10,
    ).json()
    requests.get(live.api_url(), params={"access_token": body["access_token"]}, timeout=10)
    rendered = json.dumps(live.journal.render(secrets=live.known_secrets()))
    for secret in (DOC_CLIENT_SECRET, DOC_PASSWORD, body["access_token"], body["refresh_token"]):
        assert secret not in rendered
    assert "Basic <redacted: client HWAYUEGWRMWNVLSTKPXAJDZGUQKAXKSF>" in rendered
    assert body["access_token"][:6] in rendered  # correlatable, not usable


def test_the_ring_is_bounded() -> None:
    with MockServer(journal_capacity=3) as pm:
        for _ in range(5):
            requests.get(f"{pm.url}/", timeout=10)
        assert len(pm.journal) == 3
        assert pm.journal.dropped == 2
        assert [e.seq for e in pm.journal] == [3, 4, 5]
        assert 0 < pm.journal.retained_bytes <= pm.journal.max_bytes
        pm.reset()
        assert pm.journal.retained_bytes == 0


def test_large_bodies_and_values_are_cut_with_their_sizes_kept(live: MockServer) -> None:
    live.override("token").respond_with(200, body="x" * 100_000)
    sent = requests.post(live.token_url(), data=password_params(username="u" * 200_000), timeout=10)
    assert len(sent.content) == 100_000  # the client gets everything; the journal keeps a part
    entry = live.journal.last()
    assert entry is not None
    assert entry.request_body_size == len(sent.request.body or b"") > BODY_CAP
    assert len(entry.request.body) == BODY_CAP and entry.request_body_truncated
    assert entry.response_body_size == 100_000 and len(entry.response_body) == BODY_CAP
    assert entry.response_body_truncated and entry.json() is None
    username = entry.request.params["username"]
    assert username == "u" * VALUE_CAP + "…[truncated: 200000 chars total]"
    rendered = entry.to_dict()
    assert rendered["response"]["body"] == "x" * BODY_CAP + "…[truncated: 100000 bytes total]"
    assert rendered["request"]["params"]["username"] == username
    live.assert_request_made("token", params={"username": "re:^u+…"})  # questions see the cut value


def test_assert_request_made_counts(live: MockServer) -> None:
    for _ in range(2):
        requests.post(live.token_url(), data=password_params(), timeout=10)
    live.assert_request_made("token", grant_type="password", count=2)
    live.assert_request_made("token", params={"username": "re:^john"})
    with pytest.raises(AssertionError, match="expected 1 request"):
        live.assert_request_made("token", grant_type="password", count=1)


def test_near_miss_message_names_the_closest_requests(live: MockServer) -> None:
    requests.post(live.token_url(), data=password_params(scope="view_processes"), timeout=10)
    with pytest.raises(AssertionError) as info:
        live.assert_request_made("token", grant_type="password", params={"scope": "edit_processes"})
    message = str(info.value)
    assert "closest requests:" in message
    assert "POST /workflow/oauth2/token grant_type=password" in message
    assert "differs in: scope" in message


def test_empty_journal_says_so(live: MockServer) -> None:
    with pytest.raises(AssertionError, match="no requests were recorded"):
        live.assert_request_made("token")


def test_journal_numbers_restart_on_reset() -> None:
    pm = MockServer()
    client = Client(pm.app)
    client.post("/workflow/oauth2/token", data={})
    client.post("/workflow/oauth2/token", data={})
    assert [e.seq for e in pm.journal] == [1, 2]
    pm.reset()
    client.post("/workflow/oauth2/token", data={})
    assert [e.seq for e in pm.journal] == [1]
    pm.close()


def _small(journal: Journal) -> Exchange:
    return Exchange(
        seq=journal.next_seq(),
        at=0.0,
        request=RequestInfo(
            method="GET",
            path="/",
            endpoint="other",
            workspace="",
            query={},
            params={},
            encoding="none",
            headers={},
        ),
        status=404,
        response_headers=(),
        response_body=b"{}",
        duration_ms=1.0,
    )


def _size_of_one() -> int:
    journal = Journal()
    journal.record(_small(journal))
    return journal.retained_bytes


def test_the_byte_cap_is_inclusive() -> None:
    size = _size_of_one()
    journal = Journal(max_bytes=2 * size)
    for _ in range(2):
        journal.record(_small(journal))
    assert (len(journal), journal.retained_bytes, journal.dropped) == (2, 2 * size, 0)
    journal.record(_small(journal))
    assert [e.seq for e in journal] == [2, 3]
    assert (journal.retained_bytes, journal.dropped) == (2 * size, 1)


def test_the_newest_exchange_is_kept_even_over_the_byte_cap() -> None:
    journal = Journal(max_bytes=1)
    for _ in range(3):
        journal.record(_small(journal))
    assert [e.seq for e in journal] == [3]
    assert journal.dropped == 2


def test_a_journal_of_capacity_zero_keeps_nothing() -> None:
    journal = Journal(capacity=0)
    journal.record(_small(journal))
    assert (len(journal), journal.retained_bytes, journal.dropped) == (0, 0, 1)
    assert Journal(capacity=-5).capacity == 0


def test_the_byte_cap_must_allow_one_byte() -> None:
    assert Journal(max_bytes=1).max_bytes == 1
    with pytest.raises(ValueError, match="max_bytes must be at least 1"):
        Journal(max_bytes=0)


def test_a_small_exchange_renders_its_response_headers_and_omits_nothing(mock: MockServer) -> None:
    Client(mock.app).post("/workflow/oauth2/token", data=password_params())
    entry = mock.journal.last()
    assert entry is not None and entry.omitted_fields == 0
    rendered = entry.to_dict()
    assert "omitted_fields" not in rendered["request"]
    assert rendered["response"]["headers"] == dict(entry.response_headers)
    assert rendered["response"]["headers"]["Cache-Control"] == "no-cache, must-revalidate"


def test_cutting_a_big_body_leaves_out_no_field() -> None:
    journal = Journal()
    big = replace(_small(journal), response_body=b"x" * (BODY_CAP + 1))
    assert bounded(big).omitted_fields == 0


def _full() -> Exchange:
    token = "ab" * 20  # a 40-hex access token
    return Exchange(
        seq=7,
        at=1_767_225_600.5,
        request=RequestInfo(
            method="POST",
            path="/workflow/oauth2/token/hunter22",
            endpoint="token",
            workspace="workflow",
            query={"state": "xyz", "code": "c0de-c0de-c0de"},
            params={"password": "hunter22", "note": "said hunter22", "grant_type": "password"},
            encoding="form",
            headers={"Authorization": f"Bearer {token}", "X-Note": "hunter22"},
        ),
        status=200,
        response_headers=(("Content-Type", "application/json"), ("Set-Cookie", "s=1")),
        response_body=f'{{"access_token":"{token}","pw":"hunter22"}}'.encode(),
        duration_ms=1.23456,
        scripted="override #1 (error invalid_grant) on {endpoint=token}",
        omitted_fields=3,
    )


def test_to_dict_renders_every_field_redacted() -> None:
    assert _full().to_dict(secrets=("hunter22",)) == {
        "seq": 7,
        "at": 1_767_225_600.5,
        "request": {
            "method": "POST",
            "path": "/workflow/oauth2/token/<redacted>",
            "endpoint": "token",
            "workspace": "workflow",
            "query": {"state": "xyz", "code": "c0de-c…<redacted>"},
            "params": {
                "password": "<redacted>",
                "note": "said <redacted>",
                "grant_type": "password",
            },
            "encoding": "form",
            "headers": {"Authorization": "Bearer <redacted>", "X-Note": "<redacted>"},
            "omitted_fields": 3,
        },
        "response": {
            "status": 200,
            "headers": {"Content-Type": "application/json", "Set-Cookie": "<redacted>"},
            "body": '{"access_token":"ababab…<redacted>","pw":"<redacted>"}',
        },
        "duration_ms": 1.235,
        "scripted": "override #1 (error invalid_grant) on {endpoint=token}",
    }


def test_to_dict_unredacted_keeps_every_value_as_recorded() -> None:
    exchange = _full()
    rendered = exchange.to_dict(redact=False, secrets=("hunter22",))
    assert rendered == {
        "seq": 7,
        "at": 1_767_225_600.5,
        "request": {
            "method": "POST",
            "path": "/workflow/oauth2/token/hunter22",
            "endpoint": "token",
            "workspace": "workflow",
            "query": {"state": "xyz", "code": "c0de-c0de-c0de"},
            "params": {"password": "hunter22", "note": "said hunter22", "grant_type": "password"},
            "encoding": "form",
            "headers": {"Authorization": f"Bearer {'ab' * 20}", "X-Note": "hunter22"},
            "omitted_fields": 3,
        },
        "response": {
            "status": 200,
            "headers": {"Content-Type": "application/json", "Set-Cookie": "s=1"},
            "body": exchange.response_body.decode(),
        },
        "duration_ms": 1.235,
        "scripted": "override #1 (error invalid_grant) on {endpoint=token}",
    }


def test_to_dict_of_a_cut_body_says_how_big_it_was() -> None:
    journal = Journal()
    body = b"x" * (BODY_CAP - 3) + b"hunter22"
    cut = replace(_small(journal), response_body=body)
    rendered = cut.to_dict(secrets=("hunter22",))
    assert set(rendered) == {"seq", "at", "request", "response", "duration_ms", "scripted"}
    assert rendered["response"] == {
        "status": 404,
        "headers": {},
        "body": "x" * (BODY_CAP - 3) + f"…[truncated: {BODY_CAP + 5} bytes total]",
    }
    raw = cut.to_dict(redact=False)["response"]["body"]
    assert raw == "x" * (BODY_CAP - 3) + f"hun…[truncated: {BODY_CAP + 5} bytes total]"


def test_a_four_character_secret_cut_at_the_end_is_not_shown_in_part() -> None:
    journal = Journal()
    cut = replace(_small(journal), response_body=b"x" * (BODY_CAP - 2) + b"pw4z")
    rendered = cut.to_dict(secrets=("pw4z",))["response"]["body"]
    assert rendered == "x" * (BODY_CAP - 2) + f"…[truncated: {BODY_CAP + 2} bytes total]"


def test_long_response_header_values_are_cut_like_request_values() -> None:
    journal = Journal()
    long_value = "v" * (VALUE_CAP + 1)
    big = replace(_small(journal), response_headers=(("X-Big", long_value), ("X-Small", "s")))
    assert bounded(big).response_headers == (
        ("X-Big", "v" * VALUE_CAP + f"…[truncated: {VALUE_CAP + 1} chars total]"),
        ("X-Small", "s"),
    )


def test_a_value_of_exactly_the_cap_is_kept_whole_and_a_long_path_is_cut() -> None:
    journal = Journal()
    small = _small(journal)
    long_path = "/" + "p" * VALUE_CAP
    request = replace(
        small.request,
        path=long_path,
        params={"exact": "e" * VALUE_CAP, "over": "o" * (VALUE_CAP + 1)},
    )
    journal.record(replace(small, request=request))
    entry = journal.last()
    assert entry is not None
    assert entry.request.path == "/" + "p" * (VALUE_CAP - 1) + (
        f"…[truncated: {VALUE_CAP + 1} chars total]"
    )
    assert entry.request.params == {
        "exact": "e" * VALUE_CAP,
        "over": "o" * VALUE_CAP + f"…[truncated: {VALUE_CAP + 1} chars total]",
    }


def test_a_secret_that_ends_like_the_redaction_mark_leaves_the_mark_whole() -> None:
    # Redacting "ted>" leaves a text ending in "<redacted>", that is in the whole secret again;
    # only a secret's start, cut off by the truncation, is trimmed, never a whole one.
    journal = Journal()
    cut = replace(_small(journal), response_body=b"x" * (BODY_CAP - 4) + b"ted>yy")
    rendered = cut.to_dict(secrets=("ted>",))["response"]["body"]
    assert rendered == "x" * (BODY_CAP - 4) + f"<redacted>…[truncated: {BODY_CAP + 2} bytes total]"


def test_assert_request_made_says_exactly_what_it_wanted_and_saw() -> None:
    journal = Journal()
    wanted = RequestMatcher.build("token")
    with pytest.raises(AssertionError) as empty:
        journal.assert_request_made(wanted)
    assert str(empty.value) == (
        "expected at least one request(s) matching {endpoint=token}, found 0\n"
        "no requests were recorded"
    )
    journal.record(_small(journal))
    with pytest.raises(AssertionError) as near:
        journal.assert_request_made(wanted)
    assert str(near.value) == (
        "expected at least one request(s) matching {endpoint=token}, found 0\n"
        "closest requests:\n"
        "  #1 GET / -> 404  (differs in: endpoint)"
    )
    with pytest.raises(AssertionError) as counted:
        journal.assert_request_made(RequestMatcher.build("other"), count=2)
    assert str(counted.value) == "expected 2 request(s) matching {endpoint=other}, found 1"


@pytest.mark.parametrize(
    ("params", "summary"),
    [
        ({}, "#1 GET / -> 404"),
        ({"grant_type": "password"}, "#1 GET / grant_type=password -> 404"),
    ],
)
def test_a_summary_names_the_grant_type_only_when_sent(
    params: dict[str, str], summary: str
) -> None:
    small = _small(Journal())
    assert replace(small, request=replace(small.request, params=params)).summary() == summary


def test_bounded_cuts_every_part_and_counts_every_field_left_out() -> None:
    small = _small(Journal())
    request = replace(
        small.request,
        resource="r" * (VALUE_CAP + 1),
        params={f"p{i}": "v" for i in range(FIELDS_CAP + 3)},
        query={f"q{i}": "v" for i in range(FIELDS_CAP + 5)},
        headers={f"H{i}": "v" for i in range(FIELDS_CAP + 7)},
    )
    response_headers = tuple((f"R{i}", "v") for i in range(FIELDS_CAP + 11))
    exchange = replace(
        small,
        request=request,
        response_headers=response_headers,
        request_body_size=1_000_000,  # sizes noted before (by the app) are kept, not re-measured
        response_body_size=2_000_000,
        omitted_fields=1,
    )
    kept = bounded(exchange)
    assert kept.omitted_fields == 1 + 3 + 5 + 7 + 11
    assert kept.request.resource == "r" * VALUE_CAP + f"…[truncated: {VALUE_CAP + 1} chars total]"
    assert kept.request.params == {f"p{i}": "v" for i in range(FIELDS_CAP)}
    assert kept.request.query == {f"q{i}": "v" for i in range(FIELDS_CAP)}
    assert kept.request.headers == {f"H{i}": "v" for i in range(FIELDS_CAP)}
    assert kept.response_headers == response_headers[:FIELDS_CAP]
    assert (kept.request_body_size, kept.response_body_size) == (1_000_000, 2_000_000)


@pytest.mark.parametrize("shown", range(1, 9))
def test_a_secret_cut_after_any_of_its_first_characters_is_not_shown_in_part(shown: int) -> None:
    secret = "s3cr3t-pw"  # starts with no hex digit, so only the secret trim can drop it
    body = b"x" * (BODY_CAP - shown) + secret.encode()
    cut = replace(_small(Journal()), response_body=body)
    rendered = cut.to_dict(secrets=(secret,))["response"]["body"]
    total = BODY_CAP - shown + len(secret)
    assert rendered == "x" * (BODY_CAP - shown) + f"…[truncated: {total} bytes total]"


@pytest.mark.parametrize(("hex_digits", "kept"), [(39, False), (40, True), (41, True)])
def test_hex_at_a_cut_is_dropped_only_when_shorter_than_a_token(
    hex_digits: int, kept: bool
) -> None:
    # "x" before the hex run is a word character: redact_text sees no whole token there.
    head = "x" * (BODY_CAP - hex_digits)
    cut = replace(_small(Journal()), response_body=(head + "a" * (hex_digits + 5)).encode())
    rendered = cut.to_dict()["response"]["body"]
    tail = f"…[truncated: {BODY_CAP + 5} bytes total]"
    assert rendered == head + ("a" * hex_digits if kept else "") + tail


def test_a_body_that_is_not_utf8_renders_with_replacement_characters() -> None:
    exchange = replace(_small(Journal()), response_body=b'{"x": "\xff\xfe"}')
    assert exchange.to_dict()["response"]["body"] == '{"x": "\ufffd\ufffd"}'


def test_an_empty_journal_has_no_last_exchange() -> None:
    assert Journal().last() is None


def test_render_unredacted_keeps_every_value_as_recorded() -> None:
    journal = Journal()
    journal.record(_full())
    assert journal.render(redact=False, secrets=("hunter22",)) == [
        _full().to_dict(redact=False, secrets=("hunter22",))
    ]
    assert "hunter22" not in json.dumps(journal.render(secrets=("hunter22",)))


def test_near_misses_are_the_three_closest_requests_closest_first() -> None:
    journal = Journal()
    small = _small(Journal())
    for endpoint, method, workspace in [
        ("other", "GET", ""),  # matches nothing
        ("token", "GET", ""),  # matches one of three
        ("token", "POST", "x"),  # matches two
        ("token", "GET", "workflow"),  # matches two
        ("other", "POST", ""),  # matches one
    ]:
        request = replace(small.request, endpoint=endpoint, method=method, workspace=workspace)
        journal.record(replace(small, seq=journal.next_seq(), request=request))
    wanted = RequestMatcher.build("token", method="POST", workspace="workflow")
    with pytest.raises(AssertionError) as info:
        journal.assert_request_made(wanted)
    assert str(info.value) == (
        "expected at least one request(s) matching"
        " {endpoint=token, method=POST, workspace=workflow}, found 0\n"
        "closest requests:\n"
        "  #3 POST / -> 404  (differs in: workspace)\n"
        "  #4 GET / -> 404  (differs in: method)\n"
        "  #2 GET / -> 404  (differs in: method, workspace)"
    )
