"""Markdown for a CI job summary or a pull-request comment.

Text from elsewhere (run names, targets, messages: a server's or a driver's words) is quoted as a
code span, titles are escaped (:mod:`reports.text`): what a server says renders as text, never as
an image, a link, a heading or HTML.
"""

from __future__ import annotations

from .model import OUTCOMES
from .model import Report
from .text import md_code
from .text import md_text

SYMBOLS = {
    "passed": "✅",
    "failed": "❌",
    "error": "⚠️",
    "skipped": "⏭️",
    "expected_deviation": "🔷",
    "unexpected_pass": "🟣",
}


def _cell(text: str) -> str:
    return md_code(text, table=True)


def render(report: Report) -> str:
    lines = [f"## {md_text(report.tool)} {md_text(report.version)}", ""]
    verdict = "all passed" if report.ok else "FAILED"
    named, more = report.named_targets()
    tested = "; ".join(md_code(label) for label in named) or "no runs"
    tested += f" and {more} more" if more else ""
    lines.append(f"**{verdict}**: {tested} — generated {md_text(report.generated_at)}")
    lines.append("")
    lines.append("| run | target | " + " | ".join(OUTCOMES) + " | seconds |")
    lines.append("|---|---|" + "---|" * len(OUTCOMES) + "---|")
    for run in sorted(report.runs, key=lambda r: r.name):
        counts = run.counts()
        row = " | ".join(str(counts[o]) for o in OUTCOMES)
        lines.append(
            f"| {_cell(run.name)} | {_cell(run.target_label)} | {row} | {run.duration_s:.2f} |"
        )
    lines.append("")
    for run in sorted(report.runs, key=lambda r: r.name):
        if run.profile_choice is not None:
            lines.append(f"Profile of {md_code(run.name)}: {md_text(run.profile_label)}")
            lines.append("")
    bad = [
        (run.name, o)
        for run in sorted(report.runs, key=lambda r: r.name)
        for o in sorted(run.outcomes, key=lambda o: o.id)
        if o.outcome in ("failed", "error", "unexpected_pass")
    ]
    if bad:
        lines.append("### Failures")
        lines.append("")
        for run_name, o in bad:
            message = o.first_message or "unexpected pass: remove the expected-deviation entry"
            lines.append(
                f"- {SYMBOLS[o.outcome]} **{md_text(o.id)}** ({md_code(run_name)}, {o.severity})"
                f" {md_text(o.title)}"
            )
            lines.append(f"  - {md_code(message)}")
        lines.append("")
    if len(report.runs) > 1:
        lines += _matrix(report)
    return "\n".join(lines).rstrip() + "\n"


def _matrix(report: Report) -> list[str]:
    runs = sorted(report.runs, key=lambda r: r.name)
    lines = ["### Matrix", "", "| check | " + " | ".join(_cell(r.name) for r in runs) + " |"]
    lines.append("|---|" + "---|" * len(runs))
    by_run = [{o.id: o.outcome for o in r.outcomes} for r in runs]
    for check_id in report.outcome_ids():
        cells = [SYMBOLS.get(m.get(check_id, ""), "·") for m in by_run]
        lines.append(f"| {md_text(check_id)} | " + " | ".join(cells) + " |")
    legend = ", ".join(f"{SYMBOLS[o]} {o.replace('_', ' ')}" for o in OUTCOMES)
    lines += ["", f"Legend: {legend}, · not run", ""]
    return lines
