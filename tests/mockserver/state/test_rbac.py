"""The roles and permissions ProcessMaker's installer seeds, per release."""

from __future__ import annotations

import pytest

from mockserver.state import rbac
from mockserver.state.seed import SeedError
from mockserver.state.seed import known_roles
from mockserver.state.seed import seed_from_data


def test_the_modelled_releases_are_the_profiles_releases() -> None:
    from mockserver.state.profiles import PROFILES

    assert rbac.releases() == ("3.0", "3.2", "3.4.10", "3.4.11")
    assert {p.rest_release for p in PROFILES.values()} <= set(rbac.releases())


@pytest.mark.parametrize("release", ["3.0", "3.2", "3.4.10", "3.4.11"])
def test_users_permissions_per_role(release: str) -> None:
    admin = rbac.permissions_of(release, "PROCESSMAKER_ADMIN")
    manager = rbac.permissions_of(release, "PROCESSMAKER_MANAGER")
    operator = rbac.permissions_of(release, "PROCESSMAKER_OPERATOR")
    assert {"PM_USERS", "PM_FACTORY", "PM_LOGIN"} <= admin
    assert "PM_USERS" in manager and "PM_FACTORY" not in manager
    assert {"PM_LOGIN", "PM_CASES"} <= operator
    assert not {"PM_USERS", "PM_FACTORY", "PM_SETUP"} & operator


def test_the_applications_permission_arrives_in_3_2_for_admin_and_manager() -> None:
    assert "PM_REST_API_APPLICATIONS" not in rbac.permissions_of("3.0", "PROCESSMAKER_ADMIN")
    for role in ("PROCESSMAKER_ADMIN", "PROCESSMAKER_MANAGER"):
        assert "PM_REST_API_APPLICATIONS" in rbac.permissions_of("3.2", role)
    assert "PM_REST_API_APPLICATIONS" not in rbac.permissions_of("3.2", "PROCESSMAKER_OPERATOR")


def test_the_guest_role_arrives_with_3_4() -> None:
    assert "PROCESSMAKER_GUEST" not in rbac.roles("3.2")
    assert rbac.permissions_of("3.4.11", "PROCESSMAKER_GUEST") == {"PM_GUEST_CASE"}


def test_an_unknown_role_grants_nothing_and_an_unknown_release_is_named() -> None:
    assert rbac.permissions_of("3.4.11", "NO_SUCH_ROLE") == frozenset()
    with pytest.raises(KeyError, match=r"no RBAC data for release '9\.9' \(known: 3\.0, 3\.2"):
        rbac.roles("9.9")


def test_every_grant_cites_its_line() -> None:
    assert rbac.source_of("3.4.11", "PROCESSMAKER_MANAGER", "PM_USERS") == (
        "1429451be rbac/engine/data/mysql/insert.sql:165"
    )
    assert rbac.source_of("3.4.11", "PROCESSMAKER_ADMIN") == (
        "1429451be rbac/engine/data/mysql/insert.sql:73"
    )
    assert rbac.source_of("3.4.11", "PROCESSMAKER_OPERATOR", "PM_FACTORY") is None
    assert rbac.source_of("3.4.11", "NOPE") is None


def test_a_seed_names_a_role_by_its_code_and_a_typo_is_refused() -> None:
    seed = seed_from_data(
        {"users": [{"username": "op", "password": "pw", "role": "PROCESSMAKER_MANAGER"}]}
    )
    assert seed.users[0].role == "PROCESSMAKER_MANAGER"
    assert seed_from_data({"users": [{"username": "o", "password": "p"}]}).users[0].role == (
        "PROCESSMAKER_OPERATOR"
    )
    with pytest.raises(SeedError) as caught:
        seed_from_data(
            {"users": [{"username": "op", "password": "pw", "role": "PROCESSMAKER_OPERATR"}]},
            "s.yaml",
        )
    assert str(caught.value) == (
        "s.yaml: users[0].role: unknown role 'PROCESSMAKER_OPERATR' (ProcessMaker seeds "
        "PROCESSMAKER_ADMIN, PROCESSMAKER_GUEST, PROCESSMAKER_MANAGER, PROCESSMAKER_OPERATOR, "
        "RBAC_ADMIN)"
    )
    assert "PROCESSMAKER_ADMIN" in known_roles()
