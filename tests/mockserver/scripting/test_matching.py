"""Request matchers: exact text means the whole value, ``*`` any value, ``re:`` a search."""

from __future__ import annotations

import re

import pytest
import re2
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from mockserver.scripting.matching import Regex
from mockserver.scripting.matching import RequestInfo
from mockserver.scripting.matching import RequestMatcher
from mockserver.scripting.matching import compile_value
from mockserver.scripting.matching import describe_request


def _info(**params: str) -> RequestInfo:
    return RequestInfo(
        method="POST",
        path="/workflow/oauth2/token",
        endpoint="token",
        workspace="workflow",
        query={},
        params=params,
        encoding="form",
        headers={"Authorization": "Basic YWJjOmRlZg=="},
    )


@pytest.mark.parametrize(
    ("expected", "actual", "matches"),
    [
        ("johndoe", "johndoe", True),
        ("john", "johndoe", False),  # an exact value is not a substring match
        ("doe", "johndoe", False),
        ("johndoe", "johndoe2", False),
        ("JOHNDOE", "johndoe", False),
        ("*", "johndoe", True),
        ("re:^john", "johndoe", True),
        ("re:doe$", "johndoe2", False),
    ],
)
def test_parameter_values(expected: str, actual: str, matches: bool) -> None:
    matcher = RequestMatcher.build("token", params={"username": expected})
    assert matcher.matches(_info(username=actual)) is matches
    assert matcher.mismatches(_info(username=actual)) == ([] if matches else ["username"])


def test_an_exact_grant_type_is_not_found_inside_a_longer_one() -> None:
    matcher = RequestMatcher.build("token", grant_type="password")
    assert matcher.matches(_info(grant_type="password"))
    assert not matcher.matches(_info(grant_type="password_or_not"))
    assert not RequestMatcher.build("token", grant_type="pass").matches(
        _info(grant_type="password")
    )


def test_a_missing_parameter_matches_nothing_not_even_star() -> None:
    assert not RequestMatcher.build("token", params={"scope": "*"}).matches(_info())


def test_header_names_are_case_insensitive_values_exact() -> None:
    exact = RequestMatcher.build("token", headers={"AUTHORIZATION": "Basic YWJjOmRlZg=="})
    assert exact.matches(_info())
    assert not RequestMatcher.build("token", headers={"authorization": "Basic"}).matches(_info())


def test_describe_and_score() -> None:
    matcher = RequestMatcher.build("token", method="post", grant_type="password", params={"a": "1"})
    assert matcher.describe() == "{endpoint=token, method=POST, grant_type=password, a=1}"
    assert matcher.score(_info(grant_type="password", a="2")) == 4


def test_a_get_has_no_body_encoding() -> None:
    info = describe_request(
        Request(EnvironBuilder(path="/workflow/oauth2/authorize").get_environ())
    )
    assert (info.endpoint, info.encoding, dict(info.params)) == ("authorize", "none", {})


def test_an_unknown_endpoint_lists_the_known_ones() -> None:
    with pytest.raises(ValueError) as caught:
        RequestMatcher.build("tokens")
    assert str(caught.value) == (
        "unknown endpoint 'tokens'; known: token, authorize, expire, delete, api, login, "
        "applications, options, control, other, *"
    )


def test_a_grant_type_mismatch_is_named_grant_type() -> None:
    matcher = RequestMatcher.build("token", grant_type="password")
    assert matcher.mismatches(_info(grant_type="refresh_token")) == ["grant_type"]


def test_a_python_pattern_keeps_every_flag_and_errors_show_it_as_written() -> None:
    import re

    from mockserver.scripting.matching import Regex
    from mockserver.scripting.matching import compile_value

    both = compile_value(re.compile("^a.b$", re.IGNORECASE | re.DOTALL))
    assert isinstance(both, Regex) and both.pattern == "(?i)(?s)^a.b$"
    assert both.search("A\nB")
    with pytest.raises(ValueError) as caught:
        compile_value(re.compile(r"(a)\1", re.IGNORECASE))
    assert str(caught.value).startswith("regex '(a)\\\\1': ")


def test_a_refused_pattern_prints_nothing_to_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    """RE2's own error log stays off: the ValueError is the only report."""
    from mockserver.scripting.matching import Regex

    with pytest.raises(ValueError, match="invalid perl operator"):
        Regex.compile("(?=x)")
    assert capfd.readouterr() == ("", "")


def test_a_refused_pattern_is_a_value_error_under_python_dev_mode() -> None:
    """``python -X dev`` checks an error-handler name even when nothing needs decoding."""
    import subprocess
    import sys

    script = (
        "from mockserver.scripting.matching import Regex\n"
        "try:\n"
        "    Regex.compile('é(')\n"
        "except ValueError as exc:\n"
        "    print(str(exc).split(';')[0])\n"
    )
    ran = subprocess.run(
        [sys.executable, "-X", "dev", "-c", script],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert (ran.returncode, ran.stdout) == (0, "regex 'é(': missing ): é(\n")


def test_a_verbose_python_pattern_is_refused_saying_why() -> None:
    import re

    from mockserver.scripting.matching import compile_value

    with pytest.raises(ValueError) as caught:
        compile_value(re.compile("a b", re.VERBOSE))
    assert str(caught.value) == (
        "regex 'a b': re.VERBOSE (verbose mode) has no RE2 equivalent; write the pattern without it"
    )


def test_a_matcher_built_from_nothing_matches_every_request() -> None:
    matcher = RequestMatcher.build()
    assert matcher == RequestMatcher()
    assert matcher.describe() == "{endpoint=*}"
    assert matcher.matches(_info())


@pytest.mark.parametrize(
    ("matcher", "mismatches"),
    [
        (RequestMatcher.build("token", method="POST", workspace="workflow"), []),
        (RequestMatcher.build("api"), ["endpoint"]),
        (RequestMatcher.build("token", method="GET"), ["method"]),
        (RequestMatcher.build("token", workspace="other"), ["workspace"]),
        (
            RequestMatcher.build("api", method="GET", workspace="other"),
            ["endpoint", "method", "workspace"],
        ),
    ],
)
def test_endpoint_method_and_workspace_mismatches_are_named(
    matcher: RequestMatcher, mismatches: list[str]
) -> None:
    info = _info()  # POST to the token endpoint of workspace "workflow"
    assert matcher.mismatches(info) == mismatches
    assert matcher.matches(info) is (mismatches == [])


def test_re2_is_told_not_to_log_its_errors() -> None:
    """The options are built once at import, so this calls the builder itself."""
    from mockserver.scripting.matching import _re2_options

    assert _re2_options().log_errors is False


_RE2_HINT = (
    "; matcher patterns use RE2 syntax (no backreferences or lookaround, \\z not \\Z), "
    "see https://github.com/google/re2/wiki/Syntax"
)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (re.compile(b"ab"), "regex b'ab': a bytes pattern; use a str pattern"),
        (re2.compile(b"ab"), "regex b'ab': a bytes pattern; use a str pattern"),
        ("re:(", "regex '(': missing ): (" + _RE2_HINT),
    ],
)
def test_a_refused_value_says_why(value: object, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        compile_value(value)
    assert str(caught.value) == message


@pytest.mark.skipif(not hasattr(re, "TEMPLATE"), reason="re.TEMPLATE left Python in 3.13")
def test_a_python_flag_without_an_re2_prefix_is_refused_by_name() -> None:
    with pytest.warns(DeprecationWarning):
        template = re.compile("a", re.TEMPLATE)
    with pytest.raises(ValueError) as caught:
        compile_value(template)
    assert str(caught.value) == "regex 'a': flags re.TEMPLATE not supported"


def test_an_re2_object_is_used_as_compiled() -> None:
    compiled = re2.compile("a.c")
    value = compile_value(compiled)
    assert isinstance(value, Regex)
    assert (value.pattern, value.compiled) == ("a.c", compiled)
    assert value.search("xabcx") and not value.search("ac")


def test_a_refused_resource_pattern_names_the_resource() -> None:
    with pytest.raises(ValueError) as caught:
        RequestMatcher.build("api", resource="re:(")
    assert str(caught.value) == "resource: regex '(': missing ): (" + _RE2_HINT


def test_a_resource_mismatch_is_named_resource() -> None:
    info = RequestInfo(
        method="GET",
        path="/api/1.0/workflow/cases",
        endpoint="api",
        workspace="workflow",
        query={},
        params={},
        encoding="none",
        headers={},
        resource="cases",
    )
    assert RequestMatcher.build("api", resource="cases").mismatches(info) == []
    assert RequestMatcher.build("api", resource="users").mismatches(info) == ["resource"]
