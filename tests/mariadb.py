"""A MariaDB server for the tests of the ``--store`` backend.

``PM3_STORE`` (``mysql://USER@HOST:PORT/``), ``PM3_STORE_PASSWORD`` and ``PM3_STORE_RO``
(a user without the CREATE grant) name one; ``.ci/run`` starts a private server and exports them.
Without them, a private server is started from Debian's ``mariadb-server`` when it is installed
(``.ci/mariadb start DIR``: a data directory in a temp folder, loopback, a user with a password).
When neither is possible the tests skip locally, saying why, and fail in CI (``CI`` set).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import replace
from pathlib import Path

import pytest

from mockserver.state.mysql import MysqlTarget
from mockserver.state.mysql import parse_store_url

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / ".ci" / "mariadb"


@dataclass(frozen=True)
class Server:
    url: str
    """``mysql://pm3@127.0.0.1:PORT/``: may create ``wf_*`` databases."""
    read_only_url: str
    """A user with SELECT only (no CREATE grant)."""
    password: str

    def workspace(self) -> str:
        """A fresh workspace name (its database does not exist yet)."""
        return "t" + uuid.uuid4().hex[:12]

    def env(self) -> dict[str, str]:
        return {**os.environ, "PM3_STORE_PASSWORD": self.password}

    def private_target(self) -> MysqlTarget:
        """The server with databases of a prefix of their own (``wf_<random>_<workspace>``): a
        test's mock serves its usual workspace names without meeting another test's."""
        target = parse_store_url(self.url, self.password)
        return replace(target, prefix=f"wf_{uuid.uuid4().hex[:10]}_")

    def drop(self, target: MysqlTarget) -> None:
        """Drop every database of ``target``'s prefix."""
        import pymysql

        conn = pymysql.connect(
            host=target.host, port=target.port, user=target.user, password=target.password
        )
        try:
            cur = conn.cursor()
            cur.execute("SHOW DATABASES LIKE %s", (target.prefix.replace("_", "\\_") + "%",))
            for (name,) in cur.fetchall():
                cur.execute(f"DROP DATABASE `{name}`")
        finally:
            conn.close()


def _missing() -> str | None:
    if os.environ.get("PM3_STORE") and os.environ.get("PM3_STORE_PASSWORD"):
        return None
    for program in ("mariadb-install-db", "mariadb"):
        if shutil.which(program) is None:
            return f"no MariaDB ({program} not found; PM3_STORE not set)"
    if not Path("/usr/sbin/mariadbd").exists():
        return "no MariaDB (/usr/sbin/mariadbd not found; PM3_STORE not set)"
    return None


def _start() -> tuple[Server, Path | None]:
    if os.environ.get("PM3_STORE") and os.environ.get("PM3_STORE_PASSWORD"):
        url = os.environ["PM3_STORE"]
        return Server(
            url, os.environ.get("PM3_STORE_RO", ""), os.environ["PM3_STORE_PASSWORD"]
        ), None
    home = Path(tempfile.mkdtemp(prefix="pm3-mariadb-"))
    out = subprocess.run(
        ["bash", str(SCRIPT), "start", str(home)], capture_output=True, text=True, timeout=120
    )
    if out.returncode != 0:
        raise RuntimeError(f"cannot start MariaDB: {out.stderr.strip() or out.stdout.strip()}")
    env = dict(
        line.removeprefix("export ").split("=", 1)
        for line in out.stdout.splitlines()
        if "=" in line
    )
    return Server(env["PM3_STORE"], env["PM3_STORE_RO"], env["PM3_STORE_PASSWORD"]), home


@pytest.fixture(scope="session")
def mariadb() -> Iterator[Server]:
    """The test MariaDB server (skips locally when there is none; never in CI)."""
    missing = _missing()
    if missing is not None:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}: .ci/run must provide MariaDB")
        pytest.skip(f"{missing} (.ci/run installs and starts it; in CI these tests never skip)")
    server, home = _start()
    try:
        yield server
    finally:
        if home is not None:
            subprocess.run(["bash", str(SCRIPT), "stop", str(home)], timeout=60, check=False)
            shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def mariadb_target(mariadb: Server) -> Iterator[MysqlTarget]:
    """Databases on the test server that a session's store tests share, made once (ProcessMaker's
    tables are many); each test empties what it uses first."""
    target = mariadb.private_target()
    try:
        yield target
    finally:
        mariadb.drop(target)
