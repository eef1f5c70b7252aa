"""Backups of the private files (call recordings), beside django-dbbackup's of the database and MEDIA_ROOT.

`mediabackup` and `mediarestore` cover the default storage (MEDIA_ROOT) only. `privatebackup` and
`privaterestore` do the same for the "private" storage, keeping their tarballs in a folder of their own
in the backup storage: `mediarestore` and `dbrestore` pick the latest file at its top level, so a
private tarball there could be unpacked into MEDIA_ROOT, which is served to anyone.

Private files in an S3 bucket (PRIVATE_STORAGE=s3) are not copied: the bucket's own versioning and
replication are their backup.
"""

from dbbackup import utils
from dbbackup.storage import Storage as BackupStorage
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.management.base import CommandError

PRIVATE_BACKUP_FOLDER = "private"
NOT_LOCAL = (
    "Private files are kept in an S3 bucket (PRIVATE_STORAGE=s3): the bucket's versioning and replication "
    "are their backup. Nothing to do."
)


def private_files_storage() -> Storage | None:
    """The private storage when its files are on this machine; None when they are in a bucket."""
    storage = storages["private"]
    return storage if isinstance(storage, FileSystemStorage) else None


def private_backup_name(name: str) -> str:
    """Where a private-files tarball of this name is kept in the backup storage."""
    return name if name.startswith(f"{PRIVATE_BACKUP_FOLDER}/") else f"{PRIVATE_BACKUP_FOLDER}/{name}"


def latest_private_backup(
    storage: BackupStorage, *, servername: str | None = None, encrypted: bool = False, compressed: bool = False
) -> str:
    """The newest private-files tarball, filtered as dbbackup filters its own (server, .gpg, .gz)."""
    try:
        names = storage.list_directory(PRIVATE_BACKUP_FOLDER)
    except FileNotFoundError:
        names = []
    names = [
        name
        for name in names
        if utils.filename_to_datestring(name)
        and ".tar" in name
        and (".gpg" in name) == encrypted
        and (".gz" in name) == compressed
        and (not servername or servername in name)
    ]
    if not names:
        raise CommandError(f"No backup of the private files in {PRIVATE_BACKUP_FOLDER}/ of the backup storage.")
    return private_backup_name(max(names, key=utils.filename_to_date))
