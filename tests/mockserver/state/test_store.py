"""The SQLite store: PM's tables, and atomic single use across threads and processes."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest

from mockserver.state.store import ClientRow
from mockserver.state.store import TokenRow
from mockserver.state.store import WorkspaceStore

TOKEN = "9ed17b93a0731e218a3a85b52974afaf23838337"


def _row(token: str = TOKEN) -> TokenRow:
    return TokenRow(token, "HWAYUEGWRMWNVLSTKPXAJDZGUQKAXKSF", "u1", "2030-01-01 00:00:00", "*")


def test_tables_are_shaped_like_processmakers() -> None:
    store = WorkspaceStore()
    columns = {
        table: [r[1] for r in store.query(f"PRAGMA table_info({table})")]
        for table in (
            "OAUTH_ACCESS_TOKENS",
            "OAUTH_REFRESH_TOKENS",
            "OAUTH_AUTHORIZATION_CODES",
            "OAUTH_CLIENTS",
        )
    }
    assert columns["OAUTH_ACCESS_TOKENS"] == [
        "ACCESS_TOKEN",
        "CLIENT_ID",
        "USER_ID",
        "EXPIRES",
        "SCOPE",
    ]
    assert columns["OAUTH_AUTHORIZATION_CODES"] == [
        "AUTHORIZATION_CODE",
        "CLIENT_ID",
        "USER_ID",
        "REDIRECT_URI",
        "EXPIRES",
        "SCOPE",
    ]
    assert columns["OAUTH_CLIENTS"] == [
        "CLIENT_ID",
        "CLIENT_SECRET",
        "CLIENT_NAME",
        "CLIENT_DESCRIPTION",
        "CLIENT_WEBSITE",
        "REDIRECT_URI",
        "USR_UID",
    ]


def test_the_documentations_trigger_query_runs() -> None:
    store = WorkspaceStore()
    store.insert_access_token(_row())
    rows = store.query(
        "SELECT ACCESS_TOKEN FROM OAUTH_ACCESS_TOKENS WHERE USER_ID='u1' ORDER BY EXPIRES DESC"
    )
    assert rows == [(TOKEN,)]


def test_case_insensitive_lookup_follows_the_collation() -> None:
    store = WorkspaceStore(case_insensitive=True)
    store.insert_access_token(_row())
    assert store.get_access_token(TOKEN.upper() + " ") is not None
    strict = WorkspaceStore(case_insensitive=False)
    strict.insert_access_token(_row())
    assert strict.get_access_token(TOKEN.upper()) is None


@pytest.mark.parametrize(
    ("suffix", "found"), [(" ", True), ("   ", True), ("\t", False), ("\n", False)]
)
def test_case_insensitive_lookup_ignores_trailing_spaces_only(suffix: str, found: bool) -> None:
    """MySQL's PAD SPACE collations ignore trailing spaces, not other white space."""
    store = WorkspaceStore(case_insensitive=True)
    store.insert_access_token(_row())
    assert (store.get_access_token(TOKEN.upper() + suffix) is not None) is found


def test_concurrent_spends_in_threads_have_exactly_one_winner() -> None:
    store = WorkspaceStore()
    for round_ in range(20):
        token = f"{round_:040x}"
        store.insert_refresh_token(_row(token))
        barrier = threading.Barrier(8)
        wins: list[bool] = []

        def claim(
            token: str = token, barrier: threading.Barrier = barrier, wins: list[bool] = wins
        ) -> None:
            barrier.wait()
            wins.append(store.spend_refresh_token(token))

        threads = [threading.Thread(target=claim) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert wins.count(True) == 1


def _spend_all(path: str, tokens: list[str], results: multiprocessing.Queue[int]) -> None:
    store = WorkspaceStore(Path(path))
    results.put(sum(store.spend_refresh_token(t) for t in tokens))
    store.close()


def test_concurrent_spends_across_processes_have_exactly_one_winner(tmp_path: Path) -> None:
    path = tmp_path / "wf_workflow.sqlite"
    store = WorkspaceStore(path)
    tokens = [f"{i:040x}" for i in range(200)]
    for token in tokens:
        store.insert_refresh_token(_row(token))
    ctx = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue[int] = ctx.Queue()
    procs = [ctx.Process(target=_spend_all, args=(str(path), tokens, results)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    total = sum(results.get(timeout=5) for _ in procs)
    assert total == len(tokens)  # every token spent exactly once, by one of the processes
    assert store.count("OAUTH_REFRESH_TOKENS") == 0


def test_file_store_persists(tmp_path: Path) -> None:
    path = tmp_path / "wf.sqlite"
    store = WorkspaceStore(path)
    store.insert_access_token(_row())
    store.close()
    assert WorkspaceStore(path).get_access_token(TOKEN) is not None


def test_pmoauth_user_access_tokens_is_shaped_like_pms() -> None:
    store = WorkspaceStore()
    info = store.query("PRAGMA table_info(PMOAUTH_USER_ACCESS_TOKENS)")
    # (name, type, notnull, pk) as schema.sql declares them (source fact §10)
    assert [(r[1], r[2], r[3], r[5]) for r in info] == [
        ("ACCESS_TOKEN", "VARCHAR(40)", 1, 1),
        ("REFRESH_TOKEN", "VARCHAR(40)", 1, 0),
        ("USER_ID", "VARCHAR(32)", 0, 0),
        ("SESSION_ID", "VARCHAR(64)", 1, 0),
        ("SESSION_NAME", "VARCHAR(64)", 1, 0),
    ]
    store.link_user_access_token("a" * 40, "r" * 40, "u1", "sid", "PHPSESSID")
    assert store.count("PMOAUTH_USER_ACCESS_TOKENS") == 1
    store.clear()
    assert store.count("PMOAUTH_USER_ACCESS_TOKENS") == 0


def test_a_session_message_is_shown_once_and_dies_with_the_session() -> None:
    store = WorkspaceStore()
    store.set_session_message("sid", "User does not have rights on this page.", "error")
    assert store.pop_session_message("sid") == ("User does not have rights on this page.", "error")
    assert store.pop_session_message("sid") is None
    store.set_session_message("sid", "m", "error")
    store.delete_session("sid")
    assert store.pop_session_message("sid") is None


def test_a_clients_callback_can_be_registered_again() -> None:
    store = WorkspaceStore()
    store.add_client(ClientRow("c", "s", "n", "", "", "/old", "u"))
    assert store.set_client_redirect_uri("c", "http://h/new")
    assert not store.set_client_redirect_uri("missing", "http://h/new")
    client = store.get_client("c")
    assert client is not None and client.redirect_uri == "http://h/new"


def test_clients_are_listed_by_name_for_everyone_or_for_their_owner() -> None:
    store = WorkspaceStore()
    store.add_client(ClientRow("c1", "s", "Zeta", "", "", "", "alice"))
    store.add_client(ClientRow("c2", "s", "Alpha", "", "", "", "bob"))
    store.add_client(ClientRow("c3", "s", "Mu", "", "", "", "alice"))
    assert [c.client_id for c in store.list_clients()] == ["c2", "c3", "c1"]
    assert [c.client_id for c in store.list_clients("alice")] == ["c3", "c1"]
    assert store.list_clients("nobody") == []


def test_delete_client_says_whether_a_row_went() -> None:
    store = WorkspaceStore()
    store.add_client(ClientRow("c", "s", "n", "", "", "", "u"))
    assert store.delete_client("missing") is False
    assert store.delete_client("c") is True
    assert store.get_client("c") is None
    assert store.delete_client("c") is False


def _expiring_store() -> WorkspaceStore:
    """Access and refresh tokens of users u1/u2 under clients A/B, all far from expiry."""
    store = WorkspaceStore()
    for n, (user, client) in enumerate([("u1", "A"), ("u1", "B"), ("u2", "A"), ("u2", "B")]):
        row = TokenRow(f"{n:040x}", client, user, "2030-01-01 00:00:00", "*")
        store.insert_access_token(row)
        store.insert_refresh_token(row)
    return store


def _expired(store: WorkspaceStore) -> set[tuple[str, str | None, str]]:
    """(table, user, client) of every row whose EXPIRES was rewritten."""
    out: set[tuple[str, str | None, str]] = set()
    for table in ("OAUTH_ACCESS_TOKENS", "OAUTH_REFRESH_TOKENS"):
        rows = store.query(f"SELECT USER_ID, CLIENT_ID FROM {table} WHERE EXPIRES = '2000-01-01'")
        out |= {(table, str(r[0]), str(r[1])) for r in rows}
    return out


@pytest.mark.parametrize(
    ("user_id", "client_id", "hit"),
    [
        (None, None, {("u1", "A"), ("u1", "B"), ("u2", "A"), ("u2", "B")}),
        ("u1", None, {("u1", "A"), ("u1", "B")}),
        (None, "B", {("u1", "B"), ("u2", "B")}),
        ("u2", "A", {("u2", "A")}),
    ],
)
def test_expire_tokens_hits_only_the_user_and_client_asked_for(
    user_id: str | None, client_id: str | None, hit: set[tuple[str, str]]
) -> None:
    store = _expiring_store()
    count = store.expire_tokens("2000-01-01", user_id=user_id, client_id=client_id)
    assert count == 2 * len(hit)  # one access and one refresh row per pair
    assert _expired(store) == {
        (table, user, client)
        for table in ("OAUTH_ACCESS_TOKENS", "OAUTH_REFRESH_TOKENS")
        for user, client in hit
    }


def test_a_user_has_a_live_session_until_it_expires() -> None:
    store = WorkspaceStore()
    store.create_session("sid", "u1", "2026-11-30 12:00:00")
    assert store.user_has_live_session("u1", "2026-11-30 11:59:59")
    assert store.user_has_live_session("u1", "2026-11-30 12:00:00")  # EXPIRES >= now
    assert not store.user_has_live_session("u1", "2026-11-30 12:00:01")
    assert not store.user_has_live_session("u2", "2026-11-30 11:00:00")
    store.delete_session("sid")
    assert not store.user_has_live_session("u1", "2026-11-30 11:00:00")
