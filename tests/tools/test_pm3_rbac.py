"""tools/pm3_rbac.py reads the installer's RBAC rows, and reproduces the committed data."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
MIRROR = Path("/work/.mirror/colosa+processmaker/repo")


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pm3_rbac", ROOT / "tools" / "pm3_rbac.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SAMPLE = """-- a made-up install script in the installer's shape
INSERT INTO `RBAC_PERMISSIONS` VALUES
('00000000000000000000000000000001','PM_ONE','2020-01-01 00:00:00',NULL,1,'2'),
('00000000000000000000000000000002','PM_TWO','2020-01-01 00:00:00',NULL,1,'2');

INSERT INTO `RBAC_ROLES` VALUES
('00000000000000000000000000000007','','00000000000000000000000000000002','ROLE_A','x','y',1),
('00000000000000000000000000000008','','00000000000000000000000000000002','ROLE_B','x','y',1);

INSERT INTO `RBAC_ROLES_PERMISSIONS` VALUES
('00000000000000000000000000000007','00000000000000000000000000000001'),
('00000000000000000000000000000007','00000000000000000000000000000002'),
('00000000000000000000000000000008','00000000000000000000000000000002'),
('00000000000000000000000000000009','00000000000000000000000000000002');
"""


def test_roles_and_grants_with_their_lines() -> None:
    parsed = _tool().parse(SAMPLE, "abc")
    assert parsed["permissions"] == ["PM_ONE", "PM_TWO"]
    roles = parsed["roles"]
    assert list(roles) == ["ROLE_A", "ROLE_B"]
    assert roles["ROLE_A"]["source"] == "rbac/engine/data/mysql/insert.sql:7"
    assert roles["ROLE_A"]["permissions"] == [
        {"code": "PM_ONE", "source": "rbac/engine/data/mysql/insert.sql:11"},
        {"code": "PM_TWO", "source": "rbac/engine/data/mysql/insert.sql:12"},
    ]
    # a grant to a role the file does not define is left out
    assert [p["code"] for p in roles["ROLE_B"]["permissions"]] == ["PM_TWO"]


def test_a_checkout_directory_is_read_too(tmp_path: Path) -> None:
    sql = tmp_path / "src" / "rbac" / "engine" / "data" / "mysql" / "insert.sql"
    sql.parent.mkdir(parents=True)
    sql.write_text(SAMPLE)
    out = tmp_path / "rbac.json"
    assert (
        _tool().main(["--source", str(tmp_path / "src"), "--release", "x", "--out", str(out)]) == 0
    )
    data = json.loads(out.read_text())
    assert data["releases"]["x"]["roles"]["ROLE_B"]["uid"] == "0" * 31 + "8"


@pytest.mark.skipif(not MIRROR.exists(), reason="no ProcessMaker source snapshot on this machine")
def test_the_committed_data_is_what_the_generator_writes(tmp_path: Path) -> None:
    out = tmp_path / "rbac.json"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "pm3_rbac.py"),
            "--git-dir",
            str(MIRROR),
            "--release",
            "3.0=8b6e24a95",
            "--release",
            "3.2=b2c8877e5",
            "--release",
            "3.4.10=3062297c5",
            "--release",
            "3.4.11=1429451be",
            "--out",
            str(out),
        ],
        check=True,
    )
    committed = ROOT / "mockserver" / "state" / "data" / "rbac.json"
    assert out.read_bytes() == committed.read_bytes()
