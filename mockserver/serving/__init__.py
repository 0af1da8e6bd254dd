"""Serving: engines that put a WSGI app on a socket.

``threaded`` (the embedded server in a background thread: TLS per connection, RFC 9112 framing)
and ``workers`` (N forked processes over one socket and one ``--db``). Engines know nothing of
ProcessMaker; they serve any WSGI app.
"""
