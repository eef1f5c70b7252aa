"""Private files: call recordings, and any other upload only some people may have.

They never live under MEDIA_ROOT and never get an address of their own: the front proxy and the
development media route serve MEDIA_ROOT to anyone, so a private file there is a public file.
They are kept in the "private" storage (settings.STORAGES) — a folder of their own
(PRIVATE_MEDIA_ROOT) or an S3-compatible bucket with a private ACL (PRIVATE_STORAGE=s3) — and
reach people only through views that decide who may have them (coaching.recordings).
"""

from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils.functional import LazyObject, cached_property, empty


class PrivateFileSystemStorage(FileSystemStorage):
    """Files in PRIVATE_MEDIA_ROOT (or `location`). They have no URL: a view streams them."""

    def __init__(self, location=None, **kwargs):
        kwargs.pop("base_url", None)  # no address, whatever the settings say
        super().__init__(location=location, **kwargs)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name) -> str:
        return ""  # forms show no link; the file is served only through a view that checks access


class PrivateStorage(LazyObject):
    """storages["private"], looked up when first used (and again after the STORAGES setting changes)."""

    def _setup(self):
        self._wrapped = storages["private"]


private = PrivateStorage()


def private_storage() -> Storage:
    """The storage of every private FileField (`storage=private_storage`)."""
    return private


@receiver(setting_changed)
def _private_storage_reset(*, setting, **kwargs) -> None:
    if setting == "STORAGES":
        private._wrapped = empty


# --- Moving files that were kept under MEDIA_ROOT ------------------------------------------------


@dataclass(frozen=True)
class Moved:
    name: str
    outcome: str  # "moved", "removed: already in private storage" or "left: <why>"


def _private_fields() -> list[models.FileField]:
    return [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField) and field.storage is private
    ]


def _walk(storage: Storage, folder: str):
    try:
        folders, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{folder.rstrip('/')}/{name}"
    for sub in folders:
        yield from _walk(storage, f"{folder.rstrip('/')}/{sub}")


def _public_names(public: Storage) -> list[str]:
    """Every name a private field's rows point at, and every file in those fields' upload folders."""
    names: set[str] = set()
    for field in _private_fields():
        rows = field.model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
        names.update(name for name in rows.iterator() if name)
        if isinstance(field.upload_to, str) and field.upload_to.strip("/"):
            names.update(_walk(public, field.upload_to.strip("/")))
    return sorted(names)


def private_files_move(*, dry_run: bool = False) -> list[Moved]:
    """Move private files left in the default (public) storage into the private one, under the same
    names, so no row changes. Safe to run again: a file already moved is not there to move."""
    public = storages["default"]
    done: list[Moved] = []
    for name in _public_names(public):
        if not public.exists(name):
            continue
        size = public.size(name)
        if private.exists(name):
            if private.size(name) != size:
                done.append(Moved(name, "left: a different file of that name is already in private storage"))
                continue
            if not dry_run:
                public.delete(name)
            done.append(Moved(name, "removed: already in private storage"))
            continue
        if not dry_run:
            with public.open(name, "rb") as source:
                saved = private.save(name, source)
            if saved != name or private.size(saved) != size:
                private.delete(saved)
                done.append(Moved(name, "left: it could not be copied whole"))
                continue
            public.delete(name)
        done.append(Moved(name, "moved"))
    return done


# --- System checks -----------------------------------------------------------------------------


def _overlaps(one: Path, other: Path) -> bool:
    return one == other or one in other.parents or other in one.parents


@checks.register(checks.Tags.security)
def private_files_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    storage = storages["private"]
    if isinstance(storage, FileSystemStorage):
        location = Path(storage.location).resolve()
        served = [("MEDIA_ROOT", settings.MEDIA_ROOT), ("STATIC_ROOT", settings.STATIC_ROOT)]
        served += [
            ("STATICFILES_DIRS", entry[1] if isinstance(entry, tuple | list) else entry)
            for entry in settings.STATICFILES_DIRS
        ]
        for label, folder in served:
            if folder and _overlaps(location, Path(folder).resolve()):
                found.append(
                    checks.Error(
                        f"Private files ({location}) share a folder with {label} ({folder}), which is served publicly.",
                        hint="Set PRIVATE_MEDIA_ROOT to a folder outside every served one.",
                        id="coaching.E001",
                    )
                )
    leftovers = Path(settings.MEDIA_ROOT) / "recordings"
    if leftovers.is_dir() and any(path.is_file() for path in leftovers.rglob("*")):
        found.append(
            checks.Warning(
                f"Call recordings are still in {leftovers}, which is served publicly.",
                hint="Run `python manage.py move_private_files`.",
                id="coaching.W001",
            )
        )
    return found
