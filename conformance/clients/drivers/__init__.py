"""Reference drivers: ``python -m conformance.clients.drivers.<name>``.

``naive`` is deliberately wrong (any HTTP 200 is a success, the first refresh token is reused);
``authlib_driver`` and ``oauthlib_driver`` drive the popular libraries (install them first:
``pip install authlib requests-oauthlib``).

``php/`` and ``js/`` hold the PHP and JavaScript driver kits (one protocol file each, to copy) and
their reference drivers: ``php php/docs_curl.php``, ``php php/guzzle.php`` (Debian's
php-cli, php-curl, php-guzzlehttp-guzzle), ``node js/simple-oauth2.mjs`` and
``node js/oauth4webapi.mjs`` (after ``npm ci`` in ``js/``). docs/drivers.md is the guide.
"""
