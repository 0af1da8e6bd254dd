"""From runner results to the canonical report, and the ``report`` sub-commands.

The conformance package builds :class:`reports.Report` values; rendering is the reports
package's job (it knows nothing of checks or pytest). What goes in is redacted once more with the
run's secrets, so every renderer (JSON, JUnit, HTML, Markdown) gets only redacted strings.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC
from datetime import datetime
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version
from pathlib import Path
from typing import Any

import reports
from mockserver.redaction import SecretSet
from reports import ReportError as ReportError
from reports import deviations as deviations_mod
from reports import diff as diff_mod
from reports import html as html_mod
from reports import junit as junit_mod
from reports import markdown as markdown_mod
from reports.files import write_text

from .runner import CheckResult
from .runner import RunResult
from .runner import redact_result


def tool_version() -> str:
    try:
        return version("pm3-oauth-conformance")
    except PackageNotFoundError:
        return "0+unknown"


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def to_outcome(result: CheckResult, secrets: SecretSet | None = None) -> reports.Outcome:
    if secrets is not None:
        result = redact_result(result, secrets)
    return reports.Outcome(
        id=result.id,
        title=result.title,
        severity=result.severity,
        outcome=result.outcome,
        duration_s=result.duration_s,
        references=result.references,
        tags=result.tags,
        failures=tuple(
            reports.Failure(
                message=f.message,
                kind=f.kind,
                evidence=tuple(
                    reports.Evidence(request=e["request"], response=e["response"])
                    for e in f.evidence
                ),
                curl=f.curl,
                expectation=f.expectation,
            )
            for f in result.failures
        ),
        skip_reason=result.skip_reason,
    )


def to_run(
    result: RunResult,
    *,
    name: str | None = None,
    kind: str = "server",
    profile_choice: dict[str, Any] | None = None,
) -> reports.Run:
    secrets = result.secrets
    return reports.Run(
        name=secrets.redact(name or result.profile.name),
        kind=kind,
        target=secrets.redact_data(result.target.describe()),
        profile=result.profile.name,
        profile_values=result.profile.values(),
        outcomes=tuple(to_outcome(r, secrets) for r in result.results),
        started_at=_iso(result.started_at),
        duration_s=round(result.duration_s, 3),
        profile_choice=secrets.redact_data(profile_choice) if profile_choice else None,
    )


def build_report(
    runs: list[RunResult],
    deviations: Any = None,
    *,
    kind: str = "server",
    names: list[str] | None = None,
    profile_choice: dict[str, Any] | None = None,
) -> reports.Report:
    report = reports.Report(
        version=tool_version(),
        generated_at=_iso(datetime.now(UTC).timestamp()),
        runs=tuple(
            to_run(
                r,
                name=(names[i] if names else None),
                kind=kind,
                profile_choice=profile_choice,
            )
            for i, r in enumerate(runs)
        ),
    )
    if deviations is not None:
        report = deviations_mod.apply(report, deviations)
    return report


HARNESS_CHECK_ID = "PM3-HARNESS-001"
"""The outcome of a run that stopped before its checks: it is an *error*, never a check's verdict."""
HARNESS_CHECK_TITLE = (
    "The suite could start its checks: settings read, server reached, credentials log in"
)


def stopped_run(
    message: str,
    *,
    name: str,
    target: dict[str, Any],
    profile: str,
    profile_values: dict[str, Any],
    started_at: float,
    duration_s: float,
    secrets: SecretSet,
) -> reports.Run:
    """A run that stopped before its checks (the first probe or the login failed, a setting
    could not be read): one *error* outcome, :data:`HARNESS_CHECK_ID`, saying what failed, so
    every report format (and a CI job that uploads them) has it. Redacted with ``secrets``."""
    outcome = reports.Outcome(
        id=HARNESS_CHECK_ID,
        title=HARNESS_CHECK_TITLE,
        severity="critical",
        outcome="error",
        duration_s=round(duration_s, 3),
        failures=(reports.Failure(message=secrets.redact(message), kind="harness_error"),),
    )
    return reports.Run(
        name=secrets.redact(name),
        kind="server",
        target=secrets.redact_data(target),
        profile=profile,
        profile_values=profile_values,
        outcomes=(outcome,),
        started_at=_iso(started_at),
        duration_s=round(duration_s, 3),
    )


def load_deviations(path: Path) -> Any:
    return deviations_mod.load_deviations(path)


def report_ok(report: reports.Report) -> bool:
    return bool(report.ok)


SEVERITY_ORDER = ("info", "low", "medium", "high", "critical")
EXIT_HARNESS = 2
"""The exit status of a run that a harness error stopped (or that has only harness errors)."""


def exit_code(report: reports.Report, fail_on: str = "info") -> int:
    """0 all passed; 1 a conformance failure (or an unexpected pass); 2 only harness errors.

    :param fail_on: the least severity whose failure fails the run (as ``--fail-on`` in
        schemathesis and ruff); failures of lower severities are reported and do not count.
    """
    floor = SEVERITY_ORDER.index(fail_on)
    counted = [
        o.outcome
        for run in report.runs
        for o in run.outcomes
        if SEVERITY_ORDER.index(o.severity) >= floor or o.outcome == "error"
    ]
    if any(o in ("failed", "unexpected_pass") for o in counted):
        return 1
    if "error" in counted:
        return EXIT_HARNESS
    return 0


def write_all(report: reports.Report, directory: Path) -> list[Path]:
    """report.json (canonical, schema-validated), junit.xml, report.html, summary.md."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"--report-dir {directory}: {exc.strerror or exc}") from None
    paths = {
        "report.json": None,
        "junit.xml": junit_mod.render,
        "report.html": html_mod.render,
        "summary.md": markdown_mod.render,
    }
    written = []
    for filename, render in paths.items():
        path = directory / filename
        # a temporary file and a rename: a link planted at the name is replaced, never followed
        try:
            if render is None:
                reports.write_json(report, path)
            else:
                write_text(path, render(report))
        except OSError as exc:
            raise ReportError(
                f"--report-dir {directory}: {filename}: {exc.strerror or exc}"
            ) from None
        written.append(path)
    return written


FILE_NAMES = {"html": "report.html", "junit": "junit.xml"}
"""Formats a terminal cannot show (a whole HTML page, XML), and the file each usually goes to."""


def _emit(text: str, output: Path | None, fmt: str = "md", example: str = "") -> None:
    """``text`` to ``output``; without one, to stdout, unless stdout is a terminal and the
    format is one a terminal cannot show (HTML, JUnit XML): then one line naming ``-o``."""
    if output is None:
        if fmt in FILE_NAMES and sys.stdout.isatty():
            raise ReportError(
                f"--format {fmt} writes a file, not text for a terminal: give -o FILE "
                f"(e.g. -o {example or FILE_NAMES[fmt]}), or redirect stdout"
            )
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        write_text(output, text)
    except OSError as exc:
        raise ReportError(f"-o {output}: {exc.strerror or exc}") from None


def cmd_report(args: argparse.Namespace) -> int:
    if args.report_command == "render":
        report = reports.read_json(args.report)
        render = {"html": html_mod.render, "junit": junit_mod.render, "md": markdown_mod.render}[
            args.format
        ]
        _emit(render(report), args.output, args.format)
        return 0
    old, new = reports.read_json(args.old), reports.read_json(args.new)
    result = diff_mod.compare(old, new)
    text = diff_mod.render_markdown(result) if args.format == "md" else diff_mod.render_html(result)
    _emit(text, args.output, args.format, "diff.html")
    return 1 if result.regressed else 0
