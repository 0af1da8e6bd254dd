"""Profile files: export, load, extend, serve; a bad file is one line naming the field."""

from __future__ import annotations

import json
import subprocess
import sys
import typing
from pathlib import Path

import pytest
import requests

import schemas
from mockserver import PROFILES
from mockserver import MockServer
from mockserver.cli import main
from mockserver.state.profile_files import ProfileFileError
from mockserver.state.profile_files import export_profile
from mockserver.state.profile_files import load_profile_file
from mockserver.state.profile_files import profile_from_data
from mockserver.state.profiles import BEHAVIOUR_FIELDS
from mockserver.state.profiles import SourceKind


@pytest.mark.parametrize("name", list(PROFILES))
def test_export_then_load_gives_the_same_profile(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(export_profile(PROFILES[name])))
    loaded = load_profile_file(path)
    assert loaded.values() == PROFILES[name].values()
    for field in BEHAVIOUR_FIELDS:
        assert loaded.source_of(field) == PROFILES[name].source_of(field)


def test_a_file_extends_a_shipped_profile_field_by_field(tmp_path: Path) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text(
        "name: acme\nextends: pm-3.4.10\nfields:\n"
        "  access_lifetime:\n    value: 7200\n"
        "    provenance: {kind: observed, ref: expires_in, url: 'https://pm.acme.example',"
        " date: '2026-11-30', probe: lifetimes}\n"
        "  supported_scopes:\n    value: ['*']\n    provenance: {kind: decision, ref: test}\n"
    )
    profile = load_profile_file(path)
    assert profile.name == "acme" and profile.access_lifetime == 7200
    assert profile.supported_scopes == ("*",)
    assert profile.token_error_status == PROFILES["pm-3.4.10"].token_error_status
    source = profile.source_of("access_lifetime")
    assert source is not None and source.kind == "observed" and "pm.acme.example" in source.ref
    assert (
        source.ref == "expires_in (url https://pm.acme.example; date 2026-11-30; probe lifetimes)"
    )


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"name": "x", "extends": "pm-9"}, "extends"),
        ({"name": "x", "extends": "documented", "colour": 1}, "colour"),
        (
            {
                "name": "x",
                "extends": "documented",
                "fields": {"nope": {"value": 1, "provenance": {"kind": "doc", "ref": "a"}}},
            },
            "fields.nope",
        ),
        (
            {
                "name": "x",
                "extends": "documented",
                "fields": {
                    "access_lifetime": {"value": "1h", "provenance": {"kind": "doc", "ref": "a"}}
                },
            },
            "fields.access_lifetime.value",
        ),
        (
            {
                "name": "x",
                "extends": "documented",
                "fields": {
                    "unknown_workspace": {
                        "value": "teapot",
                        "provenance": {"kind": "doc", "ref": "a"},
                    }
                },
            },
            "one of",
        ),
        (
            {
                "name": "x",
                "extends": "documented",
                "fields": {
                    "access_lifetime": {"value": 5, "provenance": {"kind": "rumour", "ref": "a"}}
                },
            },
            "kind",
        ),
        (
            {"name": "x", "extends": "documented", "fields": {"access_lifetime": {"value": 5}}},
            "provenance",
        ),
    ],
)
def test_a_bad_file_names_the_field(data: object, says: str) -> None:
    with pytest.raises(ProfileFileError) as caught:
        profile_from_data(data, "f.json")
    assert says in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("verify_user_status", "yes", 'fields.verify_user_status.value: "yes" is not a boolean'),
        ("access_lifetime", "1h", 'fields.access_lifetime.value: "1h" is not a whole number'),
        (
            "token_error_status",
            "x",
            'fields.token_error_status.value: "x" is not a whole number or null',
        ),
        ("restler_version", 3, "fields.restler_version.value: 3 is not a string"),
        ("supported_scopes", "*", 'fields.supported_scopes.value: "*" is not a list of strings'),
        (
            "supported_scopes",
            ["*", 1],
            'fields.supported_scopes.value: ["*", 1] is not a list of strings',
        ),
        (
            "unknown_workspace",
            "teapot",
            'fields.unknown_workspace.value: "teapot" is not one of "empty-503", "html-503", '
            '"restler-400", "plain-404"',
        ),
    ],
)
def test_a_value_of_the_wrong_type_names_the_type_wanted(
    field: str, value: object, message: str
) -> None:
    data = {
        "name": "x",
        "extends": "documented",
        "fields": {field: {"value": value, "provenance": {"kind": "doc", "ref": "a"}}},
    }
    with pytest.raises(ProfileFileError) as caught:
        profile_from_data(data, "f.json")
    assert str(caught.value) == f"f.json: {message}"


def test_the_cli_serves_a_profile_file_and_refuses_a_bad_one(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(
        json.dumps(
            {
                "name": "two-hours",
                "extends": "pm-3.4.10",
                "fields": {
                    "access_lifetime": {
                        "value": 7200,
                        "provenance": {"kind": "decision", "ref": "test"},
                    }
                },
            }
        )
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--port", "0", "--profile-file", str(good)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert "two-hours profile" in first
        url = first.rsplit(" ", 1)[-1].strip()
        token = requests.post(
            f"{url}/workflow/oauth2/token",
            data={
                "grant_type": "password",
                "client_id": "HWAYUEGWRMWNVLSTKPXAJDZGUQKAXKSF",
                "client_secret": "28060566356f0b9db4f0429090515303",
                "username": "johndoe",
                "password": "p4ssw0rd",
            },
            timeout=10,
        ).json()
        assert token["expires_in"] == 7200
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        assert proc.stdout is not None
        proc.stdout.close()
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "name": "x",
                "extends": "documented",
                "fields": {
                    "access_lifetime": {"value": "soon", "provenance": {"kind": "doc", "ref": "a"}}
                },
            }
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "mockserver", "--profile-file", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "fields.access_lifetime.value" in result.stderr


def test_export_profile_prints_a_loadable_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--export-profile", "rfc6749"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert profile_from_data(data).values() == PROFILES["rfc6749"].values()


def test_mockserver_takes_a_loaded_profile() -> None:
    profile = profile_from_data({"name": "p", "extends": "documented"})
    with MockServer(profile=profile) as pm:
        assert pm.profile.name == "p"


def test_a_recordings_inherited_list_is_accepted() -> None:
    """``pm3-conformance record`` writes ``inherited``: the fields it could not measure."""
    data = {"name": "acme", "extends": "pm-3.4.11", "inherited": ["mobile_client_seeded"]}
    loaded = profile_from_data(data, "acme.json")
    for field in BEHAVIOUR_FIELDS:
        assert getattr(loaded, field) == getattr(PROFILES["pm-3.4.11"], field), field


def test_a_bad_file_is_named_by_its_path(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text(json.dumps({"name": "x", "extends": "nothing"}))
    with pytest.raises(ProfileFileError) as caught:
        load_profile_file(path)
    assert str(caught.value).startswith(f"{path}: extends: ")


def test_a_derived_profile_is_exported_over_documented() -> None:
    derived = PROFILES["pm-3.4.10"].derive("acme", access_lifetime=60)
    exported = export_profile(derived)
    assert (exported["name"], exported["extends"]) == ("acme", "documented")
    assert exported["fields"]["access_lifetime"]["value"] == 60
    assert profile_from_data(exported).values() == derived.values()


def test_a_bad_file_without_an_origin_is_called_a_profile_file() -> None:
    entry = {"value": "1h", "provenance": {"kind": "doc", "ref": "a"}}
    data = {"name": "x", "extends": "documented", "fields": {"access_lifetime": entry}}
    with pytest.raises(ProfileFileError) as caught:
        profile_from_data(data)
    assert (
        str(caught.value)
        == 'profile file: fields.access_lifetime.value: "1h" is not a whole number'
    )


def test_the_schema_refuses_unknown_keys_and_profiles_it_cannot_extend() -> None:
    """The loader leaves these two checks to the schema: its enum must be the shipped profiles."""
    schema = json.loads((Path(schemas.__file__).parent / "profile-file.schema.json").read_text())
    assert schema["properties"]["extends"]["enum"] == sorted(PROFILES)
    assert schema["additionalProperties"] is False
    with pytest.raises(ProfileFileError) as caught:
        profile_from_data({"name": "x", "extends": "documented", "colour": 1}, "f.json")
    assert str(caught.value) == (
        "f.json: $: Additional properties are not allowed ('colour' was unexpected)"
    )
    with pytest.raises(ProfileFileError) as caught:
        profile_from_data({"name": "x", "extends": "pm-9"}, "f.json")
    assert str(caught.value) == (
        "f.json: extends: 'pm-9' is not one of "
        "['documented', 'pm-3.0-rc', 'pm-3.4.10', 'pm-3.4.11', 'rfc6749']"
    )


def _entry(provenance: object) -> dict[str, object]:
    return {
        "name": "x",
        "extends": "documented",
        "fields": {"access_lifetime": {"value": 5, "provenance": provenance}},
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # the schema's checks: the loader relies on them for the shape of every part
        ([], "$: [] is not of type 'object'"),
        ({"name": 1, "extends": "documented"}, "name: 1 is not of type 'string'"),
        (
            {"name": "x", "extends": "documented", "summary": 3},
            "summary: 3 is not of type 'string'",
        ),
        (
            {"name": "x", "extends": "documented", "fields": []},
            "fields: [] is not of type 'object'",
        ),
        (
            _entry("doc"),
            "fields.access_lifetime.provenance: 'doc' is not of type 'object'",
        ),
        (
            _entry({"kind": "rumour", "ref": "a"}),
            "fields.access_lifetime.provenance.kind: 'rumour' is not one of "
            "['doc', 'source', 'rfc', 'decision', 'observed']",
        ),
        (
            _entry({"kind": "doc", "ref": 3}),
            "fields.access_lifetime.provenance.ref: 3 is not of type 'string'",
        ),
        # the loader's own checks: what the schema's pattern and minLength let through
        ({"name": "x\n", "extends": "documented"}, "name: 1-64 letters, digits, '.', '_' or '-'"),
        (
            _entry({"kind": "doc", "ref": "  "}),
            "fields.access_lifetime.provenance.ref: "
            "a non-empty text saying where the value comes from",
        ),
    ],
)
def test_each_refusal_is_one_exact_line(data: object, message: str) -> None:
    with pytest.raises(ProfileFileError) as caught:
        profile_from_data(data, "f.json")
    assert str(caught.value) == f"f.json: {message}"


def test_the_schemas_provenance_kinds_are_the_profiles_source_kinds() -> None:
    schema = json.loads((Path(schemas.__file__).parent / "profile-file.schema.json").read_text())
    kinds = schema["$defs"]["provenance"]["properties"]["kind"]["enum"]
    assert kinds == list(typing.get_args(SourceKind))


def test_an_unreadable_file_is_one_line_naming_it(tmp_path: Path) -> None:
    broken, missing = tmp_path / "broken.json", tmp_path / "missing.json"
    broken.write_text("{")
    with pytest.raises(ProfileFileError) as caught:
        load_profile_file(broken)
    assert str(caught.value) == (
        f"{broken}:1:2: not valid JSON: Expecting property name enclosed in double quotes"
    )
    with pytest.raises(ProfileFileError) as caught:
        load_profile_file(missing)
    assert str(caught.value) == f"{missing}: cannot read (No such file or directory)"


def test_a_shipped_profile_is_exported_extending_itself_with_lists_as_lists() -> None:
    exported = export_profile(PROFILES["pm-3.4.10"])
    assert (exported["name"], exported["extends"]) == ("pm-3.4.10", "pm-3.4.10")
    scopes = exported["fields"]["supported_scopes"]["value"]
    assert type(scopes) is list and scopes == list(PROFILES["pm-3.4.10"].supported_scopes)


def test_latin_1_text_is_still_a_profile_value() -> None:
    # Latin-1 can go into a header as it is (PEP 3333); only a URL for Location must be ASCII.
    data = {
        "name": "latin",
        "extends": "pm-3.4.10",
        "fields": {
            "restler_version": {
                "value": "3.0.0rc5-\u00e9",
                "provenance": {"kind": "decision", "ref": "test"},
            }
        },
    }
    assert profile_from_data(data).restler_version == "3.0.0rc5-\u00e9"
