"""Fuzzing every surface, small (``benchmarks/fuzz.py`` runs the same targets large)."""

from __future__ import annotations

import pytest

from tests.fuzz_surfaces import SURFACES


@pytest.mark.parametrize("surface", list(SURFACES))
def test_surface_survives_generated_input(surface: str) -> None:
    tried = SURFACES[surface](60)
    assert tried >= 60
