"""Request headers read straight from the environ equal werkzeug's view of them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import EnvironHeaders
from werkzeug.test import EnvironBuilder

from mockserver.scripting.matching import environ_headers

NAMES = st.sampled_from(
    ["Authorization", "X-Pm3-Control-Token", "content-type", "Content-Length", "accept", "X-A_B"]
) | st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,12}", fullmatch=True)


@given(st.lists(st.tuples(NAMES, st.text("abc =/;", max_size=8)), max_size=8))
def test_environ_headers_match_werkzeug(pairs: list[tuple[str, str]]) -> None:
    environ = EnvironBuilder(method="POST", headers=pairs, data=b"x=1").get_environ()
    assert environ_headers(environ) == dict(EnvironHeaders(environ).items())
