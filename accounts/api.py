from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions, services
from accounts.models import User, time_zone_choices


class MeSerializer(serializers.ModelSerializer):
    avatar_url = serializers.SerializerMethodField()
    avatar_thumbnail_url = serializers.SerializerMethodField()
    landing_page = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "display_name",
            "role",
            "time_zone",
            "avatar_url",
            "avatar_thumbnail_url",
            "landing_page",
        ]
        read_only_fields = fields

    def _file_url(self, file) -> str | None:
        return self.context["request"].build_absolute_uri(file.url) if file else None

    def get_avatar_url(self, user: User) -> str | None:
        return self._file_url(user.avatar)

    def get_avatar_thumbnail_url(self, user: User) -> str | None:
        return self._file_url(user.avatar_thumbnail)

    def get_landing_page(self, user: User) -> str:
        return reverse(permissions.landing_url_name(user))


class MeUpdateSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=150, required=False, allow_blank=False)
    time_zone = serializers.ChoiceField(choices=time_zone_choices(), required=False)


class MeView(APIView):
    """The signed-in person: who they are and where their work starts."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user, context={"request": request}).data)

    @extend_schema(request=MeUpdateSerializer, responses=MeSerializer)
    def patch(self, request):
        incoming = MeUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        user = services.user_update_profile(user=request.user, **incoming.validated_data)
        return Response(MeSerializer(user, context={"request": request}).data)
