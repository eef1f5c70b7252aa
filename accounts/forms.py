from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.sites.shortcuts import get_current_site

from accounts import services
from accounts.models import User


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )


class QueuedPasswordResetForm(PasswordResetForm):
    """Password reset whose email is sent by a Celery task after the request commits."""

    def save(self, *, request, use_https: bool = False, **_ignored) -> None:
        services.password_reset_request(
            email=self.cleaned_data["email"],
            domain=get_current_site(request).domain,
            use_https=use_https,
        )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "time_zone"]
        help_texts = {"time_zone": "Due dates and reminders are shown in this time zone."}


class AvatarForm(forms.Form):
    avatar = forms.FileField(
        label="New avatar",
        help_text="A JPEG, PNG or WebP photo of at most 2 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
