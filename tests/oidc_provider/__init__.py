"""A real OpenID Connect provider for the tests (django-oidc-provider), run on loopback in
a process of its own: the region's identity provider as the app meets it in production.

``server.Provider`` prepares its SQLite database (users with HSA-id-like subjects and group
claims, one client for the app, an RSA signing key) and serves it with gunicorn. Nothing of
the app is imported here, and the app knows the provider only by its endpoints.
"""
