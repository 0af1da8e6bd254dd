"""``--store``: mock hosts (processes) on one MariaDB server act as one ProcessMaker."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pymysql
import pytest
import requests

from mockserver.cli import main
from mockserver.state.casework import DEMO_PRO_UID
from mockserver.state.casework import DEMO_START_TAS_UID
from mockserver.state.mysql import parse_store_url
from mockserver.state.seed import ADMIN_UID
from mockserver.state.seed import DOC_CLIENT_ID
from mockserver.state.seed import DOC_CLIENT_SECRET
from tests.mariadb import Server
from tests.mockserver.helpers import password_params

ROUNDS = 5
RACERS = 20


def _host(server: Server, workspace: str, *extra: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "mockserver", "--port", "0"),
            *("--store", server.url, "--workspace", workspace, *extra),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**server.env(), "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()
    assert "serving at" in first, first + (proc.stderr.read() if proc.stderr else "")
    return proc, first.rsplit(" ", 1)[1].strip()


@pytest.fixture(params=[()])
def hosts(mariadb: Server, request: pytest.FixtureRequest) -> Iterator[tuple[str, list[str]]]:
    workspace = mariadb.workspace()
    started = [_host(mariadb, workspace, *request.param) for _ in range(2)]
    try:
        yield workspace, [url for _, url in started]
    finally:
        for proc, _ in started:
            proc.terminate()
            proc.communicate(timeout=30)
        t = parse_store_url(mariadb.url, mariadb.password)
        conn = pymysql.connect(host=t.host, port=t.port, user=t.user, password=t.password)
        conn.cursor().execute(f"DROP DATABASE IF EXISTS `wf_{workspace}`")
        conn.close()


def _refresh(url: str, workspace: str, token: str) -> requests.Response:
    return requests.post(
        f"{url}/{workspace}/oauth2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": token,
            "client_id": DOC_CLIENT_ID,
            "client_secret": DOC_CLIENT_SECRET,
        },
        timeout=30,
    )


def test_a_token_issued_by_one_host_is_valid_on_the_other(hosts: tuple[str, list[str]]) -> None:
    workspace, (a, b) = hosts
    issued = requests.post(f"{a}/{workspace}/oauth2/token", data=password_params(), timeout=30)
    assert issued.status_code == 200, issued.text
    body = issued.json()
    lists = []
    for url in (a, b):
        answer = requests.get(
            f"{url}/api/1.0/{workspace}/users",
            headers={"Authorization": f"Bearer {body['access_token']}"},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        lists.append(answer.json())
        bogus = requests.get(
            f"{url}/api/1.0/{workspace}/users",
            headers={"Authorization": "Bearer " + "0" * 40},
            timeout=30,
        )
        assert bogus.status_code == 401
    assert lists[0] == lists[1] and {u["usr_username"] for u in lists[0]} == {"admin", "johndoe"}
    refreshed = _refresh(b, workspace, body["refresh_token"])
    assert "access_token" in refreshed.json(), refreshed.text
    assert _refresh(a, workspace, body["refresh_token"]).json()["error"] == "invalid_grant"


def test_a_user_and_a_case_made_on_one_host_are_there_on_the_other(
    hosts: tuple[str, list[str]],
) -> None:
    """The REST resources keep their rows in ProcessMaker's tables on the shared server."""
    workspace, (a, b) = hosts
    token = requests.post(
        f"{a}/{workspace}/oauth2/token", data=password_params(), timeout=30
    ).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    made = requests.post(
        f"{a}/api/1.0/{workspace}/user",
        json={
            "usr_username": "mmajor",
            "usr_firstname": "Mary",
            "usr_lastname": "Major",
            "usr_email": "mary@example.com",
            "usr_due_date": "2030-12-31",
            "usr_status": "ACTIVE",
            "usr_role": "PROCESSMAKER_OPERATOR",
            "usr_new_pass": "s3cret",
        },
        headers=auth,
        timeout=30,
    )
    assert made.status_code == 201, made.text
    uid = made.json()["USR_UID"]  # create() answers upper-case keys
    seen = requests.get(f"{b}/api/1.0/{workspace}/user/{uid}", headers=auth, timeout=30)
    assert seen.status_code == 200 and seen.json()["usr_username"] == "mmajor", seen.text
    started = requests.post(
        f"{b}/api/1.0/{workspace}/cases",
        json={"pro_uid": DEMO_PRO_UID, "tas_uid": DEMO_START_TAS_UID},
        headers=auth,
        timeout=30,
    )
    assert started.status_code == 200, started.text
    drafts = requests.get(f"{a}/api/1.0/{workspace}/cases/draft", headers=auth, timeout=30)
    assert [c["app_uid"] for c in drafts.json()] == [started.json()["app_uid"]], drafts.text


def test_concurrent_refreshes_across_two_hosts_have_exactly_one_winner(
    hosts: tuple[str, list[str]],
) -> None:
    workspace, urls = hosts
    for _ in range(ROUNDS):
        body = requests.post(
            f"{urls[0]}/{workspace}/oauth2/token", data=password_params(), timeout=30
        ).json()
        winners: list[str] = []
        errors: list[str] = []
        barrier = threading.Barrier(RACERS)

        def race(
            i: int,
            token: str = body["refresh_token"],
            barrier: threading.Barrier = barrier,
            winners: list[str] = winners,
            errors: list[str] = errors,
        ) -> None:
            barrier.wait()
            answer = _refresh(urls[i % 2], workspace, token).json()
            # ProcessMaker answers a spent refresh token 200 with an error body: read the body.
            if "access_token" in answer:
                winners.append(answer["access_token"])
            else:
                errors.append(answer["error"])

        threads = [threading.Thread(target=race, args=(i,)) for i in range(RACERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(winners) == 1, winners
        assert errors == ["invalid_grant"] * (RACERS - 1)


def test_store_mistakes_exit_2_with_one_line(
    mariadb: Server,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PM3_STORE_PASSWORD", "not-the-password")
    ws = mariadb.workspace()
    cases = [
        (["--store", "mysql://pm3:pw@127.0.0.1:1/"], "no password in the URL"),
        (["--store", mariadb.url], "refused user"),
        (["--store", "mysql://pm3@127.0.0.1:1/"], "cannot reach the server"),
        (["--store", mariadb.url, "--db", str(tmp_path)], "exclude each other"),
        (["--store-password-file", str(tmp_path / "pw")], "needs --store"),
    ]
    for argv, needle in cases:
        assert main([*argv, "--workspace", ws]) == 2
        err = capsys.readouterr().err
        assert needle in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
        assert "pw" not in err.replace("password", "").replace("--store-password-file", "")
    (tmp_path / "pw").write_text(mariadb.password + "\n")
    (tmp_path / "pw").chmod(0o600)
    monkeypatch.delenv("PM3_STORE_PASSWORD")
    read_only = ["--store", mariadb.read_only_url, "--store-password-file", str(tmp_path / "pw")]
    assert main([*read_only, "--workspace", ws]) == 2
    err = capsys.readouterr().err
    assert f"cannot create database wf_{ws}" in err and len(err.strip().splitlines()) == 1
    assert mariadb.password not in err
    assert os.environ.get("PM3_STORE_PASSWORD") is None


def _control(url: str, method: str, name: str, body: object = None) -> requests.Response:
    return requests.request(method, f"{url}/_pm3/{name}", json=body, timeout=30)


@pytest.mark.parametrize("hosts", [("--control",)], indirect=True)
def test_the_control_api_of_one_host_scripts_every_host(hosts: tuple[str, list[str]]) -> None:
    """Clock, overrides and faults set through host A's control API hold on host B."""
    workspace, (a, b) = hosts
    # The clock: frozen and moved on A, read on B.
    moved = _control(a, "POST", "clock", {"set": "2029-02-03T04:05:06Z", "freeze": True})
    assert moved.json() == {"now": "2029-02-03 04:05:06", "frozen": True}, moved.text
    assert _control(b, "GET", "health").json()["now"] == "2029-02-03 04:05:06"
    token = requests.post(f"{b}/{workspace}/oauth2/token", data=password_params(), timeout=30)
    assert token.status_code == 200, token.text
    t = token.json()
    _control(a, "POST", "clock", {"advance": t["expires_in"] + 1})
    expired = requests.get(
        f"{b}/api/1.0/{workspace}/users",
        headers={"Authorization": f"Bearer {t['access_token']}"},
        timeout=30,
    )
    assert expired.status_code == 401, expired.text  # B's clock moved with A's
    # An override added on A answers once, on whichever host asks first.
    added = _control(
        a,
        "POST",
        "overrides",
        {"match": {"endpoint": "token"}, "error": "temporarily_unavailable", "times": 1},
    )
    assert added.status_code == 200, added.text
    first = requests.post(f"{b}/{workspace}/oauth2/token", data=password_params(), timeout=30)
    assert first.json()["error"] == "temporarily_unavailable", first.text
    again = [
        requests.post(f"{u}/{workspace}/oauth2/token", data=password_params(), timeout=30)
        for u in (a, b)
    ]
    assert all("access_token" in r.json() for r in again), [r.text for r in again]
    # A fault added on B answers on A until cleared on A.
    faulted = _control(
        b,
        "POST",
        "faults",
        {"match": {"endpoint": "token"}, "fault": "html_500", "times": "always"},
    )
    assert faulted.status_code == 200, faulted.text
    for _ in range(2):
        down = requests.post(f"{a}/{workspace}/oauth2/token", data=password_params(), timeout=30)
        assert down.status_code == 500 and "Internal Server Error" in down.text
    assert _control(a, "DELETE", "overrides").json() == {"pending": []}
    up = requests.post(f"{b}/{workspace}/oauth2/token", data=password_params(), timeout=30)
    assert "access_token" in up.json(), up.text
    # What each host keeps for itself is refused, saying so; nothing changes.
    refused = _control(a, "POST", "profile", {"name": "pm-3.4.10"})
    assert refused.status_code == 409 and "each host's own" in refused.json()["error"]
    ordered = _control(
        a, "POST", "overrides", {"match": {"endpoint": "token"}, "error": "x", "ordered": True}
    )
    assert ordered.status_code == 400 and "ordered overrides cannot be shared" in ordered.text
    assert _control(b, "GET", "health").json()["overrides"] == 0
    # The journal stays per host: each lists the token requests it served (B four, A three).
    for url, served in ((a, 3), (b, 4)):
        entries = _control(url, "GET", "journal").json()["entries"]
        tokens = [e for e in entries if e["request"]["path"].endswith("/oauth2/token")]
        assert len(tokens) == served, [e["request"]["path"] for e in entries]


DOCUMENTED_QUERY = (
    "SELECT ACCESS_TOKEN FROM OAUTH_ACCESS_TOKENS WHERE USER_ID='$userId' ORDER BY EXPIRES DESC"
)
"""The one SQL statement the documentation shows ('Existing Access Token Inside ProcessMaker',
the trigger's ``$query``), as written there: a PHP string with ``$userId``."""


def test_the_documentations_sql_runs_verbatim_on_the_store(
    mariadb: Server, hosts: tuple[str, list[str]]
) -> None:
    """'Existing Access Token Inside ProcessMaker': after a classic login on one host, the
    documentation's query, run by an ops script on the database, finds the designer's token,
    which the other host accepts."""
    workspace, (a, b) = hosts
    queries = [DOCUMENTED_QUERY]
    session = requests.Session()
    login = session.post(
        f"{a}/sys{workspace}/en/neoclassic/login/authentication.php",
        data={"form[USR_USERNAME]": "admin", "form[USR_PASSWORD]": "admin"},
        allow_redirects=False,
        timeout=30,
    )
    assert login.status_code == 302, login.text
    t = parse_store_url(mariadb.url, mariadb.password)
    conn = pymysql.connect(
        host=t.host, port=t.port, user=t.user, password=t.password, database=f"wf_{workspace}"
    )
    try:
        cur = conn.cursor()
        cur.execute(queries[0].replace("$userId", ADMIN_UID))
        rows = cur.fetchall()
        cur.execute(
            "SELECT ACCESS_TOKEN FROM PMOAUTH_USER_ACCESS_TOKENS WHERE SESSION_ID = %s",
            (session.cookies["PHPSESSID"],),
        )
        linked = cur.fetchall()
    finally:
        conn.close()
    assert len(rows) == 1 and linked == rows  # the session's own token, as PM links it
    (token,) = rows[0]
    answer = requests.get(
        f"{b}/api/1.0/{workspace}/users", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    assert answer.status_code != 401, answer.text
