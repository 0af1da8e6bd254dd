"""What the authlib driver reports for the exceptions authlib raises."""

from __future__ import annotations

import requests

from conformance.clients.drivers.authlib_driver import _failure


def test_an_http_error_is_reported_with_its_status() -> None:
    response = requests.Response()
    response.status_code = 503
    error = requests.HTTPError("503 Server Error", response=response)
    fields = _failure(error).fields
    assert (fields["kind"], fields["status"]) == ("http", 503)


def test_a_connection_error_stays_a_transport_failure() -> None:
    fields = _failure(requests.ConnectionError("refused")).fields
    assert fields["kind"] == "transport" and "status" not in fields
