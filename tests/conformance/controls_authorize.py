"""Negative controls for the checks in conformance/checks/ authorize, resources, workspace, formats."""

from __future__ import annotations

from tests.conformance.control_kit import Control

CONTROLS: dict[str, Control] = {}
