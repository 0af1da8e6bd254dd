"""Secrets reach no output: whatever a target echoes, no credential, token, code or client secret
the run knows shows up on stdout, stderr, or in any report (JSON, JUnit, HTML, Markdown).

The secrets are found independently of the code under test: from what the test gave the run, and
from what the mocks' journals say they handed out.
"""

from __future__ import annotations

import html
import json
import re
import shlex
import string
import sys
from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from typing import ClassVar
from urllib.parse import parse_qsl
from urllib.parse import quote_plus
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

import conformance.target
from conformance.cli import main
from conformance.http import Exchange
from conformance.http import HttpRequest
from conformance.http import HttpResponse
from mockserver import MockServer
from mockserver import Seed
from mockserver import SeedClient
from mockserver import SeedUser
from mockserver.state.seed import DOC_CLIENT_SECRET
from mockserver.state.seed import DOC_PASSWORD

CLIENT_ID = "LEAKYCLIENTQQQQQQQQQQQQQQQQQQQQQ"
# not in any secret-like format, and full of characters every output escapes differently
CLIENT_SECRET = "s3cr3t-Val'ue\"<&>.*+?[x](y){2}|^$\\z"
USERNAME = "leaky"
PASSWORD = "Hunter2 pa$$word&more=<b>"
LEAKED_ACCESS = "LeakedAccess-Token.0123456789-not-hex-ZZ"
LEAKED_REFRESH = "LeakedRefresh-Token.9876543210-not-hex-YY"
UNKNOWN_CLIENT = "PM3NOSUCHCLIENTZZZZZZZZZZZZZZZZZ"  # PM3-TOKEN-CLIENTCRED-004's client id


def _forms(secret: str) -> set[str]:
    """How a secret could show in an output: raw, JSON-escaped, HTML-escaped, URL-encoded."""
    return {secret, json.dumps(secret)[1:-1], html.escape(secret), quote_plus(secret)}


def _harvest(servers: Iterable[MockServer]) -> set[str]:
    """Every secret the mocks know or handed out: seeded secrets, tokens and client secrets in
    answers, authorization codes in redirects."""
    found: set[str] = set()
    for server in servers:
        found.update(getattr(server, "secrets_at_close", ()) or server.known_secrets())
        for entry in server.journal.entries():
            body = entry.json()
            if isinstance(body, dict):
                for key in ("access_token", "refresh_token"):
                    if isinstance(body.get(key), str):
                        found.add(body[key])
                data = body.get("data")
                if isinstance(data, dict) and isinstance(data.get("CLIENT_SECRET"), str):
                    found.add(data["CLIENT_SECRET"])
            text = entry.response_body.decode("utf-8", errors="replace")
            found.update(re.findall(r'id="client-secret">([^<]+)<', text))
            for key, value in entry.response_headers:
                if key.lower() == "location":
                    split = urlsplit(value)
                    for part in (split.query, split.fragment):
                        found.update(v for k, v in parse_qsl(part) if k in ("code", "access_token"))
    return {s for s in found if len(s) >= 4}


def _assert_clean(outputs: dict[str, str], secrets: Iterable[str]) -> None:
    for secret in secrets:
        forms = _forms(secret)
        if secret.isalpha():
            # A secret that reads as a word (the seeded admin's password "admin") is an ordinary
            # word outside a value ("admin@processmaker.com"): it must not show as a value.
            forms = {
                f"{q}{form}{q}" for form in forms for q in ('"', "'", '\\"', "&quot;", "&#x27;")
            }
        for form in forms:
            for name, text in outputs.items():
                assert form not in text, f"{secret!r} (as {form!r}) leaked into {name}"


def _outputs(report_dir: Path, out: str, err: str) -> dict[str, str]:
    found = {p.name: p.read_text(encoding="utf-8") for p in sorted(report_dir.iterdir())}
    assert set(found) == {"report.json", "junit.xml", "report.html", "summary.md"}
    return {"stdout": out, "stderr": err, **found}


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_target_echoing_secrets_and_handing_out_tokens_leaks_none_of_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deliberately broken live target: it echoes the client secret and the password in its
    error descriptions and hands out tokens where it should refuse."""
    monkeypatch.setenv("CI", "1")  # one plain line per check on stderr
    seed = Seed(
        users=(SeedUser(USERNAME, PASSWORD),), clients=(SeedClient(CLIENT_ID, CLIENT_SECRET),)
    )
    credentials = tmp_path / "oauthCredentials.json"
    credentials.write_text(
        json.dumps(
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "username": USERNAME,
                "password": PASSWORD,
            }
        )
    )
    credentials.chmod(0o400)
    echo = f"the password is {PASSWORD} and the client secret {CLIENT_SECRET}"
    with MockServer("pm-3.4.10", seed=seed) as pm:
        pm.override(
            "token", times=None, params={"password": PASSWORD + "-wrong"}
        ).respond_with_error("invalid_grant", f"wrong password: {echo}")
        pm.override(
            "token", times=None, params={"client_secret": CLIENT_SECRET + "x"}
        ).respond_with_error(
            "invalid_client", f"client_secret={CLIENT_SECRET}x is not {CLIENT_SECRET}; {echo}"
        )
        pm.override("token", times=None, params={"client_id": UNKNOWN_CLIENT}).respond_with(
            200,
            json={
                "access_token": LEAKED_ACCESS,
                "refresh_token": LEAKED_REFRESH,
                "expires_in": 3600,
                "token_type": "bearer",
                "scope": None,
                "error_description": echo,
            },
        )
        code, out, err = _run(
            [
                "run",
                "--target",
                pm.url,
                "--credentials",
                str(credentials),
                "--profile",
                "rfc6749",  # expects other statuses and shapes: failures everywhere
                "--allow-lockout-risk",
                "--rate",
                "1000",
                "--max-requests",
                "100000",
                "--report-dir",
                str(tmp_path / "reports"),
            ],
            capsys,
        )
        issued = _harvest([pm])
    assert code == 1, err
    outputs = _outputs(tmp_path / "reports", out, err)
    report = json.loads(outputs["report.json"])
    failed = {o["id"] for o in report["runs"][0]["outcomes"] if o["outcome"] == "failed"}
    assert "PM3-TOKEN-CLIENTCRED-004" in failed  # the leaked token's failure path ran
    assert "<redacted>" in outputs["report.json"]
    _assert_clean(outputs, {CLIENT_SECRET, PASSWORD, LEAKED_ACCESS, LEAKED_REFRESH, *issued})


class _RecordingMock(MockServer):
    """The mock every check of a run gets, remembered so the test can ask what it handed out."""

    made: ClassVar[list[MockServer]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.secrets_at_close: tuple[str, ...] = ()
        _RecordingMock.made.append(self)

    def close(self) -> None:
        self.secrets_at_close = self.known_secrets()  # its database is gone afterwards
        super().close()


@pytest.fixture
def recorded_mocks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[MockServer]]:
    made: list[MockServer] = []
    monkeypatch.setattr(_RecordingMock, "made", made)
    monkeypatch.setattr(conformance.target, "MockServer", _RecordingMock)
    yield made


@pytest.mark.parametrize(
    ("expected", "mock"), [("pm-3.4.10", "documented"), ("rfc6749", "documented")]
)
def test_tokens_the_embedded_mock_issued_never_reach_an_output(
    expected: str,
    mock: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    recorded_mocks: list[MockServer],
) -> None:
    """PM3-TOKEN-ERRORS-011 and PM3-TOKEN-CLIENTCRED-004 get tokens where they expect errors:
    no token, code, registered client secret or seeded secret may show anywhere."""
    monkeypatch.setenv("CI", "1")
    code, out, err = _run(
        ["run", "--profile", expected, "--mock-profile", mock, "--report-dir", str(tmp_path)],
        capsys,
    )
    assert code == 1, err
    outputs = _outputs(tmp_path, out, err)
    outcomes = json.loads(outputs["report.json"])["runs"][0]["outcomes"]
    failed = {o["id"] for o in outcomes if o["outcome"] == "failed"}
    assert {"PM3-TOKEN-ERRORS-011", "PM3-TOKEN-CLIENTCRED-004"} <= failed
    issued = _harvest(recorded_mocks)
    assert len(issued) > 50  # the harvest works: the run obtained many tokens
    _assert_clean(outputs, {DOC_CLIENT_SECRET, DOC_PASSWORD, *issued})


def test_client_harness_verdicts_hide_what_the_driver_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A driver that echoes the credentials in its errors and claims tokens it never got."""
    monkeypatch.setenv("CI", "1")
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parents[2]))
    driver = tmp_path / "leaky_driver.py"
    driver.write_text(LEAKY_DRIVER, encoding="utf-8")
    code, out, err = _run(
        [
            "clients",
            "--driver",
            f"{shlex.quote(sys.executable)} {shlex.quote(str(driver))}",
            "--select",
            "PM3-CLIENT-LOGIN-001",
            "PM3-CLIENT-ERR-001",
            "--report-dir",
            str(tmp_path / "reports"),
        ],
        capsys,
    )
    assert code == 1, err
    outputs = _outputs(tmp_path / "reports", out, err)
    assert "FAIL  PM3-CLIENT-LOGIN-001" in err and "FAIL  PM3-CLIENT-ERR-001" in err
    _assert_clean(outputs, {DOC_CLIENT_SECRET, DOC_PASSWORD, DRIVER_TOKEN, DRIVER_REFRESH})


DRIVER_TOKEN = "driver-held-token-not-hex-0042"
DRIVER_REFRESH = "driver-held-refresh-not-hex-0043"
LEAKY_DRIVER = f"""
from conformance.clients.adapter import ClientAdapter, ClientReportedError, serve

class Leaky(ClientAdapter):
    name = "leaky"
    actions = ("login",)

    def login(self, request):
        c = request.credentials
        if c["password"] == {DOC_PASSWORD!r}:  # the right password: fail, echoing everything
            raise ClientReportedError(
                "oauth",
                error="invalid_grant",
                error_description=f"secret {{c['client_secret']}} password {{c['password']}}",
            )
        return {{"access_token": {DRIVER_TOKEN!r}, "refresh_token": {DRIVER_REFRESH!r}}}

serve(Leaky())
"""


# --- curl replays --------------------------------------------------------------------------------
PM_SECRETS = st.from_regex(r"\A[1-9][0-9]{8}[0-9a-f]{13}[0-9]0[0-9]{8}\Z")  # G::generateUniqueID()
TEXT_SECRETS = st.text(alphabet=string.ascii_letters + string.digits + "-_.~!*'()$", min_size=4)


@given(secret=st.one_of(PM_SECRETS, TEXT_SECRETS), password=TEXT_SECRETS)
def test_curl_replays_carry_whole_placeholders_only(secret: str, password: str) -> None:
    """Each secret parameter of a replayed body is exactly ``<redacted>``: never a garbled
    ``<redacted> secret>`` (a pattern run over another's placeholder)."""
    body = (
        f"grant_type=password&client_id=ABC&client_secret={quote_plus(secret)}"
        f"&username=johndoe&password={quote_plus(password)}"
    )
    exchange = Exchange(
        HttpRequest(
            "POST",
            "/workflow/oauth2/token",
            (("Content-Type", "application/x-www-form-urlencoded"),),
            body.encode(),
        ),
        HttpResponse(200, (), b"{}"),
        "http://localhost",
    )
    for secrets in ((), (secret, password)):
        curl = exchange.curl(secrets)
        assert "redacted> secret>" not in curl and "<redacted><redacted" not in curl
        words = shlex.split(curl)
        params = dict(parse_qsl(words[words.index("--data-binary") + 1]))
        assert params["client_secret"] == "<redacted>"
        assert params["password"] == "<redacted>"
        assert params["username"] == "johndoe"


def test_a_run_replays_requests_without_garbled_placeholders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The documentation's client secret is in G::generateUniqueID()'s shape: both the value and
    the shape match it, and the replay still reads ``client_secret=<redacted>``."""
    code, _, err = _run(
        [
            "run",
            "--profile",
            "documented",
            "--mock-profile",
            "pm-3.4.10",
            "--quiet",
            "--report-dir",
            str(tmp_path),
        ],
        capsys,
    )
    assert code == 1, err
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    curls = [
        f["curl"]
        for run in report["runs"]
        for o in run["outcomes"]
        for f in o.get("failures", [])
        if f.get("curl")
    ]
    assert any("client_secret=<redacted>&" in c for c in curls)
    for path in tmp_path.iterdir():
        assert "redacted> secret>" not in path.read_text(encoding="utf-8"), path.name
