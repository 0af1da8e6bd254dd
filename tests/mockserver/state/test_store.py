"""The SQLite store: PM's tables, and atomic single use across threads and processes."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

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
