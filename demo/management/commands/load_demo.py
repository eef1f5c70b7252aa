from django.core.management.base import BaseCommand

from demo.graduated import graduated_cohort_load
from demo.services import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Create demo accounts and a running cohort (idempotent), and print the logins."

    def handle(self, *args, **options):
        result = demo_load()
        graduated_cohort_load(result=result)
        if result.created:
            self.stdout.write(f"Created {len(result.created)} demo records.")
        else:
            self.stdout.write("Demo data already present; nothing created.")
        self.stdout.write(self.style.MIGRATE_HEADING(f"\nDemo logins (password for all: {DEMO_PASSWORD})"))
        for person in result.logins:
            self.stdout.write(f"  {person.role:<6} {person.email:<36} {person.display_name}")
