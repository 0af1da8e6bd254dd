"""JUnit XML: one ``<testsuite>`` per run, one ``<testcase>`` per check or scenario.

Every string goes through :func:`reports.text.xml_text`: XML 1.0 forbids most C0 controls, and one ESC
from a server would make CI reporters reject the whole file.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .model import Outcome
from .model import Report
from .text import xml_text


def _sub(parent: ET.Element, tag: str, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})


def _case(suite: ET.Element, run_name: str, outcome: Outcome) -> None:
    case = _sub(
        suite,
        "testcase",
        classname=run_name,
        name=outcome.id,
        time=f"{outcome.duration_s:.3f}",
    )
    props = _sub(case, "properties")
    _sub(props, "property", name="title", value=outcome.title)
    _sub(props, "property", name="severity", value=outcome.severity)
    _sub(props, "property", name="outcome", value=outcome.outcome)
    for ref in outcome.references:
        _sub(props, "property", name="reference", value=ref)
    if outcome.tags:
        _sub(props, "property", name="tags", value=" ".join(outcome.tags))
    if outcome.outcome in ("failed", "unexpected_pass"):
        message = outcome.first_message or "unexpected pass: remove the expected-deviation entry"
        failure = _sub(case, "failure", message=message, type=outcome.outcome)
        failure.text = xml_text(_details(outcome))
    elif outcome.outcome == "error":
        error = _sub(case, "error", message=outcome.first_message, type="harness_error")
        error.text = xml_text(_details(outcome))
    elif outcome.outcome == "skipped":
        _sub(case, "skipped", message=outcome.skip_reason)
    elif outcome.outcome == "expected_deviation":
        _sub(props, "property", name="expected_deviation", value=outcome.deviation_reason)


def _details(outcome: Outcome) -> str:
    lines = [outcome.title]
    for failure in outcome.failures:
        broke = f" {failure.expectation}" if failure.expectation else ""
        lines.append(f"[{failure.kind}{broke}] {failure.message}")
        if failure.curl:
            lines.append(f"replay: {failure.curl}")
    if outcome.deviation_reason:
        lines.append(f"deviation entry: {outcome.deviation_reason}")
    return "\n".join(lines)


def render(report: Report) -> str:
    root = ET.Element("testsuites", name=xml_text(report.tool))
    for run in sorted(report.runs, key=lambda r: r.name):
        counts = run.counts()
        suite = _sub(
            root,
            "testsuite",
            name=run.name,
            tests=str(len(run.outcomes)),
            failures=str(counts["failed"] + counts["unexpected_pass"]),
            errors=str(counts["error"]),
            skipped=str(counts["skipped"]),
            time=f"{run.duration_s:.3f}",
            timestamp=run.started_at,
        )
        for outcome in sorted(run.outcomes, key=lambda o: o.id):
            _case(suite, run.name, outcome)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
