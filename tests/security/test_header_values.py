"""Attack: values that go into a header as written (issue 22, class 13).

CR/LF in a supplied or registered ``redirect_uri`` got a 500; CR/LF in a profile file's
``restler_version`` put a header line of the file's choosing on token answers. Every entry of a
header-bound value now asks ``mockserver/state/header_values.py``: client input gets bshaffer's
``invalid_uri`` (400), never a 500; a file or a flag is one line and exit 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from werkzeug.test import Client

from mockserver import MockServer
from mockserver.cli import main
from mockserver.protocol.errors import InvalidUriError
from mockserver.state.profile_files import ProfileFileError
from mockserver.state.profile_files import load_profile_file
from mockserver.state.profile_files import profile_from_data
from mockserver.state.seed import DOC_CLIENT_ID
from mockserver.state.seed import SeedError
from mockserver.state.seed import seed_from_data

LOGIN = "/sysworkflow/en/neoclassic/login/authentication.php"
APPLICATIONS = "/sysworkflow/en/neoclassic/oauth2/applications"
SETUP_AJAX = "/sysworkflow/en/neoclassic/oauth2/clientSetupAjax"
AUTHORIZE = "/workflow/oauth2/authorize"

CONTROLS = {
    "crlf": "http://a.example/cb\r\nX-Injected: 1",
    "lf": "http://a.example/cb\nX-Injected: 1",
    "cr": "http://a.example/cb\rX-Injected: 1",
    "nul": "http://a.example/cb\x00",
    "tab": "http://a.example/\tcb",
    "esc": "http://a.example/cb\x1b[2J",
    "del": "http://a.example/cb\x7f",
}
NON_ASCII = {
    "latin-1": "http://a.example/caf\u00e9",
    "euro": "http://a.example/\u20ac",
    "astral": "http://a.example/\U0001f600",
}
UNUSABLE = {**CONTROLS, **NON_ASCII}


def _signed_in(pm: MockServer) -> Client:
    client = Client(pm.app)
    login = client.post(LOGIN, data={"form[USR_USERNAME]": "admin", "form[USR_PASSWORD]": "admin"})
    assert login.status_code == 302
    return client


def _consent(client: Client, redirect_uri: str | None = None) -> Any:
    query: dict[str, str] = {"response_type": "code", "client_id": DOC_CLIENT_ID}
    if redirect_uri is not None:
        query["redirect_uri"] = redirect_uri
    return client.post(AUTHORIZE, query_string=query, data={"transaction_id": ""})


def _assert_invalid_uri(answer: Any) -> None:
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert answer.json == {
        "error": "invalid_uri",
        "error_description": InvalidUriError.NOT_A_HEADER_VALUE,
    }
    assert "Location" not in answer.headers


# --- authorize: a supplied redirect_uri ----------------------------------------------------------
@pytest.mark.parametrize("uri", UNUSABLE.values(), ids=UNUSABLE.keys())
def test_a_supplied_redirect_uri_that_cannot_be_a_header_is_invalid_uri(
    mock: MockServer, uri: str
) -> None:
    # No registered callback: bshaffer then takes any supplied URI (AuthorizeController l.140).
    mock.workspace().set_client_redirect_uri(DOC_CLIENT_ID, "")
    _assert_invalid_uri(_consent(_signed_in(mock), uri))
    mock.check()


@pytest.mark.parametrize("uri", UNUSABLE.values(), ids=UNUSABLE.keys())
def test_a_refused_redirect_uri_issues_no_code(mock: MockServer, uri: str) -> None:
    store = mock.workspace()
    store.set_client_redirect_uri(DOC_CLIENT_ID, "")
    client = _signed_in(mock)  # the login issues the designer's code and tokens (designer.py)
    codes, tokens = store.count("OAUTH_AUTHORIZATION_CODES"), store.count("OAUTH_ACCESS_TOKENS")
    _consent(client, uri)
    assert store.count("OAUTH_AUTHORIZATION_CODES") == codes
    assert store.count("OAUTH_ACCESS_TOKENS") == tokens


@pytest.mark.parametrize("uri", CONTROLS.values(), ids=CONTROLS.keys())
def test_a_supplied_redirect_uri_is_refused_on_the_wire_without_a_header_line(uri: str) -> None:
    with MockServer() as pm:
        pm.workspace().set_client_redirect_uri(DOC_CLIENT_ID, "")
        with requests.Session() as s:
            login = s.post(
                pm.url + LOGIN,
                data={"form[USR_USERNAME]": "admin", "form[USR_PASSWORD]": "admin"},
                allow_redirects=False,
                timeout=10,
            )
            assert login.status_code == 302
            answer = s.post(
                pm.url + AUTHORIZE,
                params={"response_type": "code", "client_id": DOC_CLIENT_ID, "redirect_uri": uri},
                data={"transaction_id": ""},
                allow_redirects=False,
                timeout=10,
            )
        assert answer.status_code == 400
        assert answer.json()["error"] == "invalid_uri"
        assert "X-Injected" not in answer.headers and "Location" not in answer.headers


# --- authorize: a registered redirect_uri that entered before the rule (an old --db) -------------
@pytest.mark.parametrize(
    "uri", [u.replace(" ", "") for u in UNUSABLE.values()], ids=UNUSABLE.keys()
)
def test_a_registered_redirect_uri_that_cannot_be_a_header_is_invalid_uri(
    mock: MockServer, uri: str
) -> None:
    mock.workspace().set_client_redirect_uri(DOC_CLIENT_ID, uri)
    _assert_invalid_uri(_consent(_signed_in(mock)))
    mock.check()


# --- the applications page and clientSetupAjax ----------------------------------------------------
def _form(callback: str) -> dict[str, str]:
    return {
        "name": "App",
        "description": "",
        "webSite": "http://app.example",
        "redirectUri": callback,
    }


@pytest.mark.parametrize("uri", UNUSABLE.values(), ids=UNUSABLE.keys())
def test_the_applications_page_refuses_such_a_callback(mock: MockServer, uri: str) -> None:
    client = _signed_in(mock)
    before = mock.workspace().list_clients()
    answer = client.post(APPLICATIONS, data=_form(uri))
    assert answer.status_code == 400
    assert "Callback URL must be printable ASCII" in answer.get_data(as_text=True)
    assert mock.workspace().list_clients() == before


@pytest.mark.parametrize("uri", UNUSABLE.values(), ids=UNUSABLE.keys())
def test_client_setup_ajax_refuses_such_a_callback_on_insert(mock: MockServer, uri: str) -> None:
    client = _signed_in(mock)
    before = mock.workspace().list_clients()
    answer = client.post(SETUP_AJAX, data={"option": "INS", **_form(uri)})
    assert answer.status_code == 400
    assert answer.json is not None and answer.json["status"] == "ERROR"
    assert "Callback URL must be printable ASCII" in answer.json["message"]
    assert mock.workspace().list_clients() == before


@pytest.mark.parametrize("uri", UNUSABLE.values(), ids=UNUSABLE.keys())
def test_client_setup_ajax_refuses_such_a_callback_on_update(mock: MockServer, uri: str) -> None:
    client = _signed_in(mock)
    before = mock.workspace().get_client(DOC_CLIENT_ID)
    answer = client.post(
        SETUP_AJAX, data={"option": "UPD", "oauthClientId": DOC_CLIENT_ID, **_form(uri)}
    )
    assert answer.status_code == 400
    assert answer.json is not None and answer.json["status"] == "ERROR"
    assert mock.workspace().get_client(DOC_CLIENT_ID) == before


# --- seeds: files, the control API, the --callback flag ------------------------------------------
@pytest.mark.parametrize("uri", UNUSABLE.values(), ids=UNUSABLE.keys())
def test_a_seed_client_with_such_a_callback_is_one_line_naming_it(uri: str) -> None:
    data = {"clients": [{"client_id": "c1", "client_secret": "s1", "redirect_uri": uri}]}
    with pytest.raises(SeedError) as caught:
        seed_from_data(data, "seed.yaml")
    message = str(caught.value)
    assert message.startswith("seed.yaml: clients[0].redirect_uri: ")
    assert "\n" not in message and "\r" not in message and "\x1b" not in message


def test_the_control_api_refuses_such_a_client_and_stores_nothing(
    controlled: MockServer,
) -> None:
    answer = requests.post(
        f"{controlled.url}/_pm3/clients",
        json={
            "client_id": "evil",
            "client_secret": "evil-secret",
            "redirect_uri": CONTROLS["crlf"],
        },
        timeout=10,
    )
    assert answer.status_code == 400, answer.text
    assert "clients[0].redirect_uri" in answer.json()["error"]
    assert controlled.workspace().get_client("evil") is None


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path) -> str:
    # A --db that is a file is refused after the profile and the seed are read, so the command
    # stops whether or not the value is caught (and never starts serving).
    not_a_dir = tmp_path / "db-file"
    not_a_dir.write_text("")
    assert main([*argv, "--port", "0", "--db", str(not_a_dir)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    return err


def test_a_seed_file_with_such_a_callback_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(
        yaml.safe_dump(
            {"clients": [{"client_id": "c", "client_secret": "s", "redirect_uri": "http://a/\r\n"}]}
        )
    )
    err = _cli(["--seed", str(seed)], capsys, tmp_path)
    assert f"{seed}: clients[0].redirect_uri: control character U+000D" in err


def test_a_callback_flag_with_a_line_break_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _cli(["--callback", "http://a.example/cb\r\nX-Injected: 1"], capsys, tmp_path)
    assert "callback" in err and "control character U+000D" in err


# --- profile files ---------------------------------------------------------------------------------
def _profile(value: object, field: str = "restler_version") -> dict[str, object]:
    return {
        "name": "hostile",
        "extends": "pm-3.4.10",
        "fields": {field: {"value": value, "provenance": {"kind": "decision", "ref": "test"}}},
    }


HEADER_TEXT = {
    **{k: "3.0.0rc5" + v.removeprefix("http://a.example/cb") for k, v in CONTROLS.items()},
    "euro": "3.0.0rc5\u20ac",
    "astral": "3.0.0rc5\U0001f600",
}


@pytest.mark.parametrize("value", HEADER_TEXT.values(), ids=HEADER_TEXT.keys())
def test_a_profile_text_that_cannot_be_a_header_is_refused(value: str) -> None:
    with pytest.raises(ProfileFileError) as caught:
        profile_from_data(_profile(value), "hostile.yaml")
    message = str(caught.value)
    assert message.startswith("hostile.yaml: fields.restler_version.value: ")
    assert "\n" not in message and "\r" not in message and "\x1b" not in message


def test_every_text_field_of_a_profile_is_held_to_the_rule() -> None:
    with pytest.raises(ProfileFileError, match="no_redirect_uri_description"):
        profile_from_data(_profile("No URI\r\nX-Injected: 1", "no_redirect_uri_description"))
    with pytest.raises(ProfileFileError, match="supported_scopes"):
        profile_from_data(_profile(["*", "a\nb"], "supported_scopes"))


def test_a_profile_file_with_a_line_break_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(_profile("3.0.0rc5\r\nX-Injected: 1")))
    with pytest.raises(ProfileFileError):
        load_profile_file(path)
    err = _cli(["--profile-file", str(path)], capsys, tmp_path)
    assert f"{path}: fields.restler_version.value: control character U+000D" in err
