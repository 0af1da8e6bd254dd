"""Checks: token_errors (being written)."""

from __future__ import annotations
