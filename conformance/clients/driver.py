"""Talking to a client's driver: a command that speaks JSON lines on stdin/stdout.

The driver's first line is a ``hello`` with its capabilities; then each request line gets exactly
one outcome line with the same ``id``. Every step has a timeout. A driver that crashes, hangs,
prints garbage or speaks the protocol wrong raises :class:`DriverError` naming the line — a
harness error (exit 2), never a hang and never a verdict on the client.

A driver runs in a process group of its own (wrappers such as ``npx`` or ``sh -c`` start
children of their own): stopping it ends the whole group, and nothing it leaves behind can hold
the harness. No line is read past :data:`MAX_LINE` bytes, on stdout or stderr.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shlex
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import schemas
from conformance.failures import HarnessError

HELLO_TIMEOUT = 20.0
STEP_TIMEOUT = 30.0
STDERR_KEEP = 4000
MAX_LINE = 1024 * 1024
"""The longest protocol line a driver may write (bytes, newline included); a longer one stops
the driver. Outcome lines are a few kilobytes."""
STOP_GRACE = 3.0
"""Seconds a driver has to exit once its input is closed, before its process group is killed."""


class _Overlong:
    """What the stdout pump hands over in place of a line longer than the cap."""


class DriverError(HarnessError):
    """The driver broke the protocol (or died, or hung)."""


@dataclass(frozen=True, slots=True)
class Capabilities:
    actions: frozenset[str]
    auto_refresh: bool = False
    encodings: frozenset[str] = frozenset({"form"})
    client_auth: frozenset[str] = frozenset({"body"})
    timeout: bool = False

    @classmethod
    def from_hello(cls, data: dict[str, Any]) -> Capabilities:
        caps = data.get("capabilities", {})
        return cls(
            actions=frozenset(caps.get("actions", ())),
            auto_refresh=bool(caps.get("auto_refresh", False)),
            encodings=frozenset(caps.get("encodings", ("form",))),
            client_auth=frozenset(caps.get("client_auth", ("body",))),
            timeout=bool(caps.get("timeout", False)),
        )

    def missing(self, needs: tuple[str, ...]) -> list[str]:
        """Needs are action names or ``auto_refresh``, ``encoding:json``, ``client_auth:basic``, ``timeout``."""
        out = []
        for need in needs:
            if need == "auto_refresh":
                ok = self.auto_refresh
            elif need == "timeout":
                ok = self.timeout
            elif need.startswith("encoding:"):
                ok = need.split(":", 1)[1] in self.encodings
            elif need.startswith("client_auth:"):
                ok = need.split(":", 1)[1] in self.client_auth
            else:
                ok = need in self.actions
            if not ok:
                out.append(need)
        return out


@dataclass(frozen=True, slots=True)
class Outcome:
    ok: bool
    state: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] = field(default_factory=dict)
    error: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def describe(self) -> str:
        if self.ok:
            return "ok"
        e = self.error
        parts = [f"kind={e.get('kind')}"]
        for key in ("error", "error_description", "status"):
            if e.get(key) is not None:
                parts.append(f"{key}={e[key]!r}")
        return "failure (" + ", ".join(parts) + ")"


class Driver:
    """One running driver process.

    :param command: the command line (split like a shell would, without a shell).
    """

    def __init__(
        self,
        command: str,
        *,
        step_timeout: float = STEP_TIMEOUT,
        max_line: int = MAX_LINE,
        stop_grace: float = STOP_GRACE,
    ) -> None:
        self.command = command
        self.step_timeout = step_timeout
        self.max_line = max_line
        self.stop_grace = stop_grace
        self._proc: subprocess.Popen[bytes] | None = None
        self._lines: queue.Queue[str | _Overlong | None] = queue.Queue()
        self._stderr: list[str] = []
        self._next_id = 1
        self.line_no = 0
        self.name = ""
        self.capabilities = Capabilities(frozenset())
        self._pumps: list[threading.Thread] = []

    def start(self) -> Driver:
        try:
            argv = shlex.split(self.command)
        except ValueError as exc:
            raise DriverError(f"--driver {self.command!r}: {exc}") from None
        if not argv:
            raise DriverError("--driver is empty")
        try:
            self._proc = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                start_new_session=True,  # a process group of its own, killed as one by stop()
            )
        except OSError as exc:
            raise DriverError(f"cannot start driver {argv[0]!r}: {exc.strerror or exc}") from None
        self._pumps = [
            threading.Thread(target=self._pump_stdout, daemon=True),
            threading.Thread(target=self._pump_stderr, daemon=True),
        ]
        for pump in self._pumps:
            pump.start()
        try:
            self._handshake()
        except DriverError:
            self.stop()
            raise
        return self

    def _handshake(self) -> None:
        hello = self._read(HELLO_TIMEOUT, "the hello line")
        problems = schemas.errors("driver-message", hello)
        if hello.get("type") != "hello" or problems:
            detail = problems[0] if problems else f"type is {hello.get('type')!r}"
            raise DriverError(f"driver line {self.line_no}: expected a hello, {detail}")
        self.name = str(hello["name"])
        self.capabilities = Capabilities.from_hello(hello)

    def _pump_stdout(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        stream = self._proc.stdout
        while line := stream.readline(self.max_line + 1):
            if len(line) > self.max_line:
                self._lines.put(_Overlong())
                return  # read no more: stop() ends the driver
            self._lines.put(line.decode("utf-8", errors="replace"))
        self._lines.put(None)

    def _pump_stderr(self) -> None:
        """Keep the first :data:`STDERR_KEEP` characters; read (and drop) the rest in bounded
        pieces, so a driver that logs without end neither blocks nor fills the memory."""
        assert self._proc is not None and self._proc.stderr is not None
        stream = self._proc.stderr
        kept = 0
        while piece := stream.readline(STDERR_KEEP):
            if kept < STDERR_KEEP:
                text = piece.decode("utf-8", errors="replace")[: STDERR_KEEP - kept]
                self._stderr.append(text)
                kept += len(text)

    def stderr_tail(self) -> str:
        return "".join(self._stderr)[-800:].strip()

    def _read(self, timeout: float, what: str) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DriverError(
                    f"driver sent nothing for {timeout:g}s while the harness waited for {what} "
                    f"(after line {self.line_no}); it was stopped"
                )
            try:
                line = self._lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if isinstance(line, _Overlong):
                raise DriverError(
                    f"driver line {self.line_no + 1} is longer than {self.max_line} bytes "
                    f"(the line limit) while the harness waited for {what}; it was stopped"
                )
            if line is None:
                code = self._exit_status()
                for pump in self._pumps[1:]:  # stderr: read to its end before quoting it
                    pump.join(timeout=2)
                tail = self.stderr_tail()
                raise DriverError(
                    f"driver exited (status {code}) while the harness waited for {what} "
                    f"(after line {self.line_no})" + (f"; its stderr ends: {tail}" if tail else "")
                )
            self.line_no += 1
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except ValueError:
                raise DriverError(
                    f"driver line {self.line_no} is not JSON: {line.strip()[:120]!r} "
                    "(drivers write logs to stderr, protocol lines to stdout)"
                ) from None
            if not isinstance(data, dict):
                raise DriverError(f"driver line {self.line_no} is not a JSON object")
            return data

    def request(
        self, action: str, server: str, workspace: str, credentials: dict[str, str], **options: Any
    ) -> Outcome:
        """Send one request and wait for its outcome (``step_timeout``, or the option's timeout + 10 s)."""
        assert self._proc is not None and self._proc.stdin is not None
        rid = self._next_id
        self._next_id += 1
        message = {
            "type": "request",
            "id": rid,
            "action": action,
            "server": server,
            "workspace": workspace,
            "credentials": credentials,
            "options": {k: v for k, v in options.items() if v is not None},
        }
        started = time.monotonic()
        try:
            self._proc.stdin.write(json.dumps(message).encode() + b"\n")
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise DriverError(f"driver closed its input before request {rid} ({action})") from None
        timeout = self.step_timeout
        if options.get("timeout"):
            timeout = max(timeout, float(options["timeout"]) + 10)
        data = self._read(timeout, f"the outcome of request {rid} ({action})")
        problems = schemas.errors("driver-message", data)
        if data.get("type") != "outcome" or problems:
            detail = problems[0] if problems else f"type is {data.get('type')!r}"
            raise DriverError(
                f"driver line {self.line_no}: expected the outcome of request {rid}, {detail}"
            )
        if data["id"] != rid:
            raise DriverError(
                f"driver line {self.line_no}: outcome for id {data['id']}, expected {rid}"
            )
        return Outcome(
            ok=bool(data["ok"]),
            state=dict(data.get("state") or {}),
            result=dict(data.get("result") or {}),
            error=dict(data.get("error") or {}),
            seconds=time.monotonic() - started,
        )

    def _exit_status(self) -> int | None:
        """The driver's exit status, once it has exited (within a few seconds), else ``None``."""
        if self._proc is None:
            return None
        try:
            return self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> None:
        """Close the driver's input, give it ``stop_grace`` seconds to exit, then kill its
        whole process group (what it started too). Never blocks for long: a pipe still held by a
        process that left the group is abandoned to a daemon thread, not waited for."""
        proc = self._proc
        if proc is None:
            return
        self._proc = None
        with contextlib.suppress(OSError):  # a driver gone already: a broken pipe on flush
            if proc.stdin:
                proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=self.stop_grace)
        # The group outlives its leader while any member lives, so its id is still theirs.
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
        for pump in self._pumps:
            pump.join(timeout=2)  # both see EOF once every holder of the pipes is gone
        if not any(pump.is_alive() for pump in self._pumps):
            # closing a stream a pump still reads would wait for that read: never do it
            for stream in (proc.stdout, proc.stderr):
                if stream is not None:
                    stream.close()

    def __enter__(self) -> Driver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
