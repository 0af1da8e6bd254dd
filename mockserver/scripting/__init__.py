"""Scripting: what a test layers over the real behaviour, and what it reads back.

``matching`` (a request described once; RE2 matchers), ``overrides`` (overrides and their
lifetimes), ``faults`` (an override turned into an answer or a socket fault), ``journal`` (the
bounded, redacted record), ``scenario`` (scenario files), ``control`` (the ``/_pm3/`` HTTP API).
Scenarios and the control API drive a mock through :class:`~mockserver.scripting.interface.ScriptedMock`,
never through the facade.
"""
