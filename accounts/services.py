"""Writes to accounts. Views, API views, admin actions and tasks all come through here."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.avatars import avatar_process
from accounts.models import ApiToken, Role, User


def user_create(
    *,
    email: str,
    display_name: str,
    role: str = Role.HIRE,
    password: str | None = None,
    time_zone: str = "UTC",
) -> User:
    user = User(
        email=email,
        display_name=display_name,
        role=role,
        time_zone=time_zone,
    )
    user.set_password(password)  # None leaves an unusable password: the person sets one by reset
    user.full_clean()
    user.save()
    return user


def user_set_role(*, user: User, role: str) -> User:
    user.role = role
    user.full_clean(exclude=["password"])
    user.save(update_fields=["role"])
    return user


def user_set_lead_coach(*, user: User, lead: bool = True) -> User:
    """A lead coach runs calibration sessions, reads agreement reports and moderates second marks."""
    if lead and user.role != Role.COACH:
        raise ValidationError("Only a coach can be a lead coach.")
    user.is_lead_coach = lead
    user.save(update_fields=["is_lead_coach"])
    return user


def user_update_profile(*, user: User, display_name: str | None = None, time_zone: str | None = None) -> User:
    if display_name is not None:
        user.display_name = display_name.strip()
    if time_zone is not None:
        user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "time_zone"])
    return user


def user_set_avatar(*, user: User, upload) -> User:
    """Store a new avatar (validated by content) and remove the old files once committed."""
    processed = avatar_process(upload)  # raises ValidationError before anything is written
    old_files = [f.name for f in (user.avatar, user.avatar_thumbnail) if f]
    with transaction.atomic():
        user.avatar.save(processed.image.name, processed.image, save=False)
        user.avatar_thumbnail.save(processed.thumbnail.name, processed.thumbnail, save=False)
        user.save(update_fields=["avatar", "avatar_thumbnail"])
        transaction.on_commit(lambda: _delete_files(user.avatar.storage, old_files))
    return user


def user_remove_avatar(*, user: User) -> User:
    old_files = [f.name for f in (user.avatar, user.avatar_thumbnail) if f]
    with transaction.atomic():
        user.avatar = ""
        user.avatar_thumbnail = ""
        user.save(update_fields=["avatar", "avatar_thumbnail"])
        transaction.on_commit(lambda: _delete_files(User._meta.get_field("avatar").storage, old_files))
    return user


def _delete_files(storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)


def password_reset_request(*, email: str, domain: str, use_https: bool) -> int:
    """Queue a reset email for each active account with this address. Returns how many.

    The answer is never shown to the visitor, so nobody can probe which addresses exist.
    """
    from accounts.tasks import password_reset_email_send

    users = PasswordResetForm(data={"email": email}).get_users(email)
    count = 0
    for user in users:
        password_reset_email_send.delay_on_commit(user.pk, domain, use_https)
        count += 1
    return count


def _account_link_send(user: User, *, template: str, token: str, domain: str, protocol: str, **extra) -> None:
    """An email carrying a one-time link to this account (reset, invitation), from the named templates."""
    context = {
        "email": user.email, "domain": domain, "protocol": protocol, "site_name": settings.SITE_NAME,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)), "user": user, "token": token, **extra,
    }  # fmt: skip
    PasswordResetForm().send_mail(
        subject_template_name=f"registration/{template}_subject.txt",
        email_template_name=f"registration/{template}_email.txt",
        context=context,
        from_email=None,
        to_email=user.email,
        html_email_template_name=f"registration/{template}_email.html",
    )


def password_reset_email_send(*, user_id: int, domain: str, use_https: bool) -> bool:
    """Send one reset email. The token is made here, so it never travels through the broker."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    _account_link_send(user, template="password_reset", token=default_token_generator.make_token(user),
                       domain=domain, protocol="https" if use_https else "http")  # fmt: skip
    return True


def invitation_request(*, user: User) -> None:
    """Queue the "choose your password" email for a new account, sent once the transaction commits."""
    from accounts.tasks import invitation_email_send

    invitation_email_send.delay_on_commit(user.pk)


def invitation_email_send(*, user_id: int) -> bool:
    """Send one invitation. The token is made here, so it never travels through the broker.

    Nothing is sent to an account that already chose a password: the link would be of no use.
    """
    from accounts.invitations import invitation_details, invitation_token_generator

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.has_usable_password():
        return False
    site = urlsplit(settings.SITE_URL)
    _account_link_send(
        user, template="invitation", token=invitation_token_generator.make_token(user), domain=site.netloc,
        protocol=site.scheme or "https", valid_days=settings.INVITATION_TIMEOUT // (60 * 60 * 24),
        **invitation_details(user),
    )  # fmt: skip
    return True


def sessions_clear_expired() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


# --- API tokens -----------------------------------------------------------------------------------------

API_TOKEN_USE_RECORDED_EVERY = datetime.timedelta(minutes=1)  # at most one write a minute per token


def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new API token for this person, lasting `API_TOKEN_TTL_DAYS` (or for good when that is None).

    Returns the stored token and its key: the key is not stored, only its hash, so this is the one
    moment it can be shown.
    """
    days = settings.API_TOKEN_TTL_DAYS
    expiry = datetime.timedelta(days=days) if days is not None else None
    return ApiToken.objects.create(user=user, expiry=expiry, name=name.strip())


def api_token_record_use(*, token: ApiToken, now: datetime.datetime | None = None) -> bool:
    """Note that the token was just used, unless that was already noted within the last minute."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < API_TOKEN_USE_RECORDED_EVERY:
        return False
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - API_TOKEN_USE_RECORDED_EVERY)
    recorded = ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    return bool(recorded)


def api_token_revoke(*, token: ApiToken) -> None:
    """End one token (found for its owner with selectors.api_tokens_of)."""
    token.delete()


def api_tokens_revoke_all(*, user: User) -> int:
    """End every API token of this person. Returns how many there were."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


def api_tokens_clear_expired() -> int:
    deleted, _ = ApiToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted


def sign_out_everywhere(*, user: User) -> int:
    """End every API token and every web session of this person. Returns how many tokens ended.

    Sessions end because what they must carry changes (User.get_session_auth_hash); a view that wants
    to keep its own session passes it the new value (django.contrib.auth.update_session_auth_hash).
    """
    with transaction.atomic():
        user.signed_out_everywhere_at = timezone.now()
        user.save(update_fields=["signed_out_everywhere_at"])
        return api_tokens_revoke_all(user=user)
