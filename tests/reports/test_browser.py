"""The HTML report in a real headless Chromium: it renders, and its filters work."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from reports import html
from tests.reports.sample import sample

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _dump(url: str, profile_dir: Path) -> str:
    assert CHROMIUM is not None, "chromium is required in CI: apt-get install chromium"
    result = subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={profile_dir}",
            "--virtual-time-budget=2000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-500:]
    return result.stdout


@pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (.ci/run installs it; in CI this test never skips)",
)
def test_report_renders_and_the_outcome_filter_hides_the_rest(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(html.render(sample()), encoding="utf-8")
    everything = _dump(page.as_uri(), tmp_path / "p1")
    assert 'id="matrix"' in everything
    assert everything.count('class="check"') >= 12
    assert (
        "hidden" not in everything.split('id="checks"')[1].split("</div>")[0].split("<details")[1]
    )

    failed_only = _dump(page.as_uri() + "#outcome=failed", tmp_path / "p2")
    checks = failed_only.split('id="checks"')[1]
    shown = [c for c in checks.split("<details")[1:] if " hidden" not in c.split(">")[0]]
    assert len(shown) == 1 and 'data-outcome="failed"' in shown[0]
    assert 'data-filter="failed" aria-pressed="true"' in failed_only

    by_tag = _dump(page.as_uri() + "#tag=nosuchtag", tmp_path / "p3")
    rest = by_tag.split('id="checks"')[1]
    assert all(" hidden" in c.split(">")[0] for c in rest.split("<details")[1:])
