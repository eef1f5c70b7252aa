import time

from django.core.management.base import BaseCommand, CommandError

from demo.scale import COHORT_SIZE, EMAIL_DOMAIN, ScaleDataExists, scale_data_generate
from demo.services import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Build a realistic organisation of N hires (cohorts of 40 at every stage) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--hires", type=int, required=True, help="how many hires")
        parser.add_argument("--seed", type=int, default=1, help="random seed: the same seed builds the same data")

    def handle(self, *args, hires: int, seed: int, **options):
        started = time.perf_counter()
        try:
            result = scale_data_generate(hires=hires, seed=seed)
        except (ScaleDataExists, ValueError) as error:
            raise CommandError(str(error)) from error
        seconds = time.perf_counter() - started
        total = sum(result.counts.values())
        for name, rows in result.counts.items():
            self.stdout.write(f"  {name:<28}{rows:>10,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{hires:,} hires in cohorts of {COHORT_SIZE}: {total:,} rows in {seconds:.1f} s. "
                f"Sign in as hire0@{EMAIL_DOMAIN}, coach0@{EMAIL_DOMAIN} or admin0@{EMAIL_DOMAIN} "
                f"with the password {DEMO_PASSWORD}."
            )
        )
