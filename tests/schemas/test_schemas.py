"""Tests of the ``schemas`` package: schemas, examples, loader, formatter and OpenAPI document.

Examples are collected from the package directory, so a new example file is a new test case.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import jsonschema  # type: ignore[import-untyped]
import pytest
from referencing import Registry
from referencing.jsonschema import DRAFT202012

import schemas
from schemas import _format

if TYPE_CHECKING:
    from collections.abc import Iterator
    from importlib.resources.abc import Traversable

REPO_ROOT = Path(__file__).resolve().parents[2]
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

# The schemas this package must ship; others (scenario, report, ...) may be added beside them.
REQUIRED = {
    "formats",
    "token-request-password",
    "token-request-authorization-code",
    "token-request-client-credentials",
    "token-request-refresh-token",
    "token-request",
    "token-response",
    "oauth-error",
    "oauth-error-rfc6749",
    "restler-error",
    "authorize-redirect-query",
    "implicit-fragment",
    "seed",
}

# Keywords whose values are data, not subschemas: never walked for schema rules.
DATA_KEYWORDS = {"enum", "const", "examples", "default", "$comment", "description", "title"}

NAMES = schemas.names()


def _example_cases(kind: str) -> list[object]:
    cases: list[object] = []
    for name in NAMES:
        valid, invalid = schemas.examples(name)
        for resource in valid if kind == "valid" else invalid:
            cases.append(pytest.param(name, resource, id=f"{name}/{kind}/{resource.name}"))
    return cases


def _read(resource: Traversable) -> object:
    return json.loads(resource.read_text(encoding="utf-8"))


def _subschemas(node: object, where: str = "") -> Iterator[tuple[str, dict[str, object]]]:
    """Yield every subschema (a dict in schema position) with a readable location."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _subschemas(item, f"{where}/{index}")
        return
    if not isinstance(node, dict):
        return
    yield where or "/", node
    for key, value in node.items():
        if key in DATA_KEYWORDS:
            continue
        if key in ("properties", "$defs", "patternProperties", "dependentSchemas"):
            if isinstance(value, dict):
                for child, subschema in value.items():
                    yield from _subschemas(subschema, f"{where}/{key}/{child}")
        else:
            yield from _subschemas(value, f"{where}/{key}")


# -- the schemas themselves ------------------------------------------------------------------


def test_required_schemas_are_shipped() -> None:
    assert set(NAMES) >= REQUIRED


@pytest.mark.parametrize("name", NAMES)
def test_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    schema = schemas.load(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == DRAFT_2020_12
    assert schema["$id"] == f"urn:pm3-oauth:{name}"


@pytest.mark.parametrize("name", NAMES)
def test_every_object_states_additional_properties(name: str) -> None:
    missing = [
        where
        for where, subschema in _subschemas(schemas.load(name))
        if (subschema.get("type") == "object" or "properties" in subschema)
        and "additionalProperties" not in subschema
        and "unevaluatedProperties" not in subschema
    ]
    assert missing == []


@pytest.mark.parametrize("name", NAMES)
def test_every_property_has_a_description(name: str) -> None:
    undocumented = [
        f"{where}/properties/{key}"
        for where, subschema in _subschemas(schemas.load(name))
        for key, value in _properties(subschema).items()
        if not (isinstance(value, dict) and value.get("description"))
    ]
    assert undocumented == []


def _properties(subschema: dict[str, object]) -> dict[str, object]:
    properties = subschema.get("properties")
    return properties if isinstance(properties, dict) else {}


@pytest.mark.parametrize("name", NAMES)
def test_every_ref_resolves_in_the_registry(name: str) -> None:
    resolver = schemas.registry().resolver(base_uri=f"urn:pm3-oauth:{name}")
    for where, subschema in _subschemas(schemas.load(name)):
        ref = subschema.get("$ref")
        if isinstance(ref, str):
            assert resolver.lookup(ref).contents is not None, where


# -- examples ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_schema_ships_examples(name: str) -> None:
    valid, invalid = schemas.examples(name)
    assert len(valid) >= 2, f"{name}: add at least two examples/{name}/valid/*.json"
    assert len(invalid) >= 2, f"{name}: add at least two examples/{name}/invalid/*.json"


@pytest.mark.parametrize(("name", "resource"), _example_cases("valid"))
def test_valid_example_validates(name: str, resource: Traversable) -> None:
    instance = _read(resource)
    assert schemas.errors(name, instance) == []
    schemas.validate(name, instance)


@pytest.mark.parametrize(("name", "resource"), _example_cases("invalid"))
def test_invalid_example_fails(name: str, resource: Traversable) -> None:
    instance = _read(resource)
    assert schemas.errors(name, instance) != []
    with pytest.raises(jsonschema.ValidationError):
        schemas.validate(name, instance)


def test_examples_resolve_to_package_files() -> None:
    valid, invalid = schemas.examples("token-response")
    assert "doc-password-grant.json" in [resource.name for resource in valid]
    assert all(resource.name.endswith(".json") for resource in invalid)


# -- the loader API ---------------------------------------------------------------------------


def test_errors_name_the_json_path() -> None:
    seed = {"clients": [{"client_id": "A" * 81, "client_secret": "s"}], "users": [{}]}
    assert schemas.errors("seed", seed) == [
        f"clients[0].client_id: '{'A' * 81}' is too long",
        "users[0]: 'password' is a required property",
        "users[0]: 'username' is a required property",
    ]


def test_errors_use_dollar_for_the_document_itself() -> None:
    assert schemas.errors("token-response", []) == ["$: [] is not of type 'object'"]


def test_errors_quote_keys_that_are_not_identifiers() -> None:
    (message,) = schemas.errors("formats", {"client-id": "abc"})
    assert message == """["client-id"]: 'abc' does not match '^[A-Z]{32}$'"""


def test_errors_follow_the_grant_type_branch() -> None:
    request = {"grant_type": "password", "username": "johndoe"}
    assert schemas.errors("token-request", request) == ["$: 'password' is a required property"]


def test_errors_check_formats() -> None:
    seed = {"users": [{"username": "johndoe", "password": "p4ssw0rd", "due_date": "2030-02-30"}]}
    assert schemas.errors("seed", seed) == ["users[0].due_date: '2030-02-30' is not a 'date'"]


def test_validate_raises_the_most_relevant_error() -> None:
    with pytest.raises(jsonschema.ValidationError) as caught:
        schemas.validate("restler-error", {"error": {"code": "401", "message": "Unauthorized"}})
    assert list(caught.value.absolute_path) == ["error", "code"]


def test_json_path_rendering() -> None:
    assert schemas.json_path([]) == "$"
    assert schemas.json_path(["clients", 0, "client_id"]) == "clients[0].client_id"
    assert schemas.json_path([0, "a b"]) == '[0]["a b"]'


def test_validator_is_cached_and_uses_the_registry() -> None:
    first = schemas.validator("token-request")
    assert first is schemas.validator("token-request")
    assert isinstance(first, jsonschema.Draft202012Validator)
    assert first.is_valid({"grant_type": "client_credentials"})


def test_load_returns_an_independent_copy() -> None:
    schema = schemas.load("token-response")
    schema["title"] = "changed"
    assert schemas.load("token-response")["title"] != "changed"


def test_unknown_schema_name() -> None:
    with pytest.raises(schemas.UnknownSchemaError, match="no-such-thing"):
        schemas.load("no-such-thing")
    with pytest.raises(KeyError):
        schemas.validator("no-such-thing")


def test_registry_holds_every_schema_by_id() -> None:
    registry = schemas.registry()
    for name in NAMES:
        assert registry.contents(f"urn:pm3-oauth:{name}") == schemas.load(name)


# -- the formatter ----------------------------------------------------------------------------


def test_shipped_files_are_canonical() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "schemas._format", "--check"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_formatter_check_then_rewrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sloppy = tmp_path / "sloppy.json"
    sloppy.write_text('{"b": 1, "a": ["é"]}', encoding="utf-8")
    assert _format.main(["--check", str(sloppy)]) == 1
    assert f"would reformat {sloppy}" in capsys.readouterr().out
    assert _format.main([str(sloppy)]) == 0
    assert sloppy.read_text(encoding="utf-8") == '{\n  "b": 1,\n  "a": [\n    "é"\n  ]\n}\n'
    assert _format.main(["--check", str(sloppy)]) == 0


def test_formatter_rejects_duplicate_keys_and_bad_json(tmp_path: Path) -> None:
    duplicate = tmp_path / "duplicate.json"
    duplicate.write_text('{"a": 1, "a": 2}\n', encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    for path in (duplicate, broken):
        assert _format.main(["--check", str(path)]) == 1
        assert _format.main([str(path)]) == 1
    assert duplicate.read_text(encoding="utf-8") == '{"a": 1, "a": 2}\n'


def test_formatter_regenerates_openapi_copies(tmp_path: Path) -> None:
    (tmp_path / "thing.schema.json").write_text(
        json.dumps(
            {
                "$schema": DRAFT_2020_12,
                "$id": "urn:pm3-oauth:thing",
                "properties": {
                    "a": {"$ref": "urn:pm3-oauth:formats#/$defs/token"},
                    "b": {"$ref": "#/$defs/b"},
                },
                "$defs": {"b": {"type": "string"}},
            }
        ),
        encoding="utf-8",
    )
    document = tmp_path / "openapi.json"
    document.write_text('{"components": {"schemas": {"thing": {}, "other": {}}}}', encoding="utf-8")
    assert _format.main([str(document)]) == 0
    assert json.loads(document.read_text(encoding="utf-8"))["components"]["schemas"] == {
        "thing": {
            "properties": {
                "a": {"$ref": "#/components/schemas/formats/$defs/token"},
                "b": {"$ref": "#/components/schemas/thing/$defs/b"},
            },
            "$defs": {"b": {"type": "string"}},
        },
        "other": {},
    }


# -- OpenAPI ----------------------------------------------------------------------------------

OPENAPI = schemas.openapi()
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _walk(node: object, where: str = "#") -> Iterator[tuple[str, dict[str, object]]]:
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from _walk(value, f"{where}/{_escape(key)}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk(item, f"{where}/{index}")


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _pointer(document: object, ref: str) -> object:
    node = document
    for token in ref.removeprefix("#/").split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            node = node[int(token)]
        else:
            assert isinstance(node, dict), ref
            node = node[token]
    return node


def test_openapi_top_level() -> None:
    assert isinstance(OPENAPI["openapi"], str)
    assert OPENAPI["openapi"].startswith("3.1.")
    assert set(OPENAPI) <= {
        "openapi",
        "info",
        "jsonSchemaDialect",
        "servers",
        "paths",
        "webhooks",
        "components",
        "security",
        "tags",
        "externalDocs",
    }
    info = OPENAPI["info"]
    assert isinstance(info, dict)
    assert info["title"]
    assert info["version"]


def test_openapi_describes_the_mock_endpoints() -> None:
    paths = OPENAPI["paths"]
    assert isinstance(paths, dict)
    operations = {
        (path, method)
        for path, item in paths.items()
        if isinstance(item, dict)
        for method in item
        if method in HTTP_METHODS
    }
    assert {
        ("/{workspace}/oauth2/token", "post"),
        ("/{workspace}/oauth2/authorize", "get"),
        ("/{workspace}/oauth2/{token}/expire", "post"),
        ("/{workspace}/oauth2/{token}", "delete"),
        ("/api/1.0/{workspace}/users", "get"),
        ("/api/1.0/{workspace}/cases", "get"),
        ("/api/1.0/{workspace}/projects", "get"),
    } <= operations
    for path, method in operations:
        item = paths[path]
        assert isinstance(item, dict)
        operation = item[method]
        assert isinstance(operation, dict)
        assert operation["responses"], (path, method)


def test_openapi_path_parameters_are_declared() -> None:
    paths = OPENAPI["paths"]
    assert isinstance(paths, dict)
    for path, item in paths.items():
        assert isinstance(item, dict)
        declared: set[object] = set()
        parameters = item.get("parameters", [])
        assert isinstance(parameters, list)
        for parameter in parameters:
            assert isinstance(parameter, dict)
            ref = parameter.get("$ref")
            resolved = _pointer(OPENAPI, ref) if isinstance(ref, str) else parameter
            assert isinstance(resolved, dict)
            if resolved["in"] == "path":
                assert resolved["required"] is True
                declared.add(resolved["name"])
        templated = {part[1:-1] for part in path.split("/") if part.startswith("{")}
        assert templated == declared, path


def test_openapi_refs_resolve() -> None:
    refs = [(where, node["$ref"]) for where, node in _walk(OPENAPI) if "$ref" in node]
    assert refs
    for where, ref in refs:
        assert isinstance(ref, str), where
        assert ref.startswith("#/"), f"{where}: only local refs, got {ref}"
        assert _pointer(OPENAPI, ref) is not None, where


def test_openapi_schema_copies_are_in_sync() -> None:
    components = OPENAPI["components"]
    assert isinstance(components, dict)
    embedded = components["schemas"]
    assert isinstance(embedded, dict)
    assert {"token-request", "token-response", "oauth-error", "restler-error"} <= set(embedded)
    for name, copy in embedded.items():
        if name in NAMES:
            assert copy == _format.embed(name, schemas.load(name)), name


def test_openapi_examples_match_their_schemas() -> None:
    registry: Registry[object] = Registry().with_resource(
        "urn:test:openapi", DRAFT202012.create_resource(OPENAPI)
    )
    checked = 0
    for where, node in _walk(OPENAPI):
        schema = node.get("schema")
        if not isinstance(schema, dict) or not ({"example", "examples"} & set(node)):
            continue
        values = [node["example"]] if "example" in node else []
        examples = node.get("examples")
        if isinstance(examples, dict):
            values += [entry["value"] for entry in examples.values()]
        pointer = where.removeprefix("#")
        validator = jsonschema.Draft202012Validator(
            {"$ref": f"urn:test:openapi#{pointer}/schema"},
            registry=registry,
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        )
        for value in values:
            assert list(validator.iter_errors(value)) == [], where
            checked += 1
    assert checked >= 5
