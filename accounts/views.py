from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from accounts import permissions, selectors, services, throttles
from accounts.access import access_own_api_token
from accounts.forms import AvatarForm, EmailAuthenticationForm, ProfileForm, QueuedPasswordResetForm
from accounts.invitations import invitation_token_generator


@login_required
def home(request):
    """Send each person to their role's landing page."""
    return redirect(permissions.landing_url_name(request.user))


class LoginView(auth_views.LoginView):
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True
    # Django's own context names the site after the request's host; the page names the product.
    extra_context = {"site_name": settings.SITE_NAME}


class InvitationConfirmView(auth_views.PasswordResetConfirmView):
    """A new hire's invitation link: choose a password, and be signed in. The link works once."""

    token_generator = invitation_token_generator
    template_name = "registration/invitation_confirm.html"
    post_reset_login = True
    post_reset_login_backend = "accounts.backends.AccountBackend"
    success_url = reverse_lazy("home")
    title = "Choose your password"


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        try:
            throttles.password_reset_allow(
                email=form.cleaned_data["email"], address=throttles.client_address(self.request)
            )
        except throttles.RateLimited as error:
            return throttles.too_many_requests(self.request, error, title="Too many reset requests")
        return super().form_valid(form)


@login_required
def profile(request):
    profile_form = ProfileForm(instance=request.user)
    avatar_form = AvatarForm()
    if request.method == "POST":
        profile_form = ProfileForm(request.POST, instance=request.user)
        if profile_form.is_valid():
            services.user_update_profile(
                user=request.user,
                display_name=profile_form.cleaned_data["display_name"],
                time_zone=profile_form.cleaned_data["time_zone"],
            )
            messages.success(request, "Your profile is saved.")
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"profile_form": profile_form, "avatar_form": avatar_form})


@login_required
@require_POST
def avatar_upload(request):
    avatar_form = AvatarForm(request.POST, request.FILES)
    if avatar_form.is_valid():
        try:
            services.user_set_avatar(user=request.user, upload=avatar_form.cleaned_data["avatar"])
        except ValidationError as error:
            avatar_form.add_error("avatar", error)
        else:
            messages.success(request, "Your new avatar is saved.")
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {"profile_form": ProfileForm(instance=request.user), "avatar_form": avatar_form},
        status=400,
    )


@login_required
@require_POST
def avatar_remove(request):
    services.user_remove_avatar(user=request.user)
    messages.success(request, "Your avatar is removed.")
    return redirect("accounts:profile")


@login_required
def api_tokens(request):
    """My API tokens (never their keys), and signing out everywhere."""
    return render(request, "accounts/tokens.html", {"tokens": selectors.api_tokens_of(user=request.user)})


@login_required
@require_POST
def api_token_revoke(request, token_id: int):
    token = access_own_api_token(request.user, token_id)
    services.api_token_revoke(token=token)
    messages.success(request, f"“{token.name or 'API token'}” is revoked: it no longer works.")
    return redirect("accounts:tokens")


@login_required
@require_POST
def sign_out_everywhere(request):
    """Every API token ends, and every web session but this one."""
    revoked = services.sign_out_everywhere(user=request.user)
    update_session_auth_hash(request, request.user)
    messages.success(
        request,
        f"You are signed out everywhere else; {revoked} API token{'' if revoked == 1 else 's'} revoked.",
    )
    return redirect("accounts:tokens")
