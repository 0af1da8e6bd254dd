"""Mutation score and unexplained survivors of the last ``mutmut run`` (``tox -e mutate``).

Usage: ``python benchmarks/mutation_report.py [--equivalent FILE] [--survivors-out FILE]
[--fail-under PERCENT]``, from the project root after ``mutmut run``.

The score is detected / (total - equivalent): a mutant is detected when a test killed it, it
timed out, or the type checker rejected it. Mutants that no test can kill are named in
``tests/mutation/equivalent.toml`` with a one-line reason each. Mutmut numbers mutants per
function, and the numbers shift whenever the function changes, so an entry names the file,
the function and the mutation itself (the source line before and after), not the number.
Entries that match no mutant are reported as stale.

Results are read from what mutmut leaves under ``mutants/``: the ``<file>.meta`` JSON beside
each mutated file (exit code per mutant) and the mutated file, where every mutant is a copy of
its function (``x_<function>__mutmut_<n>``, methods ``xǁ<Class>ǁ<method>__mutmut_<n>``) beside
the original (``__mutmut_orig``).
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import re
import sys
import tomllib
from collections import Counter
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EQUIVALENT = ROOT / "tests" / "mutation" / "equivalent.toml"

# mutmut's exit codes (mutmut.stats.status_by_exit_code), read from mutmut when it is installed.
_STATUS_BY_EXIT_CODE: dict[int | None, str] = {
    None: "not checked",
    0: "survived",
    1: "killed",
    3: "killed",
    2: "interrupted",
    5: "no tests",
    33: "no tests",
    34: "skipped",
    35: "suspicious",
    36: "timeout",
    37: "caught by type check",
    24: "timeout",
    -24: "timeout",
    152: "timeout",
    255: "timeout",
    -11: "segfault",
    -9: "segfault",
}
DETECTED = frozenset({"killed", "timeout", "caught by type check"})
# Counted against the score and listed: nothing proved these mutants wrong.
UNDETECTED = frozenset({"survived", "no tests", "suspicious", "segfault"})
# Left out of the score: the run did not get to them.
UNRUN = frozenset({"not checked", "interrupted", "skipped"})

_MUTANT_DEF = re.compile(r"^(?P<mangled>x(?:_|ǁ).+?)__mutmut_(?P<n>\d+|orig)$")


def status_of(exit_code: int | None) -> str:
    try:
        from mutmut.stats import status_by_exit_code  # type: ignore[import-not-found]
    except ImportError:
        return _STATUS_BY_EXIT_CODE.get(exit_code, "suspicious")
    return str(status_by_exit_code[exit_code])


def readable_function(mangled: str) -> str:
    """``xǁStoreǁissue`` -> ``Store.issue``; ``x_checked_instant`` -> ``checked_instant``."""
    if mangled.startswith("xǁ"):
        _, cls, name = mangled.split("ǁ", 2)
        return f"{cls}.{name}"
    return mangled.removeprefix("x_")


def _squash(line: str) -> str:
    return " ".join(line.split())


def describe(original: str, mutant: str) -> tuple[str, int]:
    """The mutation as ``before → after`` and the offset, in lines, of its first change.

    ``original`` and ``mutant`` are the function's source without the ``def`` line, so the
    name mutmut gives each copy does not show up as a change.
    """
    before = original.splitlines()
    after = mutant.splitlines()
    removed: list[str] = []
    added: list[str] = []
    first = -1
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if first < 0:
            first = i1
        removed += [_squash(line) for line in before[i1:i2] if line.strip()]
        added += [_squash(line) for line in after[j1:j2] if line.strip()]
    text = f"{' / '.join(removed) or '∅'} → {' / '.join(added) or '∅'}"
    return text, max(first, 0)


@dataclass(frozen=True)
class Mutant:
    name: str  # mutmut's id, for ``mutmut show``: changes when the code changes
    file: str  # path from the project root
    function: str  # Class.method or function
    mutation: str  # ``before → after``: with file and function, the stable key
    line: int  # line of the change in the source file, 0 when unknown
    status: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.file, self.function, self.mutation)


def _bodies(mutated_source: str) -> dict[str, tuple[str, int, str]]:
    """Each mutmut-generated function of a mutated file: its body text, first body line, and its
    parameters as source (mutmut mutates default values there)."""
    tree = ast.parse(mutated_source)
    lines = mutated_source.splitlines()
    bodies: dict[str, tuple[str, int, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _MUTANT_DEF.match(
            node.name
        ):
            start = node.body[0].lineno
            end = node.end_lineno or start
            params = ast.unparse(node.args)
            bodies[node.name] = ("\n".join(lines[start - 1 : end]), start, params)
    return bodies


def _describe_params(original: str, mutant: str) -> str:
    """A changed default value as ``name=before → name=after``; the whole list when unsure."""
    before = [p.strip() for p in original.split(",")]
    after = [p.strip() for p in mutant.split(",")]
    if len(before) == len(after):
        changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
        if len(changed) == 1:
            return f"def ({changed[0][0]}) → def ({changed[0][1]})"
    return f"def ({original}) → def ({mutant})"


def _source_function_lines(source: str) -> dict[str, int]:
    """First body line of every function of the real source, keyed ``Class.method``/``function``."""
    found: dict[str, int] = {}

    def visit(nodes: Iterable[ast.stmt], prefix: str) -> None:
        for node in nodes:
            if isinstance(node, ast.ClassDef):
                visit(node.body, f"{prefix}{node.name}.")
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                found.setdefault(f"{prefix}{node.name}", node.body[0].lineno)

    visit(ast.parse(source).body, "")
    return found


def mutants_of_file(
    file: str, exit_codes: Mapping[str, int | None], mutated_source: str, source: str | None
) -> list[Mutant]:
    """The mutants of one source file, each described by its change."""
    bodies = _bodies(mutated_source)
    source_lines = _source_function_lines(source) if source is not None else {}
    result: list[Mutant] = []
    seen: Counter[tuple[str, str]] = Counter()
    for name, code in exit_codes.items():
        local = name.rpartition(".")[2]
        match = _MUTANT_DEF.match(local)
        if match is None or local not in bodies:
            function, mutation, line = local, f"(mutant {local} not found)", 0
        else:
            mangled = match["mangled"]
            function = readable_function(mangled)
            original = bodies.get(f"{mangled}__mutmut_orig")
            if original is None:
                mutation, line = f"(original of {local} not found)", 0
            else:
                mutation, offset = describe(original[0], bodies[local][0])
                if mutation == "∅ → ∅" and original[2] != bodies[local][2]:
                    mutation, offset = _describe_params(original[2], bodies[local][2]), -1
                start = source_lines.get(function, 0)
                line = start + offset if start else 0  # a default value: the line before the body
        seen[(function, mutation)] += 1
        if seen[(function, mutation)] > 1:  # the same change on two identical lines
            mutation = f"{mutation} #{seen[(function, mutation)]}"
        result.append(Mutant(name, file, function, mutation, line, status_of(code)))
    return result


def load_mutants(root: Path) -> list[Mutant]:
    mutants_dir = root / "mutants"
    found: list[Mutant] = []
    for meta in sorted(mutants_dir.rglob("*.py.meta")):
        file = meta.relative_to(mutants_dir).as_posix().removesuffix(".meta")
        exit_codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
        if not exit_codes:
            continue
        mutated = (mutants_dir / file).read_text("utf-8")
        source_path = root / file
        source = source_path.read_text("utf-8") if source_path.exists() else None
        found += mutants_of_file(file, exit_codes, mutated, source)
    return found


@dataclass(frozen=True)
class Equivalent:
    file: str
    function: str
    mutation: str
    reason: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.file, self.function, self.mutation)


def load_equivalents(path: Path) -> list[Equivalent]:
    if not path.exists():
        return []
    data = tomllib.loads(path.read_text("utf-8"))
    entries = []
    for item in data.get("equivalent", []):
        missing = {"file", "function", "mutation", "reason"} - set(item)
        if missing:
            raise ValueError(f"{path}: an entry lacks {sorted(missing)}: {item}")
        if not str(item["reason"]).strip():
            raise ValueError(f"{path}: an entry has no reason: {item}")
        entries.append(Equivalent(item["file"], item["function"], item["mutation"], item["reason"]))
    return entries


@dataclass
class Tally:
    total: int = 0
    detected: int = 0
    killed: int = 0
    timeout: int = 0
    type_check: int = 0
    survived: int = 0
    no_tests: int = 0
    unclear: int = 0
    unrun: int = 0
    equivalent: int = 0

    def add(self, mutant: Mutant, equivalent: bool) -> None:
        self.total += 1
        status = mutant.status
        if status in UNRUN:
            self.unrun += 1
        elif status in DETECTED:
            self.detected += 1
            self.killed += status == "killed"
            self.timeout += status == "timeout"
            self.type_check += status == "caught by type check"
        elif equivalent:
            self.equivalent += 1
        elif status == "survived":
            self.survived += 1
        elif status == "no tests":
            self.no_tests += 1
        else:
            self.unclear += 1

    @property
    def score(self) -> float | None:
        scored = self.total - self.unrun - self.equivalent
        return None if scored <= 0 else 100.0 * self.detected / scored


def group_of(file: str) -> str:
    """The issue's module groups: a layer of the mock, the conformance checks, or a file."""
    parts = file.split("/")
    return "/".join(parts[:2]) if len(parts) > 2 else file


@dataclass
class Report:
    by_file: dict[str, Tally]
    by_group: dict[str, Tally]
    overall: Tally
    survivors: list[Mutant]
    stale: list[Equivalent]


def build_report(mutants: list[Mutant], equivalents: list[Equivalent]) -> Report:
    equivalent_keys = {e.key for e in equivalents}
    by_file: dict[str, Tally] = {}
    by_group: dict[str, Tally] = {}
    overall = Tally()
    survivors = []
    for mutant in mutants:
        is_equivalent = mutant.key in equivalent_keys
        for tally in (
            by_file.setdefault(mutant.file, Tally()),
            by_group.setdefault(group_of(mutant.file), Tally()),
            overall,
        ):
            tally.add(mutant, is_equivalent)
        if mutant.status in UNDETECTED and not is_equivalent:
            survivors.append(mutant)
    seen = {m.key for m in mutants}
    stale = [e for e in equivalents if e.key not in seen]
    return Report(by_file, by_group, overall, survivors, stale)


def _row(label: str, t: Tally) -> str:
    score = "-" if t.score is None else f"{t.score:5.1f}%"
    return (
        f"{label:<50} {t.total:>5} {t.killed:>6} {t.timeout:>4} {t.type_check:>4} "
        f"{t.survived:>5} {t.no_tests:>5} {t.unclear:>4} {t.equivalent:>4} {t.unrun:>5} {score:>7}"
    )


def survivor_line(m: Mutant) -> str:
    where = f"{m.file}:{m.line}" if m.line else m.file
    return f"{where} {m.function} [{m.status}] {m.mutation}  ({m.name})"


def render(report: Report) -> str:
    header = (
        f"{'module':<50} {'total':>5} {'killed':>6} {'tout':>4} {'type':>4} "
        f"{'surv':>5} {'untst':>5} {'?':>4} {'eqv':>4} {'unrun':>5} {'score':>7}"
    )
    out = [header]
    out += [_row(f, t) for f, t in sorted(report.by_file.items())]
    out += ["", header]
    out += [_row(g, t) for g, t in sorted(report.by_group.items())]
    out.append(_row("all", report.overall))
    out.append("")
    out.append(
        "score = detected (killed, timed out, rejected by the type checker) / "
        "(total - equivalent - not run)"
    )
    if report.overall.unrun:
        out.append(f"{report.overall.unrun} mutants were not run: the score covers the rest")
    out.append("")
    out.append(f"{len(report.survivors)} survivors not named as equivalent:")
    out += [survivor_line(m) for m in report.survivors]
    for e in report.stale:
        out.append(f"stale equivalent entry (no such mutant): {e.file} {e.function} {e.mutation}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd())
    parser.add_argument("--equivalent", type=Path, default=DEFAULT_EQUIVALENT)
    parser.add_argument("--survivors-out", type=Path, help="also write the survivors here")
    parser.add_argument("--fail-under", type=float, default=0.0, help="exit 1 below this score")
    parser.add_argument(
        "--only",
        type=Path,
        help="score only the mutants named in this file (one name a line): a sample's score",
    )
    args = parser.parse_args(argv)
    if not (args.root / "mutants").is_dir():
        print("no mutants/ directory: run `mutmut run` (or `tox -e mutate`) first")
        return 2
    mutants = load_mutants(args.root)
    if args.only is not None:
        wanted = set(args.only.read_text("utf-8").split())
        mutants = [m for m in mutants if m.name in wanted]
    report = build_report(mutants, load_equivalents(args.equivalent))
    print(render(report))
    if args.survivors_out:
        args.survivors_out.write_text(
            "".join(survivor_line(m) + "\n" for m in report.survivors), "utf-8"
        )
    score = report.overall.score
    if score is not None and score < args.fail_under:
        print(f"mutation score {score:.1f}% is under {args.fail_under}%")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
