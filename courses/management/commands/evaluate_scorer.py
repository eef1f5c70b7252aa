from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.scoring import get_scorer
from courses.scoring.evaluation import SPLITS, DevsetError, evaluate, format_table, load_devset


class Command(BaseCommand):
    help = (
        "Run the role-play pre-scorer over a file of hand-labelled answers (devset format) and print its "
        "agreement with the labels per criterion: exact, within one level, and quadratic-weighted kappa."
    )
    # Reads a file and scores text: no database, so no checks that might need one.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="a JSON Lines file in the devset format")
        parser.add_argument(
            "--split",
            choices=SPLITS,
            default="all",
            help="score every answer, or only the tuning or the held-out half (fixed by a hash of each id)",
        )

    def handle(self, *args, path: Path, split: str, **options):
        try:
            rows = load_devset(path)
        except DevsetError as error:
            raise CommandError(f"Not evaluated: {error}") from error
        except OSError as error:
            raise CommandError(f"Not evaluated: {path}: {error.strerror or error}") from error
        try:
            evaluation = evaluate(rows, get_scorer(), split)
        except ValueError as error:
            raise CommandError(f"Not evaluated: {path}: {error}") from error
        self.stdout.write(format_table(evaluation, source=str(path)))
