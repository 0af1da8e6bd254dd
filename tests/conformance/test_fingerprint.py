"""The fingerprint names the profile each mock runs, from a harmless probe."""

from __future__ import annotations

import pytest

from conformance.fingerprint import probe
from conformance.http import HttpTransport
from conformance.target import load_credentials
from mockserver import PROFILES
from mockserver import MockServer


@pytest.mark.parametrize("profile", list(PROFILES))
def test_fingerprint_recognises_every_profile(profile: str) -> None:
    with MockServer(profile) as pm:
        result = probe(HttpTransport(pm.url), "workflow", load_credentials(env={}))
        assert result.best == profile, result.render()
        assert result.scores[profile] == len(result.observations)
        # harmless: the tokens it obtained were expired afterwards
        store = pm.workspace()
        live = store.query(
            "SELECT COUNT(*) FROM OAUTH_ACCESS_TOKENS WHERE EXPIRES > ?", (pm.clock.stamp(),)
        )
        assert live == [(0,)]
        # no wrong password was sent
        assert all(e.request.params.get("password") in (None, "p4ssw0rd") for e in pm.journal)


def test_render_shows_the_evidence() -> None:
    with MockServer("pm-3.4.10") as pm:
        text = probe(HttpTransport(pm.url), "workflow", load_credentials(env={})).render()
    assert "best match: pm-3.4.10" in text
    assert "unknown workspace" in text and "refresh rotates" in text
