"""The directory's tables: seeding, idempotence, and USERS kept in step with RBAC_USERS."""

from __future__ import annotations

from typing import Any

from mockserver.state import directory
from mockserver.state.seed import ADMIN_UID
from mockserver.state.seed import Seed
from mockserver.state.seed import SeedUser
from mockserver.state.seed import default_seed
from mockserver.state.store import WorkspaceStore
from tests.mockserver.state.conftest import Seeded


def counts(store: WorkspaceStore) -> dict[str, object]:
    tables = ("USERS", "GROUPWF", "GROUP_USER", "DEPARTMENT", "RBAC_ROLES", "CONTENT")
    return {t: store.query(f"SELECT COUNT(*) FROM {t}")[0][0] for t in tables}


def test_default_seed_writes_the_directory(seeded: Seeded) -> None:
    store = seeded()
    assert counts(store) == {
        "USERS": 2,
        "GROUPWF": 3,
        "GROUP_USER": 3,
        "DEPARTMENT": 3,
        "RBAC_ROLES": 5,  # rbac insert.sql:72-76
        "CONTENT": 3,  # insert.sql:8,10,12
    }
    admin = directory.get_user(store, ADMIN_UID)
    assert admin is not None
    assert (admin["USR_USERNAME"], admin["USR_STATUS"], admin["USR_ROLE"]) == (
        "admin",
        "ACTIVE",
        "PROCESSMAKER_ADMIN",
    )
    assert admin["USR_CREATE_DATE"] == directory.SEED_STAMP
    assert admin["DEP_UID"] == directory.DEPARTMENTS[0][0]


def test_seeding_again_is_idempotent(seeded: Seeded) -> None:
    store = seeded()
    before = counts(store)
    default_seed().apply(store, workspace="workflow")
    assert counts(store) == before


def test_a_replacing_seed_still_gets_the_roles(seeded: Seeded) -> None:
    seed = Seed(users=(SeedUser("solo", "solo-pass"),), replace=True)
    store = seeded(seed)
    roles = [r["ROL_CODE"] for r in directory.list_roles(store, ["PROCESSMAKER_OPERATOR"])]
    assert roles == ["PROCESSMAKER_OPERATOR"]
    assert counts(store)["RBAC_ROLES"] == 5
    assert [u["USR_USERNAME"] for u in directory.list_users(store)] == ["solo"]
    # sample memberships name seeded users that are not there: nobody is in a group
    assert counts(store)["GROUP_USER"] == 0


def test_samples_are_not_rewritten_once_the_store_has_roles(seeded: Seeded) -> None:
    store = seeded()
    store.execute("DELETE FROM GROUPWF WHERE GRP_TITLE = 'Contractors'")
    Seed(users=(SeedUser("late", "late-pass"),)).apply(store, workspace="workflow")
    assert [g["GRP_TITLE"] for g in directory.list_groups(store)] == ["Employees", "Managers"]
    late = [u for u in directory.list_users(store) if u["USR_USERNAME"] == "late"]
    assert len(late) == 1


def test_clear_then_seed_gives_the_samples_back(seeded: Seeded) -> None:
    store = seeded()
    before = counts(store)
    store.clear()
    default_seed().apply(store, workspace="workflow")
    assert counts(store) == before


def test_sync_follows_login_changes(seeded: Seeded) -> None:
    store = seeded()
    store.set_user_status(ADMIN_UID, 0)
    directory.sync_users(store, "2020-01-01 00:00:00")
    admin = directory.get_user(store, ADMIN_UID)
    assert admin is not None and admin["USR_STATUS"] == "INACTIVE"
    store.set_user_status(ADMIN_UID, 1)
    directory.sync_users(store, "2020-01-01 00:00:00")
    admin = directory.get_user(store, ADMIN_UID)
    assert admin is not None and admin["USR_STATUS"] == "ACTIVE"


def test_filters_are_like_patterns_on_three_name_fields(seeded: Seeded) -> None:
    store = seeded()

    def names(**kw: Any) -> list[object]:
        return [u["USR_USERNAME"] for u in directory.list_users(store, **kw)]

    assert names(search="Adm", mode="") == ["admin"]  # first name Administrator, last name Admin
    assert names(search="john", mode="LEFT") == ["johndoe"]
    assert names(search="OE", mode="RIGHT") == ["johndoe"]  # case-insensitive, as utf8_general_ci
    assert names(start=1) == ["johndoe"]
    assert names(limit=1) == ["admin"]


def test_username_taken_ignores_case_and_the_excluded_uid(seeded: Seeded) -> None:
    store = seeded()
    assert directory.username_taken(store, "ADMIN")
    assert not directory.username_taken(store, "ADMIN", ADMIN_UID)
    assert not directory.username_taken(store, "nobody")
