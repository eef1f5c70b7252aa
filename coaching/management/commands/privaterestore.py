from dbbackup.management.commands import mediarestore

from coaching.backups import NOT_LOCAL, latest_private_backup, private_backup_name, private_files_storage


class Command(mediarestore.Command):
    help = (
        "Restore the private files (call recordings) from a privatebackup tarball, the latest unless "
        "--input-filename names one, as mediarestore does MEDIA_ROOT."
    )

    def _restore_backup(self):
        storage = private_files_storage()
        if storage is None:
            self.stdout.write(NOT_LOCAL)
            return
        self.media_storage = storage
        super()._restore_backup()

    def _get_backup_file(self, database=None, servername=None):
        if not self.path:
            self.filename = (
                private_backup_name(self.filename)
                if self.filename
                else latest_private_backup(
                    self.storage, servername=servername, encrypted=self.decrypt, compressed=self.uncompress
                )
            )
        return super()._get_backup_file(database=database, servername=servername)
