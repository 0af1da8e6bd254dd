"""The SQLite store: PM's tables, and atomic single use across threads and processes."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

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


def test_concurrent_claims_in_threads_have_exactly_one_winner() -> None:
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
            wins.append(store.claim_refresh_token(token))

        threads = [threading.Thread(target=claim) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert wins.count(True) == 1


def _claim_all(path: str, tokens: list[str], results: multiprocessing.Queue[int]) -> None:
    store = WorkspaceStore(Path(path))
    results.put(sum(store.claim_refresh_token(t) for t in tokens))
    store.close()


def test_concurrent_claims_across_processes_have_exactly_one_winner(tmp_path: Path) -> None:
    path = tmp_path / "wf_workflow.sqlite"
    store = WorkspaceStore(path)
    tokens = [f"{i:040x}" for i in range(200)]
    for token in tokens:
        store.insert_refresh_token(_row(token))
    ctx = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue[int] = ctx.Queue()
    procs = [ctx.Process(target=_claim_all, args=(str(path), tokens, results)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    total = sum(results.get(timeout=5) for _ in procs)
    assert total == len(tokens)  # every token claimed exactly once, by one of the processes
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
