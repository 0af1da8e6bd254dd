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
from typing import assert_never

import schemas
from mockserver import Profile
from mockserver import get_profile
from mockserver.state.casework import DEMO_PRO_UID
from mockserver.state.casework import DEMO_START_TAS_UID
from mockserver.state.seed import DEFAULT_CALLBACK
from mockserver.state.seed import DOC_CLIENT_ID

TOKEN = "/{workspace}/oauth2/token"
AUTHORIZE = "/{workspace}/oauth2/authorize"
EXPIRE = "/{workspace}/oauth2/{token}/expire"
DELETE = "/{workspace}/oauth2/{token}"
API = "/api/1.0/{workspace}/"
API_DELETE = API + "{token}"
"""The OAuth server's ``DELETE /{token}``, which ``initRest()`` also mounts at the API root: a
one-segment ``DELETE`` under ``/api/1.0/{workspace}/`` (``users`` too) is this route."""

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
    if style == "restler-400":
        return "400", _json(
            _RESTLER,
            "An unknown workspace: Restler's 400 'You have specified an unavailable workspace.'",
        )
    assert_never(style)


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


_PROTECTED: list[dict[str, list[str]]] = [{"bearerHeader": []}, {"accessTokenQuery": []}]
_UNAUTHORIZED = {"$ref": "#/components/responses/unauthorized"}
_EMPTY_200 = {"description": "Done; an empty body (Restler's answer to a method returning null)."}
_RECORD = {"type": "object", "additionalProperties": True}
_UID32 = {"type": "string", "minLength": 32, "maxLength": 32, "pattern": "^[0-9a-zA-Z]+$"}
"""A ProcessMaker uid as Restler validates it (``{@min 32}{@max 32}``)."""
_USER_FIELDS = (
    "usr_username",
    "usr_firstname",
    "usr_lastname",
    "usr_email",
    "usr_due_date",
    "usr_status",
    "usr_role",
    "usr_new_pass",
    "usr_cnf_pass",
)
_USER_BODY = {
    "type": "object",
    "properties": {name: {"type": "string"} for name in _USER_FIELDS},
    "minProperties": 1,  # an empty request_data is Restler's 400
    "additionalProperties": True,
}
_NEW_CASE = {
    "type": "object",
    "properties": {
        "pro_uid": _UID32,
        "tas_uid": _UID32,
        "variables": {"type": ["array", "object", "null"]},  # a PHP array; null: left out
    },
    "required": ["pro_uid", "tas_uid"],
    "additionalProperties": True,
}


def _uid(name: str, what: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": f"The {what}'s 32-character uid.",
        "schema": dict(_UID32),
    }


def _rest_operation(
    operation_id: str,
    summary: str,
    source: str,
    success: tuple[str, dict[str, Any]],
    *,
    body: dict[str, Any] | None = None,
    example: dict[str, Any] | None = None,
    refused_by_policy: bool = False,
) -> dict[str, Any]:
    """A protected Restler operation: its success, Restler's 400 (validation or the business
    model's error), the 401 of a missing token or of a user without the permission (3.2+), and
    the 3.0 constructors' 400 for the latter; ``refused_by_policy``: a ``{@className}`` policy
    refuses with 403 (source fact §13)."""
    op: dict[str, Any] = {
        "operationId": operation_id,
        "tags": ["api"],
        "summary": summary,
        "description": f"A protected REST endpoint. Source: {source}; source facts §9, §13.",
        "security": copy.deepcopy(_PROTECTED),
        "responses": {
            success[0]: success[1],
            "400": _json(
                _RESTLER,
                "Restler's 400: a parameter fails validation, the business model refuses the "
                "data (its message), or (3.0) the API class refuses a user without the "
                "permission.",
            ),
            "401": dict(_UNAUTHORIZED),
        },
    }
    if refused_by_policy:
        op["responses"]["403"] = _json(
            _RESTLER,
            "The policy class refuses the user: 403 \"You don't have permission to access this "
            'endpoint or resource on this server."',
        )
    if body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
        if example is not None:
            op["requestBody"]["content"]["application/json"]["example"] = example
    return op


def _rest_door(paths: dict[str, Any]) -> None:
    """The write routes of the documented resources, and the routes of the users, groups, roles,
    departments and cases the mock now answers (``docs/rest-routes.md``; ProcessMaker's own
    routes, whose other methods are real routes too, not a 405)."""
    workspace = {"$ref": "#/components/parameters/workspace"}
    users = paths[API + "users"]
    users["post"] = _rest_operation(
        "doPostUser",
        "Create a user (protected; PM_USERS)",
        "Services/Api/User.php doPostUser",
        ("201", _json(_RECORD, "The new user, its keys in upper case.")),
        body=_USER_BODY,
    )
    user_uid = _uid("usr_uid", "user")
    paths[API + "user/{usr_uid}"] = {
        "parameters": [workspace, user_uid],
        "get": _rest_operation(
            "doGetUser",
            "One user (protected; PM_USERS or PM_FACTORY)",
            "Services/Api/User.php doGetUser",
            ("200", _json(_RECORD, "The user.")),
        ),
        "put": _rest_operation(
            "doPutUser",
            "Update a user (protected; PM_USERS)",
            "Services/Api/User.php doPutUser",
            ("200", dict(_EMPTY_200)),
            body=_USER_BODY,
        ),
        "delete": _rest_operation(
            "doDeleteUser",
            "Delete a user (protected; PM_USERS)",
            "Services/Api/User.php doDeleteUser",
            ("200", dict(_EMPTY_200)),
        ),
    }
    paths[API + "cases"]["post"] = _rest_operation(
        "doPostCase",
        "Start a case (protected; PM_CASES)",
        "Services/Api/Cases.php doPostCase",
        ("200", _json(_RECORD, "The new case: app_uid and app_number.")),
        body=_NEW_CASE,
        # the mock's demo process and its start task (GET case/start-cases lists an install's)
        example={"pro_uid": DEMO_PRO_UID, "tas_uid": DEMO_START_TAS_UID},
    )
    case_uid = _uid("app_uid", "case")
    paths[API + "cases/{app_uid}/variables"] = {
        "parameters": [workspace, case_uid],
        "get": _rest_operation(
            "doGetCaseVariables",
            "A case's variables (protected)",
            "Services/Api/Cases.php doGetCaseVariables",
            ("200", _json(_RECORD, "The case's variables.")),
            refused_by_policy=True,
        ),
    }
    paths[API + "cases/{app_uid}/variable"] = {
        "parameters": [workspace, copy.deepcopy(case_uid)],
        "put": _rest_operation(
            "doPutCaseVariables",
            "Set a case's variables (protected; PM_CASES)",
            "Services/Api/Cases.php doPutCaseVariables",
            ("200", dict(_EMPTY_200)),
            body={
                **_RECORD,
                "minProperties": 1,
                # Restler reads this key of the body as the method's ``$del_index`` (an int): a
                # whole number, null or digits; anything else is its 400 "Invalid value
                # specified for `del_index`", however free the rest of the body is
                "properties": {
                    "del_index": {"type": ["integer", "null", "string"], "pattern": "^[0-9]+$"}
                },
            },
        ),
    }
    for name, php in (
        ("groups", "Group.php index"),
        ("roles", "Role.php index"),
        ("departments", "Department.php doGetDepartments"),
    ):
        paths[API + name] = {
            "parameters": [workspace],
            "get": _rest_operation(
                f"get{name.title()}",
                f"List the {name} (protected; PM_USERS)",
                f"Services/Api/{php}",
                ("200", {"$ref": "#/components/responses/resource-list"}),
            ),
        }
    paths[API_DELETE] = {
        "parameters": [workspace, {"$ref": "#/components/parameters/access-token-path"}],
        "delete": {
            "operationId": "doDeleteTokenUnderTheApi",
            "tags": ["oauth2"],
            "summary": "Delete an access token (unauthenticated), under the API root",
            "description": "initRest() mounts the OAuth server at the API root as well, so any "
            "one-segment DELETE here (users too) is this route: the segment is read as a "
            "token. Source: source facts §9 (token maintenance endpoints), §13.",
            "responses": {
                "200": {"description": "Deleted; empty body."},
                "400": {"$ref": "#/components/responses/unknown-token"},
            },
        },
    }


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
    paths = doc["paths"]
    _token_requests(doc["components"]["schemas"], paths[TOKEN]["post"], prof)
    _token_responses(paths[TOKEN]["post"]["responses"], prof)
    _authorize_pages(paths[AUTHORIZE], client_id, redirect_uri)
    _rest_door(paths)
    _resource_errors(paths, prof)
    _unknown_workspace_everywhere(paths, prof)
    return dict(doc)


def _token_requests(components: dict[str, Any], token: dict[str, Any], prof: Profile) -> None:
    """What a server takes is wider than what a conforming client sends: ProcessMaker ignores
    parameters it does not know. The request schemas stay strict for clients; the server's
    description uses lenient copies, with the profile's scopes."""
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


def _token_responses(responses: dict[str, Any], prof: Profile) -> None:
    """The token answer's statuses per profile (an OAuth error with HTTP 200, or bshaffer's),
    and the links the stateful phase follows from a token."""
    for status in list(responses):
        if status not in ("200", "403"):
            del responses[status]
    success = responses["200"]
    success_schema = success["content"]["application/json"]["schema"]
    if prof.token_error_status == 200:
        success_schema["oneOf"] = [{"$ref": "#/components/schemas/token-response"}, _OAUTH]
        if prof.accept_json_token_request:  # else a JSON body is an empty form, never parsed
            _merge(responses, "400", _json(_RESTLER, "Restler: a malformed JSON body."))
    else:
        success_schema.pop("oneOf", None)
        success_schema["$ref"] = "#/components/schemas/token-response"
        status = str(prof.token_error_status or 400)
        _merge(responses, status, _json(_OAUTH, "An OAuth error (flat, bshaffer's shape)."))
        if prof.accept_json_token_request:
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


def _authorize_pages(authorize: dict[str, Any], client_id: str, redirect_uri: str) -> None:
    """The authorize page (GET) and its consent form (POST): the registered client and callback,
    the web session's cookie, and what PHP reads of each parameter."""
    cookie = {
        "name": "PHPSESSID",
        "in": "cookie",
        "required": False,
        "description": "The ProcessMaker web session (log in at /sys{workspace}/…/login/login); "
        "without one, the authorize page redirects to the login page.",
        "schema": {"type": "string", "pattern": "^[0-9A-Za-z,-]{22,256}$"},
    }
    query = [p for p in authorize["get"]["parameters"] if p.get("in") == "query"]
    for param in query:
        if param.get("name") == "client_id":
            param["schema"] = {"type": "string", "enum": [client_id]}
    # The consent form posts back to the authorize URL: the same query parameters.
    authorize["get"]["parameters"] = [*query, cookie]
    authorize["post"]["parameters"] = [*copy.deepcopy(query), cookie]
    for param in [*authorize["get"]["parameters"], *authorize["post"]["parameters"]]:
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
    for param in authorize["get"]["parameters"]:
        if param.get("name") == "redirect_uri":
            param["schema"] = {"type": "string"}  # the page is shown; the POST checks it
        if param.get("name") == "response_type":
            # The consent page is shown whatever it says, empty included: only an absent one is
            # refused here (isset); bshaffer's check runs on the POST that follows (3.4.11
            # Server.php l.197-211; mockserver/protocol/authorize.py).
            param["schema"] = {"type": "string"}
    for param in authorize["post"]["parameters"]:
        if param.get("name") == "response_type":
            param["schema"] = {"type": "string", "enum": ["code", "token"]}
    authorize["post"]["responses"]["400"] = _json(
        {"oneOf": [_RESTLER, _OAUTH]}, "Restler: no web session; or an OAuth error as JSON."
    )


def _resource_errors(paths: dict[str, Any], prof: Profile) -> None:
    """Every protected REST operation's 401, in the profile's style."""
    protected = [
        op
        for path, ops in paths.items()
        for method, op in ops.items()
        if path.startswith("/api/") and method != "parameters" and op.get("security")
    ]
    style = prof.resource_errors
    for op in protected:
        if style == "rfc6750":
            op["responses"]["401"] = {
                "description": "RFC 6750: WWW-Authenticate: Bearer, with the error when a token "
                "was sent.",
                "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
                "content": {"application/json": {"schema": _OAUTH}},
            }
        elif style == "restler-401":
            op["responses"]["401"] = {"$ref": "#/components/responses/unauthorized"}
        else:
            assert_never(style)


def _unknown_workspace_everywhere(paths: dict[str, Any], prof: Profile) -> None:
    """Every operation lists the profile's answer for a workspace the server does not have."""
    ws_status, ws_response = unknown_workspace(prof)
    for ops in paths.values():
        for method, op in ops.items():
            if method == "parameters":
                continue
            op["responses"].pop("503", None)
            if ws_status in op["responses"] and ws_status != "503":
                _merge(op["responses"], ws_status, copy.deepcopy(ws_response))
            else:
                op["responses"].setdefault(
                    ws_status, {"$ref": "#/components/responses/unknown-workspace"}
                )


def render(profile: str | Profile = "documented", workspace: str = "workflow") -> str:
    """:func:`build` as text, in the layout of the files under ``schemas/``."""
    from schemas._format import dump

    return dump(build(profile, workspace))
