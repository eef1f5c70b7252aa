from django.contrib import admin, messages

from accounts.permissions import AdminSitePermissionMixin
from notifications import services
from notifications.models import Kind, Notification


@admin.register(Notification)
class NotificationAdmin(AdminSitePermissionMixin, admin.ModelAdmin):
    """Deliveries: what each person was told, and whether the email went out."""

    list_display = ["created_at", "recipient", "kind", "title", "email_status", "email_attempts", "read_at"]
    list_filter = ["kind", "email_status", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient__email", "recipient__display_name", "title", "key"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["send_test_notification"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Send a test notification to these people")
    def send_test_notification(self, request, queryset):
        people = {n.recipient for n in queryset.select_related("recipient")}
        from django.utils import timezone

        stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
        for person in people:
            services.notify(recipient=person, kind=Kind.TEST, key=f"{person.pk}:{stamp}",
                            title="A test notification", body="If you can read this, notifications reach you.",
                            url="/notifications/")  # fmt: skip
        self.message_user(request, f"Sent a test notification to {len(people)} people.", messages.SUCCESS)
