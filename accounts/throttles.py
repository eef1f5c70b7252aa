"""Limits on requests that send email or guess passwords, defined once for the web pages and the API.

Each limit counts uses per identity (an email, a client address) in a fixed window on Django's cache:
`cache.add` starts a window and `cache.incr` counts atomically, so concurrent requests and several web
processes (with a shared cache such as Redis) never let more through than the rate allows. Rates are
settings, "count/period" as in DRF (`5/hour`, `20/h`, `3/day`). Identities are hashed before they
become cache keys, so no email address is stored there.

Sign-in attempts (the login page and the API token) are limited by django-axes; `axes_retry_after`
tells how long its lockout lasts.
"""

import hashlib
import math
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from axes.conf import settings as axes_settings
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address, get_cool_off
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

PERIODS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}


class RateLimited(Exception):
    """Over a limit: nothing was done. `retry_after` is in whole seconds."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class Use:
    """One counted use: whether it was within the limit, and when the window ends."""

    allowed: bool
    retry_after: int
    cache_key: str


@dataclass(frozen=True)
class Limit:
    scope: str
    setting: str  # the name of the setting that holds the rate
    message: str  # what the visitor is told when over it

    def rate(self) -> tuple[int, int]:
        """(uses allowed, window in seconds), from the setting."""
        count, _, period = getattr(settings, self.setting).partition("/")
        try:
            return int(count), PERIODS[period.strip()[:1].lower()]
        except (KeyError, ValueError) as error:
            raise ValueError(
                f"{self.setting} must look like '5/hour', not {getattr(settings, self.setting)!r}"
            ) from error

    def hit(self, *, identity: str) -> Use:
        """Count one use for this identity, atomically."""
        allowed, period = self.rate()
        digest = hashlib.sha256(f"{self.scope}:{identity}".encode()).hexdigest()[:32]
        # Each identity's windows start at its own offset, so they do not all reset at the same moment.
        offset = zlib.crc32(digest.encode()) % period
        now = time.time()
        window = int((now - offset) // period)
        key = f"throttle:{self.scope}:{digest}:{window}"
        cache.add(key, 0, timeout=period)
        try:
            used = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.add(key, 1, timeout=period)
            used = 1
        retry_after = max(1, math.ceil(offset + (window + 1) * period - now))
        return Use(allowed=used <= allowed, retry_after=retry_after, cache_key=key)

    def refund(self, use: Use) -> None:
        """Give a use back (the request it was counted for did nothing)."""
        with suppress(ValueError):  # the window is over already
            cache.decr(use.cache_key)


PASSWORD_RESET_PER_ACCOUNT = Limit(
    scope="password-reset-account",
    setting="THROTTLE_PASSWORD_RESET_PER_ACCOUNT",
    message="Too many password reset requests. No email was sent this time.",
)
PASSWORD_RESET_PER_ADDRESS = Limit(
    scope="password-reset-address",
    setting="THROTTLE_PASSWORD_RESET_PER_ADDRESS",
    message="Too many password reset requests from here. No email was sent this time.",
)
INVITATION_RESEND_PER_INVITEE = Limit(
    scope="invitation-resend",
    setting="THROTTLE_INVITATION_RESEND_PER_INVITEE",
    message="This hire's invitation was sent again several times already. No email was sent this time.",
)


def client_address(request: HttpRequest) -> str:
    """The client's address, found the way sign-in lockouts find it."""
    return get_client_ip_address(request) or "unknown"


def email_identity(email: str) -> str:
    """An email as accounts match it (letter case aside), so EMAIL@x and email@x count together."""
    return email.strip().casefold()


def _raise_if_over(uses: list[tuple[Limit, Use]]) -> None:
    over = [(limit, use) for limit, use in uses if not use.allowed]
    if over:
        limit, use = max(over, key=lambda pair: pair[1].retry_after)
        raise RateLimited(limit.message, retry_after=use.retry_after)


def password_reset_allow(*, email: str, address: str) -> None:
    """Count one password reset request; raise RateLimited if the account or the address is over its limit.

    Unknown addresses are counted exactly like known ones, so the answer says nothing about which exist.
    """
    _raise_if_over(
        [
            (PASSWORD_RESET_PER_ADDRESS, PASSWORD_RESET_PER_ADDRESS.hit(identity=address)),
            (PASSWORD_RESET_PER_ACCOUNT, PASSWORD_RESET_PER_ACCOUNT.hit(identity=email_identity(email))),
        ]
    )


@contextmanager
def invitation_resend_counted(*, email: str) -> Iterator[None]:
    """Count one resend of this invitee's invitation around sending it; RateLimited if over the limit.

    A resend that is refused (the block raises) is given back: only invitations that go out count.
    """
    use = INVITATION_RESEND_PER_INVITEE.hit(identity=email_identity(email))
    _raise_if_over([(INVITATION_RESEND_PER_INVITEE, use)])
    try:
        yield
    except BaseException:
        INVITATION_RESEND_PER_INVITEE.refund(use)
        raise


def axes_retry_after(request, *, username: str | None) -> int | None:
    """Seconds until signing in as `username` from this client is possible again, if axes has locked it out
    (0 for a lockout without end); None if it is not locked out."""
    if not axes_settings.AXES_ENABLED or AxesProxyHandler.is_allowed(request, {"username": username}):
        return None
    cool_off = get_cool_off(request)
    return math.ceil(cool_off.total_seconds()) if cool_off else 0


def too_many_requests(request: HttpRequest, error: RateLimited, *, title: str, back_url: str = "") -> HttpResponse:
    """The web answer to RateLimited: 429 with Retry-After and a page saying what happened."""
    minutes = max(1, math.ceil(error.retry_after / 60))
    context = {"title": title, "message": error.message, "minutes": minutes, "back_url": back_url}
    response = render(request, "too_many_requests.html", context, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response
