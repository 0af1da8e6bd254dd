"""The ``pm3-mockserver`` command: announces itself, serves, stops; user mistakes exit 2 cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from mockserver.cli import main
from mockserver.state.profiles import PROFILES
from tests.mockserver.helpers import password_params


def test_list_profiles(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list-profiles"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out] == list(PROFILES)
    assert "(default)" in out[0]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--profile", "nope"], "unknown profile 'nope'"),
        (["--port", "99999"], "--port must be 0-65535"),
        (["--port", "abc"], "invalid int value"),
        (["--seed", "/does/not/exist.json"], "cannot read"),
        (["--tls-cert", "x.pem"], "--tls-cert and --tls-key go together"),
        (["--bogus"], "unrecognized arguments"),
    ],
)
def test_user_mistakes_exit_2_with_one_line(
    argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own errors exit through parser.exit()
        code = exc.code  # type: ignore[assignment]
    assert code == 2
    err = capsys.readouterr().err
    assert needle in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 or "usage:" in err


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"users": [{"username": "x"}]}), "password"),
        (json.dumps({"clients": "nope"}), "clients"),
    ],
)
def test_bad_seed_files_name_the_problem(
    tmp_path: Path, content: str, needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(content)
    assert main(["--seed", str(seed), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert needle in err and str(seed) in err


def test_serves_until_sigterm_with_a_yaml_seed(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(
        "users:\n  - username: alice\n    password: s3cret\n"
        "clients:\n  - client_id: ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEF\n    client_secret: '123'\n"
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mockserver",
            "--port",
            "0",
            "--seed",
            str(seed),
            "--profile",
            "pm-3.4.10",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert "pm-3.4.10 profile serving at http://127.0.0.1:" in first
        url = first.rsplit(" ", 1)[1].strip()
        body = requests.post(
            f"{url}/workflow/oauth2/token",
            data=password_params(
                username="alice",
                password="s3cret",
                client_id="ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEF",
                client_secret="123",
            ),
            timeout=5,
        ).json()
        assert "access_token" in body
        # the documentation's example credentials are still seeded alongside
        assert (
            "access_token"
            in requests.post(
                f"{url}/workflow/oauth2/token", data=password_params(), timeout=5
            ).json()
        )
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        assert proc.stdout is not None and proc.stderr is not None
        out, err = proc.stdout.read(), proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == 0
    assert "client_id=HWAYUEGWRMWNVLSTKPXAJDZGUQKAXKSF" in first + out
    assert "Traceback" not in err


def test_port_in_use_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    from mockserver import MockServer

    with MockServer() as busy:
        assert main(["--port", str(busy.port)]) == 2
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{busy.port}" in err
    assert len(err.strip().splitlines()) == 1


def test_list_profiles_marks_the_default_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list-profiles"]) == 0
    out = capsys.readouterr().out
    assert out.count("default") == 1 and "(default)" in out.splitlines()[0]
