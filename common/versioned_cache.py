"""Cached reads that are never stale after a write.

An entry belongs to a scope ("curriculum" 12, "enrollment" 4001) and is stored under the scope's
current version token. Models that feed a scope are registered as its sources; when a source row is
saved or deleted, the scope gets a new token as its transaction commits, so the next read misses and
recomputes from the committed rows. Until then, reads on the writing connection skip the cache, so a
request sees its own write even before it commits (and a rolled-back write never reaches the cache).

Tokens are random, never counters: a token evicted from the cache is replaced by a new one, and no
entry written under an older token can ever be read again. Entries hold facts, never anything that
depends on the time of the read; pages derive due and overdue from them on every request.

The cache is Redis in production (CACHE_URL) and local memory by default; every process that writes
must share the cache with the processes that read.
"""

import threading
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection, transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

ENTRY_TIMEOUT = 60 * 60 * 24  # idle entries go; a changed scope's old entries are never read again
_this_request = threading.local()  # the tokens a request has read (None outside requests: tasks read afresh)
_sources: dict[type[Model], dict[str, Callable[[Model], Iterable[int | None]]]] = {}


def _version_key(scope: str, pk: int) -> str:
    return f"v1:{scope}:{pk}:version"


def _entry_key(scope: str, pk: int, name: str, version: str) -> str:
    return f"v1:{scope}:{pk}:{name}:{version}"


def _written() -> set[tuple[str, int]]:
    """Scopes written in the connection's open transaction; emptied once no transaction is open."""
    written = getattr(connection, "_versioned_cache_written", None)
    if written is None or not connection.in_atomic_block:
        written = set()
        connection._versioned_cache_written = written
    return written


def _request_began(**kwargs) -> None:
    _this_request.versions = {}


def _request_ended(**kwargs) -> None:
    _this_request.versions = None


def _versions(scopes: set[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The current token of each scope; a scope without one gets a new one (added, so a token a writer set
    meanwhile wins, and everything computed after this read is computed after that write committed).

    Within a request each scope's token is read once: the page reads everything as of its first read of
    the scope, as if the page had been drawn then, and its own committed writes drop the tokens they change."""
    known = getattr(_this_request, "versions", None)
    versions = {scope: known[scope] for scope in scopes if scope in known} if known else {}
    keys = {_version_key(*scope): scope for scope in scopes if scope not in versions}
    if not keys:
        return versions
    found = cache.get_many(list(keys))
    versions.update((keys[key], value) for key, value in found.items())
    for key, scope in keys.items():
        if scope not in versions:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            versions[scope] = cache.get(key)
    if known is not None:
        known.update((scope, versions[scope]) for scope in keys.values())
    return versions


def _tokens_renewed(tokens: dict[str, str], scopes: set[tuple[str, int]]) -> None:
    cache.set_many(tokens, timeout=None)
    known = getattr(_this_request, "versions", None)
    if known:
        for scope in scopes:
            known.pop(scope, None)


def scope_changed(scope: str, pk: int) -> None:
    """What was cached for the scope no longer holds: a new token once the transaction commits."""
    scopes_changed(scope, [pk])


def scopes_changed(scope: str, pks: Iterable[int]) -> None:
    """`scope_changed` for many pks at once: one write to the cache however many there are."""
    pks = set(pks)
    if not pks:
        return
    if connection.in_atomic_block:
        _written().update((scope, pk) for pk in pks)
    transaction.on_commit(
        lambda: _tokens_renewed({_version_key(scope, pk): uuid.uuid4().hex for pk in pks}, {(scope, pk) for pk in pks})
    )


def rows_changed(model: type[Model], pks: Iterable[int]) -> None:
    """For writes that send no signal (a queryset's update): the scopes the rows feed change, as if each was saved."""
    if model in _sources:
        for row in model._base_manager.filter(pk__in=list(pks)):
            _changed(model, row)


def cached_many(
    scope: str,
    pks: Iterable[int],
    name: str,
    compute: Callable[[list[int]], dict[int, Any]],
    *,
    also: Callable[[int], Iterable[tuple[str, int]]] = lambda pk: (),
) -> dict:
    """Per pk, `compute(pks)[pk]`, computing (in one call) only the pks whose entry is missing or out of date.
    An entry depends on its own scope and on the scopes `also(pk)` names (its cohort, its curriculum …)."""
    pks = list(dict.fromkeys(pks))
    written = _written()
    depends = {pk: [(scope, pk), *also(pk)] for pk in pks}
    cacheable = [pk for pk in pks if not written.intersection(depends[pk])]
    versions = _versions({each for pk in cacheable for each in depends[pk]}) if cacheable else {}
    keys = {pk: _entry_key(scope, pk, name, ".".join(versions[each] for each in depends[pk])) for pk in cacheable}
    found = cache.get_many(list(keys.values())) if keys else {}
    values = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in pks if pk not in values]
    if missing:
        computed = compute(missing)
        values.update({pk: computed[pk] for pk in missing})
        to_store = {keys[pk]: computed[pk] for pk in missing if pk in keys}
        if to_store:
            cache.set_many(to_store, timeout=ENTRY_TIMEOUT)
    return values


def _changed(sender, instance, **kwargs) -> None:
    for scope, pks_of in _sources.get(sender, {}).items():
        for pk in set(pks_of(instance)):
            if pk is not None:
                scope_changed(scope, pk)


request_started.connect(_request_began, dispatch_uid="versioned-cache-request-began")
request_finished.connect(_request_ended, dispatch_uid="versioned-cache-request-ended")


def register_source(model: type[Model], *, scope: str, pks_of: Callable[[Model], Iterable[int | None]]) -> None:
    """Rows of `model` feed the scope entries `pks_of(row)`: saving or deleting one changes those scopes."""
    _sources.setdefault(model, {})[scope] = pks_of
    uid = f"versioned-cache-{model._meta.label}"
    post_save.connect(_changed, sender=model, dispatch_uid=uid)
    post_delete.connect(_changed, sender=model, dispatch_uid=uid)
