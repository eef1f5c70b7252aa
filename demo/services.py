"""Demo accounts and a running cohort, so a newcomer can sign in as each role at once.

Idempotent: everything is looked up by a natural key and created only when missing.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Role, User
from courses.models import Cohort, Enrollment, EnrollmentStatus

DEMO_PASSWORD = "wow-through-service"
DEMO_COHORT_SLUG = "demo-cohort"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    display_name: str
    role: str
    time_zone: str = "America/Los_Angeles"


ADMIN = DemoPerson("admin@academy.example", "Alex Rivera", Role.ADMIN)
COACHES = [
    DemoPerson("coach.maya@academy.example", "Maya Chen", Role.COACH),
    DemoPerson("coach.jordan@academy.example", "Jordan Ellis", Role.COACH, "America/Denver"),
]
# A dozen hires at different points: most keep the cohort's pace, some run behind,
# one is paused; how far each is into the curriculum is set by `progress_days`.
HIRES = [
    ("hire.ana@academy.example", "Ana Souza", 0, EnrollmentStatus.ACTIVE),
    ("hire.ben@academy.example", "Ben Okafor", 0, EnrollmentStatus.ACTIVE),
    ("hire.chloe@academy.example", "Chloé Martin", 0, EnrollmentStatus.ACTIVE),
    ("hire.dev@academy.example", "Dev Patel", 3, EnrollmentStatus.ACTIVE),
    ("hire.emma@academy.example", "Emma Lindqvist", 0, EnrollmentStatus.ACTIVE),
    ("hire.farah@academy.example", "Farah Haddad", 7, EnrollmentStatus.ACTIVE),
    ("hire.gabe@academy.example", "Gabe Nakamura", 0, EnrollmentStatus.ACTIVE),
    ("hire.hana@academy.example", "Hana Kowalski", 0, EnrollmentStatus.PAUSED),
    ("hire.ivan@academy.example", "Ivan Petrov", 2, EnrollmentStatus.ACTIVE),
    ("hire.jade@academy.example", "Jade Williams", 0, EnrollmentStatus.ACTIVE),
    ("hire.kofi@academy.example", "Kofi Mensah", 0, EnrollmentStatus.ACTIVE),
    ("hire.lena@academy.example", "Lena Fischer", 10, EnrollmentStatus.ACTIVE),
]
DEMO_COHORT_AGE_DAYS = 24  # the cohort is in its fourth week


@dataclass
class DemoResult:
    created: list[str] = field(default_factory=list)
    logins: list[DemoPerson] = field(default_factory=list)


def _person_get_or_create(person: DemoPerson, result: DemoResult) -> User:
    user = User.objects.filter(email=person.email).first()
    if user is None:
        user = account_services.user_create(
            email=person.email,
            display_name=person.display_name,
            role=person.role,
            password=DEMO_PASSWORD,
            time_zone=person.time_zone,
        )
        result.created.append(f"{person.role} {person.email}")
    result.logins.append(person)
    return user


@transaction.atomic
def demo_load(*, today: datetime.date | None = None) -> DemoResult:
    today = today or timezone.localdate()
    result = DemoResult()
    _person_get_or_create(ADMIN, result)
    coaches = [_person_get_or_create(person, result) for person in COACHES]

    cohort, created = Cohort.objects.get_or_create(
        slug=DEMO_COHORT_SLUG,
        defaults={
            "name": "Demo cohort",
            "start_date": today - datetime.timedelta(days=DEMO_COHORT_AGE_DAYS),
            "time_zone": "America/Los_Angeles",
        },
    )
    if created:
        result.created.append(f"cohort {cohort.name}")
    cohort.coaches.add(*coaches)

    for email, name, extension_days, status in HIRES:
        hire = _person_get_or_create(DemoPerson(email, name, Role.HIRE), result)
        _, created = Enrollment.objects.get_or_create(
            cohort=cohort, hire=hire, defaults={"extension_days": extension_days, "status": status}
        )
        if created:
            result.created.append(f"enrollment {email}")
    return result
