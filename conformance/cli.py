"""``pm3-conformance``: list the checks, run them, fingerprint a server, render and diff reports.

Exit status: 0 all passed, 1 conformance failures (or a regression in ``report diff``), 2 usage
or harness error (credentials that do not log in included: ``run`` tries them once and stops).
A user mistake is one line on stderr, never a traceback. Everything printed is redacted with the
secrets the command knows (credentials, and every token it obtained), and no control character a
server (or anyone) sent reaches the terminal raw (:func:`say`, :func:`reports.text.terminal`).
"""

from __future__ import annotations

import argparse
import dataclasses
import ipaddress
import json
import os
import re
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from mockserver import PROFILES
from mockserver import Profile
from mockserver import get_profile
from mockserver.redaction import SecretSet
from mockserver.state.profile_files import ProfileFileError
from mockserver.state.profile_files import load_profile_file
from reports.files import write_text
from reports.text import terminal

from . import cleanup
from . import reporting
from .clients import cli as clients_cli
from .failures import HarnessError
from .fingerprint import probe
from .http import ANSWER_DEADLINE
from .http import MAX_ANSWER_BYTES
from .http import LearningTransport
from .http import cannot_reach
from .record import record
from .registry import CHECKS
from .registry import SLOW_LIMIT
from .registry import live_mode
from .runner import CheckResult
from .runner import RunResult
from .runner import check_login
from .runner import run
from .target import Credentials
from .target import CredentialsWarning
from .target import Target
from .target import check_redirect_uri
from .target import https_redirect_status
from .target import load_credentials

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
PROFILE_CHOICES = ("all", "auto")
"""What ``--profile`` takes besides a profile's name."""
MARKS = {"passed": "PASS", "failed": "FAIL", "error": "ERROR", "skipped": "SKIP"}


class UsageError(Exception):
    pass


def say(
    text: str,
    secrets: SecretSet | None = None,
    *,
    file: TextIO | None = None,
    one_line: bool = False,
) -> None:
    """Print the suite's text: redacted with ``secrets``, then with every control character
    written as a visible escape, so a server's words can neither clear the screen, move the
    cursor nor fake a line with CR. Line feeds are kept (the suite's own multi-line tables)
    unless ``one_line``."""
    shown = secrets.redact(text) if secrets is not None else text
    print(terminal(shown, lines=not one_line), file=file if file is not None else sys.stdout)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _add_target_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--target",
        default="mock",
        help="mock (in process, default), mock-http (loopback), or a base URL like https://pm.example.com",
    )
    _add_connection_options(p)


def _add_connection_options(p: argparse.ArgumentParser) -> None:
    """How to reach and pace a server: shared by the commands that take a target."""
    p.add_argument(
        "--workspace", default="workflow", help="workspace of a live target (default workflow)"
    )
    p.add_argument("--credentials", type=Path, metavar="FILE", help="oauthCredentials.json")
    p.add_argument("--insecure", action="store_true", help="do not verify TLS certificates")
    p.add_argument(
        "--rate",
        type=float,
        default=None,
        help="live targets: requests per second (default: 5 for a remote host, unpaced on loopback)",
    )
    p.add_argument(
        "--max-requests", type=int, default=500, help="live targets: request budget (default 500)"
    )
    p.add_argument(
        "--max-answer-bytes",
        type=int,
        default=MAX_ANSWER_BYTES,
        metavar="N",
        help=f"live targets: the most one answer may send; more is the server's failure "
        f"(default {MAX_ANSWER_BYTES}, {MAX_ANSWER_BYTES // 1048576} MiB)",
    )
    p.add_argument(
        "--answer-deadline",
        type=float,
        default=ANSWER_DEADLINE,
        metavar="SECONDS",
        help=f"live targets: the longest one answer may take in all (default {ANSWER_DEADLINE:g})",
    )


def plain_text(doc: str) -> str:
    """A docstring as ``--help`` shows it: without reStructuredText's literals and roles."""
    return re.sub(r"(?::[a-z]+:)?`{1,2}~?([^`]+)`{1,2}", r"\1", doc)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pm3-conformance", description=plain_text(__doc__ or "").split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ls = sub.add_parser("list", help="the check catalogue")
    ls.add_argument("--select", nargs="*", metavar="ID_OR_TAG", help="check ids (globs) or tags")
    ls.add_argument("--json", action="store_true", help="machine-readable output")

    rn = sub.add_parser("run", help="run the checks against a target")
    _add_target_options(rn)
    rn.add_argument(
        "--profile",
        default=None,
        help="expected profile, 'all', or 'auto': fingerprint the server and expect its best "
        "match (default: auto for a URL target, documented for the mock)",
    )
    rn.add_argument(
        "--profile-file",
        type=Path,
        metavar="FILE",
        help="expected profile from a profile file (the embedded mock serves it too)",
    )
    rn.add_argument(
        "--mock-profile",
        help="profile the embedded mock runs (default: the expected one); 'all' = one run per profile",
    )
    rn.add_argument(
        "--redirect-uri",
        metavar="URL",
        help="the client's registered callback URL (else the credentials file's redirect_uri); "
        "live checks that need it skip without one",
    )
    rn.add_argument("--select", nargs="*", metavar="ID_OR_TAG", help="check ids (globs) or tags")
    rn.add_argument("--report-dir", type=Path, default=Path("pm3-reports"), help="where reports go")
    rn.add_argument("--workers", type=int, default=1, help="parallel workers (default 1)")
    rn.add_argument("--deviations", type=Path, metavar="FILE", help="expected-deviations file")
    rn.add_argument(
        "--allow-lockout-risk", action="store_true", help="live: allow wrong-password checks"
    )
    rn.add_argument(
        "--slow",
        action="store_true",
        help=f"live: run the checks that wait out a lifetime of at most {SLOW_LIMIT} s in real "
        "time (the authorization code's 30 s); 'list' names them",
    )
    rn.add_argument("--quiet", action="store_true", help="only the summary")
    rn.add_argument(
        "--fail-on",
        choices=list(reporting.SEVERITY_ORDER),
        default="info",
        help="the least severity whose failure fails the run (exit 1); default: any",
    )

    fp = sub.add_parser("fingerprint", help="which profile does a server match?")
    _add_target_options(fp)
    fp.add_argument("--json", action="store_true", help="machine-readable output")
    fp.add_argument(
        "--profile-file",
        type=Path,
        metavar="FILE",
        help="also record the server and name the fields that differ from this profile file",
    )

    rc = sub.add_parser("record", help="record a server's behaviour into a profile file")
    rc.add_argument("url", help="the server's base URL (or mock / mock-http)")
    _add_connection_options(rc)
    rc.add_argument("--name", help="the recorded profile's name (default: from the host)")
    rc.add_argument("--out", type=Path, required=True, metavar="FILE", help="the profile file")
    rc.add_argument("--json", action="store_true", help="print the recording as JSON")

    oa = sub.add_parser("openapi", help="the OpenAPI 3.1 description of a profile")
    oa.add_argument("--profile", default="documented", help="profile (default documented)")
    oa.add_argument(
        "--workspace", default="workflow", help="the served workspace (default workflow)"
    )
    oa.add_argument("-o", "--output", type=Path, help="file (default: stdout)")

    rp = sub.add_parser("report", help="render or diff reports")
    rsub = rp.add_subparsers(dest="report_command", required=True, parser_class=_Parser)
    render = rsub.add_parser("render", help="render a JSON report")
    render.add_argument("report", type=Path, help="a report.json")
    render.add_argument(
        "--format", choices=["html", "junit", "md"], default="html", help="(default html)"
    )
    render.add_argument(
        "-o",
        "--output",
        type=Path,
        help="file (default: stdout; html and junit refuse a terminal: give -o FILE)",
    )
    diff = rsub.add_parser("diff", help="compare two JSON reports; exit 1 on regressions")
    diff.add_argument("old", type=Path, help="the baseline report.json")
    diff.add_argument("new", type=Path, help="the new report.json")
    diff.add_argument("--format", choices=["md", "html"], default="md", help="(default md)")
    diff.add_argument(
        "-o", "--output", type=Path, help="file (default: stdout; html refuses a terminal)"
    )

    clients_cli.add_parser(sub)
    return parser


def _target(args: argparse.Namespace, profile: str | Profile) -> Target:
    kind = args.target
    mock_profile: str | Profile = getattr(args, "mock_profile", None) or profile
    if kind == "mock":
        return Target.mock(mock_profile)
    if kind == "mock-http":
        return Target.mock_http(mock_profile)
    if not kind.startswith(("http://", "https://")):
        raise UsageError(f"--target must be mock, mock-http or an http(s) URL, not {kind!r}")
    loopback = is_loopback_url(kind)
    if kind.startswith("http://") and not loopback:
        say(
            f"pm3-conformance: warning: {kind} is plain http; credentials and tokens cross the "
            "network readable (the documentation's REST Security section recommends https)",
            file=sys.stderr,
        )
    if (args.rate is not None and args.rate <= 0) or args.max_requests < 1:
        raise UsageError("--rate must be > 0 and --max-requests >= 1")
    if args.max_answer_bytes < 1 or not args.answer_deadline > 0:
        raise UsageError("--max-answer-bytes must be >= 1 and --answer-deadline > 0")
    rate = args.rate if args.rate is not None else (0.0 if loopback else 5.0)
    return Target.url(
        kind,
        args.workspace,
        verify_tls=not args.insecure,
        rate=rate,
        max_requests=args.max_requests,
        allow_lockout_risk=getattr(args, "allow_lockout_risk", False),
        max_answer_bytes=args.max_answer_bytes,
        answer_deadline=args.answer_deadline,
        slow=getattr(args, "slow", False),
    )


def is_loopback_url(url: str) -> bool:
    """Whether a base URL names this machine (``localhost`` or a loopback address)."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Progress:
    """A progress bar on a terminal, one plain line per check elsewhere (CI)."""

    def __init__(
        self,
        total: int,
        label: str,
        stream: TextIO,
        *,
        quiet: bool = False,
        secrets: SecretSet | None = None,
    ) -> None:
        self.total, self.done, self.label, self.stream, self.quiet = total, 0, label, stream, quiet
        self.tty = stream.isatty() and not os.environ.get("CI")
        self.secrets = secrets if secrets is not None else SecretSet()
        """Hides secrets in what a result carries (messages, skip reasons); ids, titles and
        labels are the suite's own text."""

    def __call__(self, result: CheckResult) -> None:
        self.done += 1
        if self.quiet:
            return
        if self.tty:
            width = 30
            filled = int(width * self.done / max(self.total, 1))
            bar = "#" * filled + "." * (width - filled)
            label = terminal(self.label)
            self.stream.write(f"\r[{bar}] {self.done}/{self.total} {label} {result.id:<28}")
            if result.outcome in ("failed", "error"):
                self.stream.write(
                    f"\r{MARKS[result.outcome]:<5} {result.id} {terminal(result.title)}\n"
                )
            self.stream.flush()
        else:
            line = terminal(
                f"{MARKS[result.outcome]:<5} {self.label:<11} {result.id:<26} {result.title}"
            )
            if result.outcome in ("failed", "error") and result.failures:
                line += f"\n      {terminal(self.secrets.redact(result.failures[0].message))}"
            elif result.outcome == "skipped":
                line += f" ({terminal(self.secrets.redact(result.skip_reason))})"
            self.stream.write(line + "\n")
            self.stream.flush()

    def finish(self) -> None:
        if self.tty and not self.quiet:
            self.stream.write("\r" + " " * 90 + "\r")
            self.stream.flush()


def cmd_list(args: argparse.Namespace) -> int:
    specs = CHECKS.select(args.select)
    if args.json:
        rows = [
            {
                "id": s.id,
                "title": s.title,
                "severity": s.severity.value,
                "references": list(s.references),
                "tags": list(s.tags),
                "requires": list(s.requires),
                "live": live_mode(s)[0],
                "live_why": live_mode(s)[1],
                "waits": s.waits or None,
            }
            for s in specs
        ]
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    modes: dict[str, int] = {}
    for s in specs:
        mode, why = live_mode(s)
        modes[mode] = modes.get(mode, 0) + 1
        print(f"{s.id:<26} {s.severity.value:<8} {s.title}")
        print(f"{'':<26} {'; '.join(s.references)}")
        print(f"{'':<26} live: {mode}{f' ({why})' if why else ''}")
    counts = ", ".join(f"{n} {m}" for m, n in sorted(modes.items(), key=lambda kv: _MODES[kv[0]]))
    print(f"{len(specs)} checks; on a live install: {counts}")
    return EXIT_OK


_MODES = {"live": 0, "--allow-lockout-risk": 1, "--slow": 2, "mock-only": 3}
"""The order ``list`` counts the live modes in."""


@dataclasses.dataclass
class _RunState:
    """How far ``run`` got: what a report of a run that stopped says."""

    started_at: float
    label: str = ""
    profile: Profile | None = None
    choice: dict[str, object] | None = None
    deviations: object = None
    runs: list[RunResult] = dataclasses.field(default_factory=list)
    labels: list[str] = dataclasses.field(default_factory=list)


def cmd_run(args: argparse.Namespace, secrets: SecretSet | None = None) -> int:
    """Run the checks and write the reports. When the run stops before its end (a setting
    that cannot be read, a server that cannot be reached, credentials that do not log in) the
    reports are written all the same, saying what failed (:func:`_write_stopped`), and the
    error goes on to :func:`main`: one line, exit 2."""
    secrets = secrets if secrets is not None else SecretSet()
    state = _RunState(started_at=time.time())
    try:
        _run_checks(args, secrets, state)
    except (UsageError, HarnessError, KeyError, reporting.ReportError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        _write_stopped(args, secrets, state, str(message))
        raise
    report = reporting.build_report(
        state.runs,
        state.deviations,
        names=state.labels,
        profile_choice=state.choice,
    )
    written = reporting.write_all(report, args.report_dir)
    say("reports: " + ", ".join(str(p) for p in written))  # the user's own paths, as given
    return reporting.exit_code(report, args.fail_on)


def _write_stopped(
    args: argparse.Namespace, secrets: SecretSet, state: _RunState, message: str
) -> None:
    """The reports of a run that stopped: the runs that ended, and one that says what failed
    (:func:`reporting.stopped_run`). A report directory that cannot be written leaves the
    error as it was: it is what the user is told."""
    profile = state.profile
    target: dict[str, object]
    if args.target in ("mock", "mock-http"):
        target = {"kind": args.target, "workspace": Target.mock().workspace}
        served = args.mock_profile if args.mock_profile not in (None, "all") else None
        if served is not None or profile is not None:
            target["server_profile"] = served or (profile.name if profile else "")
    else:
        target = {"kind": "url", "url": args.target, "workspace": args.workspace}
    name = state.label or (profile.name if profile is not None else str(args.profile or "run"))
    stopped = reporting.stopped_run(
        message,
        name=name,
        target=target,
        profile=profile.name if profile is not None else str(args.profile or "unknown"),
        profile_values=profile.values() if profile is not None else {},
        started_at=state.started_at,
        duration_s=max(0.0, time.time() - state.started_at),
        secrets=secrets,
    )
    report = reporting.build_report(
        state.runs, state.deviations, names=state.labels, profile_choice=state.choice
    )
    report = report.with_runs((*report.runs, stopped))
    try:
        written = reporting.write_all(report, args.report_dir)
    except reporting.ReportError:
        return
    say("reports: " + ", ".join(str(p) for p in written))


def _run_checks(args: argparse.Namespace, secrets: SecretSet, state: _RunState) -> None:
    def say_(text: str) -> None:
        say(text, secrets)

    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    profiles: dict[str, Profile] = dict(PROFILES)
    live = args.target.startswith(("http://", "https://"))
    if args.profile is None:
        args.profile = "auto" if live and args.profile_file is None else "documented"
    auto = args.profile == "auto"
    if auto and not live:
        raise UsageError(
            "--profile auto fingerprints a live server: give --target URL (the embedded mock "
            "runs the profile you name, documented by default)"
        )
    _did_you_mean(args)
    if args.profile_file is not None:
        try:
            from_file = load_profile_file(args.profile_file)
        except ProfileFileError as exc:
            raise UsageError(str(exc)) from None
        profiles[from_file.name] = from_file
        args.profile = from_file.name
    if auto and args.profile_file is not None:
        auto = False  # the file names the expected profile
    expected_names = (
        list(PROFILES) if args.profile == "all" else ["documented" if auto else args.profile]
    )
    mock_names: list[str | None] = [None]
    if args.mock_profile == "all":
        if args.target not in ("mock", "mock-http"):
            raise UsageError("--mock-profile all needs --target mock or mock-http")
        mock_names = list(PROFILES)
    elif args.mock_profile:
        get_profile(args.mock_profile)
    for name in expected_names:
        if name not in profiles:
            get_profile(name)  # one line naming the known ones
    if not auto:
        state.profile = profiles[expected_names[0]]
    specs = CHECKS.select(args.select)
    if args.target.startswith(("http://", "https://")):
        _preflight(_target(args, profiles[expected_names[0]]))
    credentials = load_credentials(args.credentials)
    if args.redirect_uri is not None:
        credentials = dataclasses.replace(
            credentials, redirect_uri=check_redirect_uri(args.redirect_uri, "--redirect-uri")
        )
    secrets.update(credentials.secrets(), always=True)
    if args.deviations:
        state.deviations = reporting.load_deviations(args.deviations)
    # One login with the credentials given; wrong ones stop here (exit 2), before any check
    # sends them again and again (an account lockout on a live server).
    if mock_names[0] is not None:
        args.mock_profile = mock_names[0]
    left_valid = check_login(_target(args, profiles[expected_names[0]]), credentials, secrets)
    if auto:
        expected_names[0], state.choice, fingerprint_left = _choose_profile(
            args, credentials, secrets
        )
        left_valid += fingerprint_left
    for name in expected_names:
        for mock_name in mock_names:
            if mock_name is not None:
                args.mock_profile = mock_name
            label = f"{name} vs mock {mock_name}" if mock_name is not None else name
            state.label, state.profile = label, profiles[name]
            target = _target(args, profiles[name])
            progress = Progress(len(specs), label, sys.stderr, quiet=args.quiet, secrets=secrets)
            result = run(
                specs,
                target,
                profiles[name],
                credentials,
                workers=args.workers,
                on_result=progress,
            )
            progress.finish()
            secrets.merge(result.secrets)
            left_valid += result.tokens_left_valid()
            state.runs.append(result)
            state.labels.append(label)
            state.label = ""
            counts = result.counts()
            say_(
                f"{label}: {counts['passed']} passed, {counts['failed']} failed, "
                f"{counts['error']} errors, {counts['skipped']} skipped in {result.duration_s:.2f}s"
            )
    if args.target.startswith("http://") and is_loopback_url(args.target):
        say_("transport: plain http on this machine (loopback): nothing crosses a network")
    elif args.target.startswith(("http://", "https://")):
        say_(f"transport: {https_redirect_status(args.target, args.workspace)}")
    _warn_left_valid(left_valid, args.target, secrets)


def _choose_profile(
    args: argparse.Namespace, credentials: Credentials, secrets: SecretSet
) -> tuple[str, dict[str, object], list[str]]:
    """``--profile auto``: fingerprint the live target and expect its best match.

    Prints the choice as the run's first line: the profile and how well it matches (every
    observation agrees), or, when it does not, which profile fields differ and how to record
    the server's own profile. Returns the profile's name, the report's ``profile_choice`` and
    the tokens the probe could not expire.
    """
    target = _target(args, "documented")
    with target.session() as session:
        found = probe(LearningTransport(session.transport, secrets), session.workspace, credentials)
    best, total = found.best, len(found.observations)
    differ = found.differences(best)
    choice: dict[str, object] = {
        "how": "auto",
        "best_match": best,
        "score": found.scores[best],
        "total": total,
        "differ": [
            {
                "field": o.field or o.name,
                "observation": o.name,
                "server": o.observed,
                "profile": o.predictions[best],
            }
            for o in differ
        ],
    }
    if not differ:
        say(
            f"profile: {best} (--profile auto: the fingerprint's best match, all {total} "
            "observations agree)",
            secrets,
        )
    else:
        say(
            f"profile: {best} (--profile auto: the fingerprint's best match, but only "
            f"{found.scores[best]} of {total} observations agree; no shipped profile matches "
            f"this server) differs in: {found.differences_text(best)}. Expect failures there; "
            f"record the server's own profile with `pm3-conformance record {target.base_url} "
            "--out FILE` and run with --profile-file FILE",
            secrets,
        )
    return best, choice, list(found.tokens_left_valid)


PROFILE_FILE_SUFFIXES = (".json", ".yaml", ".yml")


def _did_you_mean(args: argparse.Namespace) -> None:
    """``--profile FILE`` and ``--profile-file NAME`` swapped: one line naming the right flag.

    :raises UsageError: a file given to ``--profile``, or a shipped profile's name given to
        ``--profile-file`` where no such file exists.
    """
    name = getattr(args, "profile", None)
    if (
        isinstance(name, str)
        and name not in PROFILES
        and name not in PROFILE_CHOICES
        and (Path(name).is_file() or name.lower().endswith(PROFILE_FILE_SUFFIXES))
    ):
        raise UsageError(
            f"--profile {name}: --profile takes a profile name ({', '.join(PROFILES)}); "
            f"did you mean --profile-file {name}?"
        )
    path = getattr(args, "profile_file", None)
    if path is not None and not path.exists() and str(path) in PROFILES:
        raise UsageError(
            f"--profile-file {path}: no such file, but {path} is a shipped profile; "
            f"did you mean --profile {path}?"
        )


def _warn_left_valid(left: list[str], where: str, secrets: SecretSet) -> None:
    """Tell the user about tokens the run could not expire: they stay valid on the server."""
    line = cleanup.warning(left, where)
    if line is not None:
        say(f"pm3-conformance: {line}", secrets, file=sys.stderr)


def _preflight(target: Target) -> None:
    """Fail fast (exit 2) when a live target cannot be reached at all."""
    from .http import AnswerError
    from .http import HttpRequest

    with target.session() as session:
        try:
            session.transport.send(HttpRequest("OPTIONS", f"/{session.workspace}/oauth2/token"))
        except AnswerError as exc:  # it names the request and what was wrong
            raise HarnessError(str(exc)) from None
        except OSError as exc:
            raise HarnessError(cannot_reach(target.base_url, exc)) from None


def cmd_fingerprint(args: argparse.Namespace, secrets: SecretSet | None = None) -> int:
    secrets = secrets if secrets is not None else SecretSet()
    target = _target(args, "documented")
    credentials = _live_credentials(args, target)
    secrets.update(credentials.secrets(), always=True)
    with target.session() as session:
        result = probe(
            LearningTransport(session.transport, secrets), session.workspace, credentials
        )
    if args.json:
        say(json.dumps(result.to_dict(), indent=2), secrets)
    else:
        say(result.render(), secrets)
    _warn_left_valid(list(result.tokens_left_valid), target.base_url, secrets)
    if args.profile_file is not None:
        _did_you_mean(args)
        try:
            baseline = load_profile_file(args.profile_file)
        except ProfileFileError as exc:
            raise UsageError(str(exc)) from None
        with target.session() as session:
            recording = record(
                LearningTransport(session.transport, secrets),
                session.workspace,
                credentials,
                url=target.base_url,
                secrets=secrets,
            )
        differ = [
            (f, getattr(baseline, f), m.value)
            for f, m in recording.measured.items()
            if getattr(baseline, f) != m.value
        ]
        if not differ:
            say(f"matches {args.profile_file}: all {len(recording.measured)} measured fields agree")
            return EXIT_OK
        say(f"differs from {args.profile_file} in {len(differ)} field(s):")
        for fname, expected, seen in differ:
            say(
                f"  {fname}: file {json.dumps(_plain(expected))}, server {json.dumps(_plain(seen))}",
                secrets,
            )
        return EXIT_FAILED
    return EXIT_OK


def _live_credentials(args: argparse.Namespace, target: Target) -> Credentials:
    """The credentials a probe of ``target`` logs in with; on a live target, a note when they
    are the documentation's example (none were given), so a refusal is not a mystery. The note
    heads the output (stderr with ``--json``): an error stays the one line on stderr."""
    credentials = load_credentials(args.credentials)
    if credentials.documented and not target.controllable:
        say(
            "pm3-conformance: note: no --credentials FILE and no PM3_* variables: using the "
            f"documentation's example credentials (client {credentials.client_id}, user "
            f"{credentials.username}); your install's are in its oauthCredentials.json",
            file=sys.stderr if args.json else sys.stdout,  # --json keeps stdout JSON
        )
    return credentials


def _plain(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def cmd_record(args: argparse.Namespace, secrets: SecretSet | None = None) -> int:
    secrets = secrets if secrets is not None else SecretSet()
    args.target = args.url
    target = _target(args, "documented")
    credentials = _live_credentials(args, target)
    secrets.update(credentials.secrets(), always=True)
    with target.session() as session:
        recording = record(
            LearningTransport(session.transport, secrets),
            session.workspace,
            credentials,
            url=target.base_url,
            secrets=secrets,
        )
    name = args.name or _profile_name(target.base_url)
    data = recording.profile_file(name)
    try:
        write_text(args.out, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise UsageError(f"--out {args.out}: {exc.strerror or exc}") from None
    if args.json:
        say(json.dumps(data, indent=2, ensure_ascii=False), secrets)
    else:
        say(recording.table(), secrets)
        say(f"profile file: {args.out}")
    _warn_left_valid(recording.tokens_left_valid, target.base_url, secrets)
    return EXIT_OK


def _profile_name(base_url: str) -> str:
    host = urlsplit(base_url).hostname or "server"
    name = re.sub(r"[^A-Za-z0-9._-]", "-", f"recorded-{host}")[:64]
    return name if name[0].isalnum() else f"r{name}"[:64]


def cmd_openapi(args: argparse.Namespace) -> int:
    from .openapi import render

    get_profile(args.profile)  # an unknown name: one line, exit 2
    text = render(args.profile, args.workspace)
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        write_text(args.output, text)
    except OSError as exc:
        raise UsageError(f"-o {args.output}: {exc.strerror or exc}") from None
    return EXIT_OK


HYPOTHESIS_STORAGE = "HYPOTHESIS_STORAGE_DIRECTORY"


def keep_hypothesis_in_cache(environ: dict[str, str] | None = None) -> Path:
    """Where hypothesis keeps its files (the property checks' constants cache): the user's cache
    directory (``$XDG_CACHE_HOME`` or ``~/.cache``, then ``pm3-conformance/hypothesis``), not a
    ``.hypothesis/`` in the working directory. A ``HYPOTHESIS_STORAGE_DIRECTORY`` the user set
    wins. Sets it in ``environ`` (default ``os.environ``, read when hypothesis first writes)."""
    env: dict[str, str] | os._Environ[str] = os.environ if environ is None else environ
    given = env.get(HYPOTHESIS_STORAGE)
    if given:
        return Path(given)
    cache = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    where = Path(cache) / "pm3-conformance" / "hypothesis"
    env[HYPOTHESIS_STORAGE] = str(where)
    return where


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in ("run", "clients"):
        keep_hypothesis_in_cache()
    secrets = SecretSet()  # what this command knows; every line it prints is redacted with it

    def show_warning(
        message: Warning | str, category: type[Warning], *args: object, **kwargs: object
    ) -> None:
        say(f"pm3-conformance: warning: {message}", secrets, file=sys.stderr)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", CredentialsWarning)
            warnings.showwarning = show_warning
            if args.command == "list":
                return cmd_list(args)
            if args.command == "run":
                return cmd_run(args, secrets)
            if args.command == "fingerprint":
                return cmd_fingerprint(args, secrets)
            if args.command == "report":
                return reporting.cmd_report(args)
            if args.command == "openapi":
                return cmd_openapi(args)
            if args.command == "record":
                return cmd_record(args, secrets)
            return clients_cli.run_clients_command(args)
    except (UsageError, HarnessError, KeyError, reporting.ReportError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        say(f"pm3-conformance: error: {message}", secrets, file=sys.stderr, one_line=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("pm3-conformance: interrupted", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
