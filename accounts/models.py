import zoneinfo
from functools import cache

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})
    return [(name, name.replace("_", " ")) for name in names]


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError("“%(value)s” is not a known time zone.", params={"value": value})


def login_name_from_credentials(request, credentials: dict | None) -> str | None:
    """The email a sign-in attempt was for, as stored: lockouts must not depend on letter case."""
    source = credentials if credentials is not None else request.POST
    name = source.get("username") if source else None
    return name.strip().lower() if name else None


class Role(models.TextChoices):
    HIRE = "hire", "New hire"
    COACH = "coach", "Coach"
    ADMIN = "admin", "Admin"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, email: str):
        # Addresses are stored lower-case; people type them however they like.
        return self.get(email__iexact=email.strip())

    def create_user(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_superuser=True, is_staff=True, role=Role.ADMIN)
        return self._create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: a new hire, a coach or an admin (training manager)."""

    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(max_length=150)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.HIRE, db_index=True)
    time_zone = models.CharField(
        max_length=64, default="UTC", choices=time_zone_choices, validators=[validate_time_zone]
    )
    avatar = models.FileField(upload_to="avatars/", blank=True)
    avatar_thumbnail = models.FileField(upload_to="avatars/thumbs/", blank=True)
    is_active = models.BooleanField(default=True)
    is_lead_coach = models.BooleanField(
        "lead coach",
        default=False,
        help_text="A lead coach facilitates calibration sessions and moderates second marks, as admins do.",
    )
    # Derived from the role on save (Django's admin reads it): admins are staff, nobody else.
    is_staff = models.BooleanField(default=False, editable=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # When the person last chose "sign out everywhere": every web session signed in before it has ended.
    signed_out_everywhere_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        ordering = ["display_name", "email"]

    def __str__(self) -> str:
        return self.display_name or self.email

    def save(self, *args, **kwargs) -> None:
        self.is_staff = self.role == Role.ADMIN or self.is_superuser
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "role" in update_fields:
            kwargs["update_fields"] = {*update_fields, "is_staff"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_session_auth_hash(self) -> str:
        return self._session_auth_hash()

    def get_session_auth_fallback_hash(self):
        for fallback_secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_auth_hash(secret=fallback_secret)

    def _session_auth_hash(self, secret=None) -> str:
        """What each web session carries to stay signed in: Django's HMAC of the password hash, and of the
        moment of the last "sign out everywhere" once there is one, so either change ends the sessions."""
        if self.signed_out_everywhere_at is None:
            return self._get_session_auth_hash(secret=secret)  # as before: sessions survive the upgrade
        key_salt = "accounts.models.User.get_session_auth_hash"
        value = f"{self.password}:{self.signed_out_everywhere_at.isoformat()}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name.split(" ")[0] if self.display_name else self.email

    @property
    def initials(self) -> str:
        parts = [p for p in self.display_name.split() if p][:2]
        return "".join(p[0].upper() for p in parts) or self.email[:1].upper()


class ApiToken(AbstractAuthToken):
    """A key for the API, sent as `Authorization: Token <key>`. Only its hash is stored (`digest`); the key
    itself is shown once, when it is made."""

    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    name = models.CharField(max_length=100, blank=True, help_text="What it is for, to tell tokens apart.")
    # Recorded at most once a minute (accounts.services.API_TOKEN_USE_RECORDED_EVERY).
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name or 'API token'} of {self.user}"


class PersonErasure(models.Model):
    """A person erased at their request: who (by id only, since the name is gone), by whom, when, and how much
    went. The rows that carry counts and levels stay, anonymised; this row says why they no longer name anyone."""

    subject_id = models.PositiveBigIntegerField(unique=True, help_text="The erased person's id.")
    admin = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="erasures_done", editable=False
    )
    erased_at = models.DateTimeField(default=timezone.now, db_index=True)
    counts = models.JSONField(default=dict, help_text="What was cleared, deleted or ended, by kind.")

    class Meta:
        ordering = ["-erased_at", "-id"]
        verbose_name = "person erasure"

    def __str__(self) -> str:
        return f"Person #{self.subject_id} erased"
