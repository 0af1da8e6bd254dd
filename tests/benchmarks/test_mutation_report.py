"""The mutation report: stable keys for mutants, the score, equivalents and stale entries."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from benchmarks.mutation_report import DEFAULT_EQUIVALENT
from benchmarks.mutation_report import Equivalent
from benchmarks.mutation_report import build_report
from benchmarks.mutation_report import describe
from benchmarks.mutation_report import load_equivalents
from benchmarks.mutation_report import load_mutants
from benchmarks.mutation_report import main
from benchmarks.mutation_report import readable_function

SOURCE = '''\
class Clock:
    def now(self) -> float:
        """The time."""
        if self._frozen is None:
            return self._real()
        return self._frozen


def double(x: int) -> int:
    return x * 2
'''

# What mutmut writes for SOURCE (trimmed to the generated functions the report reads).
MUTATED = '''\
class Clock:
    def xǁClockǁnow__mutmut_orig(self) -> float:
        """The time."""
        if self._frozen is None:
            return self._real()
        return self._frozen

    def xǁClockǁnow__mutmut_1(self) -> float:
        """The time."""
        if self._frozen is not None:
            return self._real()
        return self._frozen

    def xǁClockǁnow__mutmut_2(self) -> float:
        """The time."""
        if self._frozen is None:
            return None
        return self._frozen


def x_double__mutmut_orig(x: int) -> int:
    return x * 2


def x_double__mutmut_1(x: int) -> int:
    return x / 2


def x_double__mutmut_2(x: int) -> int:
    return x * 3
'''

EXIT_CODES = {
    "pkg.clock.xǁClockǁnow__mutmut_1": 1,
    "pkg.clock.xǁClockǁnow__mutmut_2": 0,
    "pkg.clock.x_double__mutmut_1": 36,
    "pkg.clock.x_double__mutmut_2": 33,
}


def _project(tmp_path: Path, exit_codes: dict[str, int | None] = EXIT_CODES) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "clock.py").write_text(SOURCE, "utf-8")
    (tmp_path / "mutants" / "pkg").mkdir(parents=True)
    (tmp_path / "mutants" / "pkg" / "clock.py").write_text(MUTATED, "utf-8")
    meta = {"exit_code_by_key": exit_codes, "durations_by_key": {}}
    (tmp_path / "mutants" / "pkg" / "clock.py.meta").write_text(json.dumps(meta), "utf-8")
    return tmp_path


def test_mangled_names_read_as_the_source_names_them() -> None:
    assert readable_function("xǁClockǁnow") == "Clock.now"
    assert readable_function("x_checked_instant") == "checked_instant"


def test_a_mutation_is_described_by_its_lines_not_its_number() -> None:
    text, offset = describe("a = 1\nif  a  > 2:\n    b()", "a = 1\nif a >= 2:\n    b()")
    assert text == "if a > 2: → if a >= 2:"
    assert offset == 1


def test_a_removed_line_is_described_as_removed() -> None:
    assert describe("a()\nb()", "a()")[0] == "b() → ∅"


def test_mutants_are_keyed_on_file_function_and_change_with_source_lines(tmp_path: Path) -> None:
    mutants = {m.name.rpartition(".")[2]: m for m in load_mutants(_project(tmp_path))}
    negated = mutants["xǁClockǁnow__mutmut_1"]
    assert negated.key == (
        "pkg/clock.py",
        "Clock.now",
        "if self._frozen is None: → if self._frozen is not None:",
    )
    assert negated.line == 4
    assert negated.status == "killed"
    assert mutants["x_double__mutmut_1"].line == 10
    assert mutants["x_double__mutmut_1"].status == "timeout"
    assert mutants["x_double__mutmut_2"].status == "no tests"


def test_score_counts_timeouts_as_detected_and_leaves_out_equivalents(tmp_path: Path) -> None:
    mutants = load_mutants(_project(tmp_path))
    equivalent = Equivalent("pkg/clock.py", "double", "return x * 2 → return x * 3", "test only")
    report = build_report(mutants, [equivalent])
    assert report.overall.total == 4
    assert report.overall.equivalent == 1
    assert report.overall.score == pytest.approx(100 * 2 / 3)
    assert [m.name.rpartition(".")[2] for m in report.survivors] == ["xǁClockǁnow__mutmut_2"]
    assert report.by_group["pkg/clock.py"].survived == 1
    assert report.stale == []


def test_an_entry_that_matches_no_mutant_is_stale(tmp_path: Path) -> None:
    gone = Equivalent("pkg/clock.py", "double", "return x * 2 → return x - 2", "was there once")
    report = build_report(load_mutants(_project(tmp_path)), [gone])
    assert report.stale == [gone]
    assert report.overall.equivalent == 0


def test_mutants_not_run_stay_out_of_the_score(tmp_path: Path) -> None:
    codes: dict[str, int | None] = {**EXIT_CODES, "pkg.clock.x_double__mutmut_2": None}
    report = build_report(load_mutants(_project(tmp_path, codes)), [])
    assert report.overall.unrun == 1
    assert report.overall.score == pytest.approx(100 * 2 / 3)


def test_main_prints_the_score_writes_survivors_and_fails_under_a_threshold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    out = tmp_path / "survivors.txt"
    equivalent = tmp_path / "equivalent.toml"
    equivalent.write_text("", "utf-8")
    args = ["--root", str(root), "--equivalent", str(equivalent), "--survivors-out", str(out)]
    assert main([*args, "--fail-under", "50"]) == 0
    printed = capsys.readouterr().out
    assert "50.0%" in printed
    assert "2 survivors not named as equivalent" in printed
    assert out.read_text("utf-8").splitlines()[0].startswith("pkg/clock.py:5 Clock.now [survived]")
    assert main([*args, "--fail-under", "85"]) == 1


def test_an_equivalent_without_a_reason_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "equivalent.toml"
    path.write_text(
        '[[equivalent]]\nfile = "a.py"\nfunction = "f"\nmutation = "x → y"\nreason = " "\n'
    )
    with pytest.raises(ValueError, match="no reason"):
        load_equivalents(path)


def test_the_committed_equivalents_file_is_valid() -> None:
    entries = load_equivalents(DEFAULT_EQUIVALENT)
    raw = tomllib.loads(DEFAULT_EQUIVALENT.read_text("utf-8")).get("equivalent", [])
    assert len(entries) == len(raw)
    assert all(Path(e.file).suffix == ".py" for e in entries)


def test_only_scores_the_named_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path)
    equivalent = tmp_path / "equivalent.toml"
    equivalent.write_text("", "utf-8")
    sample = tmp_path / "sample.txt"
    sample.write_text("pkg.clock.xǁClockǁnow__mutmut_1\npkg.clock.x_double__mutmut_1\n", "utf-8")
    args = ["--root", str(root), "--equivalent", str(equivalent), "--only", str(sample)]
    assert main([*args, "--fail-under", "100"]) == 0  # the two named: killed and timed out
    assert "100.0%" in capsys.readouterr().out


def test_a_changed_default_value_is_described_by_the_parameter(tmp_path: Path) -> None:
    source = 'def token(params: dict, *, encoding: str = "form", basic: bool = False) -> str:\n    return encoding\n'
    mutated = (
        'def x_token__mutmut_orig(params: dict, *, encoding: str = "form", basic: bool = False) -> str:\n'
        "    return encoding\n\n\n"
        'def x_token__mutmut_1(params: dict, *, encoding: str = "FORM", basic: bool = False) -> str:\n'
        "    return encoding\n"
    )
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "ctx.py").write_text(source, "utf-8")
    (tmp_path / "mutants" / "pkg").mkdir(parents=True)
    (tmp_path / "mutants" / "pkg" / "ctx.py").write_text(mutated, "utf-8")
    meta = {"exit_code_by_key": {"pkg.ctx.x_token__mutmut_1": 0}, "durations_by_key": {}}
    (tmp_path / "mutants" / "pkg" / "ctx.py.meta").write_text(json.dumps(meta), "utf-8")
    [mutant] = load_mutants(tmp_path)
    assert mutant.key == (
        "pkg/ctx.py",
        "token",
        "def (encoding: str='form') → def (encoding: str='FORM')",
    )
