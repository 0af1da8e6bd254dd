"""Seed data: every field a seed file sets reaches the seed and the workspace, defaults fill the rest."""

from __future__ import annotations

import pytest

from mockserver.state.seed import ADMIN_USERNAME
from mockserver.state.seed import Seed
from mockserver.state.seed import SeedClient
from mockserver.state.seed import SeedError
from mockserver.state.seed import SeedUser
from mockserver.state.seed import _stable_uid
from mockserver.state.seed import default_seed
from mockserver.state.seed import seed_from_data
from mockserver.state.store import WorkspaceStore

USER = {
    "username": "janedoe",
    "password": "s3cret",
    "uid": "12345678900000000000000000000001",
    "firstname": "Jane",
    "lastname": "Doe",
    "email": "jane@example.com",
    "status": "INACTIVE",
    "due_date": "2025-06-30",
    "role": "PROCESSMAKER_MANAGER",
    "permissions": ["PM_REST_API_APPLICATIONS"],
}
CLIENT = {
    "client_id": "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEF",
    "client_secret": "c0ffee",
    "name": "Jane's app",
    "description": "made for a test",
    "website": "https://jane.example.com",
    "redirect_uri": "https://jane.example.com/cb",
    "owner": "janedoe",
}


def test_every_field_of_a_seed_file_is_kept() -> None:
    seed = seed_from_data({"users": [USER], "clients": [CLIENT], "replace": True})
    assert seed.replace is True
    assert seed.users == (
        SeedUser(
            username="janedoe",
            password="s3cret",
            uid="12345678900000000000000000000001",
            firstname="Jane",
            lastname="Doe",
            email="jane@example.com",
            status="INACTIVE",
            due_date="2025-06-30",
            role="PROCESSMAKER_MANAGER",
            permissions=("PM_REST_API_APPLICATIONS",),
        ),
    )
    assert seed.clients == (
        SeedClient(
            client_id="ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEF",
            client_secret="c0ffee",
            name="Jane's app",
            description="made for a test",
            website="https://jane.example.com",
            redirect_uri="https://jane.example.com/cb",
            owner="janedoe",
        ),
    )


def test_fields_left_out_take_the_defaults() -> None:
    seed = seed_from_data(
        {
            "users": [{"username": "bob", "password": "pw"}],
            "clients": [{"client_id": "C", "client_secret": "s"}],
        }
    )
    assert seed.replace is False
    assert seed.users == (SeedUser("bob", "pw"),)
    user = seed.users[0]
    assert (user.uid, user.firstname, user.status, user.due_date, user.role) == (
        "",
        "",
        "ACTIVE",
        "2030-12-31",
        "PROCESSMAKER_OPERATOR",
    )
    assert seed.clients == (
        SeedClient(
            client_id="C",
            client_secret="s",
            name="",
            description="",
            website="http://localhost",
            redirect_uri="",
            owner=ADMIN_USERNAME,
        ),
    )


def test_seeded_rows_carry_the_files_values() -> None:
    store = WorkspaceStore()
    seed_from_data({"users": [USER], "clients": [CLIENT]}).apply(store, workspace="workflow")
    user = store.find_user("janedoe")
    assert user is not None
    assert (user.uid, user.firstname, user.role, user.status, user.due_date) == (
        "12345678900000000000000000000001",
        "Jane",
        "PROCESSMAKER_MANAGER",
        0,
        "2025-06-30",
    )
    client = store.get_client(CLIENT["client_id"])
    assert client is not None
    assert client.name == "Jane's app"
    assert client.owner == user.uid  # the owner named in the file


def test_a_client_without_a_name_shows_its_id() -> None:
    store = WorkspaceStore()
    Seed(clients=(SeedClient("NONAME", "s"),)).apply(store, workspace="workflow")
    client = store.get_client("NONAME")
    assert client is not None and client.name == "NONAME"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"users": [{"username": "bob"}]},
            "team.yaml: users[0]: 'password' is a required property",
        ),
        (
            {"users": [{"username": "bob", "password": "pw", "status": "GONE"}]},
            "team.yaml: users[0].status: 'GONE' is not one of ['ACTIVE', 'INACTIVE']",
        ),
        (
            {"clients": [{"client_id": "C"}]},
            "team.yaml: clients[0]: 'client_secret' is a required property",
        ),
    ],
)
def test_an_invalid_seed_names_the_file_and_the_field(data: object, message: str) -> None:
    with pytest.raises(SeedError) as raised:
        seed_from_data(data, "team.yaml")
    assert str(raised.value) == message


def test_a_seed_without_an_origin_is_called_seed() -> None:
    with pytest.raises(SeedError) as raised:
        seed_from_data({"users": [{"username": "bob"}]})
    assert str(raised.value) == "seed: users[0]: 'password' is a required property"


def test_a_stable_uid_has_pms_32_characters() -> None:
    uid = _stable_uid("johndoe")
    assert len(uid) == 32 and uid == _stable_uid("JohnDoe")
    assert uid[23] == "0" and uid[:9].isdigit()  # digest[20:33] takes 13 characters


def test_the_builtin_clients_carry_processmakers_names() -> None:
    names = {c.builtin: c.name for c in default_seed().clients if c.builtin}
    assert names == {"local": "PM Web Designer", "mobile": "PM Mobile App"}


def test_a_replacing_seed_keeps_its_own_clients_only() -> None:
    own = SeedClient("own-client", "s3cret")
    merged = Seed(clients=(own,), replace=True).merged_over(default_seed())
    assert merged.clients == (own,) and merged.users == ()


def test_usernames_merge_as_processmaker_compares_them() -> None:
    """Case-insensitively, but "straße" is not "STRASSE" (MySQL's general_ci folds ß to s)."""
    base = Seed(users=(SeedUser("straße", "a"), SeedUser("Admin", "b")))
    merged = Seed(users=(SeedUser("STRASSE", "c"), SeedUser("admin", "d"))).merged_over(base)
    assert [(u.username, u.password) for u in merged.users] == [
        ("straße", "a"),
        ("admin", "d"),
        ("STRASSE", "c"),
    ]
