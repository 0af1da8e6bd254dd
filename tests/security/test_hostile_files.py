"""Attack surface of user files (issue 22, classes 10 and 14): documents are recorded, committed
and shared, so every file a tool reads may be hostile.

Every reader goes through :mod:`schemas.documents`; each hostile document below is given to
every command-line entry that reads a document, in a subprocess with its address space capped (an
alias bomb that got through would die there, not take the machine), and must end in one line and
exit 2.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from schemas.documents import MAX_ALIAS_NODES
from schemas.documents import MAX_DEPTH
from schemas.documents import MAX_DOCUMENT_BYTES
from schemas.documents import DocumentError
from schemas.documents import parse_document
from schemas.documents import read_document

LAUGHS = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10))
BILLION_LAUGHS = (
    'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + LAUGHS
)
"""Nine levels of nine aliases: 513 bytes that expand to 9**10 strings."""
FIELD_BOMB = (
    "name: laughs\nextends: documented\nfields:\n  restler_version:\n"
    "    value: &v0 [a, a, a, a, a, a, a, a, a]\n"
    + "".join(f"    v{i}: &v{i} [{', '.join([f'*v{i - 1}'] * 9)}]\n" for i in range(1, 10))
    + "    provenance: null\n"
)
"""A profile file whose one field value is a billion laughs, the shape the issue found."""
DEEP_YAML = "[" * 20_000 + "]" * 20_000
DEEP_JSON = '{"a":' * 20_000 + "1" + "}" * 20_000
SHALLOW_DEEP_JSON = "[" * 500 + "]" * 500
"""Deep enough to break a recursive walk later (validation), shallow enough for json.loads."""
CYCLE = "a: &a [1, *a]\n"

MOCK = [sys.executable, "-m", "mockserver", "--port", "0"]
SUITE = [sys.executable, "-m", "conformance"]
READERS = {
    "mockserver --seed": [*MOCK, "--seed"],
    "mockserver --scenario": [*MOCK, "--scenario"],
    "mockserver --profile-file": [*MOCK, "--profile-file"],
    "conformance run --profile-file": [*SUITE, "run", "--profile-file"],
    "conformance run --deviations": [*SUITE, "run", "--deviations"],
    "conformance fingerprint --profile-file": [*SUITE, "fingerprint", "--profile-file"],
}
JSON_READERS = {
    **READERS,
    "conformance run --credentials": [*SUITE, "run", "--credentials"],
    "conformance report render": [*SUITE, "report", "render"],
}


def _limited() -> None:
    cap = 2 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _refused(argv: list[str], path: Path) -> str:
    """Run a reader on ``path``; its stderr, once it is known to be one line with exit 2."""
    proc = subprocess.run(
        [*argv, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limited,
        cwd=path.parent,
    )
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    lines = [line for line in proc.stderr.splitlines() if "warning:" not in line]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return lines[0]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(
    ("text", "says"),
    [
        (BILLION_LAUGHS, "aliases repeat more than"),
        (FIELD_BOMB, "aliases repeat more than"),
        (DEEP_YAML, f"nested deeper than {MAX_DEPTH} levels"),
        (CYCLE, "alias *a inside its own anchor"),
    ],
    ids=["billion-laughs", "bomb-in-a-field", "20000-deep", "cycle"],
)
def test_every_yaml_reader_refuses_a_hostile_document(
    reader: str, text: str, says: str, tmp_path: Path
) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    line = _refused(READERS[reader], path)
    assert "hostile.yaml:" in line and f"refused: {says}" in line


@pytest.mark.parametrize("reader", JSON_READERS)
@pytest.mark.parametrize("text", [DEEP_JSON, SHALLOW_DEEP_JSON], ids=["20000-deep", "500-deep"])
def test_every_json_reader_refuses_deep_nesting(reader: str, text: str, tmp_path: Path) -> None:
    path = tmp_path / "hostile.json"
    path.write_text(text)
    line = _refused(JSON_READERS[reader], path)
    assert f"refused: nested deeper than {MAX_DEPTH} levels" in line


@pytest.mark.parametrize("reader", ["mockserver --seed", "conformance run --credentials"])
def test_size_is_checked_before_anything_is_parsed(reader: str, tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as f:
        f.truncate(MAX_DOCUMENT_BYTES + 1)  # sparse: costs no disk
    line = _refused(JSON_READERS[reader], path)
    assert "refused: larger than 8 MiB" in line


def test_an_endless_file_is_not_read_to_its_end() -> None:
    with pytest.raises(DocumentError, match="refused: larger than"):
        read_document(Path("/dev/zero"), yaml_allowed=False)


def test_anchors_within_the_bounds_still_work() -> None:
    text = "base: &b {x: 1, y: [1, 2]}\nitems:\n  - <<: *b\n    z: 3\n  - *b\n"
    assert parse_document(text, "ok.yaml", yaml=True) == {
        "base": {"x": 1, "y": [1, 2]},
        "items": [{"x": 1, "y": [1, 2], "z": 3}, {"x": 1, "y": [1, 2]}],
    }
    nested = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert parse_document(nested, "ok.yaml", yaml=True) is not None
    assert parse_document(nested, "ok.json") is not None


def test_the_alias_bound_counts_what_aliases_repeat() -> None:
    """A few aliases of a big node are as costly as many of a small one."""
    items = ", ".join(str(i) for i in range(MAX_ALIAS_NODES // 4))
    text = f"a: &a [{items}]\nb: [*a, *a, *a]\n"
    assert parse_document(text, "ok.yaml", yaml=True)["b"][2][-1] == MAX_ALIAS_NODES // 4 - 1
    with pytest.raises(DocumentError, match=r"ok\.yaml:2:\d+: refused: aliases repeat"):
        parse_document(f"a: &a [{items}]\nb: [*a, *a, *a, *a, *a]\n", "ok.yaml", yaml=True)


def test_aliases_may_not_nest_past_the_depth_bound() -> None:
    half = "[" * (MAX_DEPTH // 2 + 1) + "]" * (MAX_DEPTH // 2 + 1)
    text = f"a: &a {half}\nb: {'[' * (MAX_DEPTH // 2)}*a{']' * (MAX_DEPTH // 2)}\n"
    with pytest.raises(DocumentError, match="nested deeper than"):
        parse_document(text, "deep.yaml", yaml=True)


# --- class 14: what --db holds ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "make", "says"),
    [
        ("wf_workflow.sqlite-shm", "dangling", "wf_workflow.sqlite-shm is a link"),
        ("wf_workflow.sqlite-wal", "outside", "wf_workflow.sqlite-wal is a link"),
        ("wf_workflow.sqlite", "outside", "wf_workflow.sqlite is a link"),
        ("wf_workflow.sqlite", "garbage", "cannot open a workspace database: file is not a"),
    ],
)
def test_a_hostile_db_directory_is_one_line_and_exit_2(
    name: str, make: str, says: str, tmp_path: Path
) -> None:
    db = tmp_path / "db"
    db.mkdir()
    outside = tmp_path / "outside"
    if make == "dangling":
        (db / name).symlink_to(tmp_path / "nowhere" / "x")
    elif make == "outside":
        (db / name).symlink_to(outside)
    else:
        (db / name).write_bytes(b"not a database, " * 64)
    line = _refused([*MOCK, "--db"], db)
    assert says in line
    assert not outside.exists()  # nothing was written through a link
