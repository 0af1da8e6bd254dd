"""Secrets created at run time are redacted by value in the journal (issue 10, class 6)."""

from __future__ import annotations

import json

import requests

from mockserver import MockServer
from mockserver.state.seed import DOC_PASSWORD
from mockserver.state.seed import DOC_USERNAME


def test_secrets_made_at_run_time_never_reach_the_rendered_journal(
    controlled: MockServer,
) -> None:
    url = controlled.url
    made = requests.post(
        f"{url}/_pm3/clients",
        json={"client_id": "RUNTIMECLIENT", "client_secret": "rt-secret-4242", "name": "rt"},
        timeout=10,
    )
    assert made.status_code == 200
    requests.post(
        f"{url}/_pm3/users", json={"username": "rtuser", "password": "rt-pass-777"}, timeout=10
    )
    # A secret echoed by an answer: a wrong login shows it back in nothing, so put it in a
    # scripted body the way a misbehaving server would echo it.
    with requests.Session() as browser:
        login = browser.post(
            f"{url}/sysworkflow/en/neoclassic/login/authentication.php",
            data={"form[USR_USERNAME]": DOC_USERNAME, "form[USR_PASSWORD]": DOC_PASSWORD},
            allow_redirects=False,
            timeout=10,
        )
        assert login.status_code == 302
        created = browser.post(
            f"{url}/sysworkflow/en/neoclassic/oauth2/clientSetupAjax",
            data={
                "option": "INS",
                "name": "Generated",
                "description": "d",
                "webSite": "http://127.0.0.1/",
                "redirectUri": "http://127.0.0.1/cb",
            },
            timeout=10,
        ).json()
    generated = created["data"]["CLIENT_SECRET"]
    for secret in ("rt-secret-4242", "rt-pass-777"):
        requests.post(
            controlled.token_url(),
            data={"grant_type": "password", "client_secret": secret, "note": f"x{secret}y"},
            timeout=10,
        )
    journal = requests.get(f"{url}/_pm3/journal", timeout=10).text
    rendered = json.dumps(controlled.journal.render(secrets=controlled.known_secrets()))
    for text in (journal, rendered):
        for secret in ("rt-secret-4242", "rt-pass-777", generated, DOC_PASSWORD):
            assert secret not in text
