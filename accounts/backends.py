"""Sign-in by email and password, with the person of every later request read from the cache."""

from django.contrib.auth.backends import ModelBackend

from accounts.caching import users_cached


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        user = users_cached(user_ids=[pk])[pk]
        return user if user is not None and self.user_can_authenticate(user) else None
