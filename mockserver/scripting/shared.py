"""Overrides and the clock shared by every host on one store (``--store``).

:class:`SharedScripting` keeps the overrides in the store (:mod:`mockserver.state.shared`) and
a copy of them in the process: each request first reads the store's change counter (one
statement) and reloads overrides and clock only when another host changed them; a use of an
override with a lifetime is claimed in the store, so ``times=1`` answers once across the hosts.

What cannot be shared is refused, saying why: an override built in Python rather than from data
(the store keeps data, not objects), and ordered overrides (an ordered miss is a failure of the
process that saw it, and the order of requests spread over hosts is no one host's to judge).
"""

from __future__ import annotations

import json
import threading

from mockserver.scripting.matching import RequestInfo
from mockserver.scripting.overrides import Override
from mockserver.scripting.overrides import Scripting
from mockserver.scripting.overrides import override_from_data
from mockserver.state.shared import SharedClock
from mockserver.state.shared import SharedControl


class SharedScripting(Scripting):
    """:class:`Scripting` whose overrides live in a store that other hosts read too."""

    def __init__(self, shared: SharedControl, clock: SharedClock, where: str) -> None:
        super().__init__()
        self.shared = shared
        self.clock = clock
        self.shared_by = where
        self._version = -1
        self._reload = threading.Lock()
        clock.shared = shared
        self.refresh()

    def refresh(self) -> None:
        """Reload overrides and clock if the store's change counter moved (one read if not)."""
        if self.shared.version() == self._version:
            return
        with self._reload:
            snap = self.shared.snapshot()
            if snap.version == self._version:
                return
            overrides = []
            for row in snap.overrides:
                override = override_from_data(json.loads(row.spec))
                override.id, override.hits = row.id, row.hits
                overrides.append(override)
            with self._lock:
                self._ordered.clear()
                self._others[:] = overrides
                self._next_id = max((o.id for o in overrides), default=0) + 1
            self.clock.adopt(snap.clock_offset, snap.clock_frozen)
            self._version = snap.version

    def add(self, override: Override) -> Override:
        if override.spec is None:
            raise ValueError(
                f"{override.describe()}: built in Python, so it cannot be shared with the other "
                f"hosts on {self.shared_by}; give it as data (POST /_pm3/overrides, a scenario)"
            )
        if override.ordered:
            raise ValueError(
                "ordered overrides cannot be shared: a miss is judged by one process, and "
                f"requests spread over the hosts on {self.shared_by} have no one order"
            )
        # Checked as a local add would check it, then stored; the copy comes back on refresh.
        Scripting().add(override)
        override.id = self.shared.add_override(json.dumps(override.spec), override.times)
        self.refresh()
        return override

    def select(self, info: RequestInfo) -> Override | None:
        if info.endpoint == "control":
            return None
        self.refresh()
        for _ in range(3):
            chosen = super().select(info)
            if chosen is None or self.shared.claim(chosen.id):
                return chosen
            self.refresh()  # another host took its last use: decide again on the store's state
        return None

    def clear(self) -> None:
        super().clear()
        self.shared.clear_overrides()
        self.refresh()
