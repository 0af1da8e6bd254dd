"""Profiles are data with provenance; the names are fixed; the documented decisions hold."""

from __future__ import annotations

import pytest

from mockserver.state.profiles import BEHAVIOUR_FIELDS
from mockserver.state.profiles import DEFAULT_PROFILE
from mockserver.state.profiles import PROFILES
from mockserver.state.profiles import get_profile


def test_the_fixed_names() -> None:
    assert list(PROFILES) == ["documented", "pm-3.0-rc", "pm-3.4.10", "pm-3.4.11", "rfc6749"]
    assert DEFAULT_PROFILE == "documented"


@pytest.mark.parametrize("name", list(PROFILES))
def test_every_value_has_provenance(name: str) -> None:
    profile = PROFILES[name]
    missing = [f for f in BEHAVIOUR_FIELDS if profile.source_of(f) is None]
    assert missing == []
    assert set(profile.values()) == set(BEHAVIOUR_FIELDS) | {"name", "summary"}


def test_documented_decisions() -> None:
    doc = PROFILES["documented"]
    assert doc.token_error_status == 200
    assert doc.unknown_workspace == "empty-503"
    assert doc.refresh_token_single_use and doc.always_issue_new_refresh_token
    assert doc.refresh_token_lifetime is None
    assert doc.access_lifetime == 86400
    assert {"view_process", "view_processes", "edit_process", "edit_processes", "*"} == set(
        doc.supported_scopes
    )
    assert doc.source_of("token_error_status") is not None
    assert str(doc.source_of("token_error_status")).startswith("doc:")


def test_source_profiles_differ_where_the_source_says() -> None:
    rc, old, new = PROFILES["pm-3.0-rc"], PROFILES["pm-3.4.10"], PROFILES["pm-3.4.11"]
    assert (rc.token_error_status, old.token_error_status, new.token_error_status) == (
        200,
        None,
        200,
    )
    assert rc.access_lifetime == 3600 and old.access_lifetime == 86400
    assert not rc.refresh_token_single_use and old.refresh_token_single_use
    assert (rc.login_redirect, old.login_redirect) == ("absolute", "relative")
    assert (
        new.password_requires_body_client_credentials
        and not old.password_requires_body_client_credentials
    )
    assert old.supported_scopes == ("view_processes", "edit_processes", "*")


def test_unknown_profile_message_lists_the_known_ones() -> None:
    with pytest.raises(KeyError, match=r"known: documented, pm-3\.0-rc"):
        get_profile("pm-9")


def test_derive_marks_changed_fields() -> None:
    derived = PROFILES["documented"].derive("custom", access_lifetime=60)
    assert derived.access_lifetime == 60
    assert str(derived.source_of("access_lifetime")).startswith("decision:")


def test_derive_names_the_new_profile_and_says_where_it_came_from() -> None:
    derived = PROFILES["documented"].derive("custom", access_lifetime=60)
    assert derived.name == "custom"
    assert (
        str(derived.source_of("access_lifetime")) == "decision: derived from documented by custom"
    )
    # fields left alone keep their sources
    assert derived.source_of("token_error_status") == PROFILES["documented"].source_of(
        "token_error_status"
    )


def test_a_documented_value_shows_its_doc_source() -> None:
    source = PROFILES["documented"].source_of("token_error_status")
    assert source.kind == "doc"
    assert str(source) == "doc: Error Response: HTTP status code of 200 (OK)"
