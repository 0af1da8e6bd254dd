"""The REST resources: errors understood, the exact user picked."""

from __future__ import annotations

from conformance.clients.scenarios import ScenarioEnv
from conformance.clients.scenarios import scenario

LOOKALIKES = (("x{}", "Aaberg"), ("{}2", "Abbott"))
"""Users seeded next to the one looked up: their usernames contain its name, and their last
names (ProcessMaker lists users by last name) put them first."""


@scenario(
    "PM3-CLIENT-REST-001",
    source="§9 (GET users: filter matches part of a username, first or last name)",
    needs=("login", "find_user"),
    profile="documented",
    tags=("rest",),
)
def user_lookup_picks_the_exact_username(env: ScenarioEnv) -> None:
    """A user looked up by username is the one with that exact name, not the list's first.

    ``GET users?filter=NAME`` is a substring match (``LIKE '%NAME%'`` on the username, first and
    last name), ordered by last name: looking up ``johndoe`` lists ``xjohndoe`` and ``johndoe2``
    first. The client must pick the element whose ``usr_username`` is the name.
    """
    target = env.credentials["username"]
    user = env.mock.workspace(env.workspace).find_user(target)
    env.expect(user is not None, f"premise: the mock has no user {target!r}")
    assert user is not None
    for pattern, lastname in LOOKALIKES:
        env.mock.add_user(pattern.format(target), "Lookalike-1", lastname=lastname)
    login = env.do("login", scope="*")
    env.expect(login.ok, f"login failed: {login.describe()}")
    outcome = env.do("find_user", username=target)
    lists = [e for e in env.api_requests() if e.request.path.rstrip("/").endswith("/users")]
    env.expect(bool(lists), "the client never listed the users (GET users)")
    env.expect(outcome.ok, f"the lookup failed: {outcome.describe()}")
    found = outcome.result.get("body")
    picked = found.get("usr_username") if isinstance(found, dict) else None
    if picked != target:
        _, listed = lists[-1].status, lists[-1].json()
        names = (
            [u.get("usr_username") for u in listed if isinstance(u, dict)]
            if isinstance(listed, list)
            else []
        )
        where = f", element {names.index(picked)} of {names}" if picked in names else ""
        unfiltered = not any(k in lists[-1].request.query for k in ("filter", "lfilter", "rfilter"))
        env.expect(
            False,
            f"the client picked {picked!r} for {target!r}{where}: `filter` matches any username, "
            "first or last name that contains it, so the element to take is the one whose "
            "usr_username is the name"
            + ("; it sent no filter, so the list held every user" if unfiltered else ""),
        )
    assert isinstance(found, dict)
    env.expect(
        found.get("usr_uid") == user.uid,
        f"the client reported {target!r} with usr_uid {found.get('usr_uid')!r}, not {user.uid!r}",
    )
