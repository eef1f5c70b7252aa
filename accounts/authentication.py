"""API tokens in the `Authorization: Token <key>` header, checked against their stored hash (django-rest-knox).

A token is refused once expired (and then deleted), or when its owner is inactive; each use is recorded,
at most once a minute.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication

from accounts import services


class ApiTokenAuthentication(TokenAuthentication):
    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        services.api_token_record_use(token=token)
        return user, token


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")
