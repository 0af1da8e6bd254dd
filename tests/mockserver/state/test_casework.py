"""The workflow tables: the seeded demo process, cases, routing and the lists' queries."""

from __future__ import annotations

from mockserver.state import casework
from mockserver.state.rbac import ADMIN_ROLE
from mockserver.state.seed import ADMIN_UID
from mockserver.state.seed import Seed
from mockserver.state.seed import SeedUser
from mockserver.state.seed import default_seed
from mockserver.state.store import WorkspaceStore
from tests.mockserver.state.conftest import Seeded

NOW = "2024-01-02 03:04:05"
DUE = "2024-01-03 03:04:05"
RISK = "2024-01-02 22:16:05"


def assignees(store: WorkspaceStore, tas_uid: str) -> list[str]:
    rows = store.fetch_all(
        "SELECT U.USR_USERNAME FROM TASK_USER TU JOIN RBAC_USERS U ON U.USR_UID = TU.USR_UID "
        "WHERE TU.TAS_UID = ? ORDER BY 1",
        (tas_uid,),
    )
    return [str(r[0]) for r in rows]


def start(store: WorkspaceStore, username: str) -> casework.NewCase:
    user = store.find_user(username)
    assert user is not None
    return casework.create_case(
        store,
        pro_uid=casework.DEMO_PRO_UID,
        tas_uid=casework.DEMO_START_TAS_UID,
        usr_uid=user.uid,
        username=user.username,
        workspace="workflow",
        variables={"amount": 5},
        now=NOW,
        due=DUE,
        risk=RISK,
    )


def route_current(store: WorkspaceStore, app_uid: str) -> int | None:
    delegation = casework.get_delegation(store, app_uid, casework.last_index(store, app_uid))
    assert delegation is not None
    target = casework.next_task(store, delegation.tas_uid)
    assert target is not None
    return casework.route(store, delegation, target=target, now=NOW, due=DUE, risk=RISK)


def test_default_seed_assigns_the_start_task_to_everyone_and_review_to_admins(
    seeded: Seeded,
) -> None:
    store = seeded()
    assert assignees(store, casework.DEMO_START_TAS_UID) == ["admin", "johndoe"]
    assert assignees(store, casework.DEMO_REVIEW_TAS_UID) == ["admin"]
    assert [p.prj_uid for p in casework.list_projects(store)] == [casework.DEMO_PRO_UID]


def test_seeding_twice_is_idempotent_and_keeps_cases(seeded: Seeded) -> None:
    store = seeded()
    start(store, "johndoe")
    before = casework.snapshot(store)
    default_seed().apply(store, workspace="workflow")
    assert casework.snapshot(store) == before
    assert casework.count_rows(store, "TASK") == 2


def test_clear_then_seed_empties_the_cases(seeded: Seeded) -> None:
    store = seeded()
    start(store, "johndoe")
    store.clear()
    default_seed().apply(store, workspace="workflow")
    assert casework.count_rows(store, "APPLICATION") == 0
    assert assignees(store, casework.DEMO_START_TAS_UID) == ["admin", "johndoe"]


def test_a_seed_without_administrator_makes_everyone_a_reviewer(seeded: Seeded) -> None:
    store = seeded(Seed((SeedUser("ann", "pw"), SeedUser("bob", "pw")), replace=True))
    assert assignees(store, casework.DEMO_REVIEW_TAS_UID) == ["ann", "bob"]


def test_a_user_seeded_later_may_start_but_does_not_review(seeded: Seeded) -> None:
    store = seeded()
    Seed((SeedUser("carol", "pw"),)).apply(store, workspace="workflow")
    assert assignees(store, casework.DEMO_START_TAS_UID) == ["admin", "carol", "johndoe"]
    assert assignees(store, casework.DEMO_REVIEW_TAS_UID) == ["admin"]


def test_start_tasks_of_a_user(seeded: Seeded) -> None:
    store = seeded()
    john = store.find_user("johndoe")
    assert john is not None
    (task,) = casework.start_tasks(store, john.uid)
    assert (task.tas_uid, task.tas_title, task.pro_title) == (
        casework.DEMO_START_TAS_UID,
        "Request",
        "Expense Report",
    )
    assert casework.start_tasks(store, "nobody") == []


def test_cases_are_numbered_and_hold_their_data(seeded: Seeded) -> None:
    store = seeded()
    first, second = start(store, "johndoe"), start(store, "admin")
    assert (first.app_number, second.app_number, first.del_index) == (1, 2, 1)
    app = casework.get_application(store, first.app_uid)
    assert app is not None
    assert (app.status, app.title, app.data["amount"], app.data["APP_NUMBER"]) == (
        "DRAFT",
        "#1",
        5,
        1,
    )


def test_routing_goes_to_review_then_completes(seeded: Seeded) -> None:
    store = seeded()
    case = start(store, "johndoe")
    assert route_current(store, case.app_uid) == 2
    delegation = casework.get_delegation(store, case.app_uid, 2)
    assert delegation is not None
    assert (delegation.usr_uid, delegation.tas_uid) == (ADMIN_UID, casework.DEMO_REVIEW_TAS_UID)
    assert route_current(store, case.app_uid) is None
    app = casework.get_application(store, case.app_uid)
    assert app is not None and app.status == "COMPLETED"
    assert casework.open_indexes(store, case.app_uid) == []


def test_review_is_balanced_between_administrators(seeded: Seeded) -> None:
    seed = Seed(
        (
            SeedUser("boss1", "pw", role=ADMIN_ROLE),
            SeedUser("boss2", "pw", role=ADMIN_ROLE),
            SeedUser("clerk", "pw"),
        ),
        replace=True,
    )
    store = seeded(seed)
    reviewers = []
    for _ in range(3):
        case = start(store, "clerk")
        index = route_current(store, case.app_uid)
        assert index is not None
        delegation = casework.get_delegation(store, case.app_uid, index)
        assert delegation is not None
        user = store.get_user(delegation.usr_uid)
        assert user is not None
        reviewers.append(user.username)
    assert reviewers == ["boss1", "boss2", "boss1"]


def test_set_variables_merges(seeded: Seeded) -> None:
    store = seeded()
    case = start(store, "johndoe")
    app = casework.get_application(store, case.app_uid)
    assert app is not None
    casework.set_variables(store, case.app_uid, {**app.data, "amount": 9, "new": "x"}, NOW)
    updated = casework.get_application(store, case.app_uid)
    assert updated is not None
    assert (updated.data["amount"], updated.data["new"], updated.data["PIN"]) == (
        9,
        "x",
        app.data["PIN"],
    )


def test_participated_list_has_one_row_per_case(seeded: Seeded) -> None:
    store = seeded()
    john = store.find_user("johndoe")
    assert john is not None
    case = start(store, "johndoe")
    route_current(store, case.app_uid)
    rows, total = casework.list_cases(store, casework.ListQuery("sent", john.uid))
    assert total == 1
    assert [(r["APP_UID"], r["DEL_INDEX"]) for r in rows] == [(case.app_uid, "1")]
    todo, todo_total = casework.list_cases(store, casework.ListQuery("todo", ADMIN_UID))
    assert (todo_total, [r["DEL_INDEX"] for r in todo]) == (1, ["2"])


def test_lists_sort_by_a_selected_column_only(seeded: Seeded) -> None:
    store = seeded()
    john = store.find_user("johndoe")
    assert john is not None
    for _ in range(2):
        start(store, "johndoe")
    by_title, _ = casework.list_cases(
        store, casework.ListQuery("draft", john.uid, sort="APP_CACHE_VIEW.APP_TITLE", dir="ASC")
    )
    # a column the list does not select falls back to APP_NUMBER (Applications.php l.725-731)
    unknown, _ = casework.list_cases(
        store, casework.ListQuery("draft", john.uid, sort="USERS.USR_PASSWORD", dir="DESC")
    )
    assert [r["APP_TITLE"] for r in by_title] == ["#1", "#2"]
    assert [r["APP_NUMBER"] for r in unknown] == ["2", "1"]


def test_list_of_everyone_with_a_date_filter(seeded: Seeded) -> None:
    store = seeded()
    start(store, "johndoe")
    start(store, "admin")
    everyone, total = casework.list_cases(store, casework.ListQuery("search", ""))
    later, later_total = casework.list_cases(
        store, casework.ListQuery("search", "", date_from="2024-01-03")
    )
    same_day, _ = casework.list_cases(
        store, casework.ListQuery("search", "", date_from="2024-01-02", date_to="2024-01-02")
    )
    assert (total, len(everyone)) == (2, 2)
    assert (later_total, later) == (0, [])
    assert len(same_day) == 2
