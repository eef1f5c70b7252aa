from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from coaching.scorer_training import devset_examples, heldout_figures, scorer_retrain
from courses.scoring.base import CRITERIA
from courses.scoring.evaluation import BOOTSTRAP_SAMPLES, split_of
from courses.scoring.model_file import SHIPPED_MODEL
from courses.scoring.situational import SituationalScorer
from courses.scoring.training import train


class Command(BaseCommand):
    help = (
        "Train a new version of the pre-scorer on the shipped labelled answers plus released coach grades "
        "(scenario-grouped split), compare it with the live version on held-out scenarios, and make it live "
        "only if it is better on average and no worse on any criterion. The comparison is printed and stored. "
        "With --ship, train on the labelled answers alone and write the model file shipped in the repo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ship", metavar="VERSION", help="write the shipped model file under this version name")
        parser.add_argument(
            "--output", type=Path, default=SHIPPED_MODEL, help="where --ship writes (default: %(default)s)"
        )

    def handle(self, *args, ship: str | None, output: Path, **options):
        if ship:
            self._ship(ship, output)
            return
        outcome = scorer_retrain(log=self.stdout.write)
        state = "is now live" if outcome.went_live else "was stored but kept back"
        self.stdout.write(f"Scorer version {outcome.version.version} {state}.")

    def _ship(self, version: str, output: Path) -> None:
        examples = devset_examples()
        training = [e for e in examples if split_of(e.group) == "tuning"]
        held_out = [e for e in examples if split_of(e.group) == "held-out"]
        self.stdout.write(f"training on {len(training)} labelled answers; {len(held_out)} held out")
        model = train(training, SituationalScorer, version=version, criteria=CRITERIA, now=timezone.now(),
                      log=self.stdout.write)  # fmt: skip
        model.metadata["heldout"] = heldout_figures(SituationalScorer(model), held_out, CRITERIA, BOOTSTRAP_SAMPLES)
        model.metadata["judged_on"] = f"{len(held_out)} held-out labelled answers"
        for key, figures in model.metadata["heldout"].items():
            self.stdout.write(
                f"  {key:<13} QWK {figures['qwk']:.3f} ({figures['qwk_low']:.2f} to {figures['qwk_high']:.2f}), "
                f"exact {100 * figures['exact']:.0f}%, within one {100 * figures['within_one']:.0f}%"
            )
        model.save(output)
        self.stdout.write(f"wrote {output}")
