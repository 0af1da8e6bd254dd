"""The one way the suite talks to a ProcessMaker target: the checks, ``fingerprint`` and ``record``.

A :class:`TargetClient` sends each request through the run's transport and, whoever sends it:

- learns every secret sent and received (so every report and line of output can hide them);
- keeps the exchange as evidence;
- follows the access tokens answers hand out (a token body, whatever the path; an implicit
  grant's redirect) and the ones maintenance requests remove, so cleanup expires exactly what
  may still be valid (:meth:`TargetClient.expire_left`);
- turns a server that cannot be reached, or an answer the suite gave up reading, into a
  :class:`~conformance.failures.HarnessError` naming the request; an answer too large to read
  is raised as :class:`~conformance.http.AnswerTooLarge` for the caller to blame the server
  (a check fails with it; a probe stops with it).

What an answer *means* is not decided here but in :mod:`conformance.answers`, one classifier
per observed behaviour, which every caller shares.
"""

from __future__ import annotations

from urllib.parse import parse_qsl
from urllib.parse import urlsplit

from mockserver.redaction import SecretSet

from .cleanup import expire_tokens
from .cleanup import form_post
from .cleanup import removed_token
from .failures import HarnessError
from .http import AnswerError
from .http import AnswerTooLarge
from .http import Exchange
from .http import HttpRequest
from .http import HttpResponse
from .http import Transport
from .http import cannot_reach
from .http import is_connection_error


class TargetClient:
    """A connection to one workspace of a target, for one check or one probe run."""

    def __init__(self, transport: Transport, workspace: str, secrets: SecretSet) -> None:
        self.transport = transport
        self.workspace = workspace
        self.secrets = secrets
        self.exchanges: list[Exchange] = []
        self.issued: list[str] = []
        """Every access token an answer handed out, in order."""
        self.removed: set[str] = set()
        """Access tokens a request of this client deleted or expired: none left valid."""

    @property
    def token_path(self) -> str:
        return f"/{self.workspace}/oauth2/token"

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request``; the answer, whatever its status.

        :raises AnswerTooLarge: the server's answer went past the cap (its exchange is kept).
        :raises HarnessError: the server cannot be reached, or its answer could not be read.
        """
        base = self.transport.base_url
        self.secrets.learn_request(request.path, request.headers, request.body)
        try:
            response = self.transport.send(request)
        except AnswerTooLarge as exc:
            self.exchanges.append(Exchange(request, exc.response, base, str(exc)))
            raise
        except Exception as exc:
            if not is_connection_error(exc):
                raise
            self.exchanges.append(Exchange(request, None, base, str(exc)))
            if isinstance(exc, AnswerError):  # it names the request and what was wrong
                raise HarnessError(self.secrets.redact(str(exc))) from None
            reason = cannot_reach(base, exc)
            raise HarnessError(
                self.secrets.redact(f"{request.method} {request.path}: {reason}")
            ) from None
        self.secrets.learn_response(response.headers, response.body)
        self.exchanges.append(Exchange(request, response, base))
        self._follow_tokens(request, response)
        return response

    def probe(self, request: HttpRequest) -> HttpResponse:
        """:meth:`send` for probes that run outside a check (``fingerprint``, ``record``): an
        answer too large to read stops them, as a :class:`~conformance.failures.HarnessError`
        naming it."""
        try:
            return self.send(request)
        except AnswerTooLarge as exc:
            raise HarnessError(self.secrets.redact(str(exc))) from None

    def form(
        self, path: str, form: dict[str, str], headers: dict[str, str] | None = None
    ) -> HttpResponse:
        """POST ``form`` (URL-encoded) to ``path``, as a probe (:meth:`probe`)."""
        return self.probe(form_post(path, form, headers))

    def _follow_tokens(self, request: HttpRequest, response: HttpResponse) -> None:
        body = response.json() if response.body.lstrip()[:1] == b"{" else None
        if isinstance(body, dict) and isinstance(body.get("access_token"), str):
            self.issued.append(body["access_token"])
        gone = removed_token(request, response, self.workspace)
        if gone is not None:
            self.removed.add(gone)
        location = response.header("Location")
        if location and "#" in location:
            fragment = dict(parse_qsl(urlsplit(location).fragment, keep_blank_values=True))
            if fragment.get("access_token"):
                self.issued.append(fragment["access_token"])

    def expire_left(self) -> list[str]:
        """Expire every token handed out and not removed since; why each one that stays valid
        does (:func:`~conformance.cleanup.expire_tokens`)."""
        return expire_tokens(self.transport, self.workspace, self.issued, self.removed)
