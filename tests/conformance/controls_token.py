"""Negative controls for the checks in conformance/checks/ token_errors, token_client_credentials, token_refresh, token_code."""

from __future__ import annotations

from tests.conformance.control_kit import Control

CONTROLS: dict[str, Control] = {}
