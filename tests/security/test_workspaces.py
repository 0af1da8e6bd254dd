"""Attack: workspace names as paths (issue 10, class 2). One allow-list at every entry."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from mockserver import MockServer
from mockserver.state.mock_state import WorkspaceNameError
from mockserver.state.mock_state import check_workspace_name

EVIL = ["x/../../../victim", "../victim", "a/b", "", "a" * 31, "wörk", "a.b", "a-b", "a b", "/abs"]


@pytest.mark.parametrize("name", EVIL)
def test_the_rule_refuses_what_installer_would_refuse(name: str) -> None:
    with pytest.raises(WorkspaceNameError, match="letters, digits or underscores"):
        check_workspace_name(name)


@pytest.mark.parametrize("name", ["workflow", "WORKFLOW", "api", "apitest", "a" * 30, "w_1"])
def test_the_rule_accepts_every_installer_name(name: str) -> None:
    assert check_workspace_name(name) == name


def test_control_api_cannot_write_outside_the_db_dir(tmp_path: Path) -> None:
    db = tmp_path / "db"
    victim = tmp_path / "victim.sqlite"
    victim.write_bytes(b"")
    with MockServer(db_dir=db, control=True) as pm:
        for name in ["x/../../victim", "x/../../../victim", "../victim", "nosuch"]:
            for path, payload in [
                ("clients", {"client_id": "EVIL", "client_secret": "s3cret-evil", "name": "e"}),
                ("users", {"username": "evil", "password": "pw-evil-1"}),
                ("expire", {}),
            ]:
                answer = requests.post(
                    f"{pm.url}/_pm3/{path}", json={**payload, "workspace": name}, timeout=10
                )
                assert answer.status_code == 400, (path, name, answer.text)
                assert "no workspace" in answer.json()["error"]
        assert sorted(pm.state.workspaces) == ["workflow"]
    assert victim.read_bytes() == b""  # untouched: not opened, not switched to WAL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db", "victim.sqlite"]
    assert all(p.parent == db for p in db.iterdir())


def test_the_url_never_creates_a_workspace(tmp_path: Path) -> None:
    with MockServer(db_dir=tmp_path / "db") as pm:
        for path in ["/..%2Fvictim/oauth2/token", "/x/oauth2/token", "/api/1.0/x/users"]:
            requests.post(pm.url + path, data={"grant_type": "password"}, timeout=10)
        assert sorted(pm.state.workspaces) == ["workflow"]
    assert [p.name for p in (tmp_path / "db").iterdir() if p.suffix == ".sqlite"] == [
        "wf_workflow.sqlite"
    ]


def test_python_and_scenario_entries_apply_the_rule(tmp_path: Path) -> None:
    pm = MockServer(db_dir=tmp_path)
    try:
        with pytest.raises(WorkspaceNameError):
            pm.add_workspace("../victim")
        with pytest.raises(KeyError, match="no workspace"):
            pm.workspace("nosuch")
        from mockserver.scripting.scenario import ScenarioError

        with pytest.raises(ScenarioError, match="workspaces"):
            pm.apply_scenario({"workspaces": ["../victim"]})
    finally:
        pm.close()
    assert not (tmp_path.parent / "wf_victim.sqlite").exists()


def test_cli_refuses_a_bad_workspace_in_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mockserver", "--workspace", "../victim", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "invalid workspace name" in result.stderr


def test_database_files_are_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "fresh"
    with MockServer(db_dir=db) as pm:
        requests.post(pm.token_url(), data={"grant_type": "password"}, timeout=10)
    assert stat.S_IMODE(db.stat().st_mode) == 0o700
    files = list(db.iterdir())
    assert files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
