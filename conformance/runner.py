"""The one engine: run selected checks against a target under an expected profile.

The CLI and the pytest plugin both sit on :func:`run_check`. Any exception a check raises is
classified: :class:`Failure` → failed, :class:`SkipCheck` → skipped, :class:`HarnessError` →
error, a bare ``AssertionError`` → failed, anything else → error naming the check. Nothing a
check does crashes the run.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import time
import traceback
from collections.abc import Callable
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from mockserver import Profile

from .context import CheckContext
from .failures import Failure
from .failures import HarnessError
from .failures import SkipCheck
from .http import HttpRequest
from .registry import CHECKS
from .registry import CheckSpec
from .target import Credentials
from .target import Target


@dataclass(frozen=True, slots=True)
class FailureRecord:
    message: str
    kind: str
    evidence: tuple[dict[str, Any], ...] = ()
    curl: str | None = None


@dataclass(frozen=True, slots=True)
class CheckResult:
    id: str
    title: str
    severity: str
    outcome: str  # passed | failed | error | skipped
    duration_s: float
    references: tuple[str, ...]
    tags: tuple[str, ...]
    failures: tuple[FailureRecord, ...] = ()
    skip_reason: str = ""


def _skip_reason(spec: CheckSpec, target: Target) -> str:
    if "control" in spec.requires and not target.controllable:
        return "needs a controllable target (clock and token store): runs against the mock"
    if "lockout-risk" in spec.requires and not target.allow_lockout_risk:
        return "sends wrong passwords, which may lock the account: pass --allow-lockout-risk"
    if "write" in spec.requires and target.read_only:
        return "changes data on the target, which is read-only by default"
    return ""


def _cleanup(ctx: CheckContext) -> None:
    """On live targets, expire the tokens this check obtained (where the server allows it)."""
    if ctx.target.controllable:
        return
    for token in ctx.issued_access_tokens:
        with contextlib.suppress(Exception):  # best effort; the server may refuse or be gone
            ctx.session.transport.send(
                HttpRequest("POST", f"/{ctx.workspace}/oauth2/{token}/expire")
            )


def run_check(
    spec: CheckSpec, target: Target, profile: Profile, credentials: Credentials
) -> CheckResult:
    """Run one check and classify what happened."""
    started = time.perf_counter()
    secrets = credentials.secrets()

    def result(
        outcome: str, failures: tuple[FailureRecord, ...] = (), reason: str = ""
    ) -> CheckResult:
        return CheckResult(
            id=spec.id,
            title=spec.title,
            severity=spec.severity.value,
            outcome=outcome,
            duration_s=round(time.perf_counter() - started, 6),
            references=spec.references,
            tags=spec.tags,
            failures=failures,
            skip_reason=reason,
        )

    reason = _skip_reason(spec, target)
    if reason:
        return result("skipped", reason=reason)
    ctx: CheckContext | None = None
    try:
        with target.session() as session:
            ctx = CheckContext(spec, session, profile, credentials, target)
            try:
                spec.function(ctx)
            finally:
                _cleanup(ctx)
                if session.mock is not None:
                    session.mock.check()
    except SkipCheck as exc:
        return result("skipped", reason=str(exc))
    except Failure as exc:
        evidence = tuple(e.to_evidence(secrets) for e in exc.evidence)
        curl = exc.curl or (exc.evidence[-1].curl(secrets) if exc.evidence else None)
        return result("failed", (FailureRecord(exc.message, exc.kind, evidence, curl),))
    except AssertionError as exc:
        evidence = tuple(e.to_evidence(secrets) for e in (ctx.exchanges[-3:] if ctx else []))
        return result(
            "failed", (FailureRecord(str(exc) or "assertion failed", "custom", evidence),)
        )
    except HarnessError as exc:
        evidence = tuple(e.to_evidence(secrets) for e in (ctx.exchanges[-3:] if ctx else []))
        return result("error", (FailureRecord(str(exc), "harness_error", evidence),))
    except Exception as exc:
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return result("error", (FailureRecord(f"{spec.id} raised {detail}", "check_error"),))
    return result("passed")


@dataclass(slots=True)
class RunResult:
    target: Target
    profile: Profile
    results: list[CheckResult] = field(default_factory=list)
    started_at: float = 0.0
    duration_s: float = 0.0

    def counts(self) -> dict[str, int]:
        out = {"passed": 0, "failed": 0, "error": 0, "skipped": 0}
        for r in self.results:
            out[r.outcome] = out.get(r.outcome, 0) + 1
        return out


_WORKER_STATE: dict[str, Any] = {}


def _init_worker(target: Target, profile: Profile, credentials: Credentials) -> None:
    _WORKER_STATE.update(target=target, profile=profile, credentials=credentials)


def _run_in_worker(check_id: str) -> CheckResult:
    return run_check(
        CHECKS.get(check_id),
        _WORKER_STATE["target"],
        _WORKER_STATE["profile"],
        _WORKER_STATE["credentials"],
    )


def run(
    checks: Iterable[CheckSpec],
    target: Target,
    profile: Profile,
    credentials: Credentials,
    *,
    workers: int = 1,
    on_result: Callable[[CheckResult], None] | None = None,
) -> RunResult:
    """Run checks (in registration order in the result) and report each as it finishes."""
    specs = list(checks)
    outcome = RunResult(target, profile, started_at=time.time())
    started = time.perf_counter()
    results: dict[str, CheckResult] = {}
    if workers <= 1:
        for spec in specs:
            results[spec.id] = res = run_check(spec, target, profile, credentials)
            if on_result:
                on_result(res)
    elif target.controllable:
        # Each check gets its own mock, so checks spread over processes (fork keeps the registry).
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            workers,
            mp_context=ctx,
            initializer=_init_worker,
            initargs=(target, profile, credentials),
        ) as pool:
            for res in pool.map(_run_in_worker, [s.id for s in specs]):
                results[res.id] = res
                if on_result:
                    on_result(res)
    else:
        with ThreadPoolExecutor(workers) as pool:
            futures = [pool.submit(run_check, s, target, profile, credentials) for s in specs]
            for future in futures:
                res = future.result()
                results[res.id] = res
                if on_result:
                    on_result(res)
    outcome.results = [results[s.id] for s in specs]
    outcome.duration_s = time.perf_counter() - started
    return outcome
