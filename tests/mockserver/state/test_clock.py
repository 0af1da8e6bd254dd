"""The injectable clock: frozen, advanced, set and let run again; stamps in PM's ``Y-m-d H:i:s``."""

from __future__ import annotations

import time
from datetime import UTC
from datetime import datetime

import pytest

from mockserver.state.clock import LATEST
from mockserver.state.clock import NEVER
from mockserver.state.clock import Clock
from mockserver.state.clock import from_stamp
from mockserver.state.clock import to_stamp

# 2020-01-02 03:04:05 UTC, far from the real time so that a jump to "now" shows
INSTANT = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC).timestamp()


def test_a_frozen_clock_stands_still_and_advances_only_when_told() -> None:
    clock = Clock(frozen_at=INSTANT)
    assert clock.frozen
    assert clock.now() == INSTANT
    clock.advance(90)
    assert clock.now() == INSTANT + 90
    assert clock.stamp() == "2020-01-02 03:05:35"


def test_unfreezing_continues_from_the_frozen_instant() -> None:
    clock = Clock()
    clock.freeze(INSTANT)
    clock.advance(3600)
    clock.unfreeze()
    assert not clock.frozen
    now = clock.now()
    # time runs on from where it stood: not back at the real time, not mirrored around it
    assert INSTANT + 3600 <= now < INSTANT + 3600 + 60
    time.sleep(0.01)
    assert clock.now() > now


def test_unfreezing_a_running_clock_changes_nothing() -> None:
    clock = Clock()
    clock.set(INSTANT)
    clock.unfreeze()
    assert INSTANT <= clock.now() < INSTANT + 60


def test_a_running_clock_can_be_advanced_and_reset() -> None:
    clock = Clock()
    clock.advance(86400 * 365)
    assert clock.now() - time.time() == pytest.approx(86400 * 365, abs=60)
    clock.advance(86400)  # steps add up
    assert clock.now() - time.time() == pytest.approx(86400 * 366, abs=60)
    clock.reset()
    assert abs(clock.now() - time.time()) < 0.5


def test_setting_a_frozen_clock_moves_the_frozen_instant() -> None:
    clock = Clock(frozen_at=INSTANT)
    clock.set(datetime(2021, 1, 1, tzinfo=UTC))
    assert clock.frozen
    assert clock.stamp() == "2021-01-01 00:00:00"


def test_advancing_out_of_range_changes_nothing() -> None:
    clock = Clock(frozen_at=INSTANT)
    with pytest.raises(ValueError, match="between 1970-01-01 and 9000-01-01"):
        clock.advance(-INSTANT - 1)
    assert clock.now() == INSTANT


def test_freeze_without_an_instant_keeps_the_current_time() -> None:
    clock = Clock()
    clock.set(INSTANT)
    clock.freeze()
    assert INSTANT <= clock.now() < INSTANT + 60
    assert clock.frozen


@pytest.mark.parametrize(
    "stamp",
    ["1970-01-01 00:00:00", "2020-01-02 03:04:05", "2038-01-19 03:14:08", "8999-12-31 23:59:59"],
)
def test_stamps_round_trip(stamp: str) -> None:
    assert to_stamp(from_stamp(stamp)) == stamp


def test_from_stamp_reads_utc_whatever_the_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert from_stamp("2020-01-02 03:04:05") == INSTANT
        assert to_stamp(INSTANT) == "2020-01-02 03:04:05"
    finally:
        monkeypatch.undo()
        time.tzset()
    assert from_stamp("1970-01-01 00:01:00") == 60.0


def test_to_stamp_drops_fractions_and_caps_at_never() -> None:
    assert to_stamp(INSTANT + 0.999) == "2020-01-02 03:04:05"
    assert to_stamp(float("inf")) == NEVER
    assert to_stamp(float("nan")) == NEVER


def test_a_running_clock_checks_its_range_from_the_time_it_shows() -> None:
    """The range is checked on the running clock's own time (real time plus its offset)."""
    year = 86400 * 365
    late = Clock()
    late.set(LATEST - 2 * year)  # shows 8998: one more year is still in range
    late.advance(year)
    assert LATEST - year <= late.now() < LATEST - year + 60
    early = Clock()
    early.set(INSTANT)  # shows 2020: sixty years back leaves the range, and nothing moves
    with pytest.raises(ValueError, match="between 1970-01-01 and 9000-01-01"):
        early.advance(-60 * year)
    assert INSTANT <= early.now() < INSTANT + 60
