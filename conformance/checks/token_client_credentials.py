"""Checks: token_client_credentials (being written)."""

from __future__ import annotations
