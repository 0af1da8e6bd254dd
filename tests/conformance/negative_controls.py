"""Negative controls: for every check, a broken server it must catch.

``test_controls.py`` walks the registry: a check without a control, or one its control does not
make fail, is a defect. Controls live in one module per area; this one holds the password-grant
ones and merges the others.
"""

from __future__ import annotations

from tests.conformance.control_kit import Control
from tests.conformance.control_kit import error_instead
from tests.conformance.control_kit import override_token
from tests.conformance.control_kit import profile_field

PASSWORD_CONTROLS: dict[str, Control] = {
    "PM3-TOKEN-PASSWORD-001": Control(
        prepare=override_token(set={"token_type": "Bearer"}), breaks="schema:token-response"
    ),
    "PM3-TOKEN-PASSWORD-002": Control(
        prepare=profile_field(accept_json_token_request=False),
        note="refuses JSON bodies",
        breaks="token",
    ),
    "PM3-TOKEN-PASSWORD-003": Control(
        prepare=error_instead(
            "token",
            "invalid_request",
            "multipart refused",
            headers={"content-type": "re:^multipart"},
        ),
        breaks="token",
    ),
    "PM3-TOKEN-PASSWORD-004": Control(
        prepare=error_instead(
            "token",
            "invalid_grant",
            "Invalid username and password combination",
            params={"username": "re:[A-Z]"},
        ),
        breaks="token",
    ),
    "PM3-TOKEN-PASSWORD-005": Control(
        prepare=error_instead(
            "token",
            "invalid_grant",
            "Invalid username or password",
            params={"password": "re:-wrong$"},
        ),
        note="invalid_grant with the profile's status, another description",
        breaks="error_description",
    ),
    "PM3-TOKEN-PASSWORD-006": Control(
        prepare=error_instead("token", "invalid_request", 'Missing parameter: "password"'),
        note="invalid_request with the profile's status, naming one parameter only",
        breaks="error_description",
    ),
    "PM3-TOKEN-PASSWORD-007": Control(
        prepare=error_instead(
            "token",
            "invalid_grant",
            "Invalid username and password combination",
            params={"password": "0"},
        ),
        breaks="error",
    ),
    "PM3-TOKEN-PASSWORD-008": Control(
        expected="pm-3.4.11",
        prepare=profile_field(password_requires_body_client_credentials=False),
        note="Basic-only accepted",
        breaks="refused",
    ),
    "PM3-TOKEN-PASSWORD-009": Control(
        prepare=override_token(set={"error": "invalid_token"}), breaks="error"
    ),
    "PM3-TOKEN-PASSWORD-010": Control(
        prepare=error_instead(
            "token", "invalid_request", "The grant type was not specified in the request"
        ),
        breaks="error",
    ),
}


def _all_controls() -> dict[str, Control]:
    from tests.conformance.controls_authorize import CONTROLS as AUTHORIZE
    from tests.conformance.controls_doc_forms import CONTROLS as DOC_FORMS
    from tests.conformance.controls_properties import CONTROLS as PROPERTIES
    from tests.conformance.controls_rest_door import CONTROLS as REST_DOOR
    from tests.conformance.controls_token import CONTROLS as TOKEN

    merged: dict[str, Control] = {}
    for part in (PASSWORD_CONTROLS, TOKEN, AUTHORIZE, PROPERTIES, DOC_FORMS, REST_DOOR):
        overlap = set(merged) & set(part)
        if overlap:
            raise ValueError(f"negative controls defined twice: {sorted(overlap)}")
        merged.update(part)
    return merged


CONTROLS = _all_controls()
