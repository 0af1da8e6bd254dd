"""The PHP session a classic login starts: its id and its cookie, as PHP's session module sends."""

from __future__ import annotations

import re

from werkzeug.test import Client

from mockserver import MockServer


def test_a_login_sets_a_26_character_session_cookie_for_the_whole_site(mock: MockServer) -> None:
    # the mock's session id: 26 lower-case letters and digits, the length of a PHP session id
    # under php.ini-production (hash_bits_per_character = 5); scripts cannot read the cookie
    answer = Client(mock.app).post(
        "/sysworkflow/en/neoclassic/login/authentication.php",
        data={"form[USR_USERNAME]": "admin", "form[USR_PASSWORD]": "admin"},
    )
    assert answer.status_code == 302
    [cookie] = answer.headers.getlist("Set-Cookie")
    match = re.fullmatch(r"PHPSESSID=([a-z0-9]+); HttpOnly; Path=/; SameSite=Lax", cookie)
    assert match is not None, cookie
    assert len(match.group(1)) == 26
