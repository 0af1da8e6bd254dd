"""Scenario files: seed, profile, clock, lifetimes, overrides and faults in one JSON or YAML file.

The same vocabulary as the Python API and the control API. A file is validated against
``schemas/scenario.schema.json`` before anything is applied; a bad file raises
:class:`ScenarioError` naming the file and the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from mockserver.scripting.interface import ScriptedMock
from mockserver.scripting.overrides import Override
from mockserver.scripting.overrides import override_from_data
from mockserver.state.clock import checked_instant
from mockserver.state.profiles import PROFILES
from mockserver.state.seed import Seed
from mockserver.state.seed import SeedError
from mockserver.state.seed import load_data_file
from mockserver.state.seed import seed_from_data


class ScenarioError(ValueError):
    """A scenario that cannot be applied; the message names where and what."""


def validate_scenario(data: Any, origin: str = "scenario") -> None:
    import schemas

    problems = schemas.errors("scenario", data)
    if problems:
        raise ScenarioError(f"{origin}: {problems[0]}")
    profile = data.get("profile")
    if profile is not None and profile not in PROFILES:
        raise ScenarioError(
            f"{origin}: profile: unknown profile {profile!r}; known: {', '.join(PROFILES)}"
        )
    clock = data.get("clock", {})
    try:
        if "set" in clock:
            checked_instant(parse_instant(str(clock["set"])).timestamp())
        if "advance" in clock:
            checked_instant(
                abs(float(clock["advance"]))
            )  # a bound on the step; the sum is checked when applied
    except (ValueError, OverflowError) as exc:
        raise ScenarioError(f"{origin}: clock: {exc}") from None
    for key in ("overrides", "faults"):
        for i, item in enumerate(data.get(key, [])):
            try:
                override_from_data(item)
            except (ValueError, TypeError) as exc:
                raise ScenarioError(f"{origin}: {key}[{i}]: {exc}") from None


def load_scenario(path: Path) -> dict[str, Any]:
    """Read and validate a scenario file. :raises ScenarioError: unreadable, unparsable or invalid."""
    try:
        data = load_data_file(path)
    except SeedError as exc:
        raise ScenarioError(str(exc)) from None
    validate_scenario(data, str(path))
    assert isinstance(data, dict)
    return data


def scenario_seed(data: Mapping[str, Any], base: Seed, origin: str) -> Seed:
    if "seed" not in data:
        return base
    try:
        return seed_from_data(data["seed"], f"{origin}: seed").merged_over(base)
    except SeedError as exc:
        raise ScenarioError(str(exc)) from None


def apply_scenario(
    server: ScriptedMock, data: Mapping[str, Any], origin: str = "scenario"
) -> list[Override]:
    """Apply a validated scenario to a server; returns the overrides it added."""
    validate_scenario(data, origin)
    if "profile" in data:
        server.set_profile(str(data["profile"]))
    for ws in data.get("workspaces", []):
        server.add_workspace(str(ws))
    if "seed" in data:
        server.set_seed(scenario_seed(data, server.state.seed, origin))
    lifetimes = data.get("lifetimes")
    if lifetimes:
        server.set_lifetimes(
            access=lifetimes.get("access"),
            code=lifetimes.get("code"),
            refresh=lifetimes.get("refresh", ...),
            session=lifetimes.get("session"),
        )
    clock = data.get("clock", {})
    if "set" in clock:
        server.clock.set(parse_instant(str(clock["set"])))
    if clock.get("freeze"):
        server.clock.freeze()
    if "advance" in clock:
        server.clock.advance(float(clock["advance"]))
    added = []
    for key in ("overrides", "faults"):
        for item in data.get(key, []):
            added.append(server.scripting.add(override_from_data(item)))
    return added


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant (``Z`` accepted); naive values are taken as UTC."""
    from datetime import UTC

    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
