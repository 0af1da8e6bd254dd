"""Checks: properties (being written)."""

from __future__ import annotations
