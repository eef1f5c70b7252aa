"""Readiness records in the Django admin: every one is listed, searchable by the hire's email and readable,
and none can be added, changed or deleted there (the pages and their services keep the audit)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from readiness import services
from readiness.models import ReadinessFlag, ReadinessOverride, ReadinessRule, ReadinessRuleChange, ReadinessSignOff
from tests.factories import CohortFactory, EnrollmentFactory, HireFactory, curriculum_with

pytestmark = pytest.mark.django_db

MODELS = [ReadinessRule, ReadinessRuleChange, ReadinessSignOff, ReadinessOverride, ReadinessFlag]


def _url(model, action: str, *args) -> str:
    return reverse(f"admin:readiness_{model._meta.model_name}_{action}", args=args)


def _records(cohort, coach, admin_user, hire) -> dict:
    """One of each readiness record, made the way the pages make them."""
    enrollment = EnrollmentFactory(cohort=cohort, hire=hire)
    rule = services.readiness_rule_update(cohort=cohort, actor=admin_user, recent_roleplays=4,
                                          min_average_level=Decimal("1.5"))  # fmt: skip
    sign_off = services.readiness_sign_off(enrollment=enrollment, coach=coach, note="Steady on calls")
    override = services.readiness_override(enrollment=enrollment, admin=admin_user, ready=True, reason="Ready")
    flag = ReadinessFlag.objects.create(
        enrollment=enrollment, flagged_at=timezone.now(), missing=["Week 4's knowledge check not passed"]
    )
    return {ReadinessRule: rule, ReadinessRuleChange: rule.changes.get(), ReadinessSignOff: sign_off,
            ReadinessOverride: override, ReadinessFlag: flag}  # fmt: skip


@pytest.fixture
def records(coach, training_admin, hire):
    cohort = CohortFactory(curriculum=curriculum_with(lessons_per_week=1), time_zone="UTC",
                           start_date=timezone.localdate() - datetime.timedelta(days=20))  # fmt: skip
    cohort.coaches.add(coach)
    return _records(cohort, coach, training_admin, hire)


def test_every_readiness_model_is_registered():
    assert all(model in admin.site._registry for model in MODELS)


def test_each_changelist_and_change_page_loads_read_only_for_an_admin(admin_client_, records):
    for model, obj in records.items():
        listing = admin_client_.get(_url(model, "changelist"))
        assert listing.status_code == 200, model
        assert list(listing.context["cl"].result_list) == [obj], model
        page = admin_client_.get(_url(model, "change", obj.pk))
        assert page.status_code == 200, model
        assert b'type="submit" value="Save"' not in page.content  # read-only
        assert admin_client_.get(_url(model, "add")).status_code == 403
        assert admin_client_.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert ReadinessRule.objects.get().recent_roleplays == 4


def test_a_superuser_reads_them_too(client, django_user_model, records):
    superuser = django_user_model.objects.create_superuser(email="root@academy.example", password="x-long-pass-1")
    client.force_login(superuser)
    for model, obj in records.items():
        assert client.get(_url(model, "changelist")).status_code == 200
        assert client.get(_url(model, "change", obj.pk)).status_code == 200


def test_search_by_the_hires_email_and_the_filters(admin_client_, records, hire):
    for model in (ReadinessSignOff, ReadinessOverride, ReadinessFlag):
        found = admin_client_.get(_url(model, "changelist"), {"q": hire.email})
        assert found.status_code == 200 and found.context["cl"].result_count == 1, model
        none = admin_client_.get(_url(model, "changelist"), {"q": "nobody@elsewhere.example"})
        assert none.context["cl"].result_count == 0, model
    cohort_id = records[ReadinessFlag].enrollment.cohort_id
    assert admin_client_.get(_url(ReadinessOverride, "changelist"), {"decision": "ready"}).status_code == 200
    assert admin_client_.get(_url(ReadinessSignOff, "changelist"), {"withdrawn_at__isempty": "1"}).status_code == 200
    assert (
        admin_client_.get(_url(ReadinessFlag, "changelist"), {"enrollment__cohort__id__exact": cohort_id}).status_code
        == 200
    )
    assert (
        admin_client_.get(_url(ReadinessRuleChange, "changelist"), {"rule__cohort__id__exact": cohort_id}).status_code
        == 200
    )


def test_coaches_get_no_readiness_admin(coach_client, records):
    for model in records:
        assert coach_client.get(_url(model, "changelist")).status_code == 302  # to the admin's sign-in


def test_the_changelists_cost_the_same_queries_for_few_or_many_rows(admin_client_, coach, training_admin):
    counts = {model: [] for model in MODELS}
    for size in (1, 6):
        for _ in range(size):
            cohort = CohortFactory(curriculum=curriculum_with(lessons_per_week=1, slug=f"c{size}-{_}"))
            cohort.coaches.add(coach)
            _records(cohort, coach, training_admin, HireFactory())
        for model in MODELS:
            with CaptureQueriesContext(connection) as captured:
                assert admin_client_.get(_url(model, "changelist")).status_code == 200
            counts[model].append(len(captured))
    assert all(first == second for first, second in counts.values()), counts
