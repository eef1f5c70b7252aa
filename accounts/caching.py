"""The person signed in, cached per person (see common.versioned_cache): every page reads them first.

A person's scope changes on any save or deletion of their row (a sign-in's last_login included), so a
password change, a deactivation or a sign-out everywhere is seen by the very next request.
"""

from common.versioned_cache import cached_many, register_source

USER = "user"


def _users(user_ids: list[int]) -> dict:
    from accounts.models import User

    found = {user.pk: user for user in User._default_manager.filter(pk__in=user_ids)}
    return {pk: found.get(pk) for pk in user_ids}


def users_cached(*, user_ids) -> dict:
    """Per id, the person (or None if there is no such person)."""
    return cached_many(USER, user_ids, "account", _users)


def register_sources() -> None:
    from accounts.models import User

    register_source(User, scope=USER, pks_of=lambda user: [user.pk])


def people_attach(rows, *fields: str) -> None:
    """Set each row's person fields (coach, admin …) from the cache: rows cached without their people show
    the names people have now, never the names they had when the rows were cached."""
    rows = [row for row in rows if row is not None]
    wanted = {getattr(row, f"{name}_id") for row in rows for name in fields} - {None}
    people = users_cached(user_ids=wanted) if wanted else {}
    for row in rows:
        for name in fields:
            person_id = getattr(row, f"{name}_id")
            if person_id is not None:
                setattr(row, name, people[person_id])
