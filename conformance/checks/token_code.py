"""Checks: token_code (being written)."""

from __future__ import annotations
