"""Golden files for every renderer, and the properties each format must keep."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from dataclasses import replace
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


@pytest.mark.parametrize(
    ("target", "label"),
    [
        ({"kind": "url", "url": "https://pm.example.com", "workspace": "workflow"},
         "https://pm.example.com, workspace workflow"),
        ({"kind": "mock", "workspace": "workflow", "server_profile": "pm-3.4.11"},
         "embedded mock (pm-3.4.11), workspace workflow"),
        ({"kind": "mock-http", "url": "http://127.0.0.1:4000", "server_profile": "documented"},
         "mock over HTTP http://127.0.0.1:4000 (documented)"),
        ({"kind": "driver", "url": "node test/pm3-driver.js"}, "driver: node test/pm3-driver.js"),
        ({"kind": "driver"}, "driver"),
        ({"kind": "url"}, "url"),
        ({"kind": ""}, "unknown target"),
    ],
)  # fmt: skip
def test_a_target_reads_as_words(target: dict[str, str], label: str) -> None:
    run = replace(sample().runs[0], target=target)
    assert run.target_label == label
    page = html.render(replace(sample(), runs=(run,)))
    assert f"<td>{html.escape(label)}</td>" in page.split('<table id="runs">')[1]
    assert html.escape(label) in page.split("</header>")[0]
    assert f"` {label} `" in markdown.render(replace(sample(), runs=(run,)))


def test_html_shows_what_went_wrong_first_and_open() -> None:
    page = html.render(sample())
    checks = page.split('<div id="checks">')[1].split("<details")[1:]
    outcomes = [c.split('data-outcome="')[1].split('"')[0] for c in checks]
    bad = {"failed", "error", "unexpected_pass"}
    first_good = next(i for i, o in enumerate(outcomes) if o not in bad)
    assert outcomes[:first_good] and set(outcomes[:first_good]) <= bad
    assert not bad & set(outcomes[first_good:])
    assert all(
        (" open" in c.split(">")[0]) == (o in bad) for c, o in zip(checks, outcomes, strict=True)
    )


def test_a_header_names_three_targets_at_most() -> None:
    runs = tuple(
        replace(sample().runs[0], name=f"r{i}", target={"kind": "url", "url": f"https://pm{i}"})
        for i in range(5)
    )
    page = html.render(replace(sample(), runs=runs))
    header = page.split("</header>")[0]
    assert "https://pm2" in header and "https://pm3" not in header and "and 2 more" in header
