"""JSON Schemas for ProcessMaker 3's OAuth 2.0 messages, loaded as package resources.

Every ``<name>.schema.json`` in this package is one message (draft 2020-12, ``$id``
``urn:pm3-oauth:<name>``). They are read through :mod:`importlib.resources`, so the package works
from a wheel or a zip, and put into a single immutable :class:`referencing.Registry`; schemas refer
to each other only by those ``$id`` URNs, never by file path. Validators are built once per name.
Each schema ships ``examples/<name>/valid/*.json`` and ``examples/<name>/invalid/*.json``, which
the tests check and the mock can replay as fault payloads.
"""

from __future__ import annotations

import copy
import functools
import json
from importlib.resources import files
from typing import TYPE_CHECKING
from typing import Final
from typing import TypeAlias
from typing import cast

import jsonschema  # type: ignore[import-untyped]
from referencing import Registry
from referencing import Resource
from referencing.jsonschema import DRAFT202012

if TYPE_CHECKING:
    from collections.abc import Iterable
    from importlib.resources.abc import Traversable

JSON: TypeAlias = "bool | int | float | str | list[JSON] | dict[str, JSON] | None"
"""Any value :func:`json.loads` can return."""

URN_PREFIX: Final = "urn:pm3-oauth:"
"""Every schema's ``$id`` is this prefix followed by the schema's name."""

_SUFFIX: Final = ".schema.json"


class UnknownSchemaError(KeyError):
    """A schema name that has no ``<name>.schema.json`` in this package."""


def _package() -> Traversable:
    return files(__package__ or "schemas")


@functools.cache
def _documents() -> dict[str, dict[str, JSON]]:
    found: dict[str, dict[str, JSON]] = {}
    for entry in _package().iterdir():
        if not entry.is_file() or not entry.name.endswith(_SUFFIX):
            continue
        name = entry.name.removesuffix(_SUFFIX)
        document = json.loads(entry.read_text(encoding="utf-8"))
        if not isinstance(document, dict):
            raise TypeError(f"{entry.name}: a schema must be a JSON object")
        expected = URN_PREFIX + name
        if document.get("$id") != expected:
            raise ValueError(f"{entry.name}: $id must be {expected!r}, not {document.get('$id')!r}")
        found[name] = document
    return dict(sorted(found.items()))


def names() -> list[str]:
    """Return the names of every shipped schema, sorted (``"token-response"``, ...).

    :returns: names without the ``.schema.json`` suffix.
    """
    return list(_documents())


def _document(name: str) -> dict[str, JSON]:
    try:
        return _documents()[name]
    except KeyError:
        known = ", ".join(_documents())
        raise UnknownSchemaError(f"no schema named {name!r}; known: {known}") from None


def load(name: str) -> dict[str, JSON]:
    """Return a fresh copy of the schema ``name``, safe to modify.

    :param name: a schema name such as ``"token-response"``.
    :returns: the decoded ``<name>.schema.json``.
    :raises UnknownSchemaError: if there is no such schema.
    """
    return copy.deepcopy(_document(name))


@functools.cache
def registry() -> Registry[JSON]:
    """Return the one immutable registry holding every schema under its ``$id``.

    Resources are crawled, so ``$ref`` values into ``$defs`` and to other schemas resolve
    without I/O.
    """
    resources: Iterable[tuple[str, Resource[JSON]]] = (
        (URN_PREFIX + name, DRAFT202012.create_resource(document))
        for name, document in _documents().items()
    )
    built: Registry[JSON] = Registry().with_resources(resources)
    return built.crawl()


@functools.cache
def validator(name: str) -> jsonschema.Draft202012Validator:
    """Return the cached draft 2020-12 validator for ``name``, with format checking.

    :param name: a schema name such as ``"seed"``.
    :returns: a validator that resolves ``$ref`` through :func:`registry`.
    :raises UnknownSchemaError: if there is no such schema.
    """
    schema = _document(name)
    return jsonschema.Draft202012Validator(
        schema,
        registry=registry(),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def validate(name: str, instance: object) -> None:
    """Check ``instance`` against the schema ``name``.

    :param name: a schema name.
    :param instance: decoded JSON (or YAML) data.
    :raises jsonschema.ValidationError: the most relevant problem, if there is any.
    :raises UnknownSchemaError: if there is no such schema.
    """
    error = jsonschema.exceptions.best_match(validator(name).iter_errors(instance))
    if error is not None:
        raise error


def errors(name: str, instance: object) -> list[str]:
    """Describe every problem of ``instance`` against ``name``, one message per problem.

    Each message starts with the JSON path of the offending value (``$`` for the document
    itself), for example ``clients[0].client_id: 'abc' is too long``. For ``oneOf``/``anyOf``
    failures the problems of the closest alternative are reported instead of the bare "is not
    valid under any of the given schemas".

    :param name: a schema name.
    :param instance: decoded JSON (or YAML) data.
    :returns: the messages, sorted by path; empty if ``instance`` is valid.
    :raises UnknownSchemaError: if there is no such schema.
    """
    found: list[tuple[str, str]] = []
    for error in validator(name).iter_errors(instance):
        for leaf in _explain(error):
            found.append((json_path(leaf.absolute_path), cast("str", leaf.message)))
    return [f"{path}: {message}" for path, message in sorted(set(found))]


def _explain(error: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
    """Replace a ``oneOf``/``anyOf`` failure by the errors of its closest alternative.

    The closest alternative is the one whose errors do not include a ``const`` mismatch (a
    discriminator such as ``grant_type``) and, after that, the one with the fewest errors.
    """
    context: list[jsonschema.ValidationError] = list(error.context or ())
    if error.validator not in ("oneOf", "anyOf") or not context:
        return [error]
    branches: dict[int, list[jsonschema.ValidationError]] = {}
    for sub in context:
        branches.setdefault(int(sub.relative_schema_path[0]), []).append(sub)

    def rank(item: tuple[int, list[jsonschema.ValidationError]]) -> tuple[bool, int, int]:
        index, subs = item
        mismatched = any(sub.validator == "const" for sub in subs)
        return (mismatched, len(subs), index)

    _, closest = min(branches.items(), key=rank)
    leaves: list[jsonschema.ValidationError] = []
    for sub in closest:
        leaves.extend(_explain(sub))
    return leaves


def json_path(path: Iterable[str | int]) -> str:
    """Render a path such as ``deque(["clients", 0, "client_id"])`` as ``clients[0].client_id``.

    :param path: keys and indexes from the document root.
    :returns: the dotted path, with ``["..."]`` for keys that are not identifiers, or ``$``.
    """
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.isidentifier():
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part, ensure_ascii=False)}]"
    return text or "$"


def openapi() -> dict[str, JSON]:
    """Return a fresh copy of ``openapi.json``, the OpenAPI 3.1 description of the mock.

    Its ``components.schemas`` hold copies of the schemas, regenerated by ``python -m
    schemas._format``.

    :returns: the decoded document.
    """
    return copy.deepcopy(_openapi())


@functools.cache
def _openapi() -> dict[str, JSON]:
    document = json.loads(_package().joinpath("openapi.json").read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise TypeError("openapi.json must be a JSON object")
    return document


def examples(name: str) -> tuple[list[Traversable], list[Traversable]]:
    """Return the shipped example documents of ``name``: ``(valid, invalid)``, each sorted.

    :param name: a schema name.
    :returns: resources under ``examples/<name>/valid`` and ``examples/<name>/invalid``; a
        missing directory gives an empty list.
    :raises UnknownSchemaError: if there is no such schema.
    """
    _document(name)
    base = _package().joinpath("examples", name)
    return _json_files(base.joinpath("valid")), _json_files(base.joinpath("invalid"))


def _json_files(folder: Traversable) -> list[Traversable]:
    if not folder.is_dir():
        return []
    found = [
        entry for entry in folder.iterdir() if entry.is_file() and entry.name.endswith(".json")
    ]
    return sorted(found, key=lambda entry: entry.name)


__all__ = [
    "JSON",
    "URN_PREFIX",
    "UnknownSchemaError",
    "errors",
    "examples",
    "json_path",
    "load",
    "names",
    "openapi",
    "registry",
    "validate",
    "validator",
]
