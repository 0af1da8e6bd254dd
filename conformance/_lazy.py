"""Names a package loads on first use (PEP 562), so that importing a light module of it does not
import the heavy ones (:mod:`conformance`, :mod:`conformance.clients`)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from collections.abc import MutableMapping
from typing import Any


def lazy_names(
    package: str, namespace: MutableMapping[str, Any], where: dict[str, str]
) -> Callable[[str], object]:
    """A module ``__getattr__`` for ``package``: ``where`` maps each name to the relative module
    that defines it (``""``: the name is a submodule); the value is kept in ``namespace``."""

    def __getattr__(name: str) -> object:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        if module == "":
            value: object = importlib.import_module(f"{package}.{name}")
        else:
            value = getattr(importlib.import_module(module, package), name)
        namespace[name] = value
        return value

    return __getattr__
