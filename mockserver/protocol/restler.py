"""What Restler does to every ``/api/1.0/{workspace}/...`` request around the routing table.

Luracast Restler 3 (vendored in ProcessMaker at ``vendor/luracast/restler/vendor/Luracast/Restler``;
"Restler.php" below is its ``Restler.php`` at CO 1429451be, 3.4.11, and ``Extension`` is
ProcessMaker's subclass ``framework/src/Maveriks/Extension/Restler.php``):

- **The method** (``Util::getRequestMethod``, ``Util.php`` l.141-163; applied by
  :func:`mockserver.protocol.restler_routes.request_method`): ``X-HTTP-Method-Override`` replaces
  the request method whatever its value; else an ``http_method`` parameter
  (``Defaults::$httpMethodOverrideProperty``, ``Defaults.php`` l.127) in the query or the form
  body may make it ``PUT``, ``DELETE``, ``POST`` or ``PATCH``; ``HEAD`` is served as ``GET``.
- **Overridable defaults** (``Defaults.php`` l.250-280): ``suppress_response_codes=true`` in the
  query forces HTTP 200 on every answer, errors included; the body is unchanged.
- **The request data** (``Extension::getRequestData``, l.86-119): only ``POST``, ``PUT`` and
  ``PATCH`` read a body; a JSON body is decoded into ``request_data`` and, when it is an object,
  its members become parameters too; query parameters fill in the rest (the body wins).
- **Negotiation** (``Restler::negotiate``, l.629-860), after routing and before authentication,
  and also on the way out of a routing failure (``handle``, l.237-289):
  the ``.json`` extension or ``Accept`` picks JSON (``Vary: Accept``); an ``Accept`` that names no
  JSON type and no wildcard is 406 ``Content negotiation failed. Try `application/json`
  instead.``; an ``Accept-Charset`` naming neither ``utf-8`` nor ``iso-8859-1`` nor ``*`` is 406
  ``Content negotiation failed. Requested charset is not supported``; ``Accept-Language`` picks
  ``en`` or ``en-US`` for ``Content-Language`` (anything else is ignored).
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.wrappers import Request

from mockserver.protocol.errors import RestlerError
from mockserver.protocol.restler_routes import PHP_NUMERIC

SUPPORTED_CHARSETS = ("utf-8", "iso-8859-1")
SUPPORTED_LANGUAGES = ("en", "en-US")
JSON_MIME = "application/json"


def suppress_response_codes(request: Request) -> bool:
    """``?suppress_response_codes=`` read as Restler's ``bool`` validation reads it."""
    value = request.args.get("suppress_response_codes")
    if value is None:
        return False
    if value == "true":
        return True
    try:
        return float(value) > 0
    except ValueError:
        return False


def sort_by_priority(header: str) -> list[str]:
    """``Util::sortByPriority``: the values of an ``Accept*`` header, highest ``q`` first."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        value, *params = (p.strip() for p in part.split(";"))
        if not value:
            continue
        quality = 1.0
        for param in params:
            name, _, number = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(number)
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, index, value.lower()))
    return [value for _q, _i, value in sorted(ranked)]


@dataclass(frozen=True, slots=True)
class Negotiated:
    """The outcome of Restler's negotiation: a format was found (so the answer carries
    ``Vary: Accept``), and its charset and language."""

    charset: str = "utf-8"
    language: str = "en"


def negotiate(request: Request, path: str) -> Negotiated:
    """Restler's response format, charset and language for this request.

    :raises RestlerError: 406 when nothing acceptable is on offer.
    """
    last = path.rsplit("/", 1)[-1]
    by_extension = "." in last and last.rsplit(".", 1)[-1].lower() == "json"
    accept = request.headers.get("Accept")
    if not by_extension and accept is not None:
        ranked = sort_by_priority(accept)
        # A wildcard always picks a format (text/* picks Restler's XmlFormat: not modelled,
        # the mock answers JSON there too); without one, only JSON's MIME type or extension.
        if JSON_MIME not in ranked and "json" not in ranked and "*" not in accept:
            raise RestlerError(406, f"Content negotiation failed. Try `{JSON_MIME}` instead.")
    charset = "utf-8"
    accept_charset = request.headers.get("Accept-Charset")
    if accept_charset is not None:
        wanted = next(
            (c for c in sort_by_priority(accept_charset) if c in SUPPORTED_CHARSETS), None
        )
        if wanted is not None:
            charset = wanted
        elif "*" not in accept_charset:
            raise RestlerError(
                406, "Content negotiation failed. Requested charset is not supported"
            )
    language = "en"
    accept_language = request.headers.get("Accept-Language")
    if accept_language is not None:
        for asked in sort_by_priority(accept_language):
            found = next((s for s in SUPPORTED_LANGUAGES if s.lower() == asked), None)
            if found is not None:
                language = found
                break
    return Negotiated(charset, language)


# --- parameter validation (Restler ``Data/Validator.php`` ``validate``, l.359-627) -------------


def _php_numeric(value: object) -> float | None:
    """PHP's ``is_numeric`` (a number, or a numeric string), as a float; ``None`` when not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and PHP_NUMERIC.match(value):
        try:
            return float(value)
        except ValueError:  # pragma: no cover - the pattern admits only floats
            return None
    return None


def _plural(count: float, one: str, many: str) -> str:
    return many if count > 1 else one


def validate_param(name: str, spec: ParamSpec, value: object) -> object:
    """One parameter as Restler's validator checks and converts it.

    :raises RestlerError: 400 with Restler's message.
    """
    label = f"`{name}`"
    if value is None:
        if spec.required:
            raise RestlerError(400, f"{label} is required.")
        return None
    error = f"Invalid value specified for {label}"
    if spec.choice is not None:
        items = value if isinstance(value, list) else [value]
        if any(str(item) not in spec.choice for item in items):
            raise RestlerError(400, f"{error}. Expected one of ({','.join(spec.choice)}).")
    kind = spec.type
    if kind in ("int", "float", "number"):
        number = _php_numeric(value)
        if number is None:
            wanted = "integer" if kind == "int" else "numeric"
            raise RestlerError(400, f"{error}. Expecting {wanted} value")
        if kind == "int" and number != int(number):
            raise RestlerError(400, f"{error}. Expecting integer value")
        result: int | float = int(number) if kind == "int" else number
        if spec.min is not None and result < spec.min:
            raise RestlerError(400, f"{error}. Minimum required value is {spec.min}.")
        if spec.max is not None and result > spec.max:
            raise RestlerError(400, f"{error}. Maximum allowed value is {spec.max}.")
        return result
    if kind == "string":
        if not isinstance(value, str):  # a JSON number, list or object (no ``fix``)
            raise RestlerError(400, f"{error}. Expecting alpha numeric value")
        if spec.required and value == "":
            raise RestlerError(400, f"{label} is required.")
        length = len(value.encode("utf-8"))  # PHP's strlen counts bytes
        if spec.min is not None and length < spec.min:
            chars = _plural(spec.min, "character", "characters")
            raise RestlerError(400, f"{error}. Minimum {spec.min} {chars} required.")
        if spec.max is not None and length > spec.max:
            chars = _plural(spec.max, "character", "characters")
            raise RestlerError(400, f"{error}. Maximum {spec.max} {chars} allowed.")
        return value
    if kind in ("bool", "boolean"):
        if value is True or value == "true":
            return True
        number = _php_numeric(value)
        return number is not None and number > 0
    if kind == "array":
        if not isinstance(value, list | dict):
            raise RestlerError(400, error)
        count = len(value)
        if spec.min is not None and count < spec.min:
            noun = _plural(spec.max or 0, "item", "items")  # Restler reads max here, not min
            raise RestlerError(400, f"{error}. Minimum {spec.min} {noun} required.")
        if spec.max is not None and count > spec.max:
            noun = _plural(spec.max, "item", "items")
            raise RestlerError(400, f"{error}. Maximum {spec.max} {noun} allowed.")
        return value
    return value  # mixed, object and class types: passed on as sent


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """A method parameter as the route table describes it."""

    type: str | None
    source: str
    required: bool
    default: object = None
    choice: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
