"""Generate the mock's RBAC seed data from a ProcessMaker 3 source tree.

ProcessMaker's installer loads ``rbac/engine/data/mysql/insert.sql``: the permissions
(``RBAC_PERMISSIONS``), the roles (``RBAC_ROLES``) and which role grants which permission
(``RBAC_ROLES_PERMISSIONS``). This script reads that file at one or more releases and writes
``mockserver/state/data/rbac.json``: per release, each role's code and permission codes, each
with the ``file:line`` it was read from.

Usage::

    python tools/pm3_rbac.py --git-dir /path/to/processmaker.git \\
        --release 3.0=8b6e24a95 --release 3.2=b2c8877e5 \\
        --release 3.4.10=3062297c5 --release 3.4.11=1429451be \\
        --out mockserver/state/data/rbac.json

or ``--source DIR`` (a checkout) with a single ``--release NAME``.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

INSERT_SQL = "rbac/engine/data/mysql/insert.sql"
_ROW = re.compile(r"\(\s*'([0-9A-Za-z]{32})'\s*,\s*'([^']*)'")
_PAIR = re.compile(r"\(\s*'([0-9A-Za-z]{32})'\s*,\s*'([0-9A-Za-z]{32})'\s*\)")
_ROLE = re.compile(
    r"\(\s*'([0-9A-Za-z]{32})'\s*,\s*'[^']*'\s*,\s*'([0-9A-Za-z]{32})'\s*,\s*'(\w+)'"
)


def _sections(text: str) -> dict[str, list[tuple[int, str]]]:
    """The lines of each ``INSERT INTO `TABLE` VALUES`` statement, numbered from 1."""
    out: dict[str, list[tuple[int, str]]] = {}
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        head = re.match(r"\s*INSERT INTO `?(\w+)`?", line)
        if head:
            current = head.group(1)
            out.setdefault(current, [])
        if current is not None:
            out[current].append((number, line))
        if line.rstrip().endswith(";"):
            current = None
    return out


def parse(text: str, commit: str) -> dict[str, object]:
    """The permissions, roles and grants of one ``insert.sql``."""
    sections = _sections(text)
    where = f"{INSERT_SQL}:{{}}"
    permissions: dict[str, dict[str, str]] = {}
    for number, line in sections.get("RBAC_PERMISSIONS", []):
        for uid, code in _ROW.findall(line):
            permissions[uid] = {"code": code, "source": where.format(number)}
    roles: dict[str, dict[str, object]] = {}
    for number, line in sections.get("RBAC_ROLES", []):
        for uid, _system, code in _ROLE.findall(line):
            roles[uid] = {"code": code, "source": where.format(number), "permissions": []}
    for number, line in sections.get("RBAC_ROLES_PERMISSIONS", []):
        for role_uid, perm_uid in _PAIR.findall(line):
            if role_uid in roles and perm_uid in permissions:
                grants = roles[role_uid]["permissions"]
                assert isinstance(grants, list)
                grants.append(
                    {"code": permissions[perm_uid]["code"], "source": where.format(number)}
                )
    return {
        "commit": commit,
        "file": INSERT_SQL,
        "permissions": sorted(p["code"] for p in permissions.values()),
        "roles": {
            str(r["code"]): {
                "uid": uid,
                "source": r["source"],
                "permissions": r["permissions"],
            }
            for uid, r in sorted(roles.items())
        },
    }


def _read_git(git_dir: str, commit: str) -> tuple[str, str]:
    full = subprocess.run(
        ["git", "--git-dir", git_dir, "rev-parse", f"{commit}^{{commit}}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    text = subprocess.run(
        ["git", "--git-dir", git_dir, "show", f"{full}:{INSERT_SQL}"],
        check=True,
        capture_output=True,
        text=True,
        errors="replace",
    ).stdout
    return full, text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--git-dir", help="a ProcessMaker git directory")
    parser.add_argument("--source", help="a ProcessMaker checkout (instead of --git-dir)")
    parser.add_argument(
        "--release", action="append", required=True, help="NAME=COMMIT (or NAME with --source)"
    )
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    releases: dict[str, object] = {}
    for item in args.release:
        name, _, commit = item.partition("=")
        if args.source:
            text = (Path(args.source) / INSERT_SQL).read_text(errors="replace")
            releases[name] = parse(text, commit or "checkout")
        elif args.git_dir:
            full, text = _read_git(args.git_dir, commit)
            releases[name] = parse(text, full)
        else:
            parser.error("give --git-dir or --source")
    document = {
        "generator": "tools/pm3_rbac.py",
        "repository": "colosa/processmaker",
        "releases": releases,
    }
    Path(args.out).write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
