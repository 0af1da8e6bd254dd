"""record → profile file → replay: exact for every shipped profile and for generated ones."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from conformance import CHECKS
from conformance import Target
from conformance import load_credentials
from conformance import run
from conformance.cli import main as cli_main
from conformance.http import HttpRequest
from conformance.http import WsgiTransport
from conformance.record import record
from mockserver import PROFILES
from mockserver import MockServer
from mockserver import Profile
from mockserver.state.profile_files import load_profile_file
from mockserver.state.profile_files import profile_from_data
from mockserver.state.profiles import BEHAVIOUR_FIELDS
from mockserver.state.profiles import BOTH_SCOPE_SPELLINGS
from mockserver.state.profiles import PLURAL_SCOPES
from mockserver.state.seed import DOC_PASSWORD
from tests.conformance.proxy_kit import AnswerRewriter

CREDENTIALS = load_credentials(env={})


def _record(profile: Profile) -> tuple[Profile, list[str], MockServer]:
    pm = MockServer(profile=profile)
    pm.start()
    with Target.url(pm.url, "workflow", rate=0).session() as session:
        recording = record(session.transport, session.workspace, CREDENTIALS, url=pm.url)
    replay = profile_from_data(recording.profile_file("replayed"))
    return replay, recording.inherited, pm


def _values(profile: Profile) -> dict[str, object]:
    return {f: getattr(profile, f) for f in BEHAVIOUR_FIELDS}


@pytest.mark.parametrize("name", list(PROFILES))
def test_recording_a_shipped_profile_reproduces_it(name: str) -> None:
    replay, inherited, pm = _record(PROFILES[name])
    try:
        assert _values(replay) == _values(PROFILES[name])
        assert len(inherited) < len(BEHAVIOUR_FIELDS) // 2  # most fields are measured
        # Live safety: every token the probes obtained is expired, no wrong password was sent.
        store = pm.workspace()
        now = pm.clock.stamp()
        rows = store.query("SELECT EXPIRES FROM OAUTH_ACCESS_TOKENS")
        assert rows and all(str(r[0]) < now for r in rows)
        sent = [e.request.params.get("password") for e in pm.journal]
        assert {p for p in sent if p is not None} == {DOC_PASSWORD}
    finally:
        pm.close()


@pytest.mark.parametrize("name", list(PROFILES))
def test_the_suite_gives_the_same_outcomes_against_the_replay(name: str) -> None:
    replay, _, pm = _record(PROFILES[name])
    pm.close()
    original = run(CHECKS.all(), Target.mock(PROFILES[name]), PROFILES[name], CREDENTIALS)
    replayed = run(CHECKS.all(), Target.mock(replay), PROFILES[name], CREDENTIALS)
    assert [(r.id, r.outcome) for r in original.results] == [
        (r.id, r.outcome) for r in replayed.results
    ]


MEASURED = st.fixed_dictionaries(
    {
        "token_error_status": st.sampled_from([None, 200]),
        "access_lifetime": st.integers(60, 10**6),
        "always_issue_new_refresh_token": st.booleans(),
        "refresh_token_single_use": st.booleans(),
        "supported_scopes": st.sampled_from([PLURAL_SCOPES, BOTH_SCOPE_SPELLINGS]),
        "scope_when_none": st.sampled_from(["null", "omit"]),
        "password_requires_body_client_credentials": st.booleans(),
        "case_insensitive_lookups": st.booleans(),
        "unknown_workspace": st.sampled_from(["empty-503", "html-503", "restler-400", "plain-404"]),
        "login_redirect": st.sampled_from(["absolute", "relative"]),
        "resource_errors": st.sampled_from(["restler-401", "rfc6750"]),
        "basic_split": st.sampled_from(["first-colon", "single-colon"]),
    }
)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(list(PROFILES)), MEASURED)
def test_recording_a_generated_profile_measures_what_it_serves(
    base: str, changes: dict[str, object]
) -> None:
    served = dataclasses.replace(PROFILES[base], name="generated", **changes)  # type: ignore[arg-type]
    replay, _, pm = _record(served)
    pm.close()
    for field in changes:
        assert getattr(replay, field) == getattr(served, field), field


def test_cli_record_and_fingerprint_against_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with MockServer(profile="pm-3.4.11") as pm:
        out = tmp_path / "recorded.json"
        assert cli_main(["record", pm.url, "--out", str(out)]) == 0
        table = capsys.readouterr().out
        assert "measured" in table and "inherited (pm-3.4.11)" in table
        data = json.loads(out.read_text())
        assert data["extends"] == "pm-3.4.11" and data["inherited"]
        assert all(v["provenance"]["kind"] == "observed" for v in data["fields"].values())
        assert load_profile_file(out).values()["access_lifetime"] == 86400
        assert cli_main(["fingerprint", "--target", pm.url, "--profile-file", str(out)]) == 0
        assert "matches" in capsys.readouterr().out
        other = tmp_path / "other.json"
        other.write_text(json.dumps({"name": "o", "extends": "documented"}))
        assert cli_main(["fingerprint", "--target", pm.url, "--profile-file", str(other)]) == 1
        assert "differs from" in capsys.readouterr().out


def test_each_field_names_the_probe_that_measured_it() -> None:
    """The probe names are written into profile files as provenance: they are part of the format."""
    from conformance.http import HttpTransport

    with MockServer() as pm:
        recording = record(HttpTransport(pm.url), "workflow", load_credentials(env={}), url=pm.url)
    assert {f: m.probe for f, m in recording.measured.items()} == {
        "unknown_workspace": "unknown-workspace",
        "restler_version": "malformed-json",
        "resource_errors": "api-without-token",
        "token_error_status": "missing-grant-type",
        "token_headers": "missing-grant-type",
        "invalid_client_status_with_basic": "basic-wrong-client-secret",
        "basic_split": "basic-value-with-two-colons",
        "access_lifetime": "password-grant",
        "scope_when_none": "password-grant-without-scope",
        "password_requires_body_client_credentials": "basic-only-password-grant",
        "case_insensitive_lookups": "client-id-in-other-case",
        "accept_json_token_request": "json-body",
        "unknown_client_empty_secret_passes": "unknown-client-empty-secret",
        "supported_scopes": "each-scope",
        "always_issue_new_refresh_token": "refresh",
        "refresh_token_single_use": "refresh-again",
        "login_redirect": "authorize-without-session",
        "rest_release": "routes-without-token",
        "permission_refusal": "permission-route-with-token",
    }


def test_the_record_table_fits_100_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with MockServer(profile="pm-3.4.11") as pm:
        assert cli_main(["record", pm.url, "--out", str(tmp_path / "p.json")]) == 0
    out = capsys.readouterr().out
    table = out[out.index("field ") :]
    assert max(len(line) for line in table.splitlines()) <= 100, table
    # nothing lost to the width: the long notes and values are wrapped, not cut
    flat = " ".join(table.split())
    assert "rest_release" in flat and "the token-error status decided" in flat
    assert '"view_processes", "edit_processes"' in flat


def _drop_json_bodies(environ: dict[str, Any]) -> None:
    """A server whose token endpoint reads no JSON bodies (PHP's ``$_POST`` only): a body
    Restler would decode as JSON never reaches it; it sees an empty form."""
    kind = environ.get("CONTENT_TYPE", "")
    if environ["PATH_INFO"].endswith("/oauth2/token") and (
        not kind or kind.startswith("application/json")
    ):
        environ["wsgi.input"] = io.BytesIO(b"")
        environ["CONTENT_LENGTH"] = "0"
        environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"


@pytest.mark.parametrize("base", ["pm-3.4.11", "rfc6749"])
def test_a_recorded_server_that_reads_no_json_replays_json_bodies_as_it_answered_them(
    base: str,
) -> None:
    """Recorded from a server that reads no JSON bodies, the replay answers a JSON body, well
    formed or malformed, as that server did (an empty form's answer), not with Restler's
    parse error; and the Restler version it names is the server's, even where the token
    endpoint's answers carry no X-Powered-By (rfc6749's bshaffer headers)."""
    pm = MockServer(base)
    server = WsgiTransport(AnswerRewriter(pm.app, lambda _e, *answer: answer, _drop_json_bodies))
    recording = record(server, "workflow", CREDENTIALS, url="http://pm.example.com")
    assert recording.measured["accept_json_token_request"].value is False
    assert recording.measured["restler_version"].value == PROFILES[base].restler_version
    replay = MockServer(profile_from_data(recording.profile_file("no-json")))
    replayed = WsgiTransport(replay.app)
    for body in (b'{"grant_type": ', b"{", json.dumps({"grant_type": "password"}).encode()):
        for content_type in ("application/json", None):
            headers = (("Content-Type", content_type),) if content_type else ()
            request = HttpRequest("POST", "/workflow/oauth2/token", headers, body)
            want, got = server.send(request), replayed.send(request)
            assert (got.status, got.json()) == (want.status, want.json()), (body, content_type)
            assert got.header("X-Powered-By") == want.header("X-Powered-By")
    # Restler's own answers (an unknown REST route's 404) name the server's version
    api = HttpRequest("GET", "/api/1.0/workflow/nosuchroute")
    assert replayed.send(api).header("X-Powered-By") == server.send(api).header("X-Powered-By")
    pm.close()
    replay.close()
