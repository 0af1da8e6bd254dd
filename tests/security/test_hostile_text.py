"""A server's words reach every output as text: valid JUnit, no terminal escapes, no live Markdown.

A hostile server answers with C0 controls, ESC sequences (clear the screen, a fake green line),
BEL, bare CR, C1 controls, a bidi override, lone surrogates (``\\ud800`` in JSON) and invalid
UTF-8, plus Markdown and HTML (a tracking image, a link, headings, tags). After a ``run`` and a
``fingerprint`` against it, every report format is parsed (JSON strictly as UTF-8, JUnit with an
XML parser, HTML, Markdown with a CommonMark parser) and the terminal output is searched for raw
control characters. ``report diff`` gets the same treatment.
"""

from __future__ import annotations

import http.client
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from conformance.cli import Progress
from conformance.cli import main
from conformance.http import HttpRequest
from conformance.http import HttpResponse
from conformance.http import HttpTransport
from conformance.registry import CHECKS
from conformance.reporting import build_report
from conformance.reporting import write_all
from conformance.runner import run
from conformance.target import Target
from conformance.target import load_credentials
from mockserver import MockServer
from mockserver import get_profile
from reports import Report
from reports import diff as diff_mod
from reports import read_json
from reports.text import md_code
from reports.text import md_text
from reports.text import terminal
from reports.text import visible
from reports.text import xml_text

FAKE_LINE = "all checks passed"
BEACON = "http://evil.invalid/beacon.png"
HOSTILE = (
    f"\x1b[2J\x1b[H\x1b[32m{FAKE_LINE}\x1b[0m\x07\r\x00\x08\x0b\x0c\x7f\x9b31m \u202e"
    f" ![beacon]({BEACON}) [click](http://evil.invalid/) <http://evil.invalid/auto>"
    " <img src=x onerror=alert(1)> <marquee>moving</marquee>\r# heading by CR\n## heading by LF\n"
    "``` fence ` tick | pipe &amp; \\"
)
JSON_BODY = json.dumps(
    {"error": HOSTILE, "error_description": HOSTILE + "\ud800", "expires_in": HOSTILE}
).encode()
RAW_BODY = b"\xff\xfe\xc3(" + HOSTILE.encode("utf-8") + b"\xed\xa0\x80"  # invalid UTF-8
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\ud800-\udfff]")
OWN_HEADINGS = re.compile(
    r"(pm3-oauth-conformance .*|Failures|Matrix|pm3 report diff: .*|Regressions|Fixes"
    r"|New checks|Removed checks|Changed evidence .*|Other outcome changes)"
)


def _hostile(pm: MockServer) -> None:
    pm.override("api", times=None).respond_with(400, body=JSON_BODY)
    pm.override("token", times=None, grant_type="refresh_token").respond_with(400, body=JSON_BODY)
    pm.override("token", times=None, grant_type="client_credentials").respond_with(
        200, body=RAW_BODY, headers={"Content-Type": "application/json"}
    )
    pm.override("authorize", times=None).respond_with(400, body=RAW_BODY)
    pm.override("token", times=None, grant_type="password").alter(set={"expires_in": HOSTILE})


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, str]]:
    """A full run and a fingerprint against the hostile server: (report dir, stdout, stderr)."""
    directory = tmp_path_factory.mktemp("hostile")
    capture = directory / "captured"
    capture.mkdir()
    mp = pytest.MonkeyPatch()
    mp.setenv("CI", "1")  # one plain line per check on stderr
    import sys

    out, err = io.StringIO(), io.StringIO()
    mp.setattr(sys, "stdout", out)
    mp.setattr(sys, "stderr", err)
    try:
        with MockServer("documented") as pm:
            _hostile(pm)
            common = ["--target", pm.url, "--rate", "1000", "--max-requests", "100000"]
            run_code = main(["run", *common, "--report-dir", str(directory / "reports")])
            fp_code = main(["fingerprint", *common])
    finally:
        mp.undo()
    assert run_code == 1, err.getvalue()[-2000:]
    assert fp_code == 0, err.getvalue()[-2000:]
    yield directory / "reports", out.getvalue(), err.getvalue()


def test_the_terminal_gets_no_raw_control_character(hostile_run: tuple[Path, str, str]) -> None:
    _, out, err = hostile_run
    for name, text in (("stdout", out), ("stderr", err)):
        found = RAW_CONTROLS.findall(text)
        assert not found, f"{name} holds raw {sorted(set(found))!r}"
    # the server's words did reach the terminal, made visible
    assert "\\x1b[2J" in err + out
    assert "\\x1b[32m" in out  # the fingerprint's observed expires_in


def test_json_report_is_strict_utf8_and_schema_valid(hostile_run: tuple[Path, str, str]) -> None:
    directory, _, _ = hostile_run
    raw = (directory / "report.json").read_bytes()
    text = raw.decode("utf-8")  # strict: a lone surrogate or invalid UTF-8 would fail here
    json.loads(text)
    report = read_json(directory / "report.json")
    assert any(FAKE_LINE in o.first_message for run in report.runs for o in run.outcomes)


def _junit_messages(text: str) -> list[str]:
    root = ET.fromstring(text.encode("utf-8"))  # expat: rejects any C0 control XML forbids
    return [
        str(node.get("message", "")) + (node.text or "")
        for node in root.iter()
        if node.tag in ("failure", "error", "skipped")
    ]


def test_junit_report_parses(hostile_run: tuple[Path, str, str]) -> None:
    directory, _, _ = hostile_run
    messages = _junit_messages((directory / "junit.xml").read_text(encoding="utf-8"))
    assert any("\\x1b[2J" in m and FAKE_LINE in m for m in messages)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _assert_html_inert(text: str) -> None:
    assert not RAW_CONTROLS.search(text.replace("\r", ""))
    parser = _Tags()
    parser.feed(text)
    assert not [t for t, _ in parser.tags if t in ("img", "marquee")]
    assert not [a for _, attrs in parser.tags for a, _ in attrs if a == "onerror"]
    assert FAKE_LINE in text


def test_html_report_is_inert(hostile_run: tuple[Path, str, str]) -> None:
    directory, _, _ = hostile_run
    _assert_html_inert((directory / "report.html").read_text(encoding="utf-8"))


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def _plain(inline: Token) -> str:
    return "".join(c.content for c in inline.children or () if c.type in ("text", "text_special"))


def _assert_markdown_inert(text: str) -> None:
    """Parsed as CommonMark with GFM tables: the server's text is only ever a code span."""
    assert not RAW_CONTROLS.search(text)
    tokens = list(_walk(MarkdownIt("commonmark").enable("table").parse(text)))
    kinds = {t.type for t in tokens}
    assert not kinds & {"image", "link_open", "html_inline", "html_block"}, kinds
    headings = [_plain(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert all(OWN_HEADINGS.fullmatch(h) for h in headings), headings
    codes = [t.content for t in tokens if t.type == "code_inline"]
    assert any(FAKE_LINE in c and f"![beacon]({BEACON})" in c for c in codes)
    for t in tokens:  # outside code spans, none of it
        if t.type == "text":
            assert BEACON not in t.content and FAKE_LINE not in t.content


def test_markdown_summary_renders_server_text_as_text(hostile_run: tuple[Path, str, str]) -> None:
    directory, _, _ = hostile_run
    _assert_markdown_inert((directory / "summary.md").read_text(encoding="utf-8"))


def _diffed(report: Report) -> tuple[Report, Report]:
    """The hostile report twice: first all passed, then as it was, every run named by the
    server (a driver names its own run)."""
    renamed = replace(report, runs=tuple(replace(r, name=HOSTILE) for r in report.runs))
    passed = replace(
        renamed,
        runs=tuple(
            replace(
                r, outcomes=tuple(replace(o, outcome="passed", failures=()) for o in r.outcomes)
            )
            for r in renamed.runs
        ),
    )
    return passed, renamed


def test_report_diff_renders_server_text_as_text(hostile_run: tuple[Path, str, str]) -> None:
    directory, _, _ = hostile_run
    old, new = _diffed(read_json(directory / "report.json"))
    result = diff_mod.compare(old, new)
    assert result.regressions
    _assert_markdown_inert(diff_mod.render_markdown(result))
    _assert_html_inert(diff_mod.render_html(result))


def test_renderers_survive_a_report_named_and_titled_by_a_server(
    hostile_run: tuple[Path, str, str],
) -> None:
    """Every string of the report hostile (tool, titles, run names, targets): still valid."""
    from reports import dumps
    from reports import html as html_report
    from reports import junit
    from reports import markdown

    directory, _, _ = hostile_run
    report = read_json(directory / "report.json")
    evil = replace(
        report,
        runs=tuple(
            replace(
                r,
                name=HOSTILE + "\ud800",
                target={**r.target, "url": HOSTILE},
                outcomes=tuple(replace(o, title=HOSTILE, skip_reason=HOSTILE) for o in r.outcomes),
            )
            for r in report.runs
        ),
    )
    dumps(evil).encode("utf-8")
    _junit_messages(junit.render(evil))
    _assert_html_inert(html_report.render(evil))
    text = markdown.render(evil)
    assert not RAW_CONTROLS.search(text)
    tokens = list(_walk(MarkdownIt("commonmark").enable("table").parse(text)))
    assert not {t.type for t in tokens} & {"image", "link_open", "html_inline", "html_block"}


@pytest.mark.parametrize("text", [HOSTILE, "`", "``a``", " x ", "|", "\\", "a\rb", "\ud800", "<b>"])
def test_the_quoting_helpers_on_their_own(text: str) -> None:
    for quoted in (terminal(text), xml_text(text), visible(text)):
        assert not RAW_CONTROLS.search(quoted)
    parser = MarkdownIt("commonmark")
    code = list(_walk(parser.parse(f"x {md_code(text)} y")))
    assert [t.content for t in code if t.type == "code_inline"] == [visible(text)]
    prose = list(_walk(parser.parse(f"x {md_text(text)} y")))
    assert {t.type for t in prose} <= {
        "paragraph_open",
        "inline",
        "text",
        "text_special",
        "paragraph_close",
    }
    assert (
        "".join(t.content for t in prose if t.type in ("text", "text_special"))
        == f"x {visible(text)} y"
    )


class _BrokenStatusLine(HttpTransport):
    """A live target whose every answer starts with a status line http.client cannot read: the
    line (ESC, BEL, CR and all) becomes the exception text, and so a harness error's message."""

    def __init__(self, tail: str) -> None:
        super().__init__("http://pm.invalid")
        self.tail = tail

    def send(self, request: HttpRequest) -> HttpResponse:
        raise http.client.BadStatusLine(f"HTTP/1.1 2\x1b[2J{HOSTILE}{self.tail}\r\n")


@pytest.mark.parametrize("tail", ["", "\ud800"], ids=["controls", "lone-surrogate"])
def test_a_harness_error_quoting_a_status_line_keeps_every_format_valid(
    tmp_path: Path, tail: str
) -> None:
    specs = [s for s in CHECKS.select(None) if s.id.startswith("PM3-TOKEN-") and not s.requires][:5]
    stderr = io.StringIO()
    result = run(
        specs,
        Target("url", base_url="http://pm.invalid", _shared=_BrokenStatusLine(tail)),
        get_profile("documented"),
        load_credentials(None, env={}),
        on_result=Progress(len(specs), "hostile", stderr),
    )
    assert result.counts()["error"] == len(specs)
    report = build_report([result])
    written = write_all(report, tmp_path)
    assert {p.name for p in written} == {"report.json", "junit.xml", "report.html", "summary.md"}
    messages = _junit_messages((tmp_path / "junit.xml").read_text(encoding="utf-8"))
    assert len(messages) == len(specs) and all(FAKE_LINE in m for m in messages)
    json.loads((tmp_path / "report.json").read_bytes().decode("utf-8"))
    _assert_html_inert((tmp_path / "report.html").read_text(encoding="utf-8"))
    _assert_markdown_inert((tmp_path / "summary.md").read_text(encoding="utf-8"))
    assert not RAW_CONTROLS.search(stderr.getvalue())  # the progress lines
