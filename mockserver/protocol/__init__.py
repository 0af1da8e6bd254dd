"""Protocol endpoints: ProcessMaker 3's OAuth 2.0 and REST behaviour, request in, response out.

``params`` (body parsing as Restler and bshaffer do), ``errors`` and ``render`` (the only builder
of error responses), ``token`` and ``grants/`` (the token endpoint), ``authorize`` (login, consent,
redirects), ``applications`` (client registration), ``api`` (``/api/1.0``), ``pages`` (HTML).
Depends on :mod:`mockserver.state` only.
"""
