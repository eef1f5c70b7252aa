from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from notifications import services
from notifications.access import access_notification
from notifications.models import Channel, Kind, Notification, QuietHours


@login_required
def notification_list(request):
    notifications = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-id")
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_open(request, notification_id: int):
    """Mark it read and go where it points."""
    notification = access_notification(request.user, notification_id)
    services.notification_mark_read(notification=notification)
    target = notification.url
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "notifications:list"
    return redirect(target or "notifications:list")


@login_required
@require_POST
def mark_all_read(request):
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect("notifications:list")


class PreferencesForm(forms.Form):
    quiet_enabled = forms.BooleanField(required=False, label="Hold reminder emails during quiet hours")
    quiet_starts = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label="Quiet from")
    quiet_ends = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label="until")

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        for kind, label in kinds:
            self.fields[f"kind_{kind}"] = forms.ChoiceField(label=label, choices=Channel.choices)


def _kinds_for(user):
    from accounts import permissions

    hire_kinds = {
        Kind.DUE_TOMORROW, Kind.OVERDUE, Kind.WEEK_UNLOCKED, Kind.FEEDBACK, Kind.RETURNED, Kind.DISPUTE,
        Kind.REPLY, Kind.CHECKPOINT,
    }  # fmt: skip
    coach_kinds = {Kind.GRADING_OVERDUE, Kind.QUEUE_DIGEST, Kind.DISPUTE, Kind.REPLY, Kind.CHECKPOINT_OUTCOME}
    admin_kinds = {Kind.COHORT_DIGEST, Kind.GRADING_OVERDUE, Kind.CHECKPOINT_OUTCOME}
    wanted = hire_kinds if permissions.is_hire(user) else coach_kinds if permissions.is_coach(user) else admin_kinds
    return [(value, label) for value, label in Kind.choices if value in wanted]


@login_required
def preferences(request):
    kinds = _kinds_for(request.user)
    current = services.preferences_for(user=request.user)
    quiet = QuietHours.objects.filter(user=request.user).first() or QuietHours(user=request.user, enabled=False)
    initial = {f"kind_{k}": current[k] for k, _ in kinds} | {
        "quiet_enabled": quiet.enabled, "quiet_starts": quiet.starts, "quiet_ends": quiet.ends,
    }  # fmt: skip
    form = PreferencesForm(request.POST or None, initial=initial, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.preferences_save(
            user=request.user,
            channels={k: data[f"kind_{k}"] for k, _ in kinds},
            quiet_starts=data["quiet_starts"],
            quiet_ends=data["quiet_ends"],
            quiet_enabled=data["quiet_enabled"],
        )
        messages.success(request, "Your notification settings are saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
