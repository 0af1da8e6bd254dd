"""Canonical formatter for the JSON files of the ``schemas`` package.

One layout for every file (indent 2, non-ASCII kept, trailing newline) keeps diffs small and lets
CI reject hand-formatted files with ``python -m schemas._format --check``. Key order is kept, not
sorted: in a schema it is meaningful to readers (``$schema``, ``$id``, ``title`` first) and in an
example it mirrors the wire order. Duplicate keys are an error, since ``json`` would silently
keep the last one. ``openapi.json`` embeds copies of the schemas under ``components.schemas``;
the formatter regenerates every copy whose key names a ``<key>.schema.json``, so the copies cannot
drift from the files. The copies drop ``$schema``/``$id`` and point their ``$ref`` values at
``#/components/schemas/...``, because OpenAPI tools resolve local JSON pointers but generally not
``$id`` URNs embedded in components.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

PACKAGE_DIR = Path(__file__).resolve().parent
"""The directory whose JSON files are formatted when no paths are given."""

OPENAPI_NAME = "openapi.json"

URN_PREFIX = "urn:pm3-oauth:"
COMPONENTS_PREFIX = "#/components/schemas/"


class FormatError(ValueError):
    """A file that cannot be put in canonical form (not UTF-8, not JSON, duplicate keys)."""


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise FormatError(f"duplicate key {key!r}")
        result[key] = value
    return result


def parse(text: str) -> object:
    """Decode ``text`` as JSON, rejecting duplicate object keys.

    :param text: the file's contents.
    :returns: the decoded value.
    :raises FormatError: if ``text`` is not JSON or repeats a key in an object.
    """
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise FormatError(f"not valid JSON (line {exc.lineno}: {exc.msg})") from None


def dump(value: object) -> str:
    """Render ``value`` in canonical form: indent 2, ``ensure_ascii=False``, one final newline.

    :param value: decoded JSON.
    :returns: the canonical text.
    """
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def embed(name: str, schema: object) -> object:
    """Turn the schema ``name`` into its ``components.schemas`` copy for ``openapi.json``.

    ``urn:pm3-oauth:<other>#<pointer>`` becomes ``#/components/schemas/<other><pointer>`` and a
    local ``#<pointer>`` becomes ``#/components/schemas/<name><pointer>``; the resource keywords
    ``$schema`` and ``$id`` are dropped, the document's ``jsonSchemaDialect`` standing in for them.

    :param name: the schema's name (its key under ``components.schemas``).
    :param schema: the decoded ``<name>.schema.json``.
    :returns: a new, rewritten value; ``schema`` is not modified.
    """

    def rewrite(node: object, *, top: bool) -> object:
        if isinstance(node, list):
            return [rewrite(item, top=False) for item in node]
        if not isinstance(node, dict):
            return node
        copied: dict[str, object] = {}
        for key, value in node.items():
            if top and key in ("$schema", "$id"):
                continue
            if key == "$ref" and isinstance(value, str):
                copied[key] = _local_ref(name, value)
            else:
                copied[key] = rewrite(value, top=False)
        return copied

    return rewrite(schema, top=True)


def _local_ref(name: str, ref: str) -> str:
    if ref.startswith("#"):
        return COMPONENTS_PREFIX + name + ref[1:]
    if ref.startswith(URN_PREFIX):
        target, _, pointer = ref.removeprefix(URN_PREFIX).partition("#")
        return COMPONENTS_PREFIX + target + pointer
    return ref


def sync_openapi(document: object, schema_dir: Path) -> object:
    """Regenerate each ``components.schemas`` entry of an OpenAPI document from its schema file.

    :param document: the decoded ``openapi.json``.
    :param schema_dir: where ``<key>.schema.json`` files are looked up.
    :returns: ``document``, updated in place; other entries are left alone.
    :raises FormatError: if a schema file it copies is not valid JSON.
    """
    if not isinstance(document, dict):
        return document
    components = document.get("components")
    embedded = components.get("schemas") if isinstance(components, dict) else None
    if not isinstance(embedded, dict):
        return document
    for key in embedded:
        source = schema_dir / f"{key}.schema.json"
        if source.is_file():
            try:
                embedded[key] = embed(key, parse(source.read_text(encoding="utf-8")))
            except FormatError as exc:
                raise FormatError(f"{source.name}: {exc}") from None
    return document


def canonical(path: Path, text: str) -> str:
    """Return the canonical form of the file ``path`` whose contents are ``text``.

    :param path: the file; its name decides whether OpenAPI copies are refreshed.
    :param text: its current contents.
    :returns: the text it should have.
    :raises FormatError: if ``text`` (or an embedded schema file) is not valid JSON.
    """
    value = parse(text)
    if path.name == OPENAPI_NAME:
        value = sync_openapi(value, path.parent)
    return dump(value)


def default_paths(root: Path = PACKAGE_DIR) -> list[Path]:
    """List every ``*.json`` under ``root``, sorted.

    :param root: the directory to search recursively.
    :returns: the files.
    """
    return sorted(path for path in root.rglob("*.json") if path.is_file())


def run(paths: Sequence[Path], *, check: bool) -> int:
    """Check or rewrite ``paths``, printing one line per file that is (or was) not canonical.

    :param paths: JSON files.
    :param check: report only, without writing.
    :returns: the exit status: 1 if ``check`` found a file to reformat or any file failed to
        parse, else 0.
    """
    status = 0
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
            wanted = canonical(path, text)
        except (OSError, UnicodeDecodeError, FormatError) as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            status = 1
            continue
        if text == wanted:
            continue
        if check:
            print(f"would reformat {path}")
            status = 1
        else:
            path.write_text(wanted, encoding="utf-8")
            print(f"reformatted {path}")
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: ``python -m schemas._format [--check] [PATH ...]``.

    :param argv: arguments without the program name; ``sys.argv[1:]`` when ``None``.
    :returns: the exit status (see :func:`run`).
    """
    parser = argparse.ArgumentParser(
        prog="python -m schemas._format",
        description="Put the JSON files of the schemas package in canonical form.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="list files that are not canonical and exit 1, without rewriting them",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="files to format (default: every *.json under the schemas package)",
    )
    args = parser.parse_args(argv)
    paths: list[Path] = args.paths or default_paths()
    return run(paths, check=bool(args.check))


if __name__ == "__main__":
    sys.exit(main())
