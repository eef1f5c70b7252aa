import glob
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.scoring.evaluation import (
    BOOTSTRAP_SAMPLES,
    DEVSET_DIR,
    SPLITS,
    DevsetError,
    evaluate,
    format_report,
    load_devset,
)
from courses.scoring.model_file import ScorerModel


def _scorer(name: str):
    if name == "rules":
        from courses.scoring.phrase_rules import PhraseRulesScorer

        return PhraseRulesScorer()
    if name == "live":
        from courses.scoring.live import LiveScorer

        return LiveScorer().current()
    from courses.scoring.situational import SituationalScorer

    return SituationalScorer(ScorerModel.load(Path(name)))


class Command(BaseCommand):
    help = (
        "Run the role-play pre-scorer over files of hand-labelled answers (devset format) and print its "
        "agreement with the labels per criterion: exact, within one level, and quadratic-weighted kappa "
        "with a bootstrap 95% interval; then the same per line of business, and how the integrity flags "
        "match the answers that should be flagged."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="JSON Lines files (default: every shipped set)")
        parser.add_argument(
            "--split",
            choices=SPLITS,
            default="all",
            help="every answer, or only the answers to tuning or held-out scenarios (courses/data/devset/held_out.txt)",
        )
        parser.add_argument(
            "--scorer", default="live", help="'live' (default), 'rules' (the phrase rules alone) or a model file"
        )
        parser.add_argument("--bootstrap", type=int, default=BOOTSTRAP_SAMPLES, help="resamples for the interval")

    def handle(self, *args, paths: list[Path], split: str, scorer: str, bootstrap: int, **options):
        paths = paths or [Path(p) for p in sorted(glob.glob(str(DEVSET_DIR / "*.jsonl")))]
        rows = []
        for path in paths:
            try:
                rows += load_devset(path)
            except DevsetError as error:
                raise CommandError(f"Not evaluated: {error}") from error
            except OSError as error:
                raise CommandError(f"Not evaluated: {path}: {error.strerror or error}") from error
        try:
            evaluation = evaluate(rows, _scorer(scorer), split, bootstrap=bootstrap)
        except (ValueError, OSError) as error:
            raise CommandError(f"Not evaluated: {error}") from error
        self.stdout.write(format_report(evaluation, source=", ".join(str(p) for p in paths), bootstrap=bootstrap))
