"""Checks: authorize (being written)."""

from __future__ import annotations
