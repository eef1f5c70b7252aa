"""API tokens: obtained with an email and password (refused with 429 while sign-in is locked out), listed,
revoked one by one, or all at once with "sign out everywhere"."""

from django.contrib.auth import update_session_auth_hash
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services, throttles
from accounts.access import access_own_api_token
from accounts.models import ApiToken, login_name_from_credentials


class TokenRequestSerializer(AuthTokenSerializer):
    name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="What the token is for, to tell it apart."
    )


TokenIssuedSerializer = inline_serializer(
    "TokenIssued",
    {
        "token": serializers.CharField(help_text="Send it as `Authorization: Token <token>`. It is shown only now."),
        "expires_at": serializers.DateTimeField(allow_null=True, help_text="Null: it does not expire."),
    },
)


class TokenView(APIView):
    """Exchange an email (`username`) and password for an API token.

    Wrong credentials answer 400. After repeated failures, signing in with that email from that client
    is locked out for a while: the answer is then 429, with `Retry-After` in seconds. A token ends when
    it expires, when its owner's password changes, and on "sign out everywhere".
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenIssuedSerializer, 400: None, 429: None},
    )
    def post(self, request, *args, **kwargs):
        # Axes' backend refuses a locked-out sign-in as if the password were wrong; say what it is instead.
        data = request.data if isinstance(request.data, dict) else {}
        username = data.get("username") if isinstance(data.get("username"), str) else None
        retry_after = throttles.axes_retry_after(
            request, username=login_name_from_credentials(request, {"username": username})
        )
        if retry_after is not None:
            raise Throttled(wait=retry_after or None, detail="Too many sign-in attempts with this email from here.")
        incoming = TokenRequestSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        token, key = services.api_token_create(
            user=incoming.validated_data["user"], name=incoming.validated_data.get("name", "")
        )
        expires_at = serializers.DateTimeField().to_representation(token.expiry) if token.expiry else None
        return Response({"token": key, "expires_at": expires_at})


class ApiTokenSerializer(serializers.ModelSerializer):
    expires_at = serializers.DateTimeField(source="expiry", read_only=True, allow_null=True)
    current = serializers.SerializerMethodField(help_text="Whether this request was made with it.")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "created", "last_used_at", "expires_at", "current"]
        read_only_fields = fields

    def get_current(self, token: ApiToken) -> bool:
        auth = self.context["request"].auth
        return isinstance(auth, ApiToken) and auth.pk == token.pk


class ApiTokenListView(generics.ListAPIView):
    """My API tokens that still work, newest first: never the keys, only when each was made and last used."""

    serializer_class = ApiTokenSerializer

    def get_queryset(self):
        return selectors.api_tokens_of(user=self.request.user)


class ApiTokenDetailView(APIView):
    @extend_schema(request=None, responses={204: None, 404: None})
    def delete(self, request, token_id: int):
        """Revoke one of my tokens (it may be the one this request is made with). Anyone else's: 404."""
        services.api_token_revoke(token=access_own_api_token(request.user, token_id))
        return Response(status=204)


class SignOutEverywhereView(APIView):
    @extend_schema(
        request=None,
        responses={200: inline_serializer("SignedOutEverywhere", {"tokens_revoked": serializers.IntegerField()})},
    )
    def post(self, request):
        """Revoke every one of my API tokens, this request's too, and end my web sessions (all but this
        request's own, when it comes from a signed-in browser)."""
        revoked = services.sign_out_everywhere(user=request.user)
        if request.auth is None:  # a browser's session: it stays signed in
            update_session_auth_hash(request, request.user)
        return Response({"tokens_revoked": revoked})


token_view = TokenView.as_view()
