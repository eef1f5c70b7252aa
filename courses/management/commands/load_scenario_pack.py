from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.curriculum_loader import CurriculumFileError, scenario_pack_load
from courses.models import Curriculum


class Command(BaseCommand):
    help = (
        "Add a pack of role-play scenarios (such as courses/data/packs/other_lines.yaml) to a curriculum version "
        "that no cohort runs yet. A malformed pack writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--curriculum", required=True, help="the curriculum's slug")
        parser.add_argument(
            "--curriculum-version", type=int, dest="curriculum_version", help="its version (default: the newest)"
        )

    def handle(self, *args, path: Path, curriculum: str, curriculum_version: int | None, **options):
        version = curriculum_version
        versions = Curriculum.objects.filter(slug=curriculum).order_by("-version")
        found = versions.filter(version=version).first() if version else versions.first()
        if found is None:
            raise CommandError(f"No curriculum '{curriculum}'{f' version {version}' if version else ''}.")
        try:
            slugs = scenario_pack_load(path, curriculum=found)
        except CurriculumFileError as error:
            raise CommandError(
                f"{path} was not loaded ({len(error.problems)} problem(s)); nothing was written:\n"
                + "\n".join(f"  - {p}" for p in error.problems)
            ) from error
        self.stdout.write(self.style.SUCCESS(f"Added {len(slugs)} scenarios to {found}: {', '.join(slugs)}."))
