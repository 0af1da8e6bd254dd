"""Reports: the canonical JSON model and its renderers (JUnit XML, HTML, Markdown, diff).

Renderers are pure functions of a :class:`Report`; this package knows nothing of checks, the mock
or pytest.
"""

from __future__ import annotations

from . import deviations as deviations
from . import diff as diff
from . import files as files
from . import html as html
from . import junit as junit
from . import markdown as markdown
from .model import Evidence as Evidence
from .model import Failure as Failure
from .model import Outcome as Outcome
from .model import Report as Report
from .model import ReportError as ReportError
from .model import Run as Run
from .model import dumps as dumps
from .model import loads as loads
from .model import read_json as read_json
from .model import stable as stable
from .model import write_json as write_json

__all__ = [
    "Evidence",
    "Failure",
    "Outcome",
    "Report",
    "ReportError",
    "Run",
    "deviations",
    "diff",
    "dumps",
    "files",
    "html",
    "junit",
    "loads",
    "markdown",
    "read_json",
    "stable",
    "write_json",
]
