"""``pm3-conformance clients --driver "CMD" [--driver "CMD2" ...]``: the client battery.

Same exit codes and reports as ``run``: 0 every scenario passed (or was skipped for a missing
capability), 1 a scenario failed, 2 a usage or harness error (the driver broke the protocol: one
line on stderr, and the reports are written all the same, the scenario it broke on an *error*).
Reports go to ``pm3-client-reports/`` unless ``--report-dir`` says otherwise.
Several drivers run side by side (``--jobs``); each scenario has its own mock and driver process,
so they share nothing.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from conformance import reporting
from conformance.runner import CheckResult
from conformance.runner import RunResult
from conformance.target import Target
from mockserver import get_profile
from reports.text import terminal

from .harness import ClientRun
from .harness import run_clients
from .harness import select

DEFAULT_JOBS = 4
DEFAULT_REPORT_DIR = "pm3-client-reports"
"""Not ``run``'s ``pm3-reports``: a job that runs both keeps both reports."""

MARKS = {"passed": "PASS", "failed": "FAIL", "error": "ERROR", "skipped": "SKIP"}


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, not {text!r}")
    return value


def add_parser(sub: Any) -> None:
    p = sub.add_parser("clients", help="drive a client library through ProcessMaker's quirks")
    p.add_argument(
        "--driver",
        action="append",
        required=True,
        metavar="CMD",
        help="the client's driver command (JSON lines on stdin/stdout); repeat for a matrix",
    )
    p.add_argument(
        "--profile", default="documented", help="profile of the mock (default documented)"
    )
    p.add_argument("--select", nargs="*", metavar="ID_OR_TAG", help="scenario ids (globs) or tags")
    p.add_argument(
        "--report-dir",
        type=Path,
        default=Path(DEFAULT_REPORT_DIR),
        help=f"where reports go (default {DEFAULT_REPORT_DIR}/: run's pm3-reports/ is left alone)",
    )
    p.add_argument(
        "--jobs",
        type=_positive,
        metavar="N",
        help=f"drivers run side by side (default: one per driver, at most {DEFAULT_JOBS})",
    )
    p.add_argument("--quiet", action="store_true", help="only the summary")


def run_clients_command(args: argparse.Namespace) -> int:
    profile = get_profile(args.profile)
    scenarios = select(args.select)
    commands: list[str] = args.driver
    jobs = args.jobs or min(DEFAULT_JOBS, len(commands))
    several = len(commands) > 1

    def show(result: CheckResult, index: int) -> None:
        if args.quiet:
            return
        # a driver's (or the server's) words: no control character reaches the terminal raw
        line = f"{MARKS[result.outcome]:<5} {result.id:<24} {terminal(result.title)}"
        if result.outcome in ("failed", "error") and result.failures:
            line += f"\n      {terminal(result.failures[0].message)}"
        elif result.outcome == "skipped":
            line += f" ({terminal(result.skip_reason)})"
        # drivers run side by side: each line says which one it is about
        print(f"[{index + 1}] {line}" if several else line, file=sys.stderr, flush=True)

    def one(index: int) -> ClientRun:
        return run_clients(commands[index], profile, scenarios, on_result=lambda r: show(r, index))

    if several and not args.quiet:
        for index, command in enumerate(commands):
            print(f"[{index + 1}] {terminal(command)}", file=sys.stderr)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        finished = list(pool.map(one, range(len(commands))))
    runs: list[RunResult] = []
    names: list[str] = []
    for command, run in zip(commands, finished, strict=True):
        result = RunResult(
            Target("driver", base_url=command),
            profile,
            run.results,
            run.started_at,
            run.duration_s,
            secrets=run.secrets,
        )
        runs.append(result)
        names.append(run.name)
        counts = result.counts()
        print(
            f"{terminal(run.name)}: {counts['passed']} passed, {counts['failed']} failed, "
            f"{counts['skipped']} skipped in {run.duration_s:.1f}s"
        )
    report = reporting.build_report(runs, kind="client", names=names)
    written = reporting.write_all(report, args.report_dir)
    print(terminal("reports: " + ", ".join(str(p) for p in written)))
    broken = [(i, run) for i, run in enumerate(finished) if run.driver_error]
    for index, run in broken:
        # the harness error's one line, as before the reports were written for it: exit 2
        where = f"[{index + 1}] " if several else ""
        print(
            terminal(f"pm3-conformance: error: {where}{run.driver_error}", lines=False),
            file=sys.stderr,
        )
    return reporting.EXIT_HARNESS if broken else reporting.exit_code(report)
