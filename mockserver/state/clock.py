"""An injectable clock: the real time, or frozen, advanced and set by a test.

PM stores ``EXPIRES`` as ``Y-m-d H:i:s`` strings; :func:`Clock.stamp` renders the same form (UTC),
so the store's rows read as ProcessMaker's do and compare lexically.
"""

from __future__ import annotations

import functools
import math
import threading
import time
from datetime import UTC
from datetime import datetime

STAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
NEVER = "9999-12-31 23:59:59"
EARLIEST = 0.0
"""The mock's clock stays between 1970 and the start of 9000, so that now plus any lifetime still
renders as a ``Y-m-d H:i:s`` stamp."""
LATEST = datetime(9000, 1, 1, tzinfo=UTC).timestamp()
_LAST_STAMPABLE = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp()


def checked_instant(epoch: float) -> float:
    """``epoch`` if the clock may show it; :class:`ValueError` naming the range otherwise."""
    if not math.isfinite(epoch) or not EARLIEST <= epoch < LATEST:
        raise ValueError("the mock's clock must stay between 1970-01-01 and 9000-01-01 (UTC)")
    return epoch


class Clock:
    """Wall-clock time with an offset, or a frozen instant. Thread-safe."""

    def __init__(self, *, frozen_at: float | None = None) -> None:
        self._lock = threading.Lock()
        self._offset = 0.0
        self._frozen: float | None = frozen_at

    def now(self) -> float:
        """Seconds since the epoch as the mock sees them."""
        with self._lock:
            if self._frozen is not None:
                return self._frozen
            return time.time() + self._offset

    def freeze(self, at: float | None = None) -> None:
        """Stop time at ``at`` (default: now)."""
        current = self.now() if at is None else checked_instant(at)
        with self._lock:
            self._frozen = current

    def unfreeze(self) -> None:
        """Let time run again from where it stands."""
        with self._lock:
            if self._frozen is not None:
                self._offset = self._frozen - time.time()
                self._frozen = None

    def advance(self, seconds: float) -> None:
        """Move time forward (or back, with a negative value).

        :raises ValueError: if the result would leave the clock's range; nothing changes then.
        """
        with self._lock:
            if self._frozen is not None:
                self._frozen = checked_instant(self._frozen + seconds)
            else:
                checked_instant(time.time() + self._offset + seconds)
                self._offset += seconds

    def set(self, when: datetime | float) -> None:
        """Jump to an instant; keeps running unless frozen."""
        target = checked_instant(when.timestamp() if isinstance(when, datetime) else float(when))
        with self._lock:
            if self._frozen is not None:
                self._frozen = target
            else:
                self._offset = target - time.time()

    def reset(self) -> None:
        with self._lock:
            self._offset = 0.0
            self._frozen = None

    @property
    def frozen(self) -> bool:
        with self._lock:
            return self._frozen is not None

    def stamp(self, offset: float = 0.0) -> str:
        return to_stamp(self.now() + offset)


@functools.lru_cache(maxsize=256)
def _stamp_of_second(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).strftime(STAMP_FORMAT)


def to_stamp(epoch: float) -> str:
    """The ``Y-m-d H:i:s`` stamp of ``epoch``; anything past year 9999 is :data:`NEVER`."""
    if not epoch < _LAST_STAMPABLE:  # also NaN
        return NEVER
    return _stamp_of_second(int(max(epoch, 0.0)))


def from_stamp(stamp: str) -> float:
    return datetime.strptime(stamp, STAMP_FORMAT).replace(tzinfo=UTC).timestamp()
