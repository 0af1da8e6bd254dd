"""One self-contained HTML page: summary, filters, per-check evidence, and a coloured matrix.

The header names what was tested (the server's URL and workspace, the mock, or the client
driver) and the verdict; the checks that failed, broke or passed unexpectedly come first, open.
Everything is escaped (control characters and lone surrogates made visible first,
:func:`reports.text.visible`); the page needs no network. Filters (outcome buttons and a tag select) are a
few lines of inline script driven by the URL fragment (``#outcome=failed&tag=refresh``), so the
filter state can be bookmarked and tested; with scripts off, everything is simply visible.
"""

from __future__ import annotations

import html
import json

from .model import BAD_OUTCOMES
from .model import OUTCOMES
from .model import Outcome
from .model import Report
from .model import Run
from .text import visible


def escape(text: str) -> str:
    """HTML-escaped text, with no raw control character or lone surrogate left."""
    return html.escape(visible(text, "\t\n"))


COLOURS = {
    "passed": "#1b7f3b",
    "failed": "#c62828",
    "error": "#ef6c00",
    "skipped": "#757575",
    "expected_deviation": "#1565c0",
    "unexpected_pass": "#6a1b9a",
}
LABELS = {o: o.replace("_", " ") for o in OUTCOMES}

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2733;background:#f6f8fa}
header{background:#1f4e79;color:#fff;padding:1rem 2rem}header h1{margin:0;font-size:1.4rem}
main{padding:1rem 2rem}.verdict{font-weight:bold;padding:.2rem .6rem;border-radius:4px;color:#fff}
.ok{background:#1b7f3b}.bad{background:#c62828}
.cards{display:flex;gap:.6rem;flex-wrap:wrap;margin:1rem 0}
.card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:.5rem .9rem;min-width:7rem}
.card b{display:block;font-size:1.5rem}
.filters{margin:1rem 0;display:flex;gap:.4rem;flex-wrap:wrap;align-items:center}
.filters button{border:1px solid #d0d7de;background:#fff;border-radius:4px;padding:.3rem .7rem;cursor:pointer}
.filters button[aria-pressed=true]{background:#1f4e79;color:#fff}
table{border-collapse:collapse;background:#fff}td,th{border:1px solid #d0d7de;padding:.25rem .5rem;font-size:.85rem;text-align:left}
.matrix td.cell{text-align:center;color:#fff;font-weight:bold;min-width:5.5rem}
details{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:.35rem 0;padding:.4rem .8rem}
summary{cursor:pointer}.badge{display:inline-block;color:#fff;border-radius:3px;padding:0 .4rem;font-size:.8rem;margin-right:.4rem}
pre{background:#0d1117;color:#e6edf3;padding:.6rem;border-radius:4px;overflow:auto;font-size:.8rem;white-space:pre-wrap}
.meta{color:#57606a;font-size:.85rem}.legend span{margin-right:1rem}
"""

SCRIPT = """
(function(){
  function state(){var h=new URLSearchParams(location.hash.slice(1));return {outcome:h.get('outcome')||'all',tag:h.get('tag')||'all'};}
  function apply(){
    var s=state();
    document.querySelectorAll('[data-outcome]').forEach(function(el){
      if(!el.classList.contains('check')) return;
      var okO=s.outcome==='all'||el.dataset.outcome===s.outcome;
      var okT=s.tag==='all'||(' '+el.dataset.tags+' ').indexOf(' '+s.tag+' ')>=0;
      if(okO&&okT){el.removeAttribute('hidden');}else{el.setAttribute('hidden','');}
    });
    document.querySelectorAll('.filters button').forEach(function(b){b.setAttribute('aria-pressed', String(b.dataset.filter===s.outcome));});
    var sel=document.getElementById('tag-filter'); if(sel){sel.value=s.tag;}
  }
  function set(key,value){var h=new URLSearchParams(location.hash.slice(1));h.set(key,value);location.hash=h.toString();}
  document.querySelectorAll('.filters button').forEach(function(b){b.addEventListener('click',function(){set('outcome',b.dataset.filter);});});
  var sel=document.getElementById('tag-filter'); if(sel){sel.addEventListener('change',function(){set('tag',sel.value);});}
  window.addEventListener('hashchange',apply); apply();
})();
"""


def _badge(outcome: str) -> str:
    return f'<span class="badge" style="background:{COLOURS[outcome]}">{escape(LABELS[outcome])}</span>'


def _evidence(outcome: Outcome) -> str:
    parts = []
    for failure in outcome.failures:
        broke = f" ({escape(failure.expectation)})" if failure.expectation else ""
        parts.append(f"<p><b>{escape(failure.kind)}</b>{broke}: {escape(failure.message)}</p>")
        if failure.curl:
            parts.append(f"<p>Replay:</p><pre>{escape(failure.curl)}</pre>")
        for ev in failure.evidence:
            req = json.dumps(ev.request, indent=2, ensure_ascii=False)
            resp = json.dumps(ev.response, indent=2, ensure_ascii=False)
            parts.append(
                f"<p>Request</p><pre>{escape(req)}</pre><p>Response</p><pre>{escape(resp)}</pre>"
            )
    if outcome.skip_reason:
        parts.append(f"<p>Skipped: {escape(outcome.skip_reason)}</p>")
    if outcome.deviation_reason:
        parts.append(f"<p>Expected deviation entry: {escape(outcome.deviation_reason)}</p>")
    return "".join(parts)


def _check(run: Run, outcome: Outcome) -> str:
    refs = "; ".join(outcome.references)
    tags = " ".join(outcome.tags)
    opened = " open" if outcome.outcome in BAD_OUTCOMES else ""
    return (
        f'<details class="check" id="{escape(run.name)}--{escape(outcome.id)}" '
        f'data-outcome="{escape(outcome.outcome)}" data-tags="{escape(tags)}"{opened}>'
        f"<summary>{_badge(outcome.outcome)}<code>{escape(outcome.id)}</code> {escape(outcome.title)}"
        f' <span class="meta">[{escape(run.name)} · {escape(outcome.severity)}]</span></summary>'
        f'<p class="meta">{escape(refs)}{" · tags: " + escape(tags) if tags else ""} · '
        f"{outcome.duration_s:.3f}s</p>{_evidence(outcome)}</details>"
    )


def _matrix(report: Report) -> str:
    runs = sorted(report.runs, key=lambda r: r.name)
    by_run = [{o.id: o for o in r.outcomes} for r in runs]
    titles = {o.id: o.title for r in runs for o in r.outcomes}
    tags = {o.id: " ".join(o.tags) for r in runs for o in r.outcomes}
    head = "".join(f"<th>{escape(r.name)}</th>" for r in runs)
    rows = []
    for check_id in report.outcome_ids():
        cells = []
        outcomes = []
        for m in by_run:
            o = m.get(check_id)
            if o is None:
                cells.append('<td class="cell" style="background:#d0d7de;color:#57606a">·</td>')
                continue
            outcomes.append(o.outcome)
            cells.append(
                f'<td class="cell" style="background:{COLOURS[o.outcome]}" '
                f'title="{escape(o.first_message)}">{escape(LABELS[o.outcome])}</td>'
            )
        worst = next(
            (x for x in ("failed", "error", "unexpected_pass") if x in outcomes),
            outcomes[0] if outcomes else "passed",
        )
        rows.append(
            f'<tr class="check" data-outcome="{escape(worst)}" data-tags="{escape(tags[check_id])}">'
            f"<td><code>{escape(check_id)}</code></td><td>{escape(titles[check_id])}</td>{''.join(cells)}</tr>"
        )
    legend = "".join(
        f'<span><span class="badge" style="background:{COLOURS[o]}">&nbsp;</span>{escape(LABELS[o])}</span>'
        for o in OUTCOMES
    )
    return (
        f'<h2>Matrix</h2><p class="legend">{legend}</p><table class="matrix" id="matrix">'
        f"<tr><th>check</th><th>title</th>{head}</tr>{''.join(rows)}</table>"
    )


def servers(report: Report) -> str:
    """What the report's runs tested, for its header: each target once, the first few named."""
    named, more = report.named_targets()
    text = "; ".join(named) or "no runs"
    return f"{text} and {more} more" if more else text


def render(report: Report) -> str:
    summary = report.summary()
    cards = "".join(
        f'<div class="card" style="border-top:4px solid {COLOURS[o]}">{escape(LABELS[o])}'
        f'<b id="count-{o}">{summary[o]}</b></div>'
        for o in OUTCOMES
    )
    buttons = '<button type="button" data-filter="all">all</button>' + "".join(
        f'<button type="button" data-filter="{o}">{escape(LABELS[o])} ({summary[o]})</button>'
        for o in OUTCOMES
    )
    all_tags = sorted({t for r in report.runs for o in r.outcomes for t in o.tags})
    options = '<option value="all">all tags</option>' + "".join(
        f'<option value="{escape(t)}">{escape(t)}</option>' for t in all_tags
    )
    runs_table = "".join(
        f"<tr><td>{escape(r.name)}</td><td>{escape(r.kind)}</td>"
        f"<td>{escape(r.target_label)}</td><td>{escape(r.profile_label)}</td>"
        f"<td>{escape(r.started_at)}</td><td>{r.duration_s:.2f}s</td>"
        + "".join(f"<td>{r.counts()[o]}</td>" for o in OUTCOMES)
        + "</tr>"
        for r in sorted(report.runs, key=lambda r: r.name)
    )
    ordered = [
        (run, o)
        for run in sorted(report.runs, key=lambda r: r.name)
        for o in sorted(run.outcomes, key=lambda o: o.id)
    ]
    # what needs the reader's attention first (a stable sort: run, then id, within each part)
    ordered.sort(key=lambda pair: pair[1].outcome not in BAD_OUTCOMES)
    checks = "".join(_check(run, o) for run, o in ordered)
    matrix = _matrix(report) if len(report.runs) > 1 else ""
    server = servers(report)
    verdict = (
        '<span class="verdict ok">passed</span>'
        if report.ok
        else '<span class="verdict bad">failed</span>'
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(server)}: {"passed" if report.ok else "failed"} — {escape(report.tool)} report</title>
<style>{CSS}</style>
</head>
<body>
<header><h1 id="server">{escape(server)} — {verdict}</h1>
<div class="meta" style="color:#dbe7f3">{escape(report.tool)} {escape(report.version)} · generated {escape(report.generated_at)}</div></header>
<main>
<div class="cards" id="summary">{cards}</div>
<h2>Runs</h2>
<table id="runs"><tr><th>run</th><th>kind</th><th>target</th><th>profile</th><th>started</th><th>time</th>{"".join(f"<th>{escape(LABELS[o])}</th>" for o in OUTCOMES)}</tr>{runs_table}</table>
{matrix}
<h2>Checks</h2>
<div class="filters" id="filters">{buttons}<select id="tag-filter" aria-label="tag">{options}</select></div>
<div id="checks">{checks}</div>
</main>
<script>{SCRIPT}</script>
</body>
</html>
"""
