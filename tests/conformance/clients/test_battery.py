"""The client battery: a correct client passes every scenario; each flaw is caught by its scenario,
for the reason the scenario names."""

from __future__ import annotations

import sys

import pytest

from conformance.clients.battery.faults import CLIENT_TIMEOUT_SECONDS
from conformance.clients.battery.faults import SLOW_ANSWER_SECONDS
from conformance.clients.harness import run_scenario
from conformance.clients.harness import select
from conformance.clients.scenarios import SCENARIOS
from mockserver import get_profile

DRIVER = f"{sys.executable} -m tests.conformance.clients.flawed_driver"
NAIVE = f"{sys.executable} -m conformance.clients.drivers.naive"

# scenario id -> the client flaws it must catch (its negative controls), each with a fragment of
# the failure message that names the mistake
FLAWS: dict[str, tuple[tuple[str, str], ...]] = {
    "PM3-CLIENT-LOGIN-001": (("token-swap", "holds another token than the one issued"),),
    "PM3-CLIENT-LOGIN-002": (("ignore-encoding", "the token request was not JSON"),),
    "PM3-CLIENT-LOGIN-003": (("ignore-basic", "no Basic header was sent"),),
    "PM3-CLIENT-ERR-001": (
        ("any-200", "as a successful login: it never looked at `error`"),
        ("ignore-error-200", "as a successful login: it never looked at `error`"),
    ),
    "PM3-CLIENT-ERR-002": (
        ("drop-description", "expected error 'invalid_grant' with description"),
    ),
    "PM3-CLIENT-ERR-003": (
        ("503-ok", "reported success for a 503 with no body"),
        ("503-crash", "crashed on the empty 503 body instead of reporting it: JSONDecodeError"),
    ),
    "PM3-CLIENT-ERR-004": (("no-status", "did not report the 401"),),
    "PM3-CLIENT-ERR-005": (
        ("any-200", "reported success for a refused login"),
        ("ignore-error-200", "reported success for a refused login"),
    ),
    "PM3-CLIENT-ERR-006": (
        (
            "call-after-refused-login",
            "went on to GET /api/1.0/workflow/users and reported that call's HTTP 401 instead "
            "of the login's error",
        ),
        ("any-200", "went on to GET /api/1.0/workflow/users"),
    ),
    "PM3-CLIENT-ERR-007": (
        (
            "keyerror-on-error",
            "crashed instead of reporting the token error, on invalid_grant (HTTP 200): "
            "KeyError: 'access_token'; invalid_client (HTTP 200): KeyError: 'access_token'; "
            "an unknown workspace (HTTP 503, empty body): JSONDecodeError",
        ),
    ),
    "PM3-CLIENT-REST-001": (
        ("first-element", "picked 'xjohndoe' for 'johndoe', element 0 of ['xjohndoe', "),
        ("ignore-filter", "it sent no filter, so the list held every user"),
    ),
    "PM3-CLIENT-REFRESH-001": (
        ("reuse-first-refresh", "used a spent refresh token instead of the newest one"),
    ),
    "PM3-CLIENT-REFRESH-002": (("no-retry", "the call failed"),),
    "PM3-CLIENT-REFRESH-003": (("fake-refresh", "reported success although the answer never"),),
    "PM3-CLIENT-REFRESH-004": (
        (
            "refresh-200-keeps-old",
            "read an error answered with HTTP 200 ('invalid_grant') as a successful refresh "
            "and kept its old tokens",
        ),
    ),
    "PM3-CLIENT-FAULT-001": (("lenient-parse", "reported success for a non-JSON answer"),),
    "PM3-CLIENT-FAULT-002": (("lenient-parse", "reported success for a truncated answer"),),
    "PM3-CLIENT-FAULT-003": (
        (
            "ignore-timeout",
            "waited out a slow answer past its own timeout: the login was given options.timeout "
            f"= {CLIENT_TIMEOUT_SECONDS} s and the mock held its answer {SLOW_ANSWER_SECONDS} s, "
            "and the client reported success after",
        ),
    ),
    "PM3-CLIENT-SEC-001": (("secret-in-url", "carried access_token in its URL"),),
    "PM3-CLIENT-SCOPE-001": (
        ("scope-comma", "the scope was sent as 'view_processes,edit_processes'"),
    ),
    "PM3-CLIENT-SCOPE-002": (
        ("refresh-scope-star", "asked for scope '*', which is not a literal subset of the granted"),
    ),
    "PM3-CLIENT-CC-001": (("claims-refresh", "claims a refresh token it was never given"),),
}
DOCUMENTED = get_profile("documented")
CASES = [(sid, flaw, why) for sid, flaws in FLAWS.items() for flaw, why in flaws]


def test_every_scenario_has_a_flaw_to_catch() -> None:
    assert sorted(FLAWS) == sorted(SCENARIOS.ids())


@pytest.mark.parametrize("scenario_id", SCENARIOS.ids())
def test_correct_client_passes(scenario_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PM3_FLAW", raising=False)
    result, _ = run_scenario(SCENARIOS[scenario_id], DRIVER, DOCUMENTED)
    assert result.outcome == "passed", result.failures


@pytest.mark.parametrize(("scenario_id", "flaw", "why"), CASES)
def test_flawed_client_is_caught(
    scenario_id: str, flaw: str, why: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PM3_FLAW", flaw)
    result, name = run_scenario(SCENARIOS[scenario_id], DRIVER, DOCUMENTED)
    assert result.outcome == "failed", f"{scenario_id} did not catch {name}"
    assert why in result.failures[0].message


@pytest.mark.parametrize(
    "scenario_id",
    ["PM3-CLIENT-ERR-003", "PM3-CLIENT-SCOPE-002"],
)
def test_the_naive_client_passes_what_it_gets_right(scenario_id: str) -> None:
    """It reports the 503 as the HTTP status it is and sends no scope on refresh: both right."""
    result, _ = run_scenario(SCENARIOS[scenario_id], NAIVE, DOCUMENTED)
    assert result.outcome == "passed", result.failures


def test_the_naive_client_reads_a_refused_refresh_as_new_tokens() -> None:
    result, _ = run_scenario(SCENARIOS["PM3-CLIENT-REFRESH-004"], NAIVE, DOCUMENTED)
    assert result.outcome == "failed"
    assert "as a successful refresh" in result.failures[0].message


def test_select_by_tag_and_glob() -> None:
    assert {s.id for s in select(["refresh"])} >= {
        "PM3-CLIENT-REFRESH-001",
        "PM3-CLIENT-REFRESH-002",
        "PM3-CLIENT-REFRESH-004",
        "PM3-CLIENT-SCOPE-002",
    }
    assert next(s.id for s in select(["PM3-CLIENT-ERR-00*"])) == "PM3-CLIENT-ERR-001"
    with pytest.raises(KeyError):
        select(["nothing-like-this"])
