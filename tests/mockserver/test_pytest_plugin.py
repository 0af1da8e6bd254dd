"""The pytest plugin, end to end with pytester: fixtures, reset between tests, the profile marker."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]


def _run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(source)
    return pytester.runpytest_subprocess("-q", "-p", "no:benchmark", *args)


def test_fixtures_and_reset_between_tests(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
        import requests

        def test_first(pm_mock, pm_client, pm_user):
            pm_mock.override("token", times=None).respond_with(500)
            pm_mock.clock.advance(3600)
            assert requests.post(pm_mock.token_url(), data={}, timeout=10).status_code == 500

        def test_second_sees_nothing_of_the_first(pm_mock, pm_client, pm_user):
            assert pm_mock.scripting.pending() == []
            assert len(pm_mock.journal) == 0
            body = requests.post(pm_mock.token_url(), data={
                "grant_type": "password", "client_id": pm_client.client_id,
                "client_secret": pm_client.client_secret, "username": pm_user.username,
                "password": pm_user.password}, timeout=10).json()
            assert "access_token" in body
            pm_mock.assert_request_made("token", grant_type="password", count=1)
        """,
    )
    result.assert_outcomes(passed=2)


def test_profile_marker_runs_once_per_profile(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
        import pytest, requests

        @pytest.mark.pm_profile("documented", "pm-3.4.10")
        def test_wrong_password(pm_mock, pm_profile):
            r = requests.post(pm_mock.token_url(), data={"grant_type": "password",
                "client_id": "HWAYUEGWRMWNVLSTKPXAJDZGUQKAXKSF",
                "client_secret": "28060566356f0b9db4f0429090515303",
                "username": "johndoe", "password": "nope"}, timeout=10)
            assert pm_mock.profile.name == pm_profile
            assert r.status_code == {"documented": 200, "pm-3.4.10": 400}[pm_profile]
        """,
        "-vv",
    )
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*test_wrong_password?documented?*PASSED*", "*pm-3.4.10*PASSED*"])


def test_unknown_profile_in_marker_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
        import pytest

        @pytest.mark.pm_profile("pm-9")
        def test_x(pm_mock, pm_profile):
            pass
        """,
    )
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*unknown profile 'pm-9'*"]) if result.stderr.lines else (
        result.stdout.fnmatch_lines(["*unknown profile 'pm-9'*"])
    )


def test_server_thread_errors_fail_the_test(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
        import requests

        def test_ordered_miss_is_reported(pm_mock):
            pm_mock.override("token", ordered=True, grant_type="password").respond_with(201)
            pm_mock.override("token", ordered=True, grant_type="refresh_token").respond_with(202)
            requests.post(pm_mock.token_url(), data={"grant_type": "refresh_token"}, timeout=10)
        """,
    )
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*ordered miss*"])


def test_each_xdist_worker_has_its_own_server(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
        import os, pytest, requests

        @pytest.mark.parametrize("n", range(6))
        def test_isolated(pm_mock, n):
            pm_mock.override("token", times=None).respond_with(200 + n)
            for _ in range(3):
                r = requests.post(pm_mock.token_url(), data={}, timeout=10)
                assert r.status_code == 200 + n
            assert len(pm_mock.journal) == 3
        """,
        "-n",
        "2",
    )
    result.assert_outcomes(passed=6)


def test_in_process_client_fixtures(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
        def test_httpx(pm_httpx, pm_mock, pm_client, pm_user):
            body = pm_httpx.post("/workflow/oauth2/token", data={
                "grant_type": "password", "client_id": pm_client.client_id,
                "client_secret": pm_client.client_secret, "username": pm_user.username,
                "password": pm_user.password}).json()
            assert "access_token" in body
            pm_mock.assert_request_made("token", count=1)

        def test_requests(pm_requests, pm_mock):
            answer = pm_requests.post(f"{pm_mock.inprocess_url}/workflow/oauth2/token", data={})
            assert answer.json()["error"] == "invalid_request"
            assert len(pm_mock.journal) == 1
        """,
    )
    result.assert_outcomes(passed=2)


def test_pm_httpserver_serves_pm3_next_to_the_users_expectations(
    pytester: pytest.Pytester,
) -> None:
    result = _run(
        pytester,
        """
        import requests

        def test_side_by_side(pm_httpserver, pm_httpserver_mock, pm_client, pm_user):
            pm_httpserver.expect_request("/webhook", method="POST").respond_with_json({"ok": 1})
            base = pm_httpserver.url_for("")
            token = requests.post(base + "workflow/oauth2/token", data={
                "grant_type": "password", "client_id": pm_client.client_id,
                "client_secret": pm_client.client_secret, "username": pm_user.username,
                "password": pm_user.password}, timeout=10).json()
            assert "access_token" in token
            users = requests.get(base + "api/1.0/workflow/users",
                headers={"Authorization": "Bearer " + token["access_token"]}, timeout=10)
            assert users.status_code == 200
            assert requests.post(base + "webhook", timeout=10).json() == {"ok": 1}
            pm_httpserver_mock.assert_request_made("token", count=1)
            pm_httpserver.check_assertions()

        def test_ordering_survives_pm3_traffic(pm_httpserver):
            pm_httpserver.expect_ordered_request("/first").respond_with_data("1")
            pm_httpserver.expect_ordered_request("/second").respond_with_data("2")
            base = pm_httpserver.url_for("")
            assert requests.get(base + "first", timeout=10).text == "1"
            requests.post(base + "workflow/oauth2/token", data={}, timeout=10)
            assert requests.get(base + "second", timeout=10).text == "2"
            pm_httpserver.check_assertions()

        def test_a_broken_order_still_fails(pm_httpserver):
            pm_httpserver.expect_ordered_request("/first").respond_with_data("1")
            pm_httpserver.expect_ordered_request("/second").respond_with_data("2")
            base = pm_httpserver.url_for("")
            requests.get(base + "second", timeout=10)
            assert pm_httpserver.is_running()
            assert pm_httpserver.permanently_failed
        """,
    )
    result.assert_outcomes(passed=3)


def test_pm_httpserver_and_pm_mock_are_one_mock(pytester: pytest.Pytester) -> None:
    """A test that scripts ``pm_mock`` and sends its client to ``pm_httpserver`` gets what it
    scripted there, and sees that traffic in ``pm_mock``'s journal (it used to be a second,
    unscripted mock: the override went unused and the test's premise silently false)."""
    result = _run(
        pytester,
        """
        import requests

        def test_scripted_on_pm_mock_answers_on_pm_httpserver(pm_mock, pm_httpserver):
            pm_mock.override("token", grant_type="password").respond_with_error(
                "invalid_grant", "scripted on pm_mock")
            base = pm_httpserver.url_for("")
            answer = requests.post(base + "workflow/oauth2/token",
                data={"grant_type": "password"}, timeout=10).json()
            assert answer["error_description"] == "scripted on pm_mock"
            pm_mock.assert_request_made("token", grant_type="password", count=1)

        def test_the_two_names_are_one_mock(pm_mock, pm_httpserver_mock, pm_httpserver):
            assert pm_httpserver_mock is pm_mock
            pm_httpserver_mock.fault("non_json", "token")
            requests.post(pm_mock.token_url(), data={}, timeout=10)
            assert len(pm_httpserver_mock.journal) == 1
        """,
    )
    result.assert_outcomes(passed=2)


def test_every_fixture_is_in_the_readme_table() -> None:
    """The README's fixture table names every fixture the plugin registers."""
    from mockserver import pytest_plugin

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `(\w+)` \|", readme, flags=re.M))
    fixtures = {
        name
        for name, value in vars(pytest_plugin).items()
        if type(value).__name__ == "FixtureFunctionDefinition"  # what @pytest.fixture returns
    }
    assert {"pm_mock", "pm_httpserver", "pm_httpserver_mock"} <= fixtures
    assert fixtures <= table, f"not in the README's fixture table: {sorted(fixtures - table)}"


MISSING_EXTRAS = """
import sys

sys.modules["httpx"] = None  # as if the extra were not installed
sys.modules["requests"] = None
"""

USES_EVERY_EXTRA = """
def test_httpx(pm_httpx):
    assert False, "never reached"

def test_requests(pm_requests):
    assert False, "never reached"

def test_httpserver(pm_httpserver):
    assert False, "never reached"
"""


def test_a_missing_extra_skips_naming_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    pytester.makeconftest(MISSING_EXTRAS)
    result = _run(pytester, USES_EVERY_EXTRA, "-rs", "-p", "no:pytest_httpserver")
    result.assert_outcomes(skipped=3)
    for fixture, extra, package in (
        ("pm_httpx", "httpx", "httpx"),
        ("pm_requests", "requests", "requests"),
        ("pm_httpserver", "httpserver", "pytest-httpserver"),
    ):
        result.stdout.fnmatch_lines(
            [f"*{fixture} needs the {extra} extra, which is not installed: pip install {package}*"]
        )


def test_a_missing_extra_is_an_error_in_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    pytester.makeconftest(MISSING_EXTRAS)
    result = _run(pytester, USES_EVERY_EXTRA, "-p", "no:pytest_httpserver")
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(["*pm_httpx needs the httpx extra*CI is set*not a skip*"])
    assert result.ret != 0
