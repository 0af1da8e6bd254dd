"""``pm3-mockserver``: serve the mock ProcessMaker 3 server until Ctrl-C (``python -m mockserver``).

Every user mistake (a bad flag, a missing or malformed file, a port in use) ends in one clear line
on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sqlite3
import ssl
import stat
import sys
import threading
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

from mockserver.scripting.scenario import ScenarioError
from mockserver.scripting.scenario import load_scenario
from mockserver.scripting.scenario import scenario_seed
from mockserver.server import MockServer
from mockserver.serving.workers import default_db_dir
from mockserver.serving.workers import die_with_parent
from mockserver.serving.workers import free_port
from mockserver.serving.workers import serve_granian
from mockserver.serving.workers import wait_listening
from mockserver.state.backend import StoreConfigError
from mockserver.state.backend import StoreError
from mockserver.state.explain import document
from mockserver.state.explain import explain
from mockserver.state.mock_state import check_workspace_name
from mockserver.state.mysql import PASSWORD_ENV
from mockserver.state.mysql import MysqlTarget
from mockserver.state.mysql import parse_store_url
from mockserver.state.profile_files import ProfileFileError
from mockserver.state.profile_files import export_profile
from mockserver.state.profile_files import load_profile_file
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

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

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
    parser.add_argument(
        "--profile-file",
        type=Path,
        metavar="FILE",
        help="serve a profile file (JSON or YAML): a shipped profile extended field by field",
    )
    parser.add_argument(
        "--export-profile",
        metavar="NAME",
        help="print a shipped profile as a profile file (JSON) and exit",
    )
    parser.add_argument("--list-profiles", action="store_true", help="list the profiles and exit")
    parser.add_argument(
        "--explain",
        nargs="?",
        const="",
        metavar="FIELD",
        help="print the behaviour reference (one profile field, or all) and exit",
    )
    parser.add_argument(
        "--workspace",
        action="append",
        dest="workspaces",
        metavar="NAME",
        help="a workspace to serve (repeatable; default workflow)",
    )
    parser.add_argument("--db", type=Path, metavar="DIR", help="persist workspace databases in DIR")
    parser.add_argument(
        "--store",
        metavar="URL",
        help="keep the workspaces on a MariaDB server, mysql://USER@HOST:PORT/ (one database "
        f"wf_<workspace> each; the password from {PASSWORD_ENV} or --store-password-file); "
        "every mock on one store acts as one ProcessMaker",
    )
    parser.add_argument(
        "--store-password-file",
        type=Path,
        metavar="FILE",
        help="the --store password from the first line of FILE (chmod 600)",
    )
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
    token = parser.add_mutually_exclusive_group()
    token.add_argument(
        "--control-token",
        metavar="TOKEN",
        help="also let non-loopback peers use the control API with X-PM3-Control-Token "
        f"(other local users can read it in the process list: prefer --control-token-file or "
        f"{CONTROL_TOKEN_ENV})",
    )
    token.add_argument(
        "--control-token-file",
        type=Path,
        metavar="FILE",
        help="the control token from the first line of FILE (chmod 600)",
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
    parser.add_argument(
        "--tls-cert", type=Path, metavar="FILE", help="serve https: certificate chain (PEM)"
    )
    parser.add_argument("--tls-key", type=Path, metavar="FILE", help="its private key (PEM)")
    return parser


CONTROL_TOKEN_ENV = "PM3_MOCKSERVER_CONTROL_TOKEN"
"""The control token from the environment, when neither flag gives one."""
MAX_TOKEN_FILE = 4096


def control_token(args: argparse.Namespace, environ: Mapping[str, str]) -> str | None:
    """The control token: ``--control-token``, else ``--control-token-file``, else
    :data:`CONTROL_TOKEN_ENV` (used only with ``--control``), else ``None``.

    :raises _UsageError: an unreadable or empty file, or a token no header can carry.
    """
    if args.control_token is not None:
        token, origin = args.control_token, "--control-token"
    elif args.control_token_file is not None:
        path = args.control_token_file
        origin = f"--control-token-file {path}"
        try:
            mode = path.stat().st_mode
            with path.open("rb") as stream:
                raw = stream.read(MAX_TOKEN_FILE + 1)
        except OSError as exc:
            raise _UsageError(f"{origin}: cannot read ({exc.strerror or exc})") from None
        if len(raw) > MAX_TOKEN_FILE:
            raise _UsageError(f"{origin}: longer than {MAX_TOKEN_FILE} bytes; one line is read")
        lines = raw.decode("utf-8", errors="replace").splitlines()
        token = lines[0].strip() if lines else ""
        if not token:
            raise _UsageError(f"{origin}: the first line is empty")
        if mode & (stat.S_IRGRP | stat.S_IROTH):
            print(
                f"pm3-mockserver: warning: {path} can be read by other users (chmod 600 {path})",
                file=sys.stderr,
            )
    elif args.control and environ.get(CONTROL_TOKEN_ENV):
        token, origin = environ[CONTROL_TOKEN_ENV], CONTROL_TOKEN_ENV
    else:
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in token) or token != token.strip():
        raise _UsageError(
            f"{origin}: the token has control characters or surrounding spaces, which no "
            "X-PM3-Control-Token header can carry"
        )
    return str(token)


def store_target(args: argparse.Namespace, environ: Mapping[str, str]) -> MysqlTarget | None:
    """The ``--store`` server and its password (file first, then :data:`PASSWORD_ENV`).

    :raises _UsageError: a bad URL, no password, an unreadable file, ``--store`` with ``--db``.
    """
    if args.store is None:
        if args.store_password_file is not None:
            raise _UsageError("--store-password-file needs --store")
        return None
    if args.db is not None:
        raise _UsageError("--store and --db exclude each other: the workspaces live in one place")
    password = environ.get(PASSWORD_ENV)
    if args.store_password_file is not None:
        try:
            lines = args.store_password_file.read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise _UsageError(
                f"--store-password-file {args.store_password_file}: cannot read it ({exc})"
            ) from None
        password = lines[0] if lines else ""
    try:
        return parse_store_url(args.store, password)
    except StoreConfigError as exc:
        raise _UsageError(str(exc)) from None


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


class _UsageError(ValueError):
    """A user mistake found while preparing a run: one line, exit 2."""


Prepared = tuple[tuple[str, ...], Seed, "dict[str, Any] | None", "ssl.SSLContext | None"]


def _prepare(args: argparse.Namespace) -> Prepared:
    """Workspaces, seed, scenario and TLS context of a run; the same in the master and workers.

    :raises _UsageError: naming the mistake.
    """
    workspaces = tuple(args.workspaces or ["workflow"])
    if args.profile_file is not None:
        try:
            args.profile = load_profile_file(args.profile_file)
        except ProfileFileError as exc:
            raise _UsageError(str(exc)) from None
    try:
        for name in workspaces:
            check_workspace_name(name)
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
        raise _UsageError(str(exc)) from None
    if args.db is not None:
        _check_db_dir(args.db, workspaces)
    return workspaces, seed, scenario, tls


DB_COMPANIONS = ("", "-wal", "-shm", "-journal")
"""SQLite's files of one database: the database, its write-ahead log, shared memory, journal."""


def _check_db_dir(db: Path, workspaces: tuple[str, ...]) -> None:
    """``--db`` is a directory, and none of the files the mock would open there is a link.

    SQLite follows links: a ``-shm`` link would write outside ``--db`` (or fail, if it dangles).
    :raises _UsageError: naming the file.
    """
    if db.exists() and not db.is_dir():
        raise _UsageError(f"--db {db}: not a directory")
    for name in workspaces:
        for suffix in DB_COMPANIONS:
            path = db / f"wf_{name}.sqlite{suffix}"
            if path.is_symlink():
                raise _UsageError(
                    f"--db {db}: {path.name} is a link; the mock keeps its databases in --db "
                    "and does not write through links (remove it)"
                )


def _db_problem(args: argparse.Namespace, exc: sqlite3.Error | ValueError) -> str:
    """One line for a database the mock cannot open (corrupt, locked, not SQLite)."""
    where = f"--db {args.db}: " if args.db is not None else ""
    return f"{where}cannot open a workspace database: {exc}"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.list_profiles:
        for name, profile in PROFILES.items():
            marker = " (default)" if name == DEFAULT_PROFILE else ""
            print(f"{name:<12} {profile.summary}{marker}")
        return 0
    if args.explain is not None:
        try:
            print(explain([args.explain]) if args.explain else document(), end="")
        except KeyError as exc:
            return _fail(str(exc.args[0]))
        return 0
    if args.export_profile is not None:
        if args.export_profile not in PROFILES:
            return _fail(f"unknown profile {args.export_profile!r}; known: {', '.join(PROFILES)}")
        print(
            json.dumps(export_profile(PROFILES[args.export_profile]), indent=2, ensure_ascii=False)
        )
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
    if (args.control_token is not None or args.control_token_file is not None) and not args.control:
        return _fail("--control-token and --control-token-file need --control")
    if not 0 <= args.port <= 65535:
        return _fail(f"--port must be 0-65535, not {args.port}")
    try:
        prepared = _prepare(args)
        token = control_token(args, os.environ)
        args.store_target = store_target(args, os.environ)
    except _UsageError as exc:
        return _fail(str(exc))
    if args.workers > 1:
        return _serve_many(args, list(argv if argv is not None else sys.argv[1:]), prepared)
    try:
        server = _make_server(args, prepared, args.db, control=args.control, control_token=token)
        server.start()
    except StoreError as exc:
        return _fail(str(exc))
    except (sqlite3.Error, ValueError) as exc:
        return _fail(_db_problem(args, exc))
    except OSError as exc:
        return _fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    workspaces, seed = prepared[0], prepared[1]
    _announce(server, workspaces, seed, store=args.store_target)
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


ARGV_ENV = "PM3_MOCKSERVER_ARGV"
DB_ENV = "PM3_MOCKSERVER_DB"
SOCKET_FAULTS = ("reset", "reset_mid_response", "truncate", "rotate_then_drop")


def _make_server(
    args: argparse.Namespace, prepared: Prepared, db_dir: Path | None, **kwargs: Any
) -> MockServer:
    workspaces, seed, scenario, tls = prepared
    server = MockServer(
        args.profile,
        workspaces=workspaces,
        host=args.host,
        port=args.port,
        db_dir=db_dir,
        store=getattr(args, "store_target", None),
        seed=seed,
        ssl_context=tls,
        journal_capacity=args.journal_size,
        **kwargs,
    )
    if scenario is not None:
        server.apply_scenario({k: v for k, v in scenario.items() if k != "seed"})
    return server


def worker_app() -> WSGIApplication:
    """The WSGI app of one ``--workers`` process (granian calls it in each worker).

    The master validated the command line and seeded the databases; a worker parses the same
    command line again (from the environment), so both build the same mock."""
    die_with_parent(os.getppid())
    args = build_parser().parse_args(json.loads(os.environ[ARGV_ENV]))
    args.store_target = store_target(args, os.environ)
    db = os.environ[DB_ENV]
    server = _make_server(args, _prepare(args), Path(db) if db else None)
    return server.app


def _serve_many(args: argparse.Namespace, argv: list[str], prepared: Prepared) -> int:
    """``--workers N``: N granian worker processes over one --db."""
    scenario = prepared[2] or {}
    kinds = [f.get("fault") for f in [*scenario.get("faults", []), *scenario.get("overrides", [])]]
    socket_faults = sorted({k for k in kinds if k in SOCKET_FAULTS})
    if socket_faults:
        return _fail(
            f"--workers: connection faults ({', '.join(socket_faults)}) need the raw socket, "
            "which only the single-process engine has; drop --workers for this scenario"
        )
    shared = args.store_target is not None  # the workspaces live on the --store server
    temporary = args.db is None and not shared
    db_dir: Path | None = None if shared else (args.db or default_db_dir()).resolve()
    try:
        port = args.port or free_port(args.host)
        seeding = _make_server(args, prepared, db_dir)  # creates and seeds the databases once
        seeding.port = port
        scheme = "https" if seeding.ssl_context is not None else "http"
        bracketed = f"[{args.host}]" if ":" in args.host else args.host
        seeding.state.set_origin(f"{scheme}://{bracketed}:{port}")  # the built-ins' callback
        seeding.state.close()

        def announce_when_listening() -> None:
            if wait_listening(args.host, port):
                _announce(
                    seeding,
                    prepared[0],
                    prepared[1],
                    port=port,
                    workers=args.workers,
                    db_dir=db_dir,
                    store=args.store_target,
                )

        threading.Thread(target=announce_when_listening, daemon=True).start()
        tls = (args.tls_cert, args.tls_key) if args.tls_cert and args.tls_key else None
        serve_granian(
            "mockserver.cli:worker_app",
            workers=args.workers,
            host=args.host,
            port=port,
            tls=tls,
            environment={ARGV_ENV: json.dumps(argv), DB_ENV: str(db_dir or "")},
        )
    except StoreError as exc:
        return _fail(str(exc))
    except (sqlite3.Error, ValueError) as exc:
        return _fail(_db_problem(args, exc))
    except OSError as exc:
        return _fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    finally:
        if temporary and db_dir is not None:
            shutil.rmtree(db_dir, ignore_errors=True)
    print("pm3-mockserver: stopped", file=sys.stderr)
    return 0


def _announce(
    server: MockServer,
    workspaces: tuple[str, ...],
    seed: Seed,
    *,
    port: int | None = None,
    workers: int = 1,
    db_dir: Path | None = None,
    store: MysqlTarget | None = None,
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
        lines.append(f"  {workers} worker processes sharing {store.url if store else db_dir}")
    elif store is not None:
        lines.append(f"  workspaces on {store.url} (databases wf_<workspace>)")
    for ws in workspaces:
        lines.append(f"  workspace {ws}: token URL {url}/{ws}/oauth2/token")
        lines.append(f"                  authorize {url}/{ws}/oauth2/authorize")
        lines.append(f"                  REST API  {url}/api/1.0/{ws}/users")
    lines.append("  credentials (test values, seeded):")
    for client in seed.clients_for(mobile_client=server.profile.mobile_client_seeded):
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
