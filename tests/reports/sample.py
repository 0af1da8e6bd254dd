"""A hand-made report with two runs and every outcome kind, for golden and semantic tests."""

from __future__ import annotations

from dataclasses import replace

from reports import Evidence
from reports import Failure
from reports import Outcome
from reports import Report
from reports import Run

EVIDENCE = Evidence(
    request={
        "method": "POST",
        "url": "http://localhost/workflow/oauth2/token",
        "headers": {"Content-Type": "application/x-www-form-urlencoded"},
        "body": "grant_type=password&client_secret=<redacted>&password=<redacted>",
    },
    response={
        "status": 400,
        "headers": {"Content-Type": "application/json"},
        "body": '{"error":"invalid_grant"}',
    },
)


def outcome(check_id: str, result: str, **extra: object) -> Outcome:
    base = Outcome(
        id=check_id,
        title=f"Title of {check_id} <b>escaped</b>",
        severity="high",
        outcome=result,
        duration_s=0.012,
        references=("doc: Error Response", "pm3-behavior.md §3.2"),
        tags=("token", "errors"),
    )
    return replace(base, **extra)  # type: ignore[arg-type]


FAILURE = Failure(
    message="invalid_grant error: expected HTTP 200, got HTTP 400 with a flat OAuth error",
    kind="status_mismatch",
    expectation="status",
    evidence=(EVIDENCE,),
    curl="curl -i -X POST --data-binary 'grant_type=password' http://localhost/workflow/oauth2/token",
)


def sample() -> Report:
    first = Run(
        name="documented",
        kind="server",
        target={"kind": "mock", "workspace": "workflow", "server_profile": "documented"},
        profile="documented",
        profile_values={"token_error_status": 200, "access_lifetime": 86400},
        outcomes=(
            outcome("PM3-TOKEN-PASSWORD-001", "passed"),
            outcome("PM3-TOKEN-PASSWORD-005", "failed", failures=(FAILURE,)),
            outcome(
                "PM3-REST-001",
                "error",
                failures=(Failure(message="could not log in", kind="harness_error"),),
            ),
            outcome("PM3-PROP-002", "skipped", skip_reason="needs a controllable target"),
            outcome("PM3-WS-001", "expected_deviation", deviation_reason="known (PM-1752)"),
            outcome("PM3-WS-002", "unexpected_pass", deviation_reason="stale entry"),
        ),
        started_at="2026-11-28T18:00:00Z",
        duration_s=1.25,
    )
    second = replace(
        first,
        name="pm-3.4.10",
        profile="pm-3.4.10",
        outcomes=tuple(
            replace(o, outcome="passed", failures=(), skip_reason="", deviation_reason="")
            for o in first.outcomes
        ),
    )
    return Report(version="0.1.0", generated_at="2026-11-28T18:00:05Z", runs=(first, second))
