"""The behaviour reference is generated from the profiles and committed; it must not drift."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from mockserver.cli import main
from mockserver.state.explain import MEANINGS
from mockserver.state.explain import document
from mockserver.state.explain import explain
from mockserver.state.profiles import BEHAVIOUR_FIELDS
from mockserver.state.profiles import PROFILES
from mockserver.state.profiles import Source

DOC = Path(__file__).resolve().parents[3] / "docs" / "behaviour.md"


def test_every_field_has_a_meaning_and_every_value_a_reason() -> None:
    assert set(MEANINGS) == set(BEHAVIOUR_FIELDS)
    text = explain()
    for field in BEHAVIOUR_FIELDS:
        assert f"## {field}" in text
    for profile in PROFILES.values():
        for field in BEHAVIOUR_FIELDS:
            assert profile.source_of(field) is not None, (profile.name, field)


def test_the_committed_reference_has_not_drifted() -> None:
    if os.environ.get("PM3_UPDATE_GOLDEN"):
        DOC.write_text(document())
    assert DOC.read_text() == document(), "run with PM3_UPDATE_GOLDEN=1 to regenerate"


def test_explain_one_field_and_a_typo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--explain", "access_lifetime"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## access_lifetime") and "`86400`" in out
    assert main(["--explain", "acess_lifetime"]) == 2
    assert "unknown field 'acess_lifetime'" in capsys.readouterr().err


def test_a_pipe_in_a_reason_does_not_split_the_table_row(monkeypatch: pytest.MonkeyPatch) -> None:
    base = PROFILES["documented"]
    provenance = {**base.provenance, "access_lifetime": Source("decision", "1 day | 86400 s")}
    piped = dataclasses.replace(base, name="piped", provenance=provenance)
    monkeypatch.setitem(PROFILES, "piped", piped)
    rows = explain(["access_lifetime"]).splitlines()
    assert "| `piped` | `86400` | the project's decision: 1 day / 86400 s |" in rows


def test_an_unknown_field_is_named_with_every_known_one() -> None:
    with pytest.raises(KeyError) as raised:
        explain(["access_lifetime", "nope", "nor_this"])
    assert raised.value.args == (f"unknown field 'nope'; known: {', '.join(BEHAVIOUR_FIELDS)}",)


def test_a_value_without_provenance_has_an_empty_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    base = PROFILES["documented"]
    bare = dataclasses.replace(base, name="bare", provenance={})
    monkeypatch.setitem(PROFILES, "bare", bare)
    rows = explain(["access_lifetime"]).splitlines()
    assert "| `bare` | `86400` |  |" in rows
