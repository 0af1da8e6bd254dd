"""State and store: what a running mock holds, and nothing that speaks HTTP.

``profiles`` (the behaviour data, with provenance), ``clock`` and ``formats`` (injected time and
token generation), ``store`` (the only SQL: ProcessMaker's ``OAUTH_*`` and ``RBAC_USERS`` tables),
``seed`` (initial clients and users) and ``mock_state`` (:class:`~mockserver.state.mock_state.MockState`).
"""
