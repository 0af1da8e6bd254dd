"""The mock's world: workspaces created on demand follow the profile's lookup rules."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from mockserver.state.mock_state import MockState
from mockserver.state.mock_state import WorkspaceNameError
from mockserver.state.mock_state import private_dir
from mockserver.state.profiles import PROFILES
from mockserver.state.seed import DOC_CLIENT_ID
from mockserver.state.seed import default_seed


@pytest.mark.parametrize("profile_name", ["documented", "rfc6749"])
def test_a_new_workspace_looks_ids_up_as_the_profile_says(profile_name: str) -> None:
    profile = PROFILES[profile_name]
    state = MockState(profile=profile, seed=default_seed())
    try:
        store = state.add_workspace("second")
        assert store.case_insensitive is profile.case_insensitive_lookups
        # utf8_general_ci (PM) finds a client id in another case; a byte compare (RFC) does not
        found = store.get_client(DOC_CLIENT_ID.lower())
        assert (found is not None) is profile.case_insensitive_lookups
        assert store.get_client(DOC_CLIENT_ID) is not None  # seeded like the first workspace
        assert state.add_workspace("second") is store
    finally:
        state.close()


def test_a_profile_switch_changes_the_lookups_of_open_workspaces() -> None:
    state = MockState(profile=PROFILES["documented"], seed=default_seed())
    try:
        store = state.add_workspace("second")
        state.set_profile(PROFILES["rfc6749"])
        assert store.get_client(DOC_CLIENT_ID.lower()) is None
    finally:
        state.close()


def test_a_workspace_name_outside_the_pattern_is_refused() -> None:
    state = MockState(profile=PROFILES["documented"], seed=default_seed())
    try:
        with pytest.raises(WorkspaceNameError):
            state.add_workspace("../etc")
        assert "../etc" not in state.workspaces
    finally:
        state.close()


def test_private_dir_creates_missing_parents_and_keeps_the_leaf_private(tmp_path: Path) -> None:
    leaf = tmp_path / "a" / "b" / "dbs"
    assert private_dir(leaf) == leaf
    assert leaf.is_dir()
    assert stat.S_IMODE(leaf.stat().st_mode) & 0o077 == 0  # 0700, less any umask bits
    assert private_dir(leaf) == leaf  # an existing directory is taken as it is


def test_a_database_file_linked_outside_the_directory_is_refused(tmp_path: Path) -> None:
    dbs, elsewhere = tmp_path / "dbs", tmp_path / "elsewhere"
    elsewhere.mkdir()
    state = MockState(profile=PROFILES["documented"], seed=default_seed(), db_dir=dbs)
    try:
        (dbs / "wf_linked.sqlite").symlink_to(elsewhere / "wf_linked.sqlite")
        with pytest.raises(WorkspaceNameError) as caught:
            state.database_path("linked")
        root = dbs.resolve()
        assert str(caught.value) == (
            f"workspace database {elsewhere.resolve() / 'wf_linked.sqlite'} "
            f"would lie outside {root}"
        )
    finally:
        state.close()
