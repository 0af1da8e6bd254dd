"""Generated ids in ProcessMaker's formats (source fact §6)."""

from __future__ import annotations

import pytest

from mockserver.state import formats
from mockserver.state.formats import CLIENT_ID_RE
from mockserver.state.formats import TOKEN_RE
from mockserver.state.formats import UID_RE
from mockserver.state.formats import SequentialTokens
from mockserver.state.formats import new_client_id
from mockserver.state.formats import new_token
from mockserver.state.formats import new_unique_id


def test_a_unique_id_carries_uniqids_time_of_a_fixed_clock() -> None:
    # G::generateUniqueID: 9 random digits, uniqid's 8 hex seconds and 5 hex microseconds, ...
    uid = new_unique_id(1_577_934_245.25)
    assert UID_RE.match(uid)
    assert uid[9:17] == f"{1_577_934_245:08x}"
    assert uid[17:22] == f"{250_000:05x}"
    assert uid[23] == "0"


def test_unique_id_microseconds_are_truncated_not_rounded() -> None:
    # 0.9999995 s is 999999 whole microseconds: the second does not roll over
    assert new_unique_id(1.9999995)[9:22] == "00000001" + "f423f"
    assert new_unique_id(7.000001)[9:22] == "00000007" + "00001"


def test_a_unique_id_keeps_its_shape_at_the_top_of_the_random_ranges(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(formats.secrets, "randbelow", lambda n: n - 1)
    uid = new_unique_id(7.0)
    assert uid == "999999999" + "00000007" + "00000" + "9" + "0" + "99999999"
    assert UID_RE.match(uid)


def test_unique_ids_without_a_clock_differ() -> None:
    first, second = new_unique_id(), new_unique_id()
    assert UID_RE.match(first) and UID_RE.match(second)
    assert first != second


def test_tokens_and_client_ids_have_pms_shapes() -> None:
    assert TOKEN_RE.match(new_token())
    assert CLIENT_ID_RE.match(new_client_id())


def test_sequential_tokens_count_up_in_token_format() -> None:
    tokens = SequentialTokens(start=9)
    assert [tokens(), tokens()] == ["0" * 39 + "9", "0" * 38 + "0a"]
    assert TOKEN_RE.match(tokens())


def test_sequential_tokens_start_at_one() -> None:
    assert SequentialTokens()() == "0" * 39 + "1"
