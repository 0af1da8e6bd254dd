"""Comparing two reports: regressions, fixes, new and removed checks, changed evidence."""

from __future__ import annotations

import html
from dataclasses import dataclass

from .model import Outcome
from .model import Report
from .text import md_code
from .text import md_text
from .text import visible

GOOD = frozenset({"passed", "expected_deviation"})
BAD = frozenset({"failed", "error", "unexpected_pass"})
Key = tuple[str, str]  # (run name, check id)


@dataclass(frozen=True, slots=True)
class Change:
    run: str
    id: str
    title: str
    before: str
    after: str
    message: str = ""


@dataclass(frozen=True, slots=True)
class ReportDiff:
    regressions: tuple[Change, ...]
    fixes: tuple[Change, ...]
    new_checks: tuple[Change, ...]
    removed_checks: tuple[Change, ...]
    changed_evidence: tuple[Change, ...]
    other_changes: tuple[Change, ...]

    @property
    def regressed(self) -> bool:
        return bool(self.regressions)


def _index(report: Report) -> dict[Key, Outcome]:
    return {(run.name, o.id): o for run in report.runs for o in run.outcomes}


def compare(old: Report, new: Report) -> ReportDiff:
    before, after = _index(old), _index(new)
    regressions, fixes, new_checks, removed, evidence, other = [], [], [], [], [], []
    for key in sorted(set(before) | set(after)):
        o, n = before.get(key), after.get(key)
        if o is None and n is not None:
            new_checks.append(Change(key[0], key[1], n.title, "", n.outcome, n.first_message))
        elif n is None and o is not None:
            removed.append(Change(key[0], key[1], o.title, o.outcome, ""))
        elif o is not None and n is not None:
            change = Change(key[0], key[1], n.title, o.outcome, n.outcome, n.first_message)
            if o.outcome in GOOD and n.outcome in BAD:
                regressions.append(change)
            elif o.outcome in BAD and n.outcome in GOOD:
                fixes.append(change)
            elif o.outcome == n.outcome and n.outcome in BAD:
                if [f.message for f in o.failures] != [f.message for f in n.failures]:
                    evidence.append(
                        Change(
                            key[0],
                            key[1],
                            n.title,
                            o.first_message,
                            n.first_message,
                            n.first_message,
                        )
                    )
            elif o.outcome != n.outcome:
                other.append(change)
    return ReportDiff(
        tuple(regressions),
        tuple(fixes),
        tuple(new_checks),
        tuple(removed),
        tuple(evidence),
        tuple(other),
    )


SECTIONS = (
    ("regressions", "Regressions"),
    ("fixes", "Fixes"),
    ("new_checks", "New checks"),
    ("removed_checks", "Removed checks"),
    ("changed_evidence", "Changed evidence (still failing, differently)"),
    ("other_changes", "Other outcome changes"),
)


def render_markdown(diff: ReportDiff) -> str:
    verdict = "**Regressed**" if diff.regressed else "**No regression**"
    counts = ", ".join(
        f"{len(getattr(diff, attr))} {label.lower()}" for attr, label in SECTIONS[:4]
    )
    lines = [f"## pm3 report diff: {verdict}", "", counts, ""]
    for attr, label in SECTIONS:
        changes: tuple[Change, ...] = getattr(diff, attr)
        if not changes:
            continue
        lines += [
            f"### {label}",
            "",
            "| run | check | before | after | detail |",
            "|---|---|---|---|---|",
        ]
        for c in changes:
            # run names and messages are a driver's or a server's words: code spans
            lines.append(
                f"| {md_code(c.run, table=True)} | {md_text(c.id)} | {md_text(c.before) or '—'}"
                f" | {md_text(c.after) or '—'} | {md_code(c.message or c.title, table=True)} |"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_html(diff: ReportDiff) -> str:
    def esc(text: str) -> str:
        return html.escape(visible(text, "\t\n"))

    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>pm3 report diff</title>',
        "<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:.3rem .6rem}.regressions h2{color:#b00020}"
        ".fixes h2{color:#1b7f3b}</style></head><body>",
        f"<h1>pm3 report diff: {'regressed' if diff.regressed else 'no regression'}</h1>",
    ]
    for attr, label in SECTIONS:
        changes: tuple[Change, ...] = getattr(diff, attr)
        parts.append(f'<section class="{attr}"><h2>{esc(label)} ({len(changes)})</h2>')
        if changes:
            parts.append(
                "<table><tr><th>run</th><th>check</th><th>before</th><th>after</th><th>detail</th></tr>"
            )
            for c in changes:
                parts.append(
                    f"<tr><td>{esc(c.run)}</td><td>{esc(c.id)}</td><td>{esc(c.before)}</td>"
                    f"<td>{esc(c.after)}</td><td>{esc(c.message or c.title)}</td></tr>"
                )
            parts.append("</table>")
        parts.append("</section>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
