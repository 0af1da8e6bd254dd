"""The Python adapter: the new actions go through ``handle`` like ``call``, and ``exact_user``
takes the element whose username is the name, wherever it is in the list."""

from __future__ import annotations

from typing import Any
from typing import ClassVar

import schemas
from conformance.clients.adapter import ClientAdapter
from conformance.clients.adapter import ClientReportedError
from conformance.clients.adapter import Request
from conformance.clients.adapter import exact_user
from conformance.clients.adapter import handle

USERS = [{"usr_username": "xjohndoe"}, {"usr_username": "johndoe2"}, {"usr_username": "johndoe"}]


class _Lookup(ClientAdapter):
    actions: ClassVar[tuple[str, ...]] = ("login", "login_and_call", "find_user")

    def find_user(self, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
        found = exact_user(USERS, request.options["username"])
        return {"access_token": "a" * 40}, {"status": 200, "body": found}

    def login_and_call(self, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
        raise ClientReportedError("oauth", error="invalid_grant", status=200)


def _request(action: str, **options: Any) -> dict[str, Any]:
    return {
        "type": "request",
        "id": 7,
        "action": action,
        "server": "http://127.0.0.1:9",
        "workspace": "workflow",
        "credentials": {"client_id": "a", "client_secret": "b"},
        "options": options,
    }


def test_exact_user_is_the_named_one_not_the_first() -> None:
    assert exact_user(USERS, "johndoe") == {"usr_username": "johndoe"}
    assert exact_user(USERS, "john") is None
    assert exact_user({"usr_username": "johndoe"}, "johndoe") is None  # not a list


def test_find_user_and_login_and_call_are_answered_in_the_protocol() -> None:
    adapter = _Lookup()
    request = _request("find_user", username="johndoe")
    assert schemas.errors("driver-message", request) == []
    found = handle(adapter, request)
    assert schemas.errors("driver-message", found) == []
    assert found["ok"] and found["result"]["body"] == {"usr_username": "johndoe"}
    refused = handle(adapter, _request("login_and_call", scope="*"))
    assert schemas.errors("driver-message", refused) == []
    assert not refused["ok"] and refused["error"]["error"] == "invalid_grant"
    assert "login_and_call" in adapter.hello()["capabilities"]["actions"]
    assert schemas.errors("driver-message", adapter.hello()) == []
