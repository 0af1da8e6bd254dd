"""The one engine: run selected checks against a target under an expected profile.

The CLI and the pytest plugin both sit on :func:`run_check`. Any exception a check raises is
classified: :class:`Failure` → failed, :class:`SkipCheck` → skipped, :class:`HarnessError` →
error, a bare ``AssertionError`` → failed, anything else → error naming the check. Nothing a
check does crashes the run.

Every string of a result is redacted by value: each check with the secrets it saw (and the
credentials), then the whole run again with every secret any of its checks saw.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
import traceback
from collections.abc import Callable
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from mockserver import Profile
from mockserver.redaction import SecretSet

from .answers import unknown_workspace_phrase
from .answers import unknown_workspace_style
from .cleanup import expire_tokens
from .context import CheckContext
from .failures import CredentialsRejected
from .failures import Failure
from .failures import HarnessError
from .failures import SkipCheck
from .http import AnswerError
from .http import HttpRequest
from .http import HttpResponse
from .http import LearningTransport
from .http import is_connection_error
from .registry import CHECKS
from .registry import SLOW_LIMIT
from .registry import CheckSpec
from .registry import Spec
from .target import Credentials
from .target import Target


@dataclass(frozen=True, slots=True)
class FailureRecord:
    message: str
    kind: str
    evidence: tuple[dict[str, Any], ...] = ()
    curl: str | None = None
    expectation: str = ""
    """The expectation the target broke (:data:`conformance.failures.EXPECTATIONS`); empty for
    harness errors and bare assertions."""


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
    tokens_left_valid: tuple[str, ...] = ()
    """Why each access token this check obtained on a live server could not be expired."""


def _skip_reason(spec: CheckSpec, target: Target, profile: Profile) -> str:
    if "control" in spec.requires and not target.controllable:
        return f"mock-only: {spec.mock_only}"
    if spec.waits and not target.controllable:
        lifetime = getattr(profile, spec.waits)
        if lifetime is None:
            return (
                f"the profile's {spec.waits} is unlimited: no wait shows it on a live install "
                "(it runs against the mock)"
            )
        if lifetime > SLOW_LIMIT:
            return (
                f"the profile's {spec.waits} is {lifetime} s, longer than --slow waits "
                f"({SLOW_LIMIT} s): it runs against the mock"
            )
        if not target.slow:
            return f"waits out the profile's {spec.waits} ({lifetime} s) in real time: pass --slow"
    if "lockout-risk" in spec.requires and not target.allow_lockout_risk:
        return "sends wrong passwords, which may lock the account: pass --allow-lockout-risk"
    if "write" in spec.requires and target.read_only:
        return "changes data on the target, which is read-only by default"
    return ""


def _cleanup(ctx: CheckContext) -> list[str]:
    """On live targets, expire the tokens this check obtained; why each one left valid is."""
    if ctx.target.controllable:
        return []
    return ctx.client.expire_left()


def redact_result(result: CheckResult, secrets: SecretSet, *, evidence: bool = True) -> CheckResult:
    """``result`` with its messages (and, unless ``evidence`` is false, its evidence and curl
    replays) redacted with ``secrets``."""
    if not result.failures and not result.skip_reason:
        return result
    failures = tuple(
        replace(
            f,
            message=secrets.redact(f.message),
            evidence=secrets.redact_data(f.evidence) if evidence else f.evidence,
            curl=secrets.redact(f.curl) if evidence and f.curl else f.curl,
        )
        for f in result.failures
    )
    return replace(result, failures=failures, skip_reason=secrets.redact(result.skip_reason))


@dataclass(frozen=True, slots=True)
class Verdict:
    """What running one check or client scenario came to."""

    outcome: str
    failures: tuple[FailureRecord, ...] = ()
    reason: str = ""


def judge(
    spec: Spec,
    body: Callable[[], None],
    vault: SecretSet,
    evidence: Callable[[], tuple[dict[str, Any], ...]] = tuple,
    *,
    passthrough: tuple[type[BaseException], ...] = (),
) -> Verdict:
    """Run ``body`` (a check's or a client scenario's) and classify what happened, the same way
    for both: :class:`SkipCheck` is *skipped*; a :class:`Failure` (the target, or the client,
    broke a rule) or a bare ``AssertionError`` is *failed*; a :class:`HarnessError` (the suite
    could not test) or any other exception (a defect of the check, the scenario or the mock,
    never a whole run's end) is *error*. ``evidence`` gives the last exchanges (redacted) for a
    failure that carries none; exceptions in ``passthrough`` are raised to the caller.
    """
    try:
        body()
    except passthrough:
        raise
    except SkipCheck as exc:
        return Verdict("skipped", reason=str(exc))
    except Failure as exc:
        message, shown, curl = exc.redacted(vault)
        return Verdict("failed", (FailureRecord(message, exc.kind, shown, curl, exc.expectation),))
    except AssertionError as exc:
        return Verdict(
            "failed", (FailureRecord(str(exc) or "assertion failed", "custom", evidence()),)
        )
    except HarnessError as exc:
        return Verdict("error", (FailureRecord(str(exc), "harness_error", evidence()),))
    except Exception as exc:
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return Verdict("error", (FailureRecord(f"{spec.id} raised {detail}", "check_error"),))
    return Verdict("passed")


def result_of(
    spec: Spec,
    verdict: Verdict,
    duration_s: float,
    vault: SecretSet,
    *,
    tokens_left_valid: tuple[str, ...] = (),
) -> CheckResult:
    """The report's record of one check or scenario, its messages redacted with ``vault`` (the
    evidence was redacted when it was taken)."""
    return redact_result(
        CheckResult(
            id=spec.id,
            title=spec.title,
            severity=spec.severity.value,
            outcome=verdict.outcome,
            duration_s=round(duration_s, 6),
            references=spec.references,
            tags=spec.tags,
            failures=verdict.failures,
            skip_reason=verdict.reason,
            tokens_left_valid=tokens_left_valid,
        ),
        vault,
        evidence=False,
    )


def run_check(
    spec: CheckSpec,
    target: Target,
    profile: Profile,
    credentials: Credentials,
    *,
    secrets: SecretSet | None = None,
) -> CheckResult:
    """Run one check and classify what happened (:func:`judge`).

    :param secrets: the run's secrets: what this check saw is added to them.
    """
    started = time.perf_counter()
    vault = SecretSet(credentials=credentials.secrets())
    left_valid: list[str] = []
    ctx: CheckContext | None = None

    def body() -> None:
        nonlocal ctx
        reason = _skip_reason(spec, target, profile)
        if reason:
            raise SkipCheck(reason)
        with target.session() as session:
            if session.mock is not None:
                vault.update(session.mock.known_secrets())
            ctx = CheckContext(spec, session, profile, credentials, target, vault)
            try:
                spec.function(ctx)
            finally:
                left_valid.extend(_cleanup(ctx))
                if session.mock is not None:
                    vault.update(session.mock.known_secrets())  # clients registered meanwhile
                    session.mock.check()

    def last_exchanges() -> tuple[dict[str, Any], ...]:
        return tuple(e.to_evidence(vault) for e in (ctx.exchanges[-3:] if ctx else []))

    verdict = judge(spec, body, vault, last_exchanges)
    if secrets is not None:
        secrets.merge(vault)
    return result_of(
        spec, verdict, time.perf_counter() - started, vault, tokens_left_valid=tuple(left_valid)
    )


def _whose(credentials: Credentials) -> str:
    if credentials.origin == "environment":
        return "the credentials in the PM3_* environment variables"
    if credentials.origin == "documentation example":
        return "the documentation's example credentials"
    return f"the credentials in {credentials.origin}"


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _describe_refusal(response: HttpResponse) -> str:
    """What a token endpoint answered instead of a token, in a few words."""
    body = response.json()
    status = f"HTTP {response.status}"
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        description = body.get("error_description")
        if isinstance(description, str) and description:
            return f'{body["error"]} "{_one_line(description)}" ({status})'
        return f"{body['error']} ({status})"
    if isinstance(body, dict) and isinstance(body.get("error"), dict):  # Restler's nested error
        return f'{status} "{_one_line(str(body["error"].get("message", "")))}"'
    if not response.body.strip():
        return f"{status} with an empty body, no token"
    return f"{status}, no token: {_one_line(response.text, 80)!r}"


def is_unknown_workspace(response: HttpResponse) -> bool:
    """An answer that can only mean a workspace the server does not have, whatever the version
    (:func:`~conformance.answers.unknown_workspace_style`; a bare 404 does not prove it)."""
    return unknown_workspace_style(response) in ("empty-503", "html-503", "restler-400")


def check_login(target: Target, credentials: Credentials, secrets: SecretSet) -> list[str]:
    """Log in once (the password grant) with the credentials given, before any check runs.

    On a live target the token obtained is expired again; returns why it could not be (empty
    when it was, or on the mock). ``secrets`` learns what was sent and received.

    :raises CredentialsRejected: the answer is not a token (wrong password, unknown or wrong
        client, or no token endpoint answering); nothing more should be sent with them.
    :raises HarnessError: the target cannot be reached.
    """
    secrets.update(credentials.secrets(), always=True)
    with target.session() as session:
        if session.mock is not None:
            secrets.update(session.mock.known_secrets())
        transport = LearningTransport(session.transport, secrets)
        token_path = f"/{session.workspace}/oauth2/token"
        where = (
            "the embedded mock"
            if target.kind == "mock"
            else f"{session.transport.base_url}{token_path}"
        )
        form = credentials.password_form()
        request = HttpRequest(
            "POST",
            token_path,
            (("Content-Type", "application/x-www-form-urlencoded"),),
            urlencode(form).encode(),
        )
        try:
            response = transport.send(request)
        except Exception as exc:
            if isinstance(exc, AnswerError):  # it names the request and what was wrong
                raise HarnessError(secrets.redact(str(exc))) from None
            if is_connection_error(exc):
                raise HarnessError(secrets.redact(f"cannot reach {where}: {exc}")) from None
            raise
        body = response.json()
        if isinstance(body, dict) and isinstance(body.get("access_token"), str):
            if target.controllable:
                return []
            # leave nothing usable behind on a live server
            return expire_tokens(session.transport, session.workspace, [body["access_token"]])
        style = unknown_workspace_style(response)
        if style is not None and is_unknown_workspace(response):
            raise HarnessError(
                f"workspace {session.workspace!r} is unknown at {session.transport.base_url} "
                f"(check --workspace): its token endpoint answered "
                f"{unknown_workspace_phrase(style)}, ProcessMaker's answer for a workspace it "
                "does not have; the credentials were not judged"
            )
        raise CredentialsRejected(
            secrets.redact(
                f"{_whose(credentials)} cannot log in to {where}: "
                f"{_describe_refusal(response)}; no checks were run"
            )
        )


@dataclass(slots=True)
class RunResult:
    target: Target
    profile: Profile
    results: list[CheckResult] = field(default_factory=list)
    started_at: float = 0.0
    duration_s: float = 0.0
    secrets: SecretSet = field(default_factory=SecretSet)
    """Every secret the run saw: reports redact with it once more."""

    def tokens_left_valid(self) -> list[str]:
        """Why each access token the run obtained on a live server could not be expired."""
        return [reason for r in self.results for reason in r.tokens_left_valid]

    def counts(self) -> dict[str, int]:
        out = {"passed": 0, "failed": 0, "error": 0, "skipped": 0}
        for r in self.results:
            out[r.outcome] = out.get(r.outcome, 0) + 1
        return out


_WORKER_STATE: dict[str, Any] = {}


def _worker_context() -> multiprocessing.context.BaseContext:
    """How worker processes start.

    fork copies a process that has already imported the checks, so it costs nothing, but forking
    a process that runs threads can deadlock a child on a lock some thread held (Python 3.12
    warns). So fork only while this process runs a single thread; otherwise forkserver (workers
    fork from a clean server process that imported the checks once), or spawn where neither
    exists."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["conformance"])
        return ctx
    return multiprocessing.get_context("spawn")


def _init_worker(target: Target, profile: Profile, credentials: Credentials) -> None:
    _WORKER_STATE.update(target=target, profile=profile, credentials=credentials)


def _run_in_worker(check_id: str) -> tuple[CheckResult, frozenset[str]]:
    """One check in a worker process, and the secrets it saw (for the parent's run-wide set)."""
    seen = SecretSet()
    result = run_check(
        CHECKS.get(check_id),
        _WORKER_STATE["target"],
        _WORKER_STATE["profile"],
        _WORKER_STATE["credentials"],
        secrets=seen,
    )
    return result, seen.values()


def run(
    checks: Iterable[CheckSpec],
    target: Target,
    profile: Profile,
    credentials: Credentials,
    *,
    workers: int = 1,
    on_result: Callable[[CheckResult], None] | None = None,
) -> RunResult:
    """Run checks (in registration order in the result) and report each as it finishes.

    ``on_result`` gets each result with its messages redacted with every secret seen so far;
    the results kept are redacted, evidence included, with every secret the whole run saw."""
    specs = list(checks)
    vault = SecretSet(credentials=credentials.secrets())
    outcome = RunResult(target, profile, started_at=time.time(), secrets=vault)
    started = time.perf_counter()
    results: dict[str, CheckResult] = {}

    def report(res: CheckResult) -> None:
        if on_result:
            on_result(redact_result(res, vault, evidence=False))

    if workers <= 1:
        for spec in specs:
            results[spec.id] = res = run_check(spec, target, profile, credentials, secrets=vault)
            report(res)
    elif target.controllable:
        # Each check gets its own mock, so checks spread over processes. Not fork: this process
        # may hold threads (a live mock, the progress line), and forking them is unsafe.
        ctx = _worker_context()
        with ProcessPoolExecutor(
            workers,
            mp_context=ctx,
            initializer=_init_worker,
            initargs=(target, profile, credentials),
        ) as pool:
            for res, seen in pool.map(_run_in_worker, [s.id for s in specs]):
                vault.update(seen)
                results[res.id] = res
                report(res)
    else:
        with ThreadPoolExecutor(workers) as threads:
            futures = [
                threads.submit(run_check, s, target, profile, credentials, secrets=vault)
                for s in specs
            ]
            for future in futures:
                res = future.result()
                results[res.id] = res
                report(res)
    outcome.results = [redact_result(results[s.id], vault) for s in specs]
    outcome.duration_s = time.perf_counter() - started
    return outcome
