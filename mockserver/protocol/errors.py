"""Protocol errors the mock sends, with every description spelled exactly once.

Two families never mix: :class:`OAuthError` is bshaffer's flat ``{"error", "error_description"}``
object (token and authorize endpoints), :class:`RestlerError` is Luracast Restler's nested
``{"error": {"code", "message"}}`` object (routing, body parsing, ``/api/1.0`` resources).
Rendering (status, headers per profile) lives in :mod:`mockserver.protocol.render`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from mockserver.state import profiles

RFC_3_2 = "http://tools.ietf.org/html/rfc6749#section-3.2"
RFC_4_1_3 = "http://tools.ietf.org/html/rfc6749#section-4.1.3"
RFC_3_1_2 = "http://tools.ietf.org/html/rfc6749#section-3.1.2"
RFC_3_1_2_3 = "http://tools.ietf.org/html/rfc6749#section-3.1.2.3"

_ERRORS_BY_CODE: dict[str, type[OAuthError]] = {}


class OAuthError(Exception):
    """A bshaffer OAuth error: wire code, description, optional ``error_uri`` and bshaffer's status."""

    wire: ClassVar[str] = ""  # the class's wire code; an instance may carry another (``error``)
    status: ClassVar[int] = 400

    def __init__(
        self,
        description: str,
        *,
        error_uri: str | None = None,
        status: int | None = None,
        error: str | None = None,
    ):
        super().__init__(description)
        self.error = error if error is not None else self.wire
        self.description = description
        self.error_uri = error_uri
        self.status_override = status

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__()
        if cls.wire:
            _ERRORS_BY_CODE[cls.wire] = cls

    @property
    def http_status(self) -> int:
        return self.status_override if self.status_override is not None else self.status

    def body(self) -> dict[str, str]:
        out = {"error": self.error, "error_description": self.description}
        if self.error_uri:
            out["error_uri"] = self.error_uri
        return out

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.description!r})"


class InvalidRequestError(OAuthError):
    wire = "invalid_request"
    NO_GRANT_TYPE = "The grant type was not specified in the request"
    MISSING_USER_CREDENTIALS = 'Missing parameters: "username" and "password" required'
    MISSING_CODE = 'Missing parameter: "code" is required'
    MISSING_REFRESH_TOKEN = 'Missing parameter: "refresh_token" is required'
    BAD_RESPONSE_TYPE = "Invalid or missing response type"


class InvalidClientError(OAuthError):
    wire = "invalid_client"
    NOT_FOUND = "Client credentials were not found in the headers or body"
    INVALID = "The client credentials are invalid"
    PM_BODY_CREDENTIALS = (
        "Invalid REST API credentials, please send a valid client_id and client_secret."
    )
    NO_CLIENT_ID = "No client id supplied"
    BAD_CLIENT_ID = "The client id supplied is invalid"


class InvalidGrantError(OAuthError):
    wire = "invalid_grant"
    BAD_USER_CREDENTIALS = "Invalid username and password combination"
    BAD_CODE = "Authorization code doesn't exist or is invalid for the client"
    CODE_EXPIRED = "The authorization code has expired"
    BAD_REFRESH_TOKEN = "Invalid refresh token"
    REFRESH_EXPIRED = "Refresh token has expired"
    REFRESH_CLIENT_MISMATCH = "refresh_token doesn't exist or is invalid for the client"

    @staticmethod
    def client_mismatch(grant_type: str) -> str:
        return f"{grant_type} doesn't exist or is invalid for the client"


class UnauthorizedClientError(OAuthError):
    wire = "unauthorized_client"
    GRANT_NOT_ALLOWED = "The grant type is unauthorized for this client_id"


class UnsupportedGrantTypeError(OAuthError):
    wire = "unsupported_grant_type"
    DOC_EXAMPLE = 'Grant type "X" not supported'  # the documentation's table, X = the value sent

    @staticmethod
    def describe(grant_type: str) -> str:
        return f'Grant type "{grant_type}" not supported'


class InvalidScopeError(OAuthError):
    wire = "invalid_scope"
    UNSUPPORTED = "An unsupported scope was requested"


class AccessDeniedError(OAuthError):
    wire = "access_denied"
    USER_DENIED = "The user denied access to your application"


class InvalidTokenError(OAuthError):
    wire = "invalid_token"
    status = 401
    INVALID = "The access token provided is invalid"
    MALFORMED = 'Malformed token (missing "expires" or "client_id")'
    EXPIRED = "The access token provided has expired"
    # The documentation's table pairs this text with invalid_token; bshaffer sends invalid_client.
    DOC_CLIENT_INVALID = "The client credentials are invalid"


class InsufficientScopeError(OAuthError):
    wire = "insufficient_scope"
    status = 403
    HIGHER_PRIVILEGES = "The request requires higher privileges than provided by the access token"


class InvalidUriError(OAuthError):
    wire = "invalid_uri"
    NO_REDIRECT_URI = profiles.NO_REDIRECT_URI
    DOC_NO_REDIRECT_URL = profiles.DOC_NO_REDIRECT_URL
    FRAGMENT = "The redirect URI must not contain a fragment"
    MULTIPLE = "A redirect URI must be supplied when multiple redirect URIs are registered"
    NOT_A_HEADER_VALUE = "The redirect URI must be printable ASCII"
    """The mock's own text: bshaffer has no such check. PHP would write the URI into Location as
    it is (``header()`` drops a value holding CR or LF, and sends other octets raw); the mock
    refuses it with bshaffer's answer to a redirect URI it cannot use (``state/header_values``)."""


class RedirectUriMismatchError(OAuthError):
    wire = "redirect_uri_mismatch"
    TOKEN_MISMATCH = "The redirect URI is missing or do not match"
    AUTHORIZE_MISMATCH = "The redirect URI provided is missing or does not match"


ERRORS_BY_CODE: Mapping[str, type[OAuthError]] = _ERRORS_BY_CODE


def error_from_wire(code: str, description: str | None = None) -> OAuthError:
    """The error object for any wire code: its class's (``invalid_grant`` ... with the class's
    first description when none is given), or a plain :class:`OAuthError` carrying an unknown
    code (a scripted one-off)."""
    cls = ERRORS_BY_CODE.get(code)
    if cls is None:
        return OAuthError(description or "", error=code)
    return cls(description if description is not None else _default_description(cls))


def _default_description(cls: type[OAuthError]) -> str:
    """The class's first description constant; every registered class has one."""
    return next(v for k, v in vars(cls).items() if k.isupper() and isinstance(v, str))


# Texts the documentation lists in its error table that are PHP exceptions, not OAuth responses.
DOC_PHP_EXCEPTIONS: tuple[str, ...] = (
    'Argument "is_authorized" must be a boolean. This method must know if the user has granted '
    "access to the client.",
    "First argument to OAuth2\\Storage\\Pdo must be an instance of PDO or a configuration array.",
    'configuration array must contain "dsn"',
)

HTTP_REASONS: Mapping[int, str] = {
    100: "Continue",
    101: "Switching Protocols",
    200: "OK",
    201: "Created",
    202: "Accepted",
    203: "Non-Authoritative Information",
    204: "No Content",
    205: "Reset Content",
    206: "Partial Content",
    300: "Multiple Choices",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    304: "Not Modified",
    305: "Use Proxy",
    307: "Temporary Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    407: "Proxy Authentication Required",
    408: "Request Timeout",
    409: "Conflict",
    410: "Gone",
    411: "Length Required",
    412: "Precondition Failed",
    413: "Request Entity Too Large",
    414: "Request-URI Too Long",
    415: "Unsupported Media Type",
    416: "Requested Range Not Satisfiable",
    417: "Expectation Failed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    505: "HTTP Version Not Supported",
}
"""Restler's ``RestException::$codes`` (Restler ``RestException.php`` l.27-68): the reason it
writes in an error's ``message`` and in the status line. bshaffer's ``Response::$statusTexts``
and Apache's ``ap_get_status_line`` use the same words for every code here."""


class RestlerError(Exception):
    """A Restler error: ``{"error": {"code": N, "message": "<Reason>[: <detail>]"}}``."""

    UNKNOWN_WORKSPACE = "You have specified an unavailable workspace."
    BAD_API_VERSION = "Invalid API version."
    MALFORMED_JSON = "Error parsing JSON, malformed JSON"
    MISSING_CLIENT_ID = "Invalid request. The 'client_id' parameter is missing!"
    MISSING_RESPONSE_TYPE = "Invalid request. The 'response_type' parameter is missing!"
    NO_SESSION = "Local Authentication Error, user session is not started."
    UNDER_UPGRADE = (
        "The server is currently unable to handle the request due to temporary overloading or "
        "server maintenance (an application update has probably been performed on the server)"
    )

    def __init__(self, code: int, detail: str | None = None, *, debug: bool = False):
        super().__init__(detail or HTTP_REASONS.get(code, ""))
        self.code = code
        self.detail = detail
        self.debug = debug

    @staticmethod
    def unknown_client(client_id: str) -> str:
        return f"Error, unknown client. The client with id '{client_id}' is not registered"

    @staticmethod
    def no_permission(uid: str) -> str:
        """``ID_USER_NOT_HAVE_PERMISSION`` (workflow/engine/data/mysql/insert.sql:61376, English)."""
        return f'The user with "{uid}" not have permissions to perform this action.'

    @staticmethod
    def missing_token_row(token: str) -> str:
        return f'The row "{token}" in table OAUTH_ACCESS_TOKENS doesn\'t exist!'

    @staticmethod
    def unsupported_content_type(content_type: str) -> str:
        return f"Content type `{content_type}` is not supported."

    @property
    def message(self) -> str:
        reason = HTTP_REASONS.get(self.code, "Error")
        return f"{reason}: {self.detail}" if self.detail else reason

    def body(self) -> dict[str, dict[str, object]]:
        return {"error": {"code": self.code, "message": self.message}}
