"""The API's token authentication (kept apart from ``core.api``, which imports DRF's views:
DRF loads the authentication classes while its views module is being imported)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication


class TokenAuthentication(KnoxTokenAuthentication):
    """``Authorization: Token <token>``: a hashed, expiring token of ``core.models.ApiToken``
    (django-rest-knox); its last use is noted for the owner's profile page."""

    def authenticate_credentials(self, token):
        from core.accounts import api_token_touch

        user, auth_token = super().authenticate_credentials(token)
        api_token_touch(auth_token)
        return user, auth_token


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """The API token in the OpenAPI schema: ``Authorization: Token <token>``."""

    target_class = "core.api_auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token <token>: a personal API token from the profile page.",
        }
