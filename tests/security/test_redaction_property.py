"""Property: a secret the run knows never shows in any output where it stands as a value, and
never eats an ordinary word.

For any secret (printable, regex metacharacters included) and any failure text holding it once
or several times as a value (quoted, as messages and JSON show values), next to any other text, neither the redaction function nor a failure recorded
by the runner and rendered as JSON, JUnit, HTML or Markdown (nor the progress line on stderr)
contains it, in any of the encodings those outputs use.
"""

from __future__ import annotations

import html
import io
import json
import string
from collections.abc import Callable

from hypothesis import assume
from hypothesis import given
from hypothesis import strategies as st

from conformance.cli import Progress
from conformance.context import CheckContext
from conformance.http import HttpRequest
from conformance.http import HttpResponse
from conformance.http import HttpTransport
from conformance.http import redact
from conformance.registry import CheckSpec
from conformance.registry import Severity
from conformance.reporting import build_report
from conformance.runner import run
from conformance.target import Credentials
from conformance.target import Target
from mockserver import get_profile
from reports import dumps
from reports import html as html_report
from reports import junit
from reports import markdown

PLACEHOLDERS = ("<redacted>", "<redacted secret>")
PRINTABLE = string.printable.replace("\t\n\r\x0b\x0c", "")  # letters, digits, punctuation, space
SECRETS = st.text(alphabet=PRINTABLE, min_size=4, max_size=40)
OTHER_TEXT = st.text(alphabet=PRINTABLE, max_size=30)
PROFILE = get_profile("documented")


def _touches_placeholder(secret: str) -> bool:
    """A secret that is part of a placeholder, or that a placeholder could complete with the
    text next to it (``"e<re"`` in ``"e<redacted>"``), shows whatever redaction does."""
    for placeholder in PLACEHOLDERS:
        if secret in placeholder:
            return True
        for k in range(1, len(secret)):
            if placeholder.startswith(secret[-k:]) or placeholder.endswith(secret[:k]):
                return True
    return False


QUOTES = st.sampled_from(["'", '"'])


@st.composite
def _texts_holding(draw: st.DrawFn, secret: str) -> str:
    """Other text with the secret once or several times in it, shown as a value (in quotes,
    as messages quote what they saw with ``!r`` and JSON quotes strings), maybe right next to
    itself. Outside quotes, a secret that reads as a word is an ordinary word
    (:func:`test_ordinary_words_survive_a_password_that_is_one`)."""
    times = draw(st.integers(min_value=1, max_value=3))
    # A secret that reads as a word is hidden only where it is shown as a value: other text
    # holding it unquoted ("'AAAA'AAAA") holds an ordinary word, which must survive.
    other = OTHER_TEXT.filter(lambda part: secret not in part) if secret.isalpha() else OTHER_TEXT
    parts = draw(st.lists(other, min_size=times + 1, max_size=times + 1))
    quote = draw(QUOTES)
    return f"{quote}{secret}{quote}".join(parts)


class _Echo(HttpTransport):
    """A target that answers every request with a token: the secret itself."""

    def __init__(self, token: str) -> None:
        super().__init__("http://pm.invalid")
        self.token = token

    def send(self, request: HttpRequest) -> HttpResponse:
        body = {"access_token": self.token, "token_type": "bearer", "expires_in": 3600}
        return HttpResponse(200, (("Content-Type", "application/json"),), json.dumps(body).encode())


def _spec(text: str) -> CheckSpec:
    def check(ctx: CheckContext) -> None:
        ctx.token({"grant_type": "password", "username": "someone"})
        ctx.fail(text)  # the message holds the text; the evidence holds the token answer

    return CheckSpec(
        "PM3-PROPERTY-999", "A check whose failure text holds a secret", Severity.LOW, check
    )


def _outputs(text: str, token: str, password: str) -> dict[str, str]:
    """Every output of a one-check run whose failure message is ``text``."""
    credentials = Credentials(
        "CLIENTIDCLIENTIDCLIENTIDCLIENTID", "c1ient-s3cret-value", "user", password
    )
    stderr = io.StringIO()
    result = run(
        [_spec(text)],
        Target("url", base_url="http://pm.invalid", _shared=_Echo(token)),
        PROFILE,
        credentials,
        on_result=Progress(1, "property", stderr),
    )
    report = build_report([result])
    renderers: dict[str, Callable[..., str]] = {
        "json": dumps,
        "junit": junit.render,
        "html": html_report.render,
        "markdown": markdown.render,
    }
    out = {name: render(report) for name, render in renderers.items()}
    out["stderr"] = stderr.getvalue()
    return out


def _encoded(secret: str) -> set[str]:
    return {secret, json.dumps(secret)[1:-1], html.escape(secret), html.escape(secret, quote=False)}


@given(data=st.data(), secret=SECRETS, known_as=st.sampled_from(["password", "token"]))
def test_no_output_contains_a_known_secret(data: st.DataObject, secret: str, known_as: str) -> None:
    assume(not _touches_placeholder(secret))
    text = data.draw(_texts_holding(secret))
    assert secret in text

    # the redaction function
    assert secret not in redact(text, (secret,))

    # the runner and every renderer: the secret given as the password, or handed out as a token
    unrelated = "token-of-no-interest"
    password, token = (secret, unrelated) if known_as == "password" else ("p4ss-word-x", secret)
    control = _outputs(text.replace(secret, ""), unrelated, "p4ss-word-x")
    forms = _encoded(secret)
    # a secret that the outputs hold anyway (a tag, a title, an indentation) proves nothing
    assume(not any(f in out for out in control.values() for f in forms))
    for name, out in _outputs(text, token, password).items():
        for form in forms:
            assert form not in out, f"{secret!r} (as {form!r}) in the {name} output"


@given(
    data=st.data(),
    secrets=st.lists(SECRETS, min_size=1, max_size=5, unique=True),
)
def test_every_secret_of_a_set_is_gone_even_when_they_overlap(
    data: st.DataObject, secrets: list[str]
) -> None:
    """Several secrets, some maybe inside or overlapping others: redacting with all of them
    leaves none (longest first, in one pass)."""
    from mockserver.redaction import SecretSet

    assume(not any(_touches_placeholder(s) for s in secrets))
    quoted = st.tuples(QUOTES, st.sampled_from(secrets)).map(lambda qs: qs[0] + qs[1] + qs[0])
    pieces = data.draw(st.lists(quoted | OTHER_TEXT, min_size=1, max_size=8))
    text = "".join(pieces)
    vault = SecretSet(secrets)
    out = vault.redact(text)
    for secret in secrets:
        assert secret not in out
    assert vault.redact(out) == out  # idempotent: a second pass changes nothing


WORDS = st.text(alphabet=string.ascii_letters, min_size=4, max_size=16)
"""A password that is a common word: "workflow", "admin", "wrong"."""


@given(word=WORDS, suffix=st.text(alphabet=string.ascii_letters + string.digits, min_size=1))
def test_ordinary_words_survive_a_password_that_is_one(word: str, suffix: str) -> None:
    """A password that reads as a word hides where it is shown as a value (quoted, or in a
    secret field), never in the suite's prose, a URL's path, a file name or as part of a word;
    and no secret is ever hidden as part of a word."""
    from mockserver.redaction import SecretSet

    vault = SecretSet(credentials=[word, "p4ssw0rd"])
    survivors = [
        f"sends {word} passwords, which may lock the account",
        f"http://pm.example/{word}/oauth2/token",
        f"pm3-reports/{word}-report.json",
        f"{word}{suffix} and {suffix}{word}",
        f"xp4ssw0rd{suffix} {suffix}p4ssw0rd",
    ]
    for text in survivors:
        assert vault.redact(text) == text
    for shown in (
        f"password={word}&scope=*",
        json.dumps({"password": word}),
        f"got {word!r}",
        f"'{word}'",
    ):
        assert word not in vault.redact(shown), shown
