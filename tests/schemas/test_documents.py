"""User documents (seed, scenario, credentials, deviations): errors as one file:line:col line."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas.documents import DocumentError
from schemas.documents import parse_document
from schemas.documents import read_document


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("bad.json", '{\n  "a": 1,\n  "b": \n}\n', "bad.json:4:1: not valid JSON"),
        ("bad.yaml", "users:\n  - {username: a\n", "bad.yaml:3:1: not valid YAML"),
        ("tab.yml", "a: 1\n\tb: 2\n", "tab.yml:2:1: not valid YAML"),
    ],
)
def test_errors_name_file_line_and_column(tmp_path: Path, name: str, text: str, where: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(DocumentError) as caught:
        read_document(path)
    message = str(caught.value)
    assert message.startswith(str(tmp_path / where)), message
    assert "\n" not in message


def test_unreadable_and_non_utf8(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="cannot read"):
        read_document(tmp_path / "missing.json")
    binary = tmp_path / "b.json"
    binary.write_bytes(b"\xff\xfe{}")
    with pytest.raises(DocumentError, match="not UTF-8"):
        read_document(binary)


def test_yaml_only_where_allowed(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\n")
    assert read_document(path) == {"a": 1}
    with pytest.raises(DocumentError, match="not valid JSON"):
        read_document(path, yaml_allowed=False)
    assert parse_document('{"a": [1]}', "inline") == {"a": [1]}
