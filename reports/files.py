"""Writing an output file without following a link planted where it goes.

A cloned repository can ship a ``pm3-reports/summary.md`` that is a symbolic link to a file
elsewhere (or a dangling one): opening it for writing would overwrite (or create) that file.
:func:`write_text` writes a temporary file in the same directory, opened exclusively (so it is
new, never a link), and renames it over the name: a link there is replaced, never followed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

_DEFAULT_UMASK = 0o022


def _umask() -> int:
    """The process's umask, read without changing it (``os.umask`` would, for every thread)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return _DEFAULT_UMASK


def write_text(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path``, replacing whatever entry has that name (a link
    included) in one rename; the file gets the mode a new file would get (0666 less the umask).

    :raises OSError: the directory cannot be written, or ``path`` names a directory.
    """
    data = text.encode("utf-8")
    directory = path.parent
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o666 & ~_umask())
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
