"""Attack: an open redirect after login through ``form[URL]`` (issue 10, class 5)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from werkzeug.test import Client

from mockserver import MockServer
from mockserver.state.seed import DOC_PASSWORD
from mockserver.state.seed import DOC_USERNAME

EVIL = [
    "/\t/evil.example",
    "/\r\n/evil.example",
    "\\/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    " //evil.example",
    "\x00//evil.example",
    "//evil.example",
    "https://evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "/\t\\evil.example",
]


@pytest.mark.parametrize("target", EVIL)
def test_login_never_redirects_off_site(target: str) -> None:
    pm = MockServer()
    client = Client(pm.app)
    answer = client.post(
        "/sysworkflow/en/neoclassic/login/authentication.php",
        data={
            "form[USR_USERNAME]": DOC_USERNAME,
            "form[USR_PASSWORD]": DOC_PASSWORD,
            "form[URL]": target,
        },
        base_url="http://127.0.0.1:8080",
    )
    pm.close()
    assert answer.status_code == 302
    location = answer.headers["Location"]
    # As a browser resolves it against the page: the host must stay ours.
    cleaned = location.strip("".join(chr(c) for c in range(0x21)))
    cleaned = cleaned.replace("\t", "").replace("\r", "").replace("\n", "").replace("\\", "/")
    parts = urlsplit(cleaned)
    assert not cleaned.startswith("//"), location
    assert parts.netloc in ("", "127.0.0.1:8080"), location
    assert parts.scheme in ("", "http"), location


def test_a_same_site_target_is_kept() -> None:
    pm = MockServer()
    client = Client(pm.app)
    answer = client.post(
        "/sysworkflow/en/neoclassic/login/authentication.php",
        data={
            "form[USR_USERNAME]": DOC_USERNAME,
            "form[USR_PASSWORD]": DOC_PASSWORD,
            "form[URL]": "/workflow/oauth2/authorize?client_id=x",
        },
    )
    pm.close()
    assert answer.headers["Location"] == "/workflow/oauth2/authorize?client_id=x"
