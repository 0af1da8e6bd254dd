"""``pm3-mockserver``: serve the mock ProcessMaker 3 server until Ctrl-C.

Every user mistake (a bad flag, a missing or malformed file, a port in use) ends in one clear line
on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import ssl
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from mockserver.scripting.scenario import ScenarioError
from mockserver.scripting.scenario import load_scenario
from mockserver.scripting.scenario import scenario_seed
from mockserver.server import MockServer
from mockserver.serving.http11 import bind
from mockserver.serving.workers import default_db_dir
from mockserver.serving.workers import serve_workers
from mockserver.state.profiles import DEFAULT_PROFILE
from mockserver.state.profiles import PROFILES
from mockserver.state.seed import DOC_CLIENT_ID
from mockserver.state.seed import DOC_CLIENT_SECRET
from mockserver.state.seed import DOC_PASSWORD
from mockserver.state.seed import DOC_USERNAME
from mockserver.state.seed import Seed
from mockserver.state.seed import SeedError
from mockserver.state.seed import default_seed
from mockserver.state.seed import load_seed_file
from mockserver.state.world import WorkspaceNameError
from mockserver.state.world import check_workspace_name

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"pm3-mockserver: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pm3-mockserver",
        description="A mock ProcessMaker 3 server for OAuth 2.0 REST login.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8080, help="port; 0 picks a free one (default 8080)"
    )
    parser.add_argument(
        "--profile", default=DEFAULT_PROFILE, help=f"version profile (default {DEFAULT_PROFILE})"
    )
    parser.add_argument("--list-profiles", action="store_true", help="list the profiles and exit")
    parser.add_argument(
        "--workspace",
        action="append",
        dest="workspaces",
        metavar="NAME",
        help="a workspace to serve (repeatable; default workflow)",
    )
    parser.add_argument("--db", type=Path, metavar="DIR", help="persist workspace databases in DIR")
    parser.add_argument("--seed", type=Path, metavar="FILE", help="seed file (JSON or YAML)")
    parser.add_argument(
        "--callback", metavar="URL", help="callback URL of the documentation's client"
    )
    parser.add_argument(
        "--scenario",
        type=Path,
        metavar="FILE",
        default=os.environ.get("PM3_MOCKSERVER_SCENARIO") or None,
        help="scenario file (JSON or YAML): seed, profile, clock, overrides, faults",
    )
    parser.add_argument(
        "--control", action="store_true", help="enable the HTTP control API under /_pm3/"
    )
    parser.add_argument(
        "--control-token",
        metavar="TOKEN",
        help="also let non-loopback peers use the control API with X-PM3-Control-Token",
    )
    parser.add_argument(
        "--journal-size", type=int, default=5000, metavar="N", help="exchanges kept (default 5000)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="serve from N processes sharing one --db (default 1)",
    )
    parser.add_argument("--tls-cert", type=Path, metavar="FILE")
    parser.add_argument("--tls-key", type=Path, metavar="FILE")
    return parser


def _fail(message: str) -> int:
    print(f"pm3-mockserver: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _tls(cert: Path | None, key: Path | None) -> ssl.SSLContext | None:
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        raise ValueError("--tls-cert and --tls-key go together")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(str(cert), str(key))
    except (OSError, ssl.SSLError) as exc:
        raise ValueError(f"cannot load TLS certificate/key: {exc}") from None
    return context


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.list_profiles:
        for name, profile in PROFILES.items():
            marker = " (default)" if name == DEFAULT_PROFILE else ""
            print(f"{name:<12} {profile.summary}{marker}")
        return 0
    if args.profile not in PROFILES:
        return _fail(f"unknown profile {args.profile!r}; known: {', '.join(PROFILES)}")
    if args.journal_size < 1:
        return _fail("--journal-size must be at least 1")
    if args.workers < 1:
        return _fail("--workers must be at least 1")
    if args.workers > 1 and args.control:
        return _fail(
            "--control needs a single process: overrides, faults and the clock live in one"
        )
    if args.control_token and not args.control:
        return _fail("--control-token needs --control")
    if not 0 <= args.port <= 65535:
        return _fail(f"--port must be 0-65535, not {args.port}")
    workspaces = tuple(args.workspaces or ["workflow"])
    try:
        for name in workspaces:
            check_workspace_name(name)
    except WorkspaceNameError as exc:
        return _fail(str(exc))
    try:
        seed: Seed = default_seed(args.callback) if args.callback else default_seed()
        if args.seed is not None:
            seed = load_seed_file(args.seed).merged_over(seed)
        scenario = load_scenario(args.scenario) if args.scenario is not None else None
        if scenario is not None:
            seed = scenario_seed(scenario, seed, str(args.scenario))
            if "profile" in scenario:
                args.profile = scenario["profile"]
            workspaces = tuple(dict.fromkeys([*workspaces, *scenario.get("workspaces", [])]))
        tls = _tls(args.tls_cert, args.tls_key)
    except (SeedError, ScenarioError, ValueError) as exc:
        return _fail(str(exc))
    if args.db is not None and args.db.exists() and not args.db.is_dir():
        return _fail(f"--db {args.db}: not a directory")
    if args.workers > 1:
        return _serve_many(args, workspaces, seed, tls, scenario)
    try:
        server = MockServer(
            args.profile,
            workspaces=workspaces,
            host=args.host,
            port=args.port,
            db_dir=args.db,
            seed=seed,
            ssl_context=tls,
            journal_capacity=args.journal_size,
            control=args.control,
            control_token=args.control_token,
        )
        if scenario is not None:
            server.apply_scenario({k: v for k, v in scenario.items() if k != "seed"})
        server.start()
    except OSError as exc:
        return _fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    _announce(server, workspaces, seed)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    print("pm3-mockserver: stopped", file=sys.stderr)
    return 0


def _serve_many(
    args: argparse.Namespace,
    workspaces: tuple[str, ...],
    seed: Seed,
    tls: ssl.SSLContext | None,
    scenario: dict[str, object] | None,
) -> int:
    """``--workers N``: a shared socket and database, N forked processes."""
    temporary = args.db is None
    db_dir = args.db or default_db_dir()
    try:
        return _serve_many_in(args, workspaces, seed, tls, scenario, db_dir)
    finally:
        if temporary:
            shutil.rmtree(db_dir, ignore_errors=True)


def _serve_many_in(
    args: argparse.Namespace,
    workspaces: tuple[str, ...],
    seed: Seed,
    tls: ssl.SSLContext | None,
    scenario: dict[str, object] | None,
    db_dir: Path,
) -> int:

    def make() -> MockServer:
        server = MockServer(
            args.profile,
            workspaces=workspaces,
            host=args.host,
            port=args.port,
            db_dir=db_dir,
            seed=seed,
            ssl_context=tls,
            journal_capacity=args.journal_size,
        )
        if scenario is not None:
            server.apply_scenario({k: v for k, v in scenario.items() if k != "seed"})
        return server

    try:
        sock = bind(args.host, args.port)
    except OSError as exc:
        return _fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    seeding = make()  # creates and seeds the databases once, before the workers open them
    seeding.port = sock.getsockname()[1]
    seeding.state.close()
    announcer = make()
    announcer._server = None
    announcer.port = seeding.port
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    _announce(announcer, workspaces, seed, port=seeding.port, workers=args.workers, db_dir=db_dir)
    code = serve_workers(make, sock, args.workers, stop=stop)
    announcer.state.close()
    sock.close()
    print("pm3-mockserver: stopped", file=sys.stderr)
    return code


def _announce(
    server: MockServer,
    workspaces: tuple[str, ...],
    seed: Seed,
    *,
    port: int | None = None,
    workers: int = 1,
    db_dir: Path | None = None,
) -> None:
    if server.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"pm3-mockserver: WARNING: listening on {server.host}, reachable from other machines; "
            "the mock holds test credentials only and has no protection",
            file=sys.stderr,
        )
    scheme = "https" if server.ssl_context is not None else "http"
    host = f"[{server.host}]" if ":" in server.host else server.host
    url = server.url if port is None else f"{scheme}://{host}:{port}"
    lines = [f"pm3-mockserver {server.profile.name} profile serving at {url}"]
    if workers > 1:
        lines.append(f"  {workers} worker processes sharing {db_dir}")
    for ws in workspaces:
        lines.append(f"  workspace {ws}: token URL {url}/{ws}/oauth2/token")
        lines.append(f"                  authorize {url}/{ws}/oauth2/authorize")
        lines.append(f"                  REST API  {url}/api/1.0/{ws}/users")
    lines.append("  credentials (test values, seeded):")
    for client in seed.clients:
        lines.append(f"    client_id={client.client_id} client_secret={client.client_secret}")
    for user in seed.users:
        lines.append(f"    username={user.username} password={user.password}")
    if any(
        c.client_id == DOC_CLIENT_ID and c.client_secret == DOC_CLIENT_SECRET for c in seed.clients
    ) and any(u.username == DOC_USERNAME and u.password == DOC_PASSWORD for u in seed.users):
        lines.append(
            "  try: curl -s -d grant_type=password -d scope='*' "
            f"-d client_id={DOC_CLIENT_ID} -d client_secret={DOC_CLIENT_SECRET} "
            f"-d username={DOC_USERNAME} -d password={DOC_PASSWORD} {url}/{workspaces[0]}/oauth2/token"
        )
    if server.app.control is not None:
        lines.append(f"  control API: {url}/_pm3/health (loopback only)")
    lines.append("Ctrl-C stops it.")
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    sys.exit(main())
