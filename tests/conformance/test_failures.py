"""The expectation vocabulary a failure names."""

from __future__ import annotations

import pytest

from conformance.failures import EXPECTATIONS
from conformance.failures import Failure
from conformance.failures import StatusMismatch
from conformance.failures import is_expectation


@pytest.mark.parametrize(
    "expectation",
    [*EXPECTATIONS, "field:expires_in", "header:Cache-Control", "schema:oauth-error"],
)
def test_the_vocabulary_and_its_parametrized_ids_are_expectations(expectation: str) -> None:
    assert is_expectation(expectation)


@pytest.mark.parametrize("expectation", ["Status", "field:", "header", "expires_in", "any 4xx"])
def test_anything_else_is_not(expectation: str) -> None:
    assert not is_expectation(expectation)


def test_a_failure_carries_its_expectation() -> None:
    failure = StatusMismatch("expected HTTP 200, got HTTP 400", expectation="status")
    assert (failure.kind, failure.expectation) == ("status_mismatch", "status")


def test_a_failure_outside_the_vocabulary_is_a_defect_of_the_check() -> None:
    with pytest.raises(ValueError, match="not an expectation id"):
        Failure("typo", expectation="stauts")
