from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications import services
from notifications.access import access_notification
from notifications.models import CONFIGURABLE_KINDS, Channel, Notification, QuietHours


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]


class NotificationListView(generics.ListAPIView):
    """My notifications, newest first. `?unread=1` for unread only."""

    serializer_class = NotificationSerializer

    def get_queryset(self):
        notifications = Notification.objects.filter(recipient=self.request.user).order_by("-created_at", "-id")
        if self.request.query_params.get("unread"):
            notifications = notifications.filter(read_at__isnull=True)
        return notifications


class MarkReadView(APIView):
    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request, pk: int):
        notification = access_notification(request.user, pk)
        services.notification_mark_read(notification=notification)
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)


class MarkAllReadView(APIView):
    @extend_schema(request=None, responses={200: None})
    def post(self, request):
        return Response({"marked_read": services.notifications_mark_all_read(user=request.user)})


class PreferencesSerializer(serializers.Serializer):
    channels = serializers.DictField(child=serializers.ChoiceField(choices=Channel.choices))
    quiet_hours = serializers.DictField(
        required=False, help_text='{"enabled": true, "starts": "21:00", "ends": "08:00"}'
    )

    def validate_channels(self, channels: dict) -> dict:
        unknown = set(channels) - CONFIGURABLE_KINDS
        if unknown:
            raise serializers.ValidationError(f"Unknown kinds: {', '.join(sorted(unknown))}")
        return channels

    def validate_quiet_hours(self, value: dict) -> dict:
        times = serializers.TimeField()
        return {
            "enabled": bool(value.get("enabled", True)),
            "starts": times.to_internal_value(value.get("starts", "21:00")),
            "ends": times.to_internal_value(value.get("ends", "08:00")),
        }


class PreferencesView(APIView):
    """How I am told about each kind of notification, and my quiet hours."""

    def _current(self, user) -> dict:
        quiet = QuietHours.objects.filter(user=user).first()
        return {
            "channels": services.preferences_for(user=user),
            "quiet_hours": {"enabled": quiet.enabled, "starts": quiet.starts.strftime("%H:%M"),
                            "ends": quiet.ends.strftime("%H:%M")} if quiet else {"enabled": False},
        }  # fmt: skip

    @extend_schema(responses=PreferencesSerializer)
    def get(self, request):
        return Response(self._current(request.user))

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def put(self, request):
        incoming = PreferencesSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        quiet = incoming.validated_data.get("quiet_hours")
        services.preferences_save(
            user=request.user,
            channels=incoming.validated_data["channels"],
            quiet_starts=quiet["starts"] if quiet else None,
            quiet_ends=quiet["ends"] if quiet else None,
            quiet_enabled=quiet["enabled"] if quiet else None,
        )
        return Response(self._current(request.user))
