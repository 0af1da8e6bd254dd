"""The REST door probes: which route table a server has, how it refuses a permission; read-only."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from conformance import Target
from conformance import load_credentials
from conformance import restprobe
from conformance.fingerprint import probe
from conformance.http import HttpTransport
from conformance.record import Recording
from conformance.record import record
from conformance.target import Credentials
from mockserver import PROFILES
from mockserver import MockServer
from mockserver import Profile
from mockserver import SeedUser
from mockserver import default_seed
from mockserver.protocol import restler_routes
from mockserver.state.rbac import OPERATOR_ROLE
from mockserver.state.seed import DOC_CLIENT_ID
from mockserver.state.seed import DOC_CLIENT_SECRET

CREDENTIALS = load_credentials(env={})
RELEASES = restler_routes.releases()


def _record(profile: Profile, credentials: Credentials = CREDENTIALS, **kw: object) -> Recording:
    with MockServer(profile=profile, **kw) as pm:  # type: ignore[arg-type]
        with Target.url(pm.url, "workflow", rate=0).session() as session:
            recording = record(session.transport, session.workspace, credentials, url=pm.url)
        api = [e.request for e in pm.journal if e.request.path.startswith("/api/")]
    # read-only: nothing but GETs reached the REST API
    assert api and {r.method for r in api} == {"GET"}
    return recording


# --- the paths come from the tables ------------------------------------------------------------
def test_each_probed_path_is_a_protected_route_in_one_release_and_404_in_another() -> None:
    paths = restprobe.release_paths()
    assert 0 < len(paths) <= len(RELEASES)
    for p in paths:
        for release in RELEASES:
            found = restler_routes.table(release).find("GET", p.path)
            if isinstance(found, restler_routes.Found):
                assert found.route.access != "public" and p.predictions[release] == "401"
            else:
                assert found.status == 404 and p.predictions[release] == "404"
        assert set(p.predictions.values()) == {"401", "404"}


def test_the_paths_tell_every_two_different_tables_apart() -> None:
    for a, b in itertools.combinations(RELEASES, 2):
        told = any(p.predictions[a] != p.predictions[b] for p in restprobe.release_paths())
        d = restler_routes.diff(a, b)
        assert told == bool(d.added or d.removed or d.changed), (a, b)
    assert restprobe.same_table("3.4.10") == ("3.4.10", "3.4.11")


def test_a_tie_between_identical_tables_is_broken_by_the_token_error_status() -> None:
    votes = restprobe.release_votes(
        {p.path: p.predictions["3.4.10"] for p in restprobe.release_paths()}, "3.0.0rc5"
    )
    assert votes["3.4.10"] == votes["3.4.11"] == max(votes.values())
    assert restprobe.pick_release(votes, None) == "3.4.10"
    assert restprobe.pick_release(votes, 200) == "3.4.11"
    assert "identical table" in restprobe.release_note(votes, "3.4.11")


# --- against the mock --------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(PROFILES))
def test_record_measures_both_fields_under_every_profile(name: str) -> None:
    recording = _record(PROFILES[name])
    assert recording.measured["rest_release"].value == PROFILES[name].rest_release
    assert recording.measured["permission_refusal"].value == PROFILES[name].permission_refusal
    for m in (recording.measured["rest_release"], recording.measured["permission_refusal"]):
        assert m.evidence and all(
            e["request"].startswith("GET /api/1.0/workflow/") for e in m.evidence
        )


@pytest.mark.parametrize("name", list(PROFILES))
def test_fingerprint_observes_the_rest_door_under_every_profile(name: str) -> None:
    with MockServer(name) as pm:
        result = probe(HttpTransport(pm.url), "workflow", CREDENTIALS)
    rest = [o for o in result.observations if o.name.startswith("GET ")]
    assert len(rest) == len(restprobe.release_paths())
    assert all(o.predictions[name] == o.observed for o in rest)
    refusal = next(o for o in result.observations if o.name == "permission refusal")
    assert refusal.observed == PROFILES[name].permission_refusal
    assert f"route table {PROFILES[name].rest_release}:" in result.render()


@pytest.mark.parametrize(
    ("base", "release"),
    [
        (b, r)
        for b in ("pm-3.0-rc", "pm-3.4.10")
        for r in RELEASES
        if r not in restprobe.same_table(PROFILES[b].rest_release)
    ],
)
def test_a_mock_serving_another_release_s_table_is_told_apart(base: str, release: str) -> None:
    served = dataclasses.replace(PROFILES[base], name="other-table", rest_release=release)
    measured = _record(served).measured["rest_release"].value
    # 3.4.10 and 3.4.11 serve identical tables and RBAC data: either is the truth
    assert measured in restprobe.same_table(release)
    assert measured not in restprobe.same_table(PROFILES[base].rest_release)
    with MockServer(served) as pm:
        result = probe(HttpTransport(pm.url), "workflow", CREDENTIALS)
    assert any(
        o.name.startswith("GET ") and o.observed != o.predictions[base] for o in result.observations
    )


@pytest.mark.parametrize("refusal", ["constructor-400", "access-control-401"])
def test_a_mock_refusing_the_other_way_is_told_apart(refusal: str) -> None:
    base = "pm-3.0-rc" if refusal == "access-control-401" else "pm-3.4.10"
    served = dataclasses.replace(
        PROFILES[base], name="other-refusal", rest_release="3.4.10", permission_refusal=refusal
    )
    assert _record(served).measured["permission_refusal"].value == refusal


def test_a_user_holding_every_permission_leaves_the_field_inherited_and_says_why() -> None:
    admin = Credentials(DOC_CLIENT_ID, DOC_CLIENT_SECRET, "admin", "admin")
    recording = _record(PROFILES["pm-3.4.10"], admin)
    assert "permission_refusal" not in recording.measured
    assert "permission_refusal" in recording.inherited
    note = recording.notes["permission_refusal"]
    assert note.startswith("not measured: the user holds the permission") and "GET " in note
    assert "permission_refusal: not measured" in recording.profile_file("x")["summary"]
    assert "not measured: the user holds" in recording.table()


def test_an_operator_is_refused_by_access_control_on_3_2() -> None:
    seed = default_seed()
    seed = dataclasses.replace(seed, users=(*seed.users, SeedUser("op", "pw", role=OPERATOR_ROLE)))
    served = dataclasses.replace(PROFILES["pm-3.4.10"], name="on-3.2", rest_release="3.2")
    operator = Credentials(DOC_CLIENT_ID, DOC_CLIENT_SECRET, "op", "pw")
    recording = _record(served, operator, seed=seed)
    assert recording.measured["rest_release"].value == "3.2"
    assert recording.measured["permission_refusal"].value == "access-control-401"


def test_a_successful_read_keeps_no_data_in_the_evidence() -> None:
    recording = _record(PROFILES["pm-3.4.10"])
    evidence = recording.measured["permission_refusal"].evidence
    assert evidence[0]["status"] != 401  # the control: the token is accepted without a permission
    assert evidence[-1]["status"] == 401
    for e in evidence:
        if 200 <= e["status"] < 300:
            assert e["body"].endswith("bytes not kept)")


def test_no_token_reaches_the_unauthenticated_probes() -> None:
    with MockServer("pm-3.4.11") as pm:
        with Target.url(pm.url, "workflow", rate=0).session() as session:
            record(session.transport, session.workspace, CREDENTIALS, url=pm.url)
        probed = {f"/api/1.0/workflow/{p.path}" for p in restprobe.release_paths()}
        sent = [e.request for e in pm.journal if e.request.path in probed]
    # the route-table probes come first, one GET per path, without a token (a path may be
    # probed again later, with the user's token, by the permission probe)
    first = sent[: len(probed)]
    assert {r.path for r in first} == probed
    assert all("Authorization" not in r.headers for r in first)
