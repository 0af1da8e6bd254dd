"""Reports are never written through a link planted where they go.

A ``--report-dir`` (say a ``pm3-reports/`` shipped by a cloned repository) may hold links named
like the reports: one to a file outside (which must keep its content) and a dangling one (whose
target must not be created). The same holds for every ``-o``/``--out`` the CLI writes.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from conformance.cli import main

REPORTS = ("report.json", "junit.xml", "report.html", "summary.md")
VICTIM = "precious: not a report\n"


def _plant(directory: Path, name: str, outside: Path) -> tuple[Path, Path]:
    """A link to an existing file outside, and (for the next name) a dangling one."""
    victim = outside / f"victim-{name}"
    victim.write_text(VICTIM, encoding="utf-8")
    (directory / name).symlink_to(victim)
    return victim, outside / f"never-{name}"


def _assert_untouched(victim: Path, dangling: Path, written: Path) -> None:
    assert victim.read_text(encoding="utf-8") == VICTIM
    assert not dangling.exists()
    assert not written.is_symlink() and written.is_file()


def test_run_replaces_links_in_the_report_dir_and_follows_none(tmp_path: Path) -> None:
    reports, outside = tmp_path / "pm3-reports", tmp_path / "outside"
    reports.mkdir()
    outside.mkdir()
    planted = []
    for index, name in enumerate(REPORTS):
        if index % 2:
            dangling = outside / f"never-{name}"
            (reports / name).symlink_to(dangling)
            planted.append((outside / "none", dangling, reports / name))
        else:
            victim, dangling = _plant(reports, name, outside)
            planted.append((victim, dangling, reports / name))
    code = main(["run", "--select", "PM3-TOKEN-PASSWORD-001", "--report-dir", str(reports)])
    assert code == 0
    for victim, dangling, written in planted:
        if victim.name != "none":
            assert victim.read_text(encoding="utf-8") == VICTIM
        assert not dangling.exists()
        assert not written.is_symlink() and written.stat().st_size > 0
    assert sorted(p.name for p in reports.iterdir()) == sorted(REPORTS)  # no temporary left
    assert sorted(p.name for p in outside.iterdir()) == sorted(
        f"victim-{n}" for i, n in enumerate(REPORTS) if not i % 2
    )


def test_a_new_report_gets_the_mode_a_new_file_gets(tmp_path: Path) -> None:
    assert main(["run", "--select", "PM3-TOKEN-PASSWORD-001", "--report-dir", str(tmp_path)]) == 0
    umask = os.umask(0o022)
    os.umask(umask)
    for name in REPORTS:
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~umask


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "render", "{report}", "--format", "md", "-o", "{out}"],
        ["report", "render", "{report}", "--format", "junit", "-o", "{out}"],
        ["report", "diff", "{report}", "{report}", "-o", "{out}"],
        ["openapi", "-o", "{out}"],
        ["record", "mock", "--out", "{out}"],
    ],
    ids=["render-md", "render-junit", "diff", "openapi", "record"],
)
def test_every_output_option_replaces_a_link(
    tmp_path: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--select", "PM3-TOKEN-PASSWORD-001", "--report-dir", str(tmp_path)]) == 0
    outside = tmp_path / "outside"
    outside.mkdir()
    for kind in ("existing", "dangling"):
        out = tmp_path / f"out-{kind}"
        victim = outside / f"victim-{kind}"
        if kind == "existing":
            victim.write_text(VICTIM, encoding="utf-8")
        out.symlink_to(victim)
        args = [a.format(report=tmp_path / "report.json", out=out) for a in argv]
        assert main(args) == 0
        capsys.readouterr()
        assert not out.is_symlink() and out.stat().st_size > 0
        if kind == "existing":
            assert victim.read_text(encoding="utf-8") == VICTIM
        else:
            assert not victim.exists()


def test_a_report_dir_that_cannot_be_written_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "summary.md").mkdir()  # a directory where a report goes: the rename fails
    code = main(["run", "--select", "PM3-TOKEN-PASSWORD-001", "--report-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith("pm3-conformance: error: --report-dir ")
    assert "summary.md: Is a directory" in err
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
