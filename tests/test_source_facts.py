"""Every source fact the product cites ("source §2.4 step 8") is a section of docs/source-facts.md.

Citations are gathered twice: from the values reports and the behaviour reference print (profile
provenance, the documentation's error table, check and client-scenario references, the behaviour
reference's section index), and from the text of every product file (code comments, docstrings,
schemas, README). RFC clauses (``RFC 6749 §5.2, §10.6``) and other documents' sections
(``STYLE.md §3.6``) are not source facts and are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path

import pytest

import conformance.checks  # noqa: F401  (registers every check)
from conformance.clients.scenarios import SCENARIOS
from conformance.registry import CHECKS
from mockserver.state.doc_errors import ROWS
from mockserver.state.explain import BEHAVIOUR_FIELDS
from mockserver.state.explain import section_index
from mockserver.state.profiles import PROFILES

ROOT = Path(__file__).resolve().parents[1]
FACTS = ROOT / "docs" / "source-facts.md"
PRODUCT = ("mockserver", "conformance", "reports", "schemas", "docs")
TEXT_SUFFIXES = {".py", ".md", ".json", ".html", ".yaml", ".yml", ".txt"}

# One section, optionally narrowed to a step ("§2.4 step 8", "§2.4 steps 2-3") or a table row.
CITATION = re.compile(r"§(\d+(?:\.\d+)?)(?!\d|\.\d)(?:\s+(step|row)s?\s+(\d+[a-z]?)(?:-(\d+))?)?")
# "RFC 6749 §3.1.2.2, §10.6" and "STYLE.md §3.6" cite something else.
FOREIGN = re.compile(
    r"(?:RFC ?\d{4}|(?<![\w/.-])(?![\w/.-]*source-facts\.md)[\w/.-]+\.md)"
    r"(?:[ ,]*(?:and |or )?§\d+(?:\.\d+)*)+"
)
HEADING = re.compile(r"^#{1,6} (?:(\d+(?:\.\d+)?)[. ])?", re.M)
STEP = re.compile(r"^\s*(\d+[a-z]?)\. ", re.M)
ROW = re.compile(r"^\| (\d+) \|", re.M)


def citations(text: str) -> Iterator[tuple[str, str | None, str | None, str | None]]:
    """(section, "step"/"row" or None, first number, last number of a range) for each citation."""
    for match in CITATION.finditer(FOREIGN.sub("", text)):
        section, kind, first, last = match.groups()
        yield section, kind, first, last


def sections() -> dict[str, str]:
    """Section number to the text under its heading, up to the next heading (numbered or not)."""
    text = FACTS.read_text()
    heads = list(HEADING.finditer(text))
    out: dict[str, str] = {}
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        if head.group(1) is not None:
            out[head.group(1)] = text[head.end() : end]
    return out


def cited_values() -> Iterator[tuple[str, str]]:
    """(where, text) for every reference the product prints: provenance and check references."""
    for name, profile in PROFILES.items():
        for field in BEHAVIOUR_FIELDS:
            source = profile.source_of(field)
            if source is not None and source.kind != "rfc":
                yield f"profile {name}.{field}", source.ref
    for row in ROWS:
        for name, placement in row.placements.items():
            if placement.why.kind != "rfc":
                yield f"doc error {row.key} ({name})", placement.why.ref
    for spec in CHECKS:
        yield f"check {spec.id}", " ".join(r for r in spec.references if r.startswith("source "))
    for scenario_id, scenario in ((s.id, s) for s in SCENARIOS):
        refs = scenario.references
        yield f"scenario {scenario_id}", " ".join(r for r in refs if r.startswith("source "))
    for section in section_index():
        yield "docs/behaviour.md section index", section


def product_files() -> Iterator[Path]:
    yield ROOT / "README.md"
    yield ROOT / "ARCHITECTURE.md"
    for top in PRODUCT:
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix in TEXT_SUFFIXES and "__pycache__" not in path.parts:
                yield path


def cited_text() -> Iterator[tuple[str, str]]:
    for path in product_files():
        yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")


def unresolved(cited: Iterable[tuple[str, str]]) -> list[str]:
    """Citations whose section, step or row docs/source-facts.md does not have."""
    known = sections()
    missing: list[str] = []
    for where, text in cited:
        for section, kind, first, last in citations(text):
            label = f"{where}: §{section}"
            if section not in known:
                missing.append(f"{label} (no heading)")
                continue
            if kind is None:
                continue
            body = known[section]
            numbers = set((STEP if kind == "step" else ROW).findall(body))
            wanted = [first] + ([last] if last else [])
            missing += [f"{label} {kind} {n}" for n in wanted if n not in numbers]
    return sorted(set(missing))


def test_every_printed_source_reference_has_a_section() -> None:
    cited = list(cited_values())
    assert any(CITATION.search(text) for _, text in cited), "no citation found: collector broken"
    assert unresolved(cited) == []


def test_every_source_fact_cited_in_product_files_has_a_section() -> None:
    cited = list(cited_text())
    assert len({w for w, t in cited if CITATION.search(FOREIGN.sub("", t))}) > 10
    assert unresolved(cited) == []


def test_the_sections_cited_today_are_all_found() -> None:
    """The collectors see the citations that motivated the page (guards the regexes)."""
    found = {c[0] for _, text in [*cited_values(), *cited_text()] for c in citations(text)}
    assert {"0", "1.5", "2.3", "2.4", "3.2", "3.3", "8.1", "9", "12"} <= found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "source §2.4 step 8, §3.2 (headers)",
            [("2.4", "step", "8", None), ("3.2", None, None, None)],
        ),
        ("§3.2 row 1: bug 0016986", [("3.2", "row", "1", None)]),
        (
            "source fact §2.1 (grant types), §2.4 steps 2-3.",
            [("2.1", None, None, None), ("2.4", "step", "2", "3")],
        ),
        ("source fact §2.", [("2", None, None, None)]),
        ("RFC 6749 §3.1.2.2, §10.6 and RFC 7617 §2", []),
        ("RFC 6749 §2.3.1, RFC 6750 §2.3 and §2.1", []),
        ("Source: DESIGN.md 'mockserver', STYLE.md §3.6.", []),
        ("see docs/source-facts.md §7", [("7", None, None, None)]),
    ],
)
def test_citations_are_read_as_the_product_means_them(
    text: str, expected: list[tuple[str, str | None, str | None, str | None]]
) -> None:
    assert list(citations(text)) == expected


def test_a_citation_without_a_section_is_reported() -> None:
    cited = [
        ("x", "source §99 (new)"),
        ("y", "§2.4 step 9"),
        ("z", "§3.2 row 4"),
        ("ok", "§2.4 step 0b"),
    ]
    assert unresolved(cited) == ["x: §99 (no heading)", "y: §2.4 step 9", "z: §3.2 row 4"]


def test_the_behaviour_reference_links_to_the_page() -> None:
    text = (ROOT / "docs" / "behaviour.md").read_text()
    assert "[source facts](source-facts.md)" in text
