"""Scenario files: validated before use, applied through the same vocabulary as the Python API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC
from datetime import datetime
from pathlib import Path

import pytest
import requests

from mockserver import MockServer
from mockserver.scripting.scenario import ScenarioError
from mockserver.scripting.scenario import load_scenario
from mockserver.scripting.scenario import parse_instant
from mockserver.scripting.scenario import validate_scenario
from tests.mockserver.helpers import password_params

SCENARIO_YAML = """
profile: pm-3.4.10
seed:
  users:
    - {username: alice, password: s3cret, due_date: 2031-01-01}
clock: {set: "2026-01-01T00:00:00Z", freeze: true}
lifetimes: {access: 120}
overrides:
  - match: {endpoint: token, grant_type: refresh_token}
    error: invalid_grant
    description: Invalid refresh token
faults:
  - match: {endpoint: api, resource: cases}
    times: always
    fault: html_500
"""


def test_yaml_scenario_applies_everything(tmp_path: Path) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text(SCENARIO_YAML)
    with MockServer() as pm:
        pm.apply_scenario(path)
        assert pm.profile.name == "pm-3.4.10" and pm.profile.access_lifetime == 120
        assert pm.clock.frozen and pm.clock.stamp() == "2026-01-01 00:00:00"
        body = requests.post(
            pm.token_url(), data=password_params(username="alice", password="s3cret"), timeout=10
        ).json()
        assert body["expires_in"] == 120
        refresh = requests.post(
            pm.token_url(),
            data={
                **password_params(),
                "grant_type": "refresh_token",
                "refresh_token": body["refresh_token"],
            },
            timeout=10,
        )
        assert refresh.status_code == 400 and refresh.json()["error"] == "invalid_grant"
        cases = requests.get(
            pm.api_url(resource="cases"), params={"access_token": body["access_token"]}, timeout=10
        )
        assert cases.status_code == 500


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ({"profile": "pm-9"}, "profile"),
        ({"faults": [{"fault": "explode"}]}, "faults[0].fault"),
        ({"overrides": [{"match": {"endpoint": "token"}}]}, "overrides[0]"),
        ({"clock": {"set": "tomorrow"}}, "clock.set"),
        ({"seed": {"users": [{"username": "x"}]}}, "password"),
    ],
)
def test_bad_scenarios_name_the_field(tmp_path: Path, content: object, needle: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(content))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(path) in str(info.value)
    assert needle in str(info.value)


def test_cli_scenario_flag_and_environment_variable(tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    path.write_text(
        json.dumps(
            {"overrides": [{"match": {"endpoint": "token"}, "times": "always", "status": 418}]}
        )
    )
    for args, env in (
        (["--scenario", str(path)], {}),
        ([], {"PM3_MOCKSERVER_SCENARIO": str(path)}),
    ):
        with subprocess.Popen(
            [sys.executable, "-m", "mockserver", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
        ) as proc:
            assert proc.stdout is not None
            url = proc.stdout.readline().rsplit(" ", 1)[1].strip()
            assert (
                requests.post(f"{url}/workflow/oauth2/token", data={}, timeout=10).status_code
                == 418
            )
            proc.terminate()


def test_cli_refuses_a_bad_scenario(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("faults: [{fault: explode}]\n")
    result = subprocess.run(
        [sys.executable, "-m", "mockserver", "--scenario", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "faults[0].fault" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "clock",
    [{"advance": 3600}, {"advance": -86400.5, "freeze": True}, {"set": "2026-01-01T00:00:00Z"}],
)
def test_a_clock_within_range_is_a_valid_scenario(clock: dict[str, object]) -> None:
    validate_scenario({"clock": clock}, "plan.yaml")
    pm = MockServer()
    try:
        pm.apply_scenario({"clock": clock})
        assert pm.clock.frozen is bool(clock.get("freeze"))
    finally:
        pm.close()


@pytest.mark.parametrize(
    "clock", [{"advance": 1e300}, {"advance": -1e300}, {"set": "9999-01-01T00:00:00Z"}]
)
def test_a_clock_out_of_range_is_refused_naming_the_file(clock: dict[str, object]) -> None:
    with pytest.raises(ScenarioError) as raised:
        validate_scenario({"clock": clock}, "plan.yaml")
    assert str(raised.value) == (
        "plan.yaml: clock: the mock's clock must stay between 1970-01-01 and 9000-01-01 (UTC)"
    )


def test_an_unknown_profile_is_refused_listing_the_known_ones() -> None:
    with pytest.raises(ScenarioError) as raised:
        validate_scenario({"profile": "pm-9"}, "plan.yaml")
    assert str(raised.value) == (
        "plan.yaml: profile: 'pm-9' is not one of "
        "['documented', 'pm-3.0-rc', 'pm-3.4.10', 'pm-3.4.11', 'rfc6749']"
    )


def test_a_scenario_without_an_origin_is_called_scenario() -> None:
    with pytest.raises(ScenarioError) as raised:
        validate_scenario({"clock": {"advance": 1e300}})
    assert str(raised.value).startswith("scenario: clock: ")


@pytest.mark.parametrize("key", ["overrides", "faults"])
def test_a_bad_matcher_pattern_is_refused_naming_the_entry(key: str) -> None:
    action = {"fault": "delay"} if key == "faults" else {"error": "invalid_grant"}
    entry = {**action, "match": {"params": {"x": "re:("}}}
    with pytest.raises(ScenarioError) as raised:
        validate_scenario({key: [entry]}, "plan.yaml")
    assert str(raised.value).startswith(f"plan.yaml: {key}[0]: params.x: regex '(': missing ): (")


def test_a_scenario_sets_the_login_session_lifetime() -> None:
    with MockServer() as pm:
        pm.apply_scenario({"lifetimes": {"session": 60}})
        assert pm.profile.login_session_lifetime == 60


def test_a_trailing_z_is_utc_even_on_a_bare_date() -> None:
    assert parse_instant("2030-01-01Z") == datetime(2030, 1, 1, tzinfo=UTC)
    assert parse_instant("2030-01-01T12:00:00Z") == datetime(2030, 1, 1, 12, tzinfo=UTC)


def test_every_lifetime_of_a_scenario_is_applied() -> None:
    pm = MockServer()
    try:
        pm.apply_scenario({"lifetimes": {"access": 11, "code": 12, "refresh": 13, "session": 14}})
        profile = pm.profile
        assert (
            profile.access_lifetime,
            profile.auth_code_lifetime,
            profile.refresh_token_lifetime,
            profile.login_session_lifetime,
        ) == (11, 12, 13, 14)
        pm.apply_scenario({"lifetimes": {"refresh": None}})  # null: refresh tokens never expire
        assert pm.profile.refresh_token_lifetime is None
        assert pm.profile.access_lifetime == 11
    finally:
        pm.close()


def test_a_scenario_seed_not_yet_validated_is_refused_naming_file_and_seed() -> None:
    from mockserver.scripting.scenario import scenario_seed
    from mockserver.state.seed import default_seed

    with pytest.raises(ScenarioError) as raised:
        scenario_seed({"seed": {"users": [{"username": "x"}]}}, default_seed(), "plan.yaml")
    assert str(raised.value) == "plan.yaml: seed: users[0]: 'password' is a required property"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.json", '{"clock":\n  {"set": }\n', "bad.json:2:11: not valid JSON: Expecting value"),
        ("absent.yaml", None, "absent.yaml: cannot read (No such file or directory)"),
    ],
)
def test_an_unreadable_scenario_file_is_refused_saying_where_and_why(
    tmp_path: Path, name: str, content: str | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    assert str(raised.value) == f"{tmp_path}/{message}"


def test_a_scenario_applied_without_an_origin_is_called_scenario() -> None:
    with MockServer() as pm, pytest.raises(ScenarioError) as raised:
        pm.apply_scenario({"clock": {"advance": 1e300}})
    assert str(raised.value).startswith("scenario: clock: ")


def test_a_scenario_adds_its_workspaces() -> None:
    with MockServer() as pm:
        pm.apply_scenario({"workspaces": ["ws2", "ws3"]})
        assert list(pm.state.workspaces) == ["workflow", "ws2", "ws3"]


def test_lifetimes_a_scenario_leaves_out_are_kept() -> None:
    with MockServer() as pm:
        pm.apply_scenario({"lifetimes": {"refresh": 13}})
        pm.apply_scenario({"lifetimes": {"access": 11}})
        assert (pm.profile.access_lifetime, pm.profile.refresh_token_lifetime) == (11, 13)


def test_a_scenario_advances_the_clock_after_setting_it() -> None:
    with MockServer() as pm:
        pm.apply_scenario({"clock": {"set": "2026-01-01T00:00:00Z", "freeze": True, "advance": 90}})
        assert pm.clock.stamp() == "2026-01-01 00:01:30"


def test_an_instant_with_an_offset_keeps_it() -> None:
    assert parse_instant("2030-01-01T12:00:00+02:00") == datetime(2030, 1, 1, 10, tzinfo=UTC)
    assert parse_instant("2030-01-01T12:00:00") == datetime(2030, 1, 1, 12, tzinfo=UTC)
