from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.curriculum_loader import CurriculumFileError, curriculum_load


class Command(BaseCommand):
    help = "Load a curriculum from a YAML file. Idempotent; a malformed file writes nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        try:
            result = curriculum_load(path)
        except CurriculumFileError as error:
            raise CommandError(
                f"{path} was not loaded ({len(error.problems)} problem(s)); nothing was written:\n"
                + "\n".join(f"  - {p}" for p in error.problems)
            ) from error
        curriculum = result.curriculum
        counts = ", ".join(f"{n} {label}" for label, n in result.counts.items())
        if not result.changed:
            self.stdout.write(f"{curriculum} is already loaded and unchanged ({counts}).")
        else:
            verb = "Loaded" if result.created else "Updated"
            self.stdout.write(self.style.SUCCESS(f"{verb} {curriculum}: {counts}."))
