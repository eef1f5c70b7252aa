"""Backup and restore as README.md tells an operator to do it: back up with the management commands behind
`make backup`, destroy the database and every uploaded file, restore with those behind `make restore`, and
compare what comes back with what was there, row for row and byte for byte."""

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from dbbackup import settings as dbbackup_settings
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from accounts.models import User
from courses.models import Lesson
from tests.factories import HireFactory, calibration_work
from tests.roleplay_support import MARKER_SCORER

# Transactional: the backup tools read the database from outside the test's transaction (pg_dump is another
# process; SQLite's backup copies the committed file), and the database is destroyed and rebuilt mid-test.
pytestmark = pytest.mark.django_db(transaction=True)

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite round trip runs in the SQLite pass")
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL round trip runs in the PostgreSQL pass"
)

EVERY_BYTE = bytes(range(256))


@pytest.fixture
def folders(settings, tmp_path, monkeypatch):
    """MEDIA_ROOT, PRIVATE_MEDIA_ROOT and BACKUP_DIR of this test's own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.BACKUP_DIR = tmp_path / "backups"
    # dbbackup reads STORAGES["dbbackup"] once, when it is first imported, so overriding the setting here would
    # not reach it: point the copy it keeps at this test's folder instead.
    monkeypatch.setattr(dbbackup_settings, "STORAGE_OPTIONS", {"location": str(settings.BACKUP_DIR)})
    settings.ROLEPLAY_SCORER = MARKER_SCORER
    return tmp_path


def _academy_with_files() -> None:
    """A cohort with a hire, her submitted role-play with its automatic levels, a coach's review of one of her
    real calls; her avatar and a lesson image in MEDIA_ROOT, the call's recording in private storage."""
    enrollment, attempts, reviews = calibration_work(roleplays=1, calls=1)
    assert attempts[0].submitted_at is not None
    enrollment.hire.avatar.save("hire.png", ContentFile(b"\x89PNG avatar " + EVERY_BYTE))
    Lesson.objects.filter(curriculum=enrollment.cohort.curriculum).first().image.save(
        "week-1.png", ContentFile(b"\x89PNG lesson " + EVERY_BYTE)
    )
    reviews[0].recording.save("call.wav", ContentFile(b"RIFF recording " + EVERY_BYTE * 64))


def _rows() -> str:
    """Every row of every app, as `dumpdata` writes them."""
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def _files() -> dict[str, bytes]:
    found = {}
    for label, root in (("media", settings.MEDIA_ROOT), ("private", settings.PRIVATE_MEDIA_ROOT)):
        for path in sorted(Path(root).rglob("*")):
            if path.is_file():
                found[f"{label}/{path.relative_to(root).as_posix()}"] = path.read_bytes()
    return found


def _back_up() -> None:
    """`make backup`."""
    call_command("dbbackup", interactive=False)
    call_command("mediabackup", interactive=False)
    call_command("privatebackup", interactive=False)


def _restore() -> None:
    """`make restore CONFIRM=yes`."""
    call_command("dbrestore", interactive=False)
    call_command("mediarestore", interactive=False, replace=True)
    call_command("privaterestore", interactive=False, replace=True)


def _database_backups(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.is_file() and ".tar" not in path.name)


def _files_destroy() -> None:
    shutil.rmtree(settings.MEDIA_ROOT)
    shutil.rmtree(settings.PRIVATE_MEDIA_ROOT)
    assert _files() == {}


def _round_trip(destroy_database) -> None:
    _academy_with_files()
    rows, files = _rows(), _files()
    assert '"model": "coaching.callreview"' in rows and '"model": "courses.attempt"' in rows
    assert sorted(files) == ["media/avatars/hire.png", "media/lessons/week-1.png", "private/recordings/call.wav"]
    last_user = User.objects.order_by("pk").last().pk

    _back_up()
    destroy_database()
    assert connection.introspection.table_names() == []
    _files_destroy()
    _restore()

    assert _rows() == rows
    assert _files() == files  # a recording in MEDIA_ROOT, or an avatar among the private files, would differ here
    assert HireFactory().pk > last_user  # new rows after a restore take ids of their own


# --- SQLite -----------------------------------------------------------------------------------------------------


def _sqlite_destroy() -> None:
    """Delete the database file as a lost disk would, write-ahead log and all."""
    path = Path(connection.settings_dict["NAME"])
    assert path.is_file(), "the SQLite round trip needs a database file (config/settings/test.py makes one)"
    connections.close_all()
    for lost in (path, path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")):
        lost.unlink(missing_ok=True)


@on_sqlite
def test_sqlite_back_up_destroy_restore_and_compare(folders):
    _round_trip(_sqlite_destroy)
    dump, metadata = _database_backups(folders / "backups")
    assert dump.endswith(".sqlite3") and metadata == f"{dump}.metadata"  # a copy of the file, made by SQLite


# --- PostgreSQL -------------------------------------------------------------------------------------------------


def _major(version_text: str) -> int:
    return int(re.search(r"(\d+)(?:\.\d+)*", version_text).group(1))


def _postgresql_client_check() -> None:
    """pg_dump backs up and pg_restore restores; both must be there, of the server's major version or newer."""
    server = connection.pg_version // 10000
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed: install postgresql-client-{server} (the server's major version).")
        client = _major(subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout)
        if client < server:
            pytest.fail(f"{tool} is version {client}, the server {server}: install postgresql-client-{server}.")


def _postgresql_destroy() -> None:
    """Drop the database and create it again, empty, as on a new server before a restore."""
    name = connection.settings_dict["NAME"]
    connections.close_all()
    # Django's own route to the server's maintenance database, the one it creates test databases through.
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')


@on_postgresql
def test_postgresql_back_up_destroy_restore_and_compare(folders):
    _postgresql_client_check()
    _round_trip(_postgresql_destroy)
    dump, metadata = _database_backups(folders / "backups")
    assert dump.endswith(".psql.bin") and metadata == f"{dump}.metadata"  # pg_dump's custom format


# --- Private files kept elsewhere -------------------------------------------------------------------------------


def test_private_files_in_a_bucket_are_left_to_the_bucket(folders, settings):
    settings.STORAGES = {**settings.STORAGES, "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    out = io.StringIO()
    call_command("privatebackup", interactive=False, stdout=out)
    assert "versioning and replication are their backup" in out.getvalue()
    assert not (folders / "backups").exists()


def test_restoring_private_files_without_a_backup_says_so(folders):
    with pytest.raises(CommandError, match="No backup of the private files"):
        call_command("privaterestore", interactive=False)
