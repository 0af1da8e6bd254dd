"""Reading a JSON or YAML document a user wrote, with errors as one ``file:line:col: …`` line.

The same form compilers and linters use, so editors and CI annotations can jump to the place.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class DocumentError(ValueError):
    """A document that cannot be read or parsed; the message is one ``file:line:col`` line."""


def read_document(path: Path, *, yaml_allowed: bool = True) -> Any:
    """The data of a ``.json`` file (or ``.yaml`` / ``.yml`` when ``yaml_allowed``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return parse_document(text, str(path), yaml=yaml_allowed and is_yaml(path))


def is_yaml(path: Path) -> bool:
    return path.suffix.lower() in (".yaml", ".yml")


def parse_document(text: str, origin: str, *, yaml: bool = False) -> Any:
    """Parse JSON (or YAML); :class:`DocumentError` names ``origin:line:col`` and the problem."""
    if yaml:
        import yaml as pyyaml

        try:
            return pyyaml.safe_load(text)
        except pyyaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"{origin}:{mark.line + 1}:{mark.column + 1}" if mark else origin
            problem = exc.problem or exc.context or "invalid YAML"
            raise DocumentError(f"{where}: not valid YAML: {problem}") from None
        except pyyaml.YAMLError as exc:
            raise DocumentError(f"{origin}: not valid YAML: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"{origin}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}"
        ) from None
    except RecursionError:
        raise DocumentError(f"{origin}: not valid JSON: nested too deeply") from None
