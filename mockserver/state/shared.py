"""Scripting state that many hosts on one store share: the clock and the overrides, as data.

With ``--store`` every host is one ProcessMaker, so what the control API of one host scripts must
hold on all of them. The clock (its offset from real time, or the instant it is frozen at) and
the overrides that are plain data (the control-API and scenario shape, faults included) live in
two tables of the mock's own, in the database of the host's first workspace (``wf_<workspace>``):
no other database, so the operator's grant on ``wf_%`` is all it needs, and dropping a workspace
drops its scripting too.

Reading them on every request is one statement: ``PM3MOCK_CONTROL.VERSION``, a counter every
change raises. A host reloads the clock and the overrides only when it moved. A use of an
override with a lifetime is claimed in the database (one ``UPDATE`` that succeeds while uses
remain), so ``times=1`` is used once across all hosts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mockserver.state.backend import Tx
from mockserver.state.clock import Clock
from mockserver.state.store import WorkspaceStore

SCHEMA_KEY = "control"
DDL = """
CREATE TABLE IF NOT EXISTS PM3MOCK_CONTROL (
    NAME VARCHAR(16) NOT NULL PRIMARY KEY,
    VERSION INTEGER NOT NULL,
    CLOCK_OFFSET DOUBLE NOT NULL DEFAULT 0,
    CLOCK_FROZEN DOUBLE NULL
);
CREATE TABLE IF NOT EXISTS PM3MOCK_OVERRIDES (
    ID INTEGER NOT NULL PRIMARY KEY,
    SPEC MEDIUMTEXT NOT NULL,
    TIMES INTEGER NULL,
    HITS INTEGER NOT NULL DEFAULT 0
);
"""
_ROW = "mock"


@dataclass(frozen=True, slots=True)
class SharedOverride:
    """One stored override: its id, its data (JSON text), its lifetime and uses so far."""

    id: int
    spec: str
    times: int | None
    hits: int


@dataclass(frozen=True, slots=True)
class Snapshot:
    version: int
    clock_offset: float
    clock_frozen: float | None
    overrides: tuple[SharedOverride, ...]


class SharedControl:
    """The shared scripting tables of one store (see the module's text)."""

    def __init__(self, store: WorkspaceStore) -> None:
        self.store = store
        store.ensure_schema(SCHEMA_KEY, DDL)
        with store.transaction() as db:
            db.execute(
                store.backend.insert_ignore("PM3MOCK_CONTROL", ("NAME", "VERSION")), (_ROW, 1)
            )

    def version(self) -> int:
        """The change counter (the per-request check)."""
        row = self.store.fetch_one("SELECT VERSION FROM PM3MOCK_CONTROL WHERE NAME = ?", (_ROW,))
        return int(row[0]) if row else 0  # type: ignore[call-overload]

    def snapshot(self) -> Snapshot:
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT VERSION, CLOCK_OFFSET, CLOCK_FROZEN FROM PM3MOCK_CONTROL WHERE NAME = ?",
                (_ROW,),
            ).fetchone()
            rows = db.execute(
                "SELECT ID, SPEC, TIMES, HITS FROM PM3MOCK_OVERRIDES"
                " WHERE TIMES IS NULL OR HITS < TIMES ORDER BY ID"
            ).fetchall()
        version, offset, frozen = row if row else (0, 0.0, None)
        return Snapshot(
            int(version),
            float(offset),
            None if frozen is None else float(frozen),
            tuple(
                SharedOverride(int(i), str(s), None if t is None else int(t), int(h))
                for i, s, t, h in rows
            ),
        )

    def _bump(self, db: Tx, sets: str = "", params: tuple[object, ...] = ()) -> None:
        db.execute(
            f"UPDATE PM3MOCK_CONTROL SET VERSION = VERSION + 1{sets} WHERE NAME = ?",
            (*params, _ROW),
        )

    def set_clock(self, offset: float, frozen: float | None) -> None:
        with self.store.transaction() as db:
            self._bump(db, ", CLOCK_OFFSET = ?, CLOCK_FROZEN = ?", (offset, frozen))

    def add_override(self, spec: str, times: int | None) -> int:
        """Store an override; its id (1, 2, 3... in the order the hosts added them)."""
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT COALESCE(MAX(ID), 0) + 1 FROM PM3MOCK_OVERRIDES"
                + self.store.backend.locking_read
            ).fetchone()
            new_id = int(row[0])
            db.execute(
                "INSERT INTO PM3MOCK_OVERRIDES (ID, SPEC, TIMES, HITS) VALUES (?, ?, ?, 0)",
                (new_id, spec, times),
            )
            self._bump(db)
        return new_id

    def claim(self, override_id: int) -> bool:
        """Use an override once; false when its uses are gone (another host took the last)."""
        with self.store.transaction() as db:
            took = db.execute(
                "UPDATE PM3MOCK_OVERRIDES SET HITS = HITS + 1"
                " WHERE ID = ? AND (TIMES IS NULL OR HITS < TIMES)",
                (override_id,),
            ).rowcount
            if took:
                left = db.execute(
                    "SELECT 1 FROM PM3MOCK_OVERRIDES WHERE ID = ? AND TIMES IS NOT NULL"
                    " AND HITS >= TIMES",
                    (override_id,),
                ).fetchone()
                if left is not None:  # used up: the other hosts must drop it too
                    self._bump(db)
        return bool(took)

    def clear_overrides(self) -> None:
        with self.store.transaction() as db:
            db.execute("DELETE FROM PM3MOCK_OVERRIDES")
            self._bump(db)


class SharedClock(Clock):
    """A :class:`Clock` whose every change is written to the store for the other hosts, and
    which takes theirs (:meth:`adopt`) when the store's version moves."""

    def __init__(self) -> None:
        super().__init__()
        self.shared: SharedControl | None = None

    def _publish(self) -> None:
        if self.shared is not None:
            with self._lock:
                offset, frozen = self._offset, self._frozen
            self.shared.set_clock(offset, frozen)

    def adopt(self, offset: float, frozen: float | None) -> None:
        with self._lock:
            self._offset, self._frozen = offset, frozen

    def freeze(self, at: float | None = None) -> None:
        super().freeze(at)
        self._publish()

    def unfreeze(self) -> None:
        super().unfreeze()
        self._publish()

    def advance(self, seconds: float) -> None:
        super().advance(seconds)
        self._publish()

    def set(self, when: datetime | float) -> None:
        super().set(when)
        self._publish()

    def reset(self) -> None:
        super().reset()
        self._publish()
