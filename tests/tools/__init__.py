"""Tools some tests need from outside Python: missing ones skip a local run, never CI's."""

from __future__ import annotations

import os

import pytest


def require(path: str | None, what: str, how: str) -> str:
    """``path`` of the tool, found; skip when it is missing locally, fail when it is missing in CI
    (``CI`` set, as ``.ci/run`` does), where ``how`` should have installed it."""
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{what} is required in CI ({how})")
        pytest.skip(f"{what} is not installed ({how}; in CI this never skips)")
    return path
