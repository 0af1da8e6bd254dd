"""The conformance HTTP layer: the cookie jar of browser-like requests."""

from __future__ import annotations

from conformance.http import CookieJar
from conformance.http import HttpResponse

URL = "http://localhost/sysworkflow/en/neoclassic/login/login"


def set_cookie(*values: str) -> HttpResponse:
    return HttpResponse(302, tuple(("Set-Cookie", v) for v in values), b"")


def test_a_session_cookie_is_kept_and_sent_back() -> None:
    jar = CookieJar()
    jar.absorb(set_cookie("PHPSESSID=abc123; Path=/; HttpOnly; SameSite=Lax"), URL)
    assert jar.values == {"PHPSESSID": "abc123"}
    assert jar.header("http://localhost/workflow/oauth2/authorize") == {
        "Cookie": "PHPSESSID=abc123"
    }


def test_a_cookie_expired_in_the_past_is_deleted() -> None:
    jar = CookieJar()
    jar.absorb(set_cookie("PHPSESSID=abc123; Path=/"), URL)
    jar.absorb(
        set_cookie("PHPSESSID=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/"), URL
    )
    assert jar.values == {}
    assert jar.header(URL) == {}


def test_an_expiry_in_another_format_deletes_too() -> None:
    jar = CookieJar()
    jar.absorb(set_cookie("PHPSESSID=abc123; Path=/"), URL)
    jar.absorb(set_cookie("PHPSESSID=deleted; expires=Wed, 02-Jan-2002 00:00:00 GMT; Path=/"), URL)
    assert "PHPSESSID" not in jar.values


def test_no_cookie_no_header() -> None:
    assert CookieJar().header(URL) == {}


def test_cookie_values_are_hidden_and_set_cookie_attributes_kept() -> None:
    from conformance.http import redact_header

    shown = redact_header("Set-Cookie", "PHPSESSID=9f8e7d6c5b4a; HttpOnly; Path=/; SameSite=Lax")
    assert shown == "PHPSESSID=<redacted>; HttpOnly; Path=/; SameSite=Lax"  # words, not secrets
    # the first pair is the cookie whatever its name; a Cookie header holds only cookies
    assert redact_header("Set-Cookie", "Path=9f8e7d6c5b4a; Path=/") == "Path=<redacted>; Path=/"
    assert redact_header("Cookie", "Path=9f8e7d6c5b4a; b=1") == "Path=<redacted>; b=<redacted>"
