from django.core.management.base import BaseCommand, CommandError

from coaching.storage import private_files_move


class Command(BaseCommand):
    help = (
        "Move call recordings (and every other private upload) left under MEDIA_ROOT into the private storage, "
        "under the same names, so nothing in the database changes. Safe to run again: it reports each file it "
        "moved and moves nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only report what would be moved")

    def handle(self, *args, dry_run: bool, **options):
        done = private_files_move(dry_run=dry_run)
        for item in done:
            outcome = f"would be {item.outcome}" if dry_run and not item.outcome.startswith("left") else item.outcome
            self.stdout.write(f"{item.name}: {outcome}")
        moved = sum(1 for item in done if not item.outcome.startswith("left"))
        left = len(done) - moved
        if not done:
            self.stdout.write("Nothing to move: no private file is under MEDIA_ROOT.")
        else:
            verb = "would be moved" if dry_run else "moved"
            self.stdout.write(f"{moved} file{'s' if moved != 1 else ''} {verb} to private storage.")
        if left:
            raise CommandError(f"{left} file{'s' if left != 1 else ''} left under MEDIA_ROOT; see above.")
