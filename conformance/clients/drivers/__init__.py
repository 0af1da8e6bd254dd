"""Reference drivers: ``python -m conformance.clients.drivers.<name>``.

``naive`` is deliberately wrong (any HTTP 200 is a success, the first refresh token is reused);
``authlib_driver`` and ``oauthlib_driver`` drive the popular libraries (install them first:
``pip install authlib requests-oauthlib``).
"""
