"""CONTRIBUTING.md's recipe holds: the paths it names exist, its ``pytest`` commands collect tests,
its other commands are ones this environment has, and its golden command names every test that
``PM3_UPDATE_GOLDEN`` can make rewrite a committed file."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RECIPE = ROOT / "CONTRIBUTING.md"
BIN = Path(sys.executable).parent
TOOLS = {"pytest", "ruff", "mypy", "lint-imports", "git", "npm", "python3", "pip"}
"""The programs the recipe may run (the venv's, git, npm)."""
TOP = ("mockserver", "conformance", "reports", "schemas", "tests", "docs", "tools", "benchmarks")


def recipe_commands() -> list[list[str]]:
    """Each command of the ```sh blocks, split into words (``&&`` chains split too)."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", RECIPE.read_text(encoding="utf-8"), flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            for part in line.split("&&"):
                if part.strip():
                    commands.append(shlex.split(part))
    return commands


def _program(words: list[str]) -> tuple[dict[str, str], list[str]]:
    """The environment assignments in front of a command, and the command."""
    env: dict[str, str] = {}
    while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=\S*", words[0]):
        name, _, value = words[0].partition("=")
        env[name] = value
        words = words[1:]
    return env, words


def _paths(words: list[str]) -> list[str]:
    return [w for w in words if w.split("/")[0] in TOP]


def test_every_path_the_recipe_names_exists() -> None:
    text = RECIPE.read_text(encoding="utf-8")
    top = "|".join(TOP)
    named = set(re.findall(rf"`((?:{top})/[^`\s]*)`", text))
    named |= {p for words in recipe_commands() for p in _paths(words)}
    assert len(named) > 20, named
    missing = []
    for path in sorted(named):
        if "<" in path:  # a placeholder: PM3-<AREA>-NNN
            continue
        if not (list(ROOT.glob(path)) if "*" in path else (ROOT / path).exists()):
            missing.append(path)
    assert not missing, f"CONTRIBUTING.md names paths that do not exist: {missing}"


def _setup_line() -> str:
    """The recipe's command that makes the working copy (``pip install -e '.[test]' ...``)."""
    text = RECIPE.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if "pip install -e" in line]
    assert len(lines) == 1, lines
    return lines[0]


def test_every_command_runs_a_tool_the_project_has() -> None:
    commands = recipe_commands()
    assert commands
    for words in commands:
        env, rest = _program(words)
        program = rest[0].removeprefix(".venv/bin/")
        assert program in TOOLS, f"{' '.join(words)}: {program} is not one of {sorted(TOOLS)}"
        assert set(env) <= {"PM3_UPDATE_GOLDEN"} and set(env.values()) <= {"1"}, words
        if program == "pytest":
            assert (BIN / program).exists(), "pytest is not installed with the test extra"
        elif program in ("ruff", "mypy", "lint-imports"):
            # not in the test extra (tox runs them in its lint and type environments): the
            # recipe's working copy installs them by name
            package = "import-linter" if program == "lint-imports" else program
            assert package in _setup_line().split(), (
                f"the recipe's setup does not install {package}"
            )


def test_the_golden_command_names_every_golden_test() -> None:
    """A test that reads ``PM3_UPDATE_GOLDEN`` rewrites a committed file: the recipe runs each."""
    golden = [_program(w)[1] for w in recipe_commands() if "PM3_UPDATE_GOLDEN" in _program(w)[0]]
    assert len(golden) == 1, golden
    named = set(_paths(golden[0]))
    readers = {
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").rglob("*.py")
        if path != Path(__file__).resolve() and "PM3_UPDATE_GOLDEN" in path.read_text("utf-8")
    }
    assert named == readers, f"missing: {sorted(readers - named)}, not golden: {named - readers}"
    table = set(re.findall(r"^\| `[^`]+` \| `(tests/[^`]+)` \|", RECIPE.read_text("utf-8"), re.M))
    assert table == readers, "the table of goldens names another set of tests"


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [shlex.join(w) for w in recipe_commands() if _program(w)[1][0] == "pytest"],
)
def test_pytest_command_collects_tests(command: str) -> None:
    """Each ``pytest`` command of the recipe, collected only (running them is the suite's job)."""
    _, words = _program(shlex.split(command))
    args = [a for a in words[1:] if a not in ("-n", "2", "-q")]  # one process, one summary line
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    collected = re.search(r"(\d+)(?:/\d+)? tests? collected", done.stdout)
    assert collected and int(collected.group(1)) > 0, done.stdout[-2000:]
