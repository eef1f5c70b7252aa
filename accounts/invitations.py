"""Invitations: a new account's link to choose its first password.

The token works like a password-reset token (it hashes the password and the last sign-in,
so it stops working the moment it is used) but with its own salt, so a reset link is never
an invitation nor the reverse, and its own lifetime, `INVITATION_TIMEOUT`.
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.invitations.InvitationTokenGenerator"

    def check_token(self, user, token) -> bool:
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return (self._num_seconds(self._now()) - ts) <= settings.INVITATION_TIMEOUT


invitation_token_generator = InvitationTokenGenerator()


def invitation_details(user) -> dict:
    """What the invitation says about the training: which cohort, and the day it starts.

    Empty when the account is not (yet) in a running cohort: the email then says only what it can.
    """
    # Imported here: courses builds on accounts, not the other way round.
    from courses.moments import date_phrase
    from courses.selectors import enrollment_current

    enrollment = enrollment_current(hire=user)
    if enrollment is None:
        return {}
    cohort = enrollment.cohort
    return {"cohort_name": cohort.name, "starts_on": date_phrase(cohort.start_date)}
