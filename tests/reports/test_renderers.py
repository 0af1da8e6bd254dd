"""Golden files for every renderer, and the properties each format must keep."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reports import ReportError
from reports import dumps
from reports import html
from reports import junit
from reports import loads
from reports import markdown
from reports import read_json
from reports import write_json
from tests.reports.sample import sample

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("PM3_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize(
    ("name", "render"),
    [
        ("report.json", dumps),
        ("junit.xml", junit.render),
        ("report.html", html.render),
        ("summary.md", markdown.render),
    ],
)
def test_golden(name: str, render: object) -> None:
    text = render(sample())  # type: ignore[operator]
    path = GOLDEN / name
    if UPDATE or not path.exists():
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"golden {name} was missing and has been written; review and commit it")
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} drifted; PM3_UPDATE_GOLDEN=1 rewrites it"
    )


def test_json_round_trip_is_exact(tmp_path: Path) -> None:
    report = sample()
    path = tmp_path / "r.json"
    write_json(report, path)
    again = read_json(path)
    assert dumps(again) == dumps(report)
    assert '"expectation": "status"' in path.read_text(encoding="utf-8")
    assert again.summary() == {
        "passed": 7,
        "failed": 1,
        "error": 1,
        "skipped": 1,
        "expected_deviation": 1,
        "unexpected_pass": 1,
    }
    assert not again.ok


def test_invalid_files_name_the_problem(tmp_path: Path) -> None:
    bad = json.loads(dumps(sample()))
    bad["runs"][0]["outcomes"][0]["outcome"] = "ok"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(ReportError, match=r"runs\[0\]\.outcomes\[0\]\.outcome"):
        read_json(path)
    with pytest.raises(ReportError, match="not valid JSON"):
        loads("{nope", "x.json")
    with pytest.raises(ReportError, match="cannot read"):
        read_json(tmp_path / "absent.json")


def test_junit_counts_and_structure() -> None:
    root = ET.fromstring(junit.render(sample()))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["documented", "pm-3.4.10"]
    doc = suites[0]
    assert (doc.get("tests"), doc.get("failures"), doc.get("errors"), doc.get("skipped")) == (
        "6",
        "2",
        "1",
        "1",
    )
    cases = {c.get("name"): c for c in doc.findall("testcase")}
    assert cases["PM3-TOKEN-PASSWORD-005"].find("failure") is not None
    assert cases["PM3-WS-002"].find("failure") is not None  # an unexpected pass fails
    assert cases["PM3-WS-001"].find("failure") is None  # an expected deviation does not
    assert cases["PM3-REST-001"].find("error") is not None


def test_html_is_self_contained_and_escaped() -> None:
    page = html.render(sample())
    assert "<b>escaped</b>" not in page and "&lt;b&gt;escaped&lt;/b&gt;" in page
    assert "http://" not in page.split("<main>")[0]  # nothing fetched from the network in the head
    assert 'id="matrix"' in page  # two runs: a matrix
    assert page.count('class="check"') >= 12


def test_markdown_lists_failures_and_the_matrix() -> None:
    text = markdown.render(sample())
    assert "**FAILED**" in text
    assert "PM3-TOKEN-PASSWORD-005" in text.split("### Failures")[1]
    assert "### Matrix" in text
