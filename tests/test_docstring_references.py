"""Every Sphinx cross-reference in the source resolves (issue 26, item 4).

A ``:mod:``, ``:class:``, ``:func:``, ``:meth:``, ``:data:``, ``:attr:``, ``:exc:`` or ``:obj:``
reference names something a reader can find: a module, or an object reached from a module by
attributes. A name that is not dotted from a module is looked up, in order, in the module that
holds the reference, in that module's own classes, then among the builtins. Four references broke
silently when the modules moved into subpackages; this keeps the next move honest."""

from __future__ import annotations

import builtins
import importlib
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("mockserver", "conformance", "reports", "schemas")
ROLE = re.compile(r":(mod|class|func|meth|data|attr|exc|obj):`([^`]+)`")


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _attribute_path(start: object, parts: list[str]) -> bool:
    obj = start
    for part in parts:
        if not hasattr(obj, part):
            return False
        obj = getattr(obj, part)
    return True


def _absolute(parts: list[str]) -> bool | None:
    """Whether a dotted name resolves from its longest importable module prefix (the project's,
    the standard library's or a dependency's); ``None``: no prefix is a module."""
    for cut in range(len(parts), 0, -1):
        name = ".".join(parts[:cut])
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        return _attribute_path(module, parts[cut:])
    return None


def resolves(target: str, module: ModuleType) -> bool:
    """Whether a reference's target (as written between the backticks) names something."""
    text = target.split("<", 1)[1].rstrip(">") if "<" in target else target
    parts = text.strip().lstrip("~.").removesuffix("()").split(".")
    found = _absolute(parts)
    if found is not None:
        return found
    if _attribute_path(module, parts):
        return True
    classes = [
        value
        for value in vars(module).values()
        if isinstance(value, type) and value.__module__ == module.__name__
    ]
    if any(_attribute_path(cls, parts) for cls in classes):
        return True
    return _attribute_path(builtins, parts)


def _references() -> list[tuple[str, str, str]]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            for match in ROLE.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                where = f"{path.relative_to(ROOT)}:{line}"
                found.append((where, _module_name(path), match.group(2)))
    return found


REFERENCES = _references()


def test_the_tree_has_references_to_check() -> None:
    assert len(REFERENCES) > 50
    assert {module.split(".")[0] for _, module, _ in REFERENCES} >= {"mockserver", "conformance"}


def test_every_reference_resolves() -> None:
    broken = [
        f"{where}: `{target}`"
        for where, module, target in REFERENCES
        if not resolves(target, importlib.import_module(module))
    ]
    assert broken == [], "references that name nothing:\n" + "\n".join(broken)


@pytest.mark.parametrize(
    ("target", "module", "expected"),
    [
        ("~mockserver.protocol.environ.CLOSE_CONNECTION", "mockserver.app", True),
        ("mockserver.protocol.params.CLOSE_CONNECTION", "mockserver.app", False),
        ("mockserver.render", "mockserver.app", False),
        ("MockApp.check", "mockserver.app", True),
        ("check", "mockserver.app", True),  # a method of a class of the module
        ("ValueError", "mockserver.app", True),
        ("html.escape", "mockserver.app", True),
        ("html.no_such_function", "mockserver.app", False),
        ("NoSuchThing", "mockserver.app", False),
        ("MockApp.no_such_method", "mockserver.app", False),
        ("the text <mockserver.server.MockServer>", "mockserver.app", True),
    ],
)
def test_the_resolver_itself(target: str, module: str, expected: bool) -> None:
    assert resolves(target, importlib.import_module(module)) is expected
