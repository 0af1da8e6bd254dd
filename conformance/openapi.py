"""The OpenAPI 3.1 description of a ProcessMaker 3 server, per profile.

``schemas/openapi.json`` is the description under the ``documented`` profile and the template of
the others: :func:`build` rewrites what a profile decides (which statuses an operation answers,
the shape of an unknown workspace, the resources' 401) and adds what the schemathesis
integration needs (the served workspace as an enum, the session cookie of the authorize pages,
the ``access_token`` query parameter, links for the stateful phase). ``build("documented")``
reproduces the committed file; a test keeps them equal. ``pm3-conformance openapi --profile NAME``
prints the document of any profile.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import schemas
from mockserver import Profile
from mockserver import get_profile
from mockserver.state.seed import DEFAULT_CALLBACK
from mockserver.state.seed import DOC_CLIENT_ID

TOKEN = "/{workspace}/oauth2/token"
AUTHORIZE = "/{workspace}/oauth2/authorize"
EXPIRE = "/{workspace}/oauth2/{token}/expire"
DELETE = "/{workspace}/oauth2/{token}"
RESOURCES = (
    "/api/1.0/{workspace}/users",
    "/api/1.0/{workspace}/cases",
    "/api/1.0/{workspace}/projects",
)

_RESTLER = {"$ref": "#/components/schemas/restler-error"}
_OAUTH = {"$ref": "#/components/schemas/oauth-error"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _lenient(schema: Any) -> Any:
    """``schema`` without ``additionalProperties: false``, its token-request refs made lenient."""
    if isinstance(schema, dict):
        out = {k: _lenient(v) for k, v in schema.items() if k != "additionalProperties"}
        ref = out.get("$ref")
        if (
            isinstance(ref, str)
            and ref.startswith("#/components/schemas/token-request")
            and not ref.endswith("-lenient")
        ):
            out["$ref"] = f"{ref}-lenient"
        return out
    if isinstance(schema, list):
        return [_lenient(item) for item in schema]
    return schema


def unknown_workspace(profile: Profile) -> tuple[str, dict[str, Any]]:
    """The status and response of an unknown workspace under ``profile``."""
    style = profile.unknown_workspace
    if style == "empty-503":
        return "503", {
            "description": "An unknown workspace: 503 'and there is no return object' "
            "(doc 'Error Response'). Empty body."
        }
    if style == "html-503":
        return "503", {
            "description": "An unknown workspace: 503 with an HTML 'Runtime Exception.' page.",
            "content": {"text/html": {"schema": {"type": "string"}}},
        }
    if style == "plain-404":
        return "404", _json(_RESTLER, "An unknown workspace: Restler's 404.")
    return "400", _json(
        _RESTLER,
        "An unknown workspace: Restler's 400 'You have specified an unavailable workspace.'",
    )


def _merge(responses: dict[str, Any], status: str, response: dict[str, Any]) -> None:
    """Add ``response`` under ``status``; two bodies under one status become a ``oneOf``."""
    if status not in responses:
        responses[status] = response
        return
    existing = responses[status]
    if "$ref" in existing:  # a shared response (a Restler error too): it already says it
        return
    mine = response.get("content", {}).get("application/json", {}).get("schema")
    theirs = existing.get("content", {}).get("application/json", {}).get("schema")
    if mine is None or theirs is None or mine == theirs:
        return
    choices = theirs.get("oneOf", [theirs])
    if mine not in choices:
        existing["content"]["application/json"]["schema"] = {"oneOf": [*choices, mine]}


def build(
    profile: str | Profile = "documented",
    workspace: str = "workflow",
    client_id: str = DOC_CLIENT_ID,
    redirect_uri: str = DEFAULT_CALLBACK,
) -> dict[str, Any]:
    """The OpenAPI document of a server behaving as ``profile``, serving ``workspace``, with the
    registered client ``client_id`` and its callback ``redirect_uri`` (the authorize pages refuse
    any other, as they should)."""
    prof = get_profile(profile) if isinstance(profile, str) else profile
    doc: Any = copy.deepcopy(schemas.openapi())
    doc["info"]["x-pm3-profile"] = prof.name
    doc["components"]["parameters"]["workspace"]["schema"] = {"type": "string", "enum": [workspace]}
    doc["components"]["responses"]["unknown-workspace"] = unknown_workspace(prof)[1]
    ws_status = unknown_workspace(prof)[0]
    paths = doc["paths"]

    token = paths[TOKEN]["post"]
    # What a server takes is wider than what a conforming client sends: ProcessMaker ignores
    # parameters it does not know. The request schemas stay strict for clients; the server's
    # description uses lenient copies.
    components = doc["components"]["schemas"]
    words = "|".join(re.escape(scope) for scope in prof.supported_scopes)
    # JSON null and false read as "no scope" (PHP casts them to ""), as if it were left out.
    scope = {
        "type": ["string", "null", "boolean"],
        "pattern": f"^(?:(?:{words})(?: (?:{words}))*)?$",
    }
    strict = [n for n in components if n.startswith("token-request") and not n.endswith("-lenient")]
    for name in strict:
        lenient = _lenient(copy.deepcopy(components[name]))
        if isinstance(lenient.get("properties"), dict) and "scope" in lenient["properties"]:
            lenient["properties"]["scope"] = dict(scope)  # the profile's scopes, both spellings
        components[f"{name}-lenient"] = lenient
    for media in token["requestBody"]["content"].values():
        media["schema"] = {"$ref": "#/components/schemas/token-request-lenient"}
    for param in token.get("parameters", []):
        if param.get("name") == "scope" and param.get("in") == "query":
            # Read when the body has none; the server judges the scope (invalid_scope or a grant).
            param["schema"] = {"type": "string"}
    responses = token["responses"]
    for status in list(responses):
        if status not in ("200", "403"):
            del responses[status]
    success = responses["200"]
    success_schema = success["content"]["application/json"]["schema"]
    if prof.token_error_status == 200:
        success_schema["oneOf"] = [{"$ref": "#/components/schemas/token-response"}, _OAUTH]
        _merge(responses, "400", _json(_RESTLER, "Restler: a malformed JSON body."))
    else:
        success_schema.pop("oneOf", None)
        success_schema["$ref"] = "#/components/schemas/token-response"
        status = str(prof.token_error_status or 400)
        _merge(responses, status, _json(_OAUTH, "An OAuth error (flat, bshaffer's shape)."))
        _merge(responses, "400", _json(_RESTLER, "Restler: a malformed JSON body."))
        if prof.invalid_client_status_with_basic:
            _merge(
                responses,
                str(prof.invalid_client_status_with_basic),
                _json(_OAUTH, "invalid_client for a client that authenticated with Basic."),
            )
    success["links"] = {
        "ExpireTheToken": {
            "operationId": "doPostExpireToken",
            "parameters": {"path.token": "$response.body#/access_token"},
        },
        "DeleteTheToken": {
            "operationId": "doDeleteToken",
            "parameters": {"path.token": "$response.body#/access_token"},
        },
        "RefreshTheToken": {
            "operationId": "postToken",
            "requestBody": {
                "grant_type": "refresh_token",
                "refresh_token": "$response.body#/refresh_token",
            },
            "description": "The client credentials are the tester's own (the schemathesis "
            "integration adds them).",
        },
    }

    cookie = {
        "name": "PHPSESSID",
        "in": "cookie",
        "required": False,
        "description": "The ProcessMaker web session (log in at /sys{workspace}/…/login/login); "
        "without one, the authorize page redirects to the login page.",
        "schema": {"type": "string", "pattern": "^[0-9A-Za-z,-]{22,256}$"},
    }
    query = [p for p in paths[AUTHORIZE]["get"]["parameters"] if p.get("in") == "query"]
    for param in query:
        if param.get("name") == "client_id":
            param["schema"] = {"type": "string", "enum": [client_id]}
    # The consent form posts back to the authorize URL: the same query parameters.
    paths[AUTHORIZE]["get"]["parameters"] = [*query, cookie]
    paths[AUTHORIZE]["post"]["parameters"] = [*copy.deepcopy(query), cookie]
    for param in [*paths[AUTHORIZE]["get"]["parameters"], *paths[AUTHORIZE]["post"]["parameters"]]:
        if param.get("name") == "redirect_uri":
            param["schema"] = {"type": "string", "enum": [redirect_uri, ""]}
        elif param.get("name") == "scope":
            # The page takes any text; the scope is checked when the code is exchanged.
            param["schema"] = {"type": "string"}
        elif param.get("name") == "state" and "schema" in param:
            # PHP reads an empty value as absent; a client may send one.
            schema = param["schema"]
            if not (isinstance(schema.get("anyOf"), list) and {"const": ""} in schema["anyOf"]):
                param["schema"] = {"anyOf": [schema, {"const": ""}]}
    for param in paths[AUTHORIZE]["get"]["parameters"]:
        if param.get("name") == "redirect_uri":
            param["schema"] = {"type": "string"}  # the page is shown; the POST checks it
        if param.get("name") == "response_type":
            # The consent page is shown whatever it says (the POST that follows checks it), but
            # an empty value counts as missing, as PHP reads it.
            param["schema"] = {"type": "string", "minLength": 1}
    for param in paths[AUTHORIZE]["post"]["parameters"]:
        if param.get("name") == "response_type":
            param["schema"] = {"type": "string", "enum": ["code", "token"]}
    paths[AUTHORIZE]["post"]["responses"]["400"] = _json(
        {"oneOf": [_RESTLER, _OAUTH]}, "Restler: no web session; or an OAuth error as JSON."
    )

    for path in RESOURCES:
        op = paths[path]["get"]
        if prof.resource_errors == "rfc6750":
            op["responses"]["401"] = {
                "description": "RFC 6750: WWW-Authenticate: Bearer, with the error when a token "
                "was sent.",
                "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
                "content": {"application/json": {"schema": _OAUTH}},
            }
        else:
            op["responses"]["401"] = {"$ref": "#/components/responses/unauthorized"}

    for ops in paths.values():
        for method, op in ops.items():
            if method == "parameters":
                continue
            op["responses"].pop("503", None)
            if ws_status in op["responses"] and ws_status != "503":
                _merge(op["responses"], ws_status, unknown_workspace(prof)[1])
            else:
                op["responses"].setdefault(
                    ws_status, {"$ref": "#/components/responses/unknown-workspace"}
                )
    return dict(doc)


def render(profile: str | Profile = "documented", workspace: str = "workflow") -> str:
    """:func:`build` as text, in the layout of the files under ``schemas/``."""
    from schemas._format import dump

    return dump(build(profile, workspace))
