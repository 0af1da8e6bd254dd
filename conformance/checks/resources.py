"""Checks: resources (being written)."""

from __future__ import annotations
