"""Overrides over a real HTTP client: errors, fixed answers, altered answers, lifetimes, order."""

from __future__ import annotations

import re

import pytest
import requests
from werkzeug.test import Client

from mockserver import MockServer
from mockserver.protocol.errors import InvalidGrantError
from mockserver.scripting.matching import Regex
from mockserver.scripting.matching import RequestMatcher
from mockserver.scripting.overrides import Action
from mockserver.scripting.overrides import Alter
from mockserver.scripting.overrides import Fault
from mockserver.scripting.overrides import Override
from mockserver.scripting.overrides import RespondError
from mockserver.scripting.overrides import RespondRaw
from mockserver.scripting.overrides import Scripting
from mockserver.scripting.overrides import action_from_data
from mockserver.scripting.overrides import matcher_from_data
from mockserver.scripting.overrides import override_from_data
from tests.mockserver.helpers import password_params


def _token(pm: MockServer, **overrides: object) -> requests.Response:
    return requests.post(pm.token_url(), data=password_params(**overrides), timeout=10)


def test_error_override_uses_the_profiles_shape_and_status(live: MockServer) -> None:
    live.override("token", grant_type="password").respond_with_error("invalid_grant")
    scripted = _token(live)
    assert scripted.status_code == 200  # documented
    assert scripted.json() == {
        "error": "invalid_grant",
        "error_description": InvalidGrantError.BAD_USER_CREDENTIALS,
    }
    assert "access_token" in _token(live).json()  # once by default, then the real answer


@pytest.mark.parametrize("profile_name", ["pm-3.4.10"])
def test_error_override_under_a_400_profile(live: MockServer) -> None:
    live.override("token").respond_with_error(
        "invalid_client", "The client credentials are invalid"
    )
    assert _token(live).status_code == 400


def test_restler_error_override(live: MockServer) -> None:
    live.override("api").respond_with_error(503, "Maintenance")
    response = requests.get(live.api_url(), timeout=10)
    assert response.status_code == 503
    assert response.json() == {
        "error": {"code": 503, "message": "Service Unavailable: Maintenance"}
    }


def test_fixed_answer(live: MockServer) -> None:
    live.override("token").respond_with(418, body="teapot", headers={"X-Why": "test"})
    response = _token(live)
    assert (response.status_code, response.text, response.headers["X-Why"]) == (
        418,
        "teapot",
        "test",
    )


def test_altered_real_answer(live: MockServer) -> None:
    live.override("token", times=None).alter(drop=["refresh_token"], set={"expires_in": "86400"})
    for _ in range(2):
        body = _token(live).json()
        assert "refresh_token" not in body
        assert body["expires_in"] == "86400"
        assert len(body["access_token"]) == 40  # still a real, working token


def test_times_n_then_real(live: MockServer) -> None:
    live.override("token", times=2).respond_with_error("invalid_grant")
    results = [("access_token" in _token(live).json()) for _ in range(3)]
    assert results == [False, False, True]


def test_match_on_parameters_exact_star_and_regex(live: MockServer) -> None:
    live.override("token", times=None, params={"username": "re:^JOHN"}).respond_with(401)
    live.override("token", times=None, params={"scope": "view_processes"}).respond_with(402)
    live.override(
        "token", times=None, params={"password": "*"}, headers={"x-probe": "1"}
    ).respond_with(403)
    assert _token(live, username="JOHNDOE").status_code == 401
    assert _token(live, scope="view_processes").status_code == 402
    assert (
        requests.post(
            live.token_url(), data=password_params(), headers={"X-Probe": "1"}, timeout=10
        ).status_code
        == 403
    )
    assert _token(live).status_code == 200


def test_regexes_are_re2_and_python_patterns_are_recompiled(live: MockServer) -> None:
    override = live.override("token", params={"username": re.compile("^JOHN", re.I)}).respond_with(
        401
    )
    assert "username=re:(?i)^JOHN" in override.describe()
    assert _token(live).status_code == 401
    with pytest.raises(ValueError, match=r"params\.username: regex '\(\?=x\)'.*RE2 syntax"):
        live.override("token", params={"username": "re:(?=x)"})
    with pytest.raises(ValueError, match=r"headers\.x-probe: regex '\(a\)\\\\1'"):
        live.override("token", headers={"x-probe": re.compile(r"(a)\1")})
    assert live.scripting.pending() == []


def test_unscripted_requests_stay_correct(live: MockServer) -> None:
    live.override("api", times=None).respond_with(500)
    body = _token(live).json()
    assert set(body) >= {"access_token", "refresh_token"}


def test_ordered_overrides_and_a_recorded_miss(live: MockServer) -> None:
    live.override("token", ordered=True, grant_type="password").respond_with(201)
    live.override("token", ordered=True, grant_type="refresh_token").respond_with(202)
    assert _token(live).status_code == 201
    refresh = {"grant_type": "refresh_token", "refresh_token": "x" * 40}
    assert requests.post(live.token_url(), data=refresh, timeout=10).status_code == 202
    # now a miss: the refresh override comes before the password one
    live.override("token", ordered=True, grant_type="password").respond_with(203)
    live.override("token", ordered=True, grant_type="refresh_token").respond_with(204)
    assert requests.post(live.token_url(), data=refresh, timeout=10).status_code == 200
    with pytest.raises(AssertionError, match="ordered miss"):
        live.check()


def test_unknown_endpoint_and_fault_names_are_refused(live: MockServer) -> None:
    with pytest.raises(ValueError, match="unknown endpoint"):
        live.override("tokens")
    with pytest.raises(ValueError, match="unknown fault"):
        live.fault("explode")
    with pytest.raises(ValueError, match="times"):
        live.override("token", times=0).respond_with(200)


def test_reset_leaves_no_state_behind(live: MockServer) -> None:
    live.override("token", times=None).respond_with(500)
    live.clock.freeze()
    live.clock.advance(3600)
    live.set_profile("pm-3.4.10")
    token = requests.post(
        live.token_url(),
        data={
            "grant_type": "client_credentials",
            "client_id": "x-pm-local-client",
            "client_secret": "179ad45c6ce2cb97cf1029e212046e81",
        },
        timeout=10,
    )
    assert token.status_code == 500
    live.reset()
    assert live.scripting.pending() == []
    assert len(live.journal) == 0
    assert not live.clock.frozen
    assert live.profile.name == "documented"
    assert live.workspace().count("OAUTH_ACCESS_TOKENS") == 0
    assert _token(live).status_code == 200


def test_lifetimes_and_expiry_helpers(live: MockServer) -> None:
    live.set_lifetimes(access=60, code=5, refresh=120, session=30)
    body = _token(live).json()
    assert body["expires_in"] == 60
    assert live.expire_token(body["access_token"])
    response = requests.get(
        live.api_url(), params={"access_token": body["access_token"]}, timeout=10
    )
    assert response.status_code == 401
    second = _token(live).json()
    assert live.expire_tokens(user="JohnDoe") >= 2
    assert (
        requests.get(
            live.api_url(), params={"access_token": second["access_token"]}, timeout=10
        ).status_code
        == 401
    )
    with pytest.raises(KeyError):
        live.expire_tokens(user="nobody")


def test_override_numbers_start_at_one_per_mock_and_again_after_reset() -> None:
    first, second = MockServer(), MockServer()
    assert first.override("token").respond_with(500).id == 1
    assert first.override("token").respond_with(500).id == 2
    assert second.override("token").respond_with(500).id == 1  # not a process-wide counter
    first.reset()
    assert first.override("token").respond_with(500).id == 1
    first.close()
    second.close()


def test_a_json_override_is_served_as_json_unless_it_names_its_own_type() -> None:
    pm = MockServer()
    try:
        pm.apply_scenario(
            {
                "overrides": [
                    {"match": {"endpoint": "token"}, "status": 503, "json": {"down": True}},
                    {
                        "match": {"endpoint": "api"},
                        "status": 200,
                        "json": {"ok": 1},
                        "headers": {"Content-Type": "application/vnd.pm+json"},
                    },
                ]
            }
        )
        client = Client(pm.app)
        token = client.post("/workflow/oauth2/token", data=password_params())
        assert token.status_code == 503
        assert token.headers["Content-Type"] == "application/json"
        assert token.get_json() == {"down": True}
        api = client.get("/api/1.0/workflow/users")
        assert api.headers.getlist("Content-Type") == ["application/vnd.pm+json"]
    finally:
        pm.close()


def test_a_fault_keeps_its_body_and_a_matcher_its_method() -> None:
    fault = action_from_data({"fault": "php_warning", "body": "Warning: x"})
    assert fault == Fault(kind="php_warning", body="Warning: x")
    assert matcher_from_data({"endpoint": "token", "method": "GET"}).method == "GET"


def test_alter_and_raw_answers_keep_every_field_of_their_data() -> None:
    from mockserver.scripting.overrides import Alter
    from mockserver.scripting.overrides import RespondRaw

    altered = action_from_data(
        {"alter": {"set": {"expires_in": 1}, "drop": ["scope"], "status": 201}}
    )
    assert altered == Alter(drop=("scope",), set={"expires_in": 1}, status=201)
    raw = action_from_data({"status": 418, "body": "teapot", "headers": {"X-A": "1"}})
    assert raw == RespondRaw(418, b"teapot", (("X-A", "1"),))
    assert action_from_data({"status": 204}) == RespondRaw(204, b"", ())


def test_a_lifetime_below_one_is_refused_saying_what_is_allowed() -> None:
    from mockserver.scripting.overrides import Override
    from mockserver.scripting.overrides import RespondError
    from mockserver.scripting.overrides import Scripting

    with pytest.raises(ValueError) as caught:
        Scripting().add(Override(matcher_from_data({}), RespondError("invalid_grant"), times=0))
    assert str(caught.value) == "times must be at least 1 (or None for always)"


@pytest.mark.parametrize(
    ("data", "action"),
    [
        (
            {"fault": "delay", "seconds": "1", "max_seconds": 2},
            Fault(kind="delay", seconds=1.0, max_seconds=2.0),
        ),
        ({"fault": "reset"}, Fault(kind="reset")),
        (
            {"error": "invalid_grant", "description": "Invalid refresh token"},
            RespondError("invalid_grant", "Invalid refresh token"),
        ),
        ({"error": 503}, RespondError(503)),
        ({"alter": {"drop": ["scope"]}}, Alter(drop=("scope",))),
        ({"alter": {"status": 500}}, Alter(status=500)),
        (
            {"status": 200, "json": {"a": 1}, "headers": {"X-A": "1"}},
            RespondRaw(200, b'{"a": 1}', (("X-A", "1"), ("Content-Type", "application/json"))),
        ),
        (
            {"status": 200, "json": [], "headers": {"content-type": "text/json"}},
            RespondRaw(200, b"[]", (("content-type", "text/json"),)),
        ),
    ],
)
def test_action_data_becomes_exactly_this_action(data: dict[str, object], action: object) -> None:
    assert action_from_data(data) == action


def test_an_action_needs_one_of_the_four_kinds() -> None:
    with pytest.raises(ValueError) as caught:
        action_from_data({"description": "no kind"})
    assert str(caught.value) == "an override needs one of: error, status, alter, fault"


def test_a_matcher_keeps_every_field_of_its_data() -> None:
    matcher = matcher_from_data(
        {
            "endpoint": "api",
            "method": "get",
            "workspace": "ws2",
            "grant_type": "password",
            "resource": "cases",
            "params": {"a": "1"},
            "headers": {"X-Probe": "re:^1"},
        }
    )
    assert matcher == RequestMatcher(
        endpoint="api",
        method="GET",
        workspace="ws2",
        grant_type="password",
        resource="cases",
        params={"a": "1"},
        headers={"x-probe": Regex.compile("^1")},
    )


@pytest.mark.parametrize(
    ("data", "times"),
    [
        ({}, 1),
        ({"times": 3}, 3),
        ({"times": "2"}, 2),
        ({"times": "always"}, None),
        ({"times": None}, None),
    ],
)
def test_an_override_without_a_match_matches_all_for_its_times(
    data: dict[str, object], times: int | None
) -> None:
    override = override_from_data({**data, "error": "invalid_grant"})
    assert (override.matcher, override.times, override.ordered) == (RequestMatcher(), times, False)


@pytest.mark.parametrize(
    ("action", "what"),
    [
        (RespondRaw(418, b""), "RespondRaw"),
        (Alter(status=500), "Alter"),
        (Fault(kind="reset"), "fault reset"),
        (RespondError("invalid_grant"), "error invalid_grant"),
        (RespondError(503), "error 503"),
    ],
)
def test_an_override_describes_its_number_action_and_matcher(action: Action, what: str) -> None:
    override = Scripting().add(Override(matcher_from_data({"endpoint": "token"}), action))
    assert override.describe() == f"override #1 ({what}) on {{endpoint=token}}"


def test_an_unknown_fault_is_refused_listing_every_known_kind() -> None:
    with pytest.raises(ValueError) as caught:
        Scripting().add(Override(RequestMatcher(), Fault(kind="explode")))
    assert str(caught.value) == (
        "unknown fault 'explode'; known: delay, slow, reset, reset_mid_response, truncate, "
        "non_json, php_warning, html_500, under_upgrade, workspace_unavailable, rotate_then_drop"
    )


def test_an_override_may_nest_its_action_under_respond() -> None:
    override = override_from_data(
        {"match": {"endpoint": "api"}, "times": 2, "respond": {"status": 502, "body": "down"}}
    )
    assert (override.action, override.times) == (RespondRaw(502, b"down"), 2)


def test_a_whole_float_error_is_a_restler_status_not_an_oauth_code() -> None:
    # JSON Schema counts 503.0 as an integer, so the scenario schema lets it through.
    action = action_from_data({"error": 503.0, "description": "Maintenance"})
    assert isinstance(action, RespondError)
    assert (type(action.error), action.error, action.description) == (int, 503, "Maintenance")
    with MockServer() as pm:
        pm.apply_scenario({"overrides": [{"match": {"endpoint": "api"}, "error": 503.0}]})
        response = Client(pm.app).get("/api/1.0/workflow/users")
        assert response.status_code == 503
        assert response.get_json() == {"error": {"code": 503, "message": "Service Unavailable"}}
