"""Negative controls: for every check, a broken server it must catch.

``test_controls.py`` walks the registry: a check without a control, or one its control does not
make fail, is a defect. Controls live in one module per area; this one holds the password-grant
ones and merges the others.
"""

from __future__ import annotations

from tests.conformance.control_kit import Control
from tests.conformance.control_kit import error_instead
from tests.conformance.control_kit import override_token

PASSWORD_CONTROLS: dict[str, Control] = {
    "PM3-TOKEN-PASSWORD-001": Control(prepare=override_token(set={"token_type": "Bearer"})),
    "PM3-TOKEN-PASSWORD-002": Control(server="rfc6749", note="refuses JSON bodies"),
    "PM3-TOKEN-PASSWORD-003": Control(
        prepare=error_instead(
            "token",
            "invalid_request",
            "multipart refused",
            headers={"content-type": "re:^multipart"},
        )
    ),
    "PM3-TOKEN-PASSWORD-004": Control(
        prepare=error_instead(
            "token",
            "invalid_grant",
            "Invalid username and password combination",
            params={"username": "re:[A-Z]"},
        )
    ),
    "PM3-TOKEN-PASSWORD-005": Control(
        expected="documented", server="pm-3.4.10", note="400 instead of 200"
    ),
    "PM3-TOKEN-PASSWORD-006": Control(
        expected="pm-3.4.10", server="documented", note="200 instead of 400"
    ),
    "PM3-TOKEN-PASSWORD-007": Control(
        prepare=error_instead(
            "token",
            "invalid_grant",
            "Invalid username and password combination",
            params={"password": "0"},
        )
    ),
    "PM3-TOKEN-PASSWORD-008": Control(
        expected="pm-3.4.11", server="pm-3.4.10", note="Basic-only accepted"
    ),
    "PM3-TOKEN-PASSWORD-009": Control(prepare=override_token(set={"error": "invalid_token"})),
    "PM3-TOKEN-PASSWORD-010": Control(
        prepare=error_instead(
            "token", "invalid_request", "The grant type was not specified in the request"
        )
    ),
}


def _all_controls() -> dict[str, Control]:
    from tests.conformance.controls_authorize import CONTROLS as AUTHORIZE
    from tests.conformance.controls_doc_forms import CONTROLS as DOC_FORMS
    from tests.conformance.controls_properties import CONTROLS as PROPERTIES
    from tests.conformance.controls_token import CONTROLS as TOKEN

    merged: dict[str, Control] = {}
    for part in (PASSWORD_CONTROLS, TOKEN, AUTHORIZE, PROPERTIES, DOC_FORMS):
        overlap = set(merged) & set(part)
        if overlap:
            raise ValueError(f"negative controls defined twice: {sorted(overlap)}")
        merged.update(part)
    return merged


CONTROLS = _all_controls()
