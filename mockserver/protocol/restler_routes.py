"""ProcessMaker 3's REST route tables, and Restler 3's ``Routes::find`` over them.

A table (``data/rest-routes-<release>.json``) is generated from ProcessMaker's source by
``tools/pm3_routes.py``: every route Restler builds for ``/api/1.0/{workspace}/``, with its class,
method, access level, ``@class AccessControl {@permission …}`` permissions and parameters.
Tables load on first use (:func:`table`), once per release; importing this module reads nothing.

:meth:`RouteTable.find` answers what Restler answers for a method and a path, as the vendored
Restler does it (``docs/rest-routes.md`` cites each step, CO = the release's commit):

- ``WebApplication::initRest`` rewrites a ``plugin-NAME`` first segment, then Restler's
  ``getPath`` URL-decodes the whole URI (``urldecode``: ``+`` is a space, ``%2F`` a slash, so an
  encoded slash splits segments), strips ``/app.php``, cuts the query, strips trailing slashes
  (3.0: one) and removes every ``.json`` (3.0: also ``.post``) anywhere in the path;
- ``Routes::find`` tries the exact path as a key (case-sensitive, *static* routes), then, in
  the keys' sorted order, every key as a case-insensitive regex in which ``{name}`` is one
  non-empty segment (*dynamic* routes; a path written with other case, or a key with
  parameters, matches here); a trailing slash or an empty segment (``a//b``) becomes a newline
  that a ``{name}`` segment matches, and is trimmed from the value;
- a ``{name}`` of an ``int``/``float`` parameter only takes a numeric value: another value is
  400 ``invalid value specified for `name```` unless a later key matches;
- nothing matched: 405 with ``Allow`` (the methods of the key equal to the path, in the order
  Restler stored them) when the path itself is a key, else 404. A key with parameters is never
  equal to a request path, so a wrong method on ``users/{usr_uid}`` is 404, not 405.

This module imports only the standard library.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from functools import cache
from importlib import resources
from typing import Any

_DATA_PACKAGE = "mockserver.protocol"
_DATA_DIR = "data"
_NAME = re.compile(r"rest-routes-(?P<release>[0-9][0-9.]*)\.json\Z")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# PHP 7's is_numeric() of a string: leading (not trailing) white space, no hex
PHP_NUMERIC = re.compile(
    r"[ \t\n\r\v\f]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z"
)
"""PHP 7's ``is_numeric`` of a string: leading whitespace allowed, trailing not (PM 3 runs PHP 7)."""
_PLAIN_KEY = re.compile(r"(?:[A-Za-z0-9_\-]|\{[A-Za-z0-9_]*\}|/)*\Z")
_PERCENT = re.compile(rb"%([0-9A-Fa-f]{2})")
_OVERRIDABLE = ("PUT", "DELETE", "POST", "PATCH")


class UnknownRelease(LookupError):
    """No table for that release; the message lists the ones there are."""


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter of a route: JSON ``from`` is ``from_`` (path, query or body)."""

    name: str
    type: str | None
    from_: str
    required: bool
    default: Any
    choice: tuple[str, ...] | None
    min: Any
    max: Any


@dataclass(frozen=True, slots=True)
class Route:
    """One route as Restler stores it; JSON ``class`` is ``class_``.

    :param path: the key with ``{name}`` for each parameter (``users/{usr_uid}``), relative to
        ``/api/1.0/{workspace}/``; a wildcard route keeps Restler's trailing ``*``.
    :param key: Restler's own key (``users/{s0}``: ``s`` any segment, ``n`` numeric).
    :param seq: when Restler first stored this key and method (orders ``Allow``).
    """

    method: str
    path: str
    key: str
    class_: str
    function: str
    access: str
    access_level: int
    access_tag: str | None
    permissions: tuple[str, ...]
    params: tuple[Param, ...]
    source: str
    mount: str
    seq: int
    wildcard: bool
    shadows: tuple[str, ...]
    order_dependent: bool


@dataclass(frozen=True, slots=True)
class Found:
    """A route matched. ``args`` are the path arguments by parameter name, decoded."""

    route: Route
    args: Mapping[str, str]
    via: str  # static | wildcard | dynamic
    path: str  # the path as Restler matched it
    wildcard_args: tuple[str, ...] = ()
    status: int = 200


def _error_body(code: int, message: str) -> dict[str, Any]:
    # Compose::message in production mode (no "debug" member)
    return {"error": {"code": code, "message": message}}


@dataclass(frozen=True, slots=True)
class NotFound:
    """``RestException(404)`` from ``Routes::find``."""

    path: str
    status: int = 404

    @property
    def headers(self) -> tuple[tuple[str, str], ...]:
        return ()

    def body(self) -> dict[str, Any]:
        return _error_body(404, "Not Found")


@dataclass(frozen=True, slots=True)
class MethodNotAllowed:
    """``RestException(405)`` with ``Allow: <methods, comma-space separated>``."""

    path: str
    allowed: tuple[str, ...]
    status: int = 405

    @property
    def headers(self) -> tuple[tuple[str, str], ...]:
        return (("Allow", ", ".join(self.allowed)),)

    def body(self) -> dict[str, Any]:
        return _error_body(405, "Method Not Allowed")


@dataclass(frozen=True, slots=True)
class BadRequest:
    """``RestException(400, "invalid value specified for `name`")``: a numeric segment was not."""

    path: str
    name: str
    status: int = 400

    @property
    def headers(self) -> tuple[tuple[str, str], ...]:
        return ()

    def body(self) -> dict[str, Any]:
        return _error_body(400, f"Bad Request: invalid value specified for `{self.name}`")


Result = Found | NotFound | MethodNotAllowed | BadRequest


@dataclass(frozen=True, slots=True)
class _Dyn:
    order: int
    regex: re.Pattern[str] | None
    route: Route


def php_urldecode(text: str) -> str:
    """PHP's ``urldecode``: ``+`` is a space, ``%XX`` a byte, a lone ``%`` stays."""
    raw = text.encode("utf-8", "surrogateescape").replace(b"+", b" ")
    raw = _PERCENT.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
    return raw.decode("utf-8", "surrogateescape")


def request_method(
    method: str, *, method_override: str | None = None, http_method: str | None = None
) -> str:
    """``Util::getRequestMethod``: the ``X-HTTP-Method-Override`` header as sent, else an
    ``http_method`` request parameter that upper-cases to PUT/DELETE/POST/PATCH; HEAD is GET."""
    if method_override is not None:
        method = method_override
    elif http_method is not None and http_method.upper() in _OVERRIDABLE:
        method = http_method.upper()
    return "GET" if method == "HEAD" else method


class RouteTable:
    """The routes of one release and Restler's matcher over them."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.release: str = data["release"]
        self.commit: str = data["commit"]
        self.counts: Mapping[str, Any] = data["counts"]
        restler = data["restler"]
        self.restler_version: str = restler["version"]
        self._prefix: str = restler["version_prefix"]
        self._extensions: tuple[str, ...] = tuple(restler["extensions"])
        self._script = restler["script_name"].split("/")
        self._plugin_rewrite: bool = restler["plugin_prefix_rewrite"]
        self._rc4 = self.restler_version == "3.0.0rc4"
        self.routes: tuple[Route, ...] = tuple(_route(r) for r in data["routes"])
        self._static: dict[str, dict[str, Route]] = {}
        self._wild: dict[str, dict[str, Route]] = {}
        for r in sorted(self.routes, key=lambda r: r.seq):
            store = self._wild if r.wildcard else self._static
            store.setdefault(self._full_key(r.key), {})[r.method] = r
        self._wild_order = sorted(self._wild, key=len, reverse=True)
        # dynamic: every key, in PHP's ksort order, bucketed by (method, segments, first segment)
        self._buckets: dict[tuple[str, int, str | None], list[_Dyn]] = {}
        self._odd: dict[str, list[_Dyn]] = {}
        for order, key in enumerate(sorted(self._static)):
            regex = _compile(key)
            for method, route in self._static[key].items():
                dyn = _Dyn(order, regex, route)
                if not _PLAIN_KEY.match(key):
                    self._odd.setdefault(method, []).append(dyn)
                    continue
                first = self._lead(key)
                lead = None if first.startswith("{") else first.translate(_ASCII_LOWER)
                self._buckets.setdefault((method, key.count("/") + 1, lead), []).append(dyn)

    def _lead(self, path: str) -> str:
        """The first segment after the version prefix (3.0's ``v1``): what the index keys on."""
        if self._prefix and path.startswith(self._prefix + "/"):
            path = path[len(self._prefix) + 1 :]
        return path.split("/", 1)[0]

    def _full_key(self, key: str) -> str:
        if not self._prefix:
            return key
        return self._prefix + ("/" + key if key else "")

    def normalize(self, path: str) -> str:
        """The path ``Routes::find`` receives for a request to ``/api/1.0/{ws}/`` + ``path``.

        ``path`` is everything after the workspace segment's slash, as sent (encoded, with its
        query string)."""
        uri = "/" + path
        if self._plugin_rewrite and "/plugin-" in uri:
            parts = uri.split("/")[1].split("-")
            name = parts[1] if len(parts) > 1 else ""
            uri = uri.replace("plugin-" + name, name.translate(_ASCII_LOWER))
        full = php_urldecode(uri)
        segs = full.split("/")
        script = list(self._script)
        while script:
            if segs and segs[0] == script[0]:
                segs.pop(0)
            else:
                break
            script.pop(0)
        out = "/".join(segs)
        if self._rc4:
            out = re.sub(r"(/*\?.*$)|(/$)", "", out)
        else:
            out = out.lstrip("?").split("?", 1)[0].rstrip("/")
        for ext in self._extensions:
            out = out.replace(ext, "")
        if self._prefix:
            out = self._prefix + ("/" + out if out not in ("", "0") else "")
        return out

    def find(
        self,
        method: str,
        path: str,
        *,
        method_override: str | None = None,
        http_method: str | None = None,
    ) -> Result:
        """What Restler answers for ``method`` on ``/api/1.0/{ws}/`` + ``path``."""
        verb = request_method(method, method_override=method_override, http_method=http_method)
        return self.find_normalized(verb, self.normalize(path))

    def find_normalized(self, method: str, path: str) -> Result:
        """``Routes::find`` itself, on a path already through :meth:`normalize`."""
        hit = self._static.get(path, {}).get(method)
        if hit is not None:
            return Found(hit, {}, "static", path)
        for prefix in self._wild_order:
            route = self._wild[prefix].get(method)
            if route is not None and path.startswith(prefix):
                rest = path[len(prefix) + 1 :]
                return Found(route, {}, "wildcard", path, tuple(rest.split("/")) if rest else ())
        probe = path + "\n" if path.endswith("/") else path
        probe = probe.replace("//", "/\n/")
        bad: str | None = None
        for dyn in self._candidates(method, probe):
            if dyn.regex is None:
                continue
            m = dyn.regex.match(probe)
            if m is None:
                continue
            args: dict[str, str] = {}
            ok = True
            for group, value in m.groupdict().items():
                digits = group[1:]
                index = int(digits) if digits.isdigit() else 0
                params = dyn.route.params
                name = params[index].name if index < len(params) else ""
                if group[0] == "s" or group.startswith(_path_var_type(value)):
                    args[name] = value.strip("\n")
                else:
                    bad, ok = name, False
                    break
            if ok:
                return Found(dyn.route, args, "dynamic", path)
        if bad is not None:
            return BadRequest(path, bad)
        allowed = self._static.get(probe) or (self._wild if probe == "*" else None)
        if allowed:
            return MethodNotAllowed(path, tuple(allowed))
        return NotFound(path)

    def _candidates(self, method: str, probe: str) -> list[_Dyn]:
        segments = probe.count("/") + 1
        firsts = {self._lead(probe).translate(_ASCII_LOWER)}
        if probe.endswith("\n"):  # PCRE's $ also matches before a final newline
            firsts.add(self._lead(probe[:-1]).translate(_ASCII_LOWER))
        found: list[_Dyn] = []
        for first in firsts:
            found += self._buckets.get((method, segments, first), ())
        found += self._buckets.get((method, segments, None), ())
        found += self._odd.get(method, ())
        if len(found) > 1:
            found.sort(key=lambda d: d.order)
        return found

    def methods(self, path: str) -> tuple[str, ...]:
        """The methods of the route key equal to ``path`` (Restler's order), if any."""
        return tuple(self._static.get(self._full_key(path), ()))


def _compile(key: str) -> re.Pattern[str] | None:
    """The key as ``Routes::find`` makes it a regex: ``:^KEY$:i``, ``{x}`` a named segment."""
    if ":" in key:  # the delimiter: PHP fails to compile it, so it never matches
        return None
    pattern = key.replace("{", "(?P<").replace("}", ">[^/]+)")
    try:
        return re.compile("^" + pattern + "$", re.IGNORECASE | re.ASCII)
    except re.error:
        return None


def _path_var_type(value: str) -> str:
    if PHP_NUMERIC.match(value):
        return "n"
    if value in ("true", "false"):
        return "b"
    return "s"


def _route(r: Mapping[str, Any]) -> Route:
    return Route(
        method=r["method"],
        path=r["path"],
        key=r["key"],
        class_=r["class"],
        function=r["function"],
        access=r["access"],
        access_level=r["access_level"],
        access_tag=r["access_tag"],
        permissions=tuple(r["permissions"]),
        params=tuple(
            Param(
                name=p["name"],
                type=p["type"],
                from_=p["from"],
                required=p["required"],
                default=p["default"],
                choice=tuple(p["choice"]) if p["choice"] is not None else None,
                min=p["min"],
                max=p["max"],
            )
            for p in r["params"]
        ),
        source=r["source"],
        mount=r["mount"],
        seq=r["seq"],
        wildcard=r["wildcard"],
        shadows=tuple(r["shadows"]),
        order_dependent=r["order_dependent"],
    )


def _version(release: str) -> tuple[int, ...]:
    return tuple(int(x) for x in release.split(".") if x.isdigit())


def releases() -> tuple[str, ...]:
    """The releases with a table, oldest first (lists the data directory; reads no table)."""
    names = (p.name for p in resources.files(_DATA_PACKAGE).joinpath(_DATA_DIR).iterdir())
    found = [m.group("release") for n in names if (m := _NAME.match(n))]
    return tuple(sorted(found, key=_version))


@cache
def table(release: str) -> RouteTable:
    """The table of ``release``, read on first use and kept.

    :raises UnknownRelease: no such table."""
    known = releases()
    if release not in known:
        raise UnknownRelease(
            f"no REST route table for release {release!r} (have: {', '.join(known)})"
        )
    text = resources.files(_DATA_PACKAGE).joinpath(_DATA_DIR, f"rest-routes-{release}.json")
    return RouteTable(json.loads(text.read_text(encoding="utf-8")))


@dataclass(frozen=True, slots=True)
class Change:
    method: str
    key: str
    before: Route
    after: Route


@dataclass(frozen=True, slots=True)
class Diff:
    """Routes of ``b`` not in ``a`` (by method and Restler key), of ``a`` not in ``b``, and
    those in both whose access or permissions differ."""

    a: str
    b: str
    added: tuple[Route, ...] = field(default=())
    removed: tuple[Route, ...] = field(default=())
    changed: tuple[Change, ...] = field(default=())


def diff(a: str | RouteTable, b: str | RouteTable) -> Diff:
    ta = table(a) if isinstance(a, str) else a
    tb = table(b) if isinstance(b, str) else b
    ra = {(r.method, r.key, r.wildcard): r for r in ta.routes}
    rb = {(r.method, r.key, r.wildcard): r for r in tb.routes}
    changed = tuple(
        Change(k[0], k[1], ra[k], rb[k])
        for k in sorted(ra.keys() & rb.keys())
        if (ra[k].access, ra[k].permissions) != (rb[k].access, rb[k].permissions)
    )
    return Diff(
        ta.release,
        tb.release,
        tuple(rb[k] for k in sorted(rb.keys() - ra.keys())),
        tuple(ra[k] for k in sorted(ra.keys() - rb.keys())),
        changed,
    )
