"""What the suite and schemathesis (with the project's hooks) each catch on the project's broken
servers, side by side.

Usage: ``python benchmarks/catch_rate.py [--max-examples N] [--seed S] [--only ID]``, from the
project root. Prints a table and totals; asserts nothing.

The broken servers are the project's own negative controls, taken from their registries: one
per check (``tests/conformance/negative_controls.py``'s ``CONTROLS``), the subtler ones
(``tests/conformance/controls_adversarial.py``'s ``ADVERSARIAL_CONTROLS``) and the proxy that
puts a byte-order mark before the token endpoint's JSON (``tests/conformance/proxy_kit.py``).
Each is started on loopback twice, a fresh one per tool, and both tools see it as they would see
a live install, by URL only:

- the suite, through its Python API, as ``pm3-conformance run --target URL --profile P
  --allow-lockout-risk --credentials FILE`` runs it (unpaced on loopback, 500 requests at most;
  the credentials name the client's registered callback and an operator user, which each server
  has): caught when any check fails. Checks that need to move the server's clock are skipped on
  a URL target, as on any live install.
- schemathesis, as the README runs it (``SCHEMATHESIS_HOOKS=conformance.schemathesis st run``,
  every phase, ``schemathesis.toml`` read from the project root) on the OpenAPI description of
  the profile the control expects, with ``PM3_PROFILE`` set to it; at most ``--max-examples``
  cases per operation (the coverage phase's cases are fixed by the description), one worker, a
  fixed seed, no shrinking: caught when the run reports any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from conformance import CHECKS  # noqa: E402
from conformance import Credentials  # noqa: E402
from conformance import Target  # noqa: E402
from conformance import load_credentials  # noqa: E402
from conformance import run  # noqa: E402
from conformance.openapi import render  # noqa: E402
from mockserver import MockServer  # noqa: E402
from mockserver import default_seed  # noqa: E402
from mockserver import get_profile  # noqa: E402

Prepare = Callable[[MockServer], None]

MAX_EXAMPLES = 8
"""Cases per operation in schemathesis' examples, fuzzing and stateful phases. At 8 the stateful
phase reaches a successful refresh (so ``pm3_refresh_single_use`` replays one); fewer may not."""
SEED = 1
SUITE_MAX_REQUESTS = 500
"""The suite's request budget on a live target (``--max-requests``' default)."""
ST_TIMEOUT = 300.0
"""Seconds one schemathesis run may take before it is stopped (reported as an error)."""
WORKSPACE = "workflow"
OPERATOR = ("catch-rate-operator", "Catch-rate-pw1")
"""A PROCESSMAKER_OPERATOR each server has, as a live install's administrator would add one
for PM3-RESTDOOR-002 (``operator_username`` / ``operator_password`` in the credentials)."""


def suite_credentials() -> Credentials:
    """The documentation's example credentials with what a live run is given besides: the
    seeded client's registered callback (``redirect_uri``) and the operator."""
    client = default_seed().clients[0]
    return replace(
        load_credentials(env={}),
        redirect_uri=client.redirect_uri,
        operator_username=OPERATOR[0],
        operator_password=OPERATOR[1],
    )


@dataclass(frozen=True, slots=True)
class BrokenServer:
    """One broken server of the project's set: the mock running ``server_profile`` with
    ``prepare`` applied, judged against ``expected``."""

    name: str
    breaks: str
    expected: str
    server_profile: str
    prepare: Prepare | None
    check_id: str = ""
    """The check this server was built to make fail (empty: it targets many)."""


@dataclass(frozen=True, slots=True)
class Row:
    server: BrokenServer
    suite_failed: tuple[str, ...]
    """Ids of the checks that failed, in registration order."""
    suite_errors: tuple[str, ...]
    own_check: str
    """The outcome of the check this server was built for (``""`` when it targets many)."""
    suite_seconds: float
    st_failed: tuple[str, ...]
    """What schemathesis reported: a hook's check name, else the failure's title."""
    st_errors: tuple[str, ...]
    st_seconds: float

    @property
    def suite_caught(self) -> bool:
        return bool(self.suite_failed)

    @property
    def st_caught(self) -> bool:
        return bool(self.st_failed)


def broken_servers() -> list[BrokenServer]:
    """Every broken server of the project's registries, in their order."""
    from tests.conformance.controls_adversarial import ADVERSARIAL_CONTROLS
    from tests.conformance.negative_controls import CONTROLS
    from tests.conformance.proxy_kit import bom_on_token_answers

    out = [
        BrokenServer(
            name=check_id,
            breaks=control.note or CHECKS.get(check_id).title,
            expected=control.expected,
            server_profile=control.server or control.expected,
            prepare=control.prepare,
            check_id=check_id,
        )
        for check_id, control in CONTROLS.items()
    ]
    for check_id, controls in ADVERSARIAL_CONTROLS.items():
        for i, control in enumerate(controls, 1):
            out.append(
                BrokenServer(
                    name=f"{check_id} adv.{i}",
                    breaks=control.note or control.breaks,
                    expected=control.expected,
                    server_profile=control.server or control.expected,
                    prepare=control.prepare,
                    check_id=check_id,
                )
            )
    out.append(
        BrokenServer(
            name="proxy: BOM",
            breaks="a UTF-8 byte-order mark before the token endpoint's JSON",
            expected="documented",
            server_profile="documented",
            prepare=bom_on_token_answers,
        )
    )
    return out


@contextmanager
def serving(broken: BrokenServer) -> Iterator[str]:
    """A fresh broken server on loopback: its base URL."""
    pm = MockServer(broken.server_profile, workspaces=(WORKSPACE,))
    pm.add_user(*OPERATOR, role="PROCESSMAKER_OPERATOR", workspace=WORKSPACE)
    if broken.prepare is not None:
        broken.prepare(pm)  # before start: a proxy control replaces the app the engine serves
    pm.start()
    try:
        yield pm.url
    finally:
        pm.close()


def run_suite(broken: BrokenServer) -> tuple[tuple[str, ...], tuple[str, ...], str, float]:
    """The whole suite against the server by URL: failed ids, errored ids, the outcome of the
    server's own check, seconds."""
    with serving(broken) as url:
        started = time.perf_counter()
        target = Target.url(
            url, WORKSPACE, rate=0.0, max_requests=SUITE_MAX_REQUESTS, allow_lockout_risk=True
        )
        result = run(CHECKS.all(), target, get_profile(broken.expected), suite_credentials())
        seconds = time.perf_counter() - started
    outcomes = {r.id: r.outcome for r in result.results}
    failed = tuple(i for i, o in outcomes.items() if o == "failed")
    errors = tuple(i for i, o in outcomes.items() if o == "error")
    return failed, errors, outcomes.get(broken.check_id, ""), seconds


def st_command() -> str | None:
    """schemathesis' ``st`` beside this Python (its venv), else on the PATH."""
    return shutil.which("st", path=str(Path(sys.executable).parent)) or shutil.which("st")


def _child_env(profile: str) -> dict[str, str]:
    # the hooks read credentials from PM3_*: the benchmark's servers know the documented ones
    env = {k: v for k, v in os.environ.items() if not k.startswith("PM3_")}
    return {
        **env,
        "SCHEMATHESIS_HOOKS": "conformance.schemathesis",
        "PM3_PROFILE": profile,
        "PM3_WORKSPACE": WORKSPACE,
        "NO_COLOR": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), env.get("PYTHONPATH")))),
    }


def _failure_name(failure: dict[str, object]) -> str:
    title = str(failure.get("title", failure.get("type", "?")))
    hook = re.search(r"`(\w+)`", title)
    return hook[1] if hook else title


def run_schemathesis(
    broken: BrokenServer, max_examples: int, seed: int, workdir: Path
) -> tuple[tuple[str, ...], tuple[str, ...], float]:
    """``st run`` with the hooks against the server: failures, errors, seconds."""
    description = workdir / f"openapi-{broken.expected}.json"
    if not description.exists():
        description.write_text(render(broken.expected, WORKSPACE), encoding="utf-8")
    with tempfile.TemporaryDirectory(dir=workdir) as reports, serving(broken) as url:
        st = st_command()
        if st is None:
            return (), ("schemathesis is not installed (the test extra)",), 0.0
        command = [
            st,
            "run",
            str(description),
            "--url",
            url,
            "--max-examples",
            str(max_examples),
            "--seed",
            str(seed),
            "--workers",
            "1",
            "--no-shrink",
            "--generation-database",
            "none",
            "--report",
            "json",
            "--report-dir",
            reports,
        ]
        started = time.perf_counter()
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=ST_TIMEOUT,
                env=_child_env(broken.expected),
                cwd=str(ROOT),  # schemathesis.toml
                check=False,
            )
        except subprocess.TimeoutExpired:
            return (), (f"stopped after {ST_TIMEOUT:.0f} s",), time.perf_counter() - started
        seconds = time.perf_counter() - started
        found = sorted(Path(reports).glob("*.json"))
        if not found:
            last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            return (), (f"exit {done.returncode}, no report: {last[0][:100]}",), seconds
        report = json.loads(found[0].read_text(encoding="utf-8"))
    failures = tuple(dict.fromkeys(_failure_name(f) for f in report.get("failures", [])))
    errors = tuple(
        str(e.get("title") or e.get("message") or e)[:100] for e in report.get("errors", [])
    )
    return failures, errors, seconds


def healthy(expected: str, server_profile: str) -> BrokenServer:
    """The mock running ``server_profile`` unchanged, judged against ``expected``: what each
    tool reports with nothing broken."""
    name = expected if expected == server_profile else f"{server_profile} as {expected}"
    return BrokenServer(
        name=f"healthy {name}",
        breaks="nothing (the baseline)",
        expected=expected,
        server_profile=server_profile,
        prepare=None,
    )


def measure(
    broken: BrokenServer, max_examples: int, seed: int, workdir: Path, baseline: Row | None = None
) -> Row:
    """Both tools against ``broken``; with a ``baseline`` (the healthy server of the same
    profiles), only what they report beyond it counts."""
    failed, errors, own, suite_s = run_suite(broken)
    st_failed, st_errors, st_s = run_schemathesis(broken, max_examples, seed, workdir)
    row = Row(broken, failed, errors, own, suite_s, st_failed, st_errors, st_s)
    return row if baseline is None else beyond(row, baseline)


def beyond(row: Row, baseline: Row) -> Row:
    """``row`` without the failures the healthy server's ``baseline`` shows too (by check id
    for the suite, by check name or failure title for schemathesis)."""
    return replace(
        row,
        suite_failed=tuple(i for i in row.suite_failed if i not in baseline.suite_failed),
        st_failed=tuple(f for f in row.st_failed if f not in baseline.st_failed),
    )


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _suite_cell(row: Row) -> str:
    own = row.server.check_id
    if not row.suite_failed:
        cell = "-"
    else:
        lead = own if own in row.suite_failed else row.suite_failed[0]
        more = len(row.suite_failed) - 1
        cell = lead + (f" +{more}" if more else "")
    if own and row.own_check != "failed":
        cell += f" (own {row.own_check or 'not run'})"
    if row.suite_errors:
        cell += f" (errors: {', '.join(row.suite_errors)})"
    return cell


def _st_cell(row: Row) -> str:
    cell = ", ".join(row.st_failed) if row.st_failed else "-"
    if row.st_errors:
        cell += f" (errors: {'; '.join(row.st_errors)})"
    return cell


def format_row(row: Row) -> str:
    return (
        f"{row.server.name:<24} {_clip(row.server.breaks, 46):<46} "
        f"{_clip(_suite_cell(row), 38):<38} {_clip(_st_cell(row), 72)}"
    )


def format_table(rows: Sequence[Row], max_examples: int, seed: int) -> str:
    n = len(rows)
    suite = sum(r.suite_caught for r in rows)
    st = sum(r.st_caught for r in rows)
    both = sum(r.suite_caught and r.st_caught for r in rows)
    neither = sum(not r.suite_caught and not r.st_caught for r in rows)
    own = [r.own_check for r in rows if r.server.check_id]
    lines = [
        f"{'broken server':<24} {'what it breaks':<46} {'suite: failed checks':<38} "
        "schemathesis: failures",
        *(format_row(r) for r in rows),
        "",
        f"suite {suite}/{n}, schemathesis {st}/{n} (both {both}, suite only {suite - both}, "
        f"schemathesis only {st - both}, neither {neither})",
        f"the check each control was built for, by URL: {own.count('failed')} failed, "
        f"{own.count('skipped')} skipped, {own.count('passed')} passed (of {len(own)})",
        f"wall time: suite {sum(r.suite_seconds for r in rows):.1f} s, schemathesis "
        f"{sum(r.st_seconds for r in rows):.1f} s "
        f"(--max-examples {max_examples} per operation, every phase, seed {seed}, 1 worker)",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--max-examples",
        type=int,
        default=MAX_EXAMPLES,
        help=f"schemathesis cases per operation (default {MAX_EXAMPLES})",
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--only", action="append", default=[], help="a broken server's name (repeatable)"
    )
    args = parser.parse_args(argv)
    if args.max_examples < 1:
        parser.error("--max-examples must be >= 1")
    if st_command() is None:
        print("schemathesis is not installed: pip install -e '.[test]'", file=sys.stderr)
        return 2
    servers = broken_servers()
    if args.only:
        unknown = sorted(set(args.only) - {s.name for s in servers})
        if unknown:
            parser.error(f"no broken server named {', '.join(unknown)}")
        servers = [s for s in servers if s.name in args.only]
    print(
        f"pm3 catch rate on {platform.machine()} {os.cpu_count()} cores, Python "
        f"{platform.python_version()}: {len(servers)} broken servers; the suite by URL, "
        f"schemathesis with conformance.schemathesis at --max-examples {args.max_examples}",
        flush=True,
    )
    started = time.perf_counter()
    rows = []
    baselines: dict[tuple[str, str], Row] = {}
    with tempfile.TemporaryDirectory(prefix="pm3-catch-rate-") as workdir:
        for broken in servers:
            key = (broken.expected, broken.server_profile)
            if key not in baselines:
                base = measure(healthy(*key), args.max_examples, args.seed, Path(workdir))
                baselines[key] = base
                print(format_row(base), file=sys.stderr, flush=True)
            row = measure(broken, args.max_examples, args.seed, Path(workdir), baselines[key])
            rows.append(row)
            print(format_row(row), f"({row.st_seconds:.1f} s)", file=sys.stderr, flush=True)
    print("baselines (subtracted from the rows below: only what a tool reports beyond them counts)")
    for base in baselines.values():
        print(format_row(base))
    print()
    print(format_table(rows, args.max_examples, args.seed))
    print(f"total wall time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
