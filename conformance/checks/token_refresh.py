"""Checks: token_refresh (being written)."""

from __future__ import annotations
