import datetime

import factory
from django.utils import timezone

from accounts.models import Role, User
from courses.models import Cohort, Enrollment, EnrollmentStatus

TEST_PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@academy.test")
    display_name = factory.Faker("name")
    role = Role.HIRE
    time_zone = "America/Los_Angeles"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class HireFactory(UserFactory):
    role = Role.HIRE
    email = factory.Sequence(lambda n: f"hire{n}@academy.test")


class CoachFactory(UserFactory):
    role = Role.COACH
    email = factory.Sequence(lambda n: f"coach{n}@academy.test")


class AdminFactory(UserFactory):
    role = Role.ADMIN
    email = factory.Sequence(lambda n: f"admin{n}@academy.test")


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    name = factory.Sequence(lambda n: f"Cohort {n}")
    slug = factory.Sequence(lambda n: f"cohort-{n}")
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    time_zone = "America/Los_Angeles"


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    cohort = factory.SubFactory(CohortFactory)
    hire = factory.SubFactory(HireFactory)
    status = EnrollmentStatus.ACTIVE
