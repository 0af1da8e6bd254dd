"""Profiles as data files: a shipped profile extended field by field, each value with its reason.

.. code-block:: yaml

    name: acme-3.4.10-patched
    extends: pm-3.4.10
    summary: ACME's install, 3.4.10 with a plugin that changes lifetimes
    fields:
      access_lifetime:
        value: 7200
        provenance: {kind: observed, ref: "expires_in of a password grant", url: "https://pm.acme.example", date: "2026-11-30", probe: lifetimes}

A field left out keeps the value (and the provenance) of the profile it extends.
``pm3-mockserver --export-profile NAME`` writes any shipped profile in this shape (every field,
``extends`` itself); ``--profile-file FILE`` serves one; ``pm3-conformance run --profile-file
FILE`` expects one. A bad file is one line naming the field.
"""

from __future__ import annotations

import dataclasses
import json
import re
import types
import typing
from pathlib import Path
from typing import Any

import schemas
from mockserver.state.header_values import header_value_problem
from mockserver.state.profiles import BEHAVIOUR_FIELDS
from mockserver.state.profiles import PROFILES
from mockserver.state.profiles import Profile
from mockserver.state.profiles import Source
from schemas.documents import DocumentError
from schemas.documents import read_document

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class ProfileFileError(ValueError):
    """A profile file that cannot be used; the message is one line naming the place."""


def _field_types() -> dict[str, Any]:
    hints = typing.get_type_hints(Profile)
    return {name: hints[name] for name in BEHAVIOUR_FIELDS}


def _check_value(field: str, value: Any, hint: Any, origin: str) -> Any:
    """``value`` if it fits the field's type (a JSON list becomes the field's tuple)."""

    def fits(v: Any, h: Any) -> bool:
        args = typing.get_args(h)
        kind = typing.get_origin(h)
        if h is type(None):
            return v is None
        if kind in (types.UnionType, typing.Union):
            return any(fits(v, a) for a in args)
        if kind is typing.Literal:
            return v in args
        if kind is tuple:
            return isinstance(v, list | tuple) and all(fits(x, args[0]) for x in v)
        if h is bool:
            return isinstance(v, bool)
        if h is int:
            return isinstance(v, int) and not isinstance(v, bool)
        return h is str and isinstance(v, str)  # any other type: no value fits

    if not fits(value, hint):
        raise ProfileFileError(
            f"{origin}: fields.{field}.value: {json.dumps(value)} is not {_describe(hint)}"
        )
    for text in value if isinstance(value, list) else [value]:
        problem = header_value_problem(text) if isinstance(text, str) else None
        if problem is not None:
            # restler_version is written into X-Powered-By as it is; every text value is held
            # to the same rule, so a field that reaches a header later is covered already.
            raise ProfileFileError(
                f"{origin}: fields.{field}.value: {problem} "
                "(profile text goes into answer headers as written)"
            )
    return tuple(value) if isinstance(value, list) else value


def _describe(hint: Any) -> str:
    """What a value of ``hint`` is, with its article: "a boolean", "one of ...", "null"."""
    kind = typing.get_origin(hint)
    if kind in (types.UnionType, typing.Union):
        return " or ".join(_describe(a) for a in typing.get_args(hint))
    if kind is typing.Literal:
        return "one of " + ", ".join(json.dumps(a) for a in typing.get_args(hint))
    if kind is tuple:
        return f"a list of {_PLURALS.get(typing.get_args(hint)[0], 'values')}"
    if hint is type(None):
        return "null"
    return {bool: "a boolean", int: "a whole number", str: "a string"}.get(hint, str(hint))


_PLURALS = {bool: "booleans", int: "whole numbers", str: "strings"}


def _source(data: Any, where: str) -> Source:
    """The schema has checked the shape (an object, a known kind, a text ref); a blank ref is left."""
    kind, ref = data["kind"], data["ref"]
    if not ref.strip():
        raise ProfileFileError(f"{where}.ref: a non-empty text saying where the value comes from")
    if kind == "observed":
        extras = [f"{k} {data[k]}" for k in ("url", "date", "probe") if data.get(k)]
        if extras:
            ref = f"{ref} ({'; '.join(str(e) for e in extras)})"
    return Source(kind, ref)


def profile_from_data(data: Any, origin: str = "profile file") -> Profile:
    """A :class:`Profile` from the decoded file; :class:`ProfileFileError` names the problem.

    The file is checked against ``schemas/profile-file.schema.json`` first (which refuses an
    unknown key, an ``extends`` that is not a shipped profile, an unknown provenance kind and any
    part of the wrong JSON type), then each value against its field's type."""
    problems = schemas.errors("profile-file", data)
    if problems:
        raise ProfileFileError(f"{origin}: {problems[0]}")
    name = data["name"]
    if NAME.fullmatch(name) is None:  # the schema's pattern lets a name end in a newline
        raise ProfileFileError(f"{origin}: name: 1-64 letters, digits, '.', '_' or '-'")
    base = PROFILES[data["extends"]]  # the schema's enum is the shipped profiles (a test pins it)
    summary = data.get("summary", f"{name}: {base.name} with changes")
    fields = data.get("fields", {})
    hints = _field_types()
    changes: dict[str, Any] = {}
    provenance = dict(base.provenance)
    for field, entry in fields.items():
        if field not in hints:
            raise ProfileFileError(
                f"{origin}: fields.{field}: not a profile field (see pm3-mockserver --explain)"
            )
        changes[field] = _check_value(field, entry["value"], hints[field], origin)
        provenance[field] = _source(entry["provenance"], f"{origin}: fields.{field}.provenance")
    return dataclasses.replace(base, name=name, summary=summary, provenance=provenance, **changes)


def load_profile_file(path: Path) -> Profile:
    """Read a JSON or YAML profile file. :raises ProfileFileError: one line saying why."""
    try:
        data = read_document(path)
    except DocumentError as exc:
        raise ProfileFileError(str(exc)) from None
    return profile_from_data(data, str(path))


def export_profile(profile: Profile) -> dict[str, Any]:
    """A profile as a file that extends itself (a shipped one) with every field spelled out."""
    base = profile.name if profile.name in PROFILES else "documented"
    fields: dict[str, Any] = {}
    for field in BEHAVIOUR_FIELDS:
        value = getattr(profile, field)
        source = profile.source_of(field)
        fields[field] = {
            "value": list(value) if isinstance(value, tuple) else value,
            "provenance": {"kind": source.kind, "ref": source.ref} if source else None,
        }
    return {"name": profile.name, "extends": base, "summary": profile.summary, "fields": fields}
