"""The API's token authentication (kept apart from ``core.api``, which imports DRF's views:
DRF loads the authentication classes while its views module is being imported)."""

from knox.auth import TokenAuthentication as KnoxTokenAuthentication


class TokenAuthentication(KnoxTokenAuthentication):
    """``Authorization: Token <token>``: a hashed, expiring token of ``core.models.ApiToken``
    (django-rest-knox); its last use is noted for the owner's profile page."""

    def authenticate_credentials(self, token):
        from core.accounts import api_token_touch

        user, auth_token = super().authenticate_credentials(token)
        api_token_touch(auth_token)
        return user, auth_token
