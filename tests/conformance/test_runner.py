"""The runner's worker processes: fork only while the process is single-threaded."""

from __future__ import annotations

import multiprocessing
import threading

import pytest

from conformance import CHECKS
from conformance import Target
from conformance import load_credentials
from conformance.runner import _worker_context
from conformance.runner import run
from mockserver import get_profile

LINUX_LIKE = "fork" in multiprocessing.get_all_start_methods()


@pytest.mark.skipif(not LINUX_LIKE, reason="fork is a POSIX start method")
def test_workers_fork_only_from_a_single_threaded_process() -> None:
    if threading.active_count() == 1:
        assert _worker_context().get_start_method() == "fork"
    stop = threading.Event()
    helper = threading.Thread(target=stop.wait)
    helper.start()
    try:
        assert _worker_context().get_start_method() in ("forkserver", "spawn")
    finally:
        stop.set()
        helper.join()


def test_two_workers_give_the_results_of_one() -> None:
    specs = CHECKS.select(["PM3-TOKEN-PASSWORD-001", "PM3-TOKEN-ERRORS-004", "PM3-WS-001"])
    args = (specs, Target.mock("documented"), get_profile("documented"), load_credentials(env={}))
    serial = run(*args, workers=1)
    parallel = run(*args, workers=2)
    assert [(r.id, r.outcome) for r in parallel.results] == [
        (r.id, r.outcome) for r in serial.results
    ]
    assert all(r.outcome == "passed" for r in parallel.results)
