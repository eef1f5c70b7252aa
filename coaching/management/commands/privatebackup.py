from dbbackup import utils
from dbbackup.management.commands import mediabackup

from coaching.backups import NOT_LOCAL, private_backup_name, private_files_storage


class Command(mediabackup.Command):
    help = (
        "Back up the private files (call recordings in PRIVATE_MEDIA_ROOT) into one tarball in the backup storage, "
        "as mediabackup does MEDIA_ROOT. Private files in an S3 bucket are left to the bucket's own versioning."
    )
    # mediabackup's --clean would prune MEDIA_ROOT's tarballs, not these.
    option_list = tuple(option for option in mediabackup.Command.option_list if "--clean" not in option[0])

    def backup_mediafiles(self):
        storage = private_files_storage()
        if storage is None:
            self.stdout.write(NOT_LOCAL)
            return
        self.media_storage = storage
        extension = f"tar{'.gz' if self.compress else ''}"
        name = self.filename or utils.filename_generate(extension, servername=self.servername, content_type="media")
        self.filename = private_backup_name(name)
        super().backup_mediafiles()
