"""Completion: excused items, the cohort's completion rule, and a certificate that says "completed"
only when it is true."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from checkpoint import selectors, services
from checkpoint.models import Certificate, CompletionRule
from courses import progress
from courses.models import Enrollment, ItemExcusal
from courses.services import excusals
from tests.checkpoint.conftest import decide_kwargs
from tests.checkpoint.support import complete_training
from tests.factories import CohortFactory, EnrollmentFactory, HireFactory, curriculum_with


def _items(enrollment):
    return progress.curriculum_due_items(curriculum_id=enrollment.cohort.curriculum_id)


def _summary(enrollment):
    enrollment = Enrollment.objects.select_related("cohort").get(pk=enrollment.pk)
    return progress.progress_summaries(enrollments=[enrollment])[enrollment.pk]


def test_an_excused_item_counts_as_done_and_is_never_overdue(finishing_enrollment, training_admin):
    before = _summary(finishing_enrollment)
    assert before.overdue == before.total > 0 and before.done == 0
    item = _items(finishing_enrollment)[0]
    excusal = excusals.item_excuse(
        enrollment=finishing_enrollment, kind=item.kind, item_id=item.id, admin=training_admin, reason="Prior role"
    )
    after = _summary(finishing_enrollment)
    assert (after.done, after.overdue, after.excused) == (1, before.overdue - 1, 1)
    assert item.key in progress.done_items(enrollment_ids=[finishing_enrollment.pk])[finishing_enrollment.pk]
    excusals.item_excusal_revoke(excusal_id=excusal.pk, enrollment=finishing_enrollment, admin=training_admin)
    assert _summary(finishing_enrollment).overdue == before.overdue
    assert ItemExcusal.objects.get(pk=excusal.pk).revoked_by == training_admin  # the record stays


def test_item_status_says_excused_unless_done():
    now = timezone.now()
    assert progress.item_status(due_at=now, unlocked=True, done=False, now=now, excused=True) == "excused"
    assert progress.item_status(due_at=now, unlocked=True, done=True, now=now, excused=True) == "done"
    assert progress.item_status(due_at=now, unlocked=True, done=False, now=now) == "overdue"


def test_excusing_is_for_admins_with_a_reason_and_an_item_of_the_curriculum(
    finishing_enrollment, training_admin, coach
):
    item = _items(finishing_enrollment)[0]
    args = {"enrollment": finishing_enrollment, "kind": item.kind, "item_id": item.id}
    with pytest.raises(PermissionDenied):
        excusals.item_excuse(**args, admin=coach, reason="x")
    with pytest.raises(ValidationError, match="reason"):
        excusals.item_excuse(**args, admin=training_admin, reason="  ")
    foreign = _items(EnrollmentFactory(cohort=CohortFactory(curriculum=curriculum_with(slug="other"))))[0]
    with pytest.raises(ValidationError, match="not part of"):
        excusals.item_excuse(**{**args, "kind": foreign.kind, "item_id": foreign.id}, admin=training_admin, reason="x")
    assert not ItemExcusal.objects.exists()
    first = excusals.item_excuse(**args, admin=training_admin, reason="Prior role")
    assert excusals.item_excuse(**args, admin=training_admin, reason="Again") == first  # retried: one excusal


def test_summaries_with_excusals_cost_the_same_queries_for_few_or_many_hires(training_admin):
    counts = []
    for size in (2, 20):
        cohort = CohortFactory(curriculum=curriculum_with(lessons_per_week=1, slug=f"c{size}"), time_zone="UTC")
        enrollments = [EnrollmentFactory(cohort=cohort, hire=HireFactory()) for _ in range(size)]
        item = _items(enrollments[0])[0]
        for enrollment in enrollments:
            excusals.item_excuse(enrollment=enrollment, kind=item.kind, item_id=item.id, admin=training_admin,
                                 reason="Prior role")  # fmt: skip
        enrollments = list(Enrollment.objects.select_related("cohort").filter(cohort=cohort))
        with CaptureQueriesContext(connection) as captured:
            summaries = progress.progress_summaries(enrollments=enrollments)
        counts.append(len(captured))
        assert all(summary.excused == 1 for summary in summaries.values())
    # Nothing cached (written in this test): the curricula's outlines (4) and the hires' marks (3).
    assert counts[0] == counts[1] <= 7


def test_committing_without_completing_gives_no_certificate_until_it_is_complete(
    open_checkpoint, hire, hire_client, training_admin
):
    enrollment = open_checkpoint.enrollment
    page = hire_client.get("/checkpoint/").content.decode()
    assert "Not complete yet" in page and "neither done nor excused" in page and "Readiness not met" in page
    decision = services.checkpoint_decide(hire=hire, checkpoint_id=open_checkpoint.pk, **decide_kwargs("commit"))
    assert not Certificate.objects.filter(decision=decision).exists()

    refused = hire_client.post("/checkpoint/certificate/", follow=True)
    text = refused.content.decode()
    assert "No certificate yet" in text and "neither done nor excused" in text
    assert "Certificate of completion" not in text and not Certificate.objects.exists()
    with pytest.raises(ValidationError, match="not complete"):
        services.certificate_issue(hire=hire)

    complete_training(enrollment, training_admin)
    assert selectors.completion_for(enrollment=enrollment).met
    issued = hire_client.post("/checkpoint/certificate/")
    certificate = Certificate.objects.get(decision=decision)
    assert issued.status_code == 302 and issued["Location"] == f"/certificates/{certificate.code}/"
    assert services.certificate_issue(hire=hire) == certificate  # asked again: the same one


def test_the_cohort_rule_decides_what_completion_needs(finishing_enrollment, training_admin, coach):
    for item in _items(finishing_enrollment):
        excusals.item_excuse(enrollment=finishing_enrollment, kind=item.kind, item_id=item.id, admin=training_admin,
                             reason="Prior role")  # fmt: skip
    completion = selectors.completion_for(enrollment=finishing_enrollment)
    assert not completion.met and completion.missing[0].startswith("Readiness not met")
    with pytest.raises(PermissionDenied):
        services.completion_rule_update(cohort=finishing_enrollment.cohort, admin=coach, requires_all_items=True,
                                        requires_readiness=False)  # fmt: skip
    services.completion_rule_update(cohort=finishing_enrollment.cohort, admin=training_admin, requires_all_items=True,
                                    requires_readiness=False)  # fmt: skip
    assert CompletionRule.objects.get(cohort=finishing_enrollment.cohort).updated_by == training_admin
    assert selectors.completion_for(enrollment=finishing_enrollment).met


def test_the_open_checkpoint_is_at_the_top_of_my_training(open_checkpoint, hire_client):
    page = hire_client.get("/training/").content.decode()
    assert 'data-testid="top-panel"' in page
    assert page.index("Your checkpoint is open") < page.index("Next up")


def test_an_admin_excuses_and_revokes_on_the_enrollment_page(finishing_enrollment, client_for, training_admin):
    admin = client_for(training_admin)
    cohort = finishing_enrollment.cohort
    base = f"/cohorts/{cohort.pk}/hires/{finishing_enrollment.pk}/"
    item = _items(finishing_enrollment)[0]
    assert admin.post(f"{base}excuse/", {"item": f"{item.kind}:{item.id}", "reason": ""}).status_code == 302
    assert not ItemExcusal.objects.exists()  # no reason, nothing excused
    admin.post(f"{base}excuse/", {"item": f"{item.kind}:{item.id}", "reason": "Did it in a previous role"})
    excusal = ItemExcusal.objects.get()
    page = admin.get(base).content.decode()
    assert "Did it in a previous role" in page and "Revoke" in page
    assert "1 excused" in admin.get(f"/cohorts/{cohort.pk}/").content.decode()  # the dashboard grid
    admin.post(f"{base}excusals/{excusal.pk}/revoke/")
    assert ItemExcusal.objects.get().revoked_at is not None


def test_the_hire_sees_excused_items_on_the_week_page(finishing_enrollment, hire_client, training_admin):
    lesson = next(item for item in _items(finishing_enrollment) if item.kind == "lesson" and item.week == 1)
    excusals.item_excuse(enrollment=finishing_enrollment, kind="lesson", item_id=lesson.id, admin=training_admin,
                         reason="Prior role")  # fmt: skip
    week = hire_client.get("/training/weeks/1/").content.decode()
    assert 'tag-excused">Excused' in week
    assert "counted as done" in hire_client.get("/training/").content.decode()


def test_the_hires_checkpoint_api_says_what_the_page_says_about_completion(
    open_checkpoint, hire, hire_client, training_admin
):
    enrollment = open_checkpoint.enrollment
    completion = hire_client.get("/api/v1/checkpoint/").json()["completion"]
    shown = selectors.completion_for(enrollment=enrollment)
    assert completion["complete"] is False and completion["missing"] == shown.missing
    assert completion["missing"][0] == f"{len(_items(enrollment))} items neither done nor excused"
    assert completion["summary"].startswith("Not complete yet. Still missing: ")
    assert "Readiness not met" in completion["summary"]
    assert [(row["kind"], row["id"]) for row in completion["items_missing"]] == [
        item.key for item in shown.items_missing
    ]
    page = hire_client.get("/checkpoint/").content.decode()
    assert all(escape(text) in page for text in completion["missing"])

    complete_training(enrollment, training_admin)
    completion = hire_client.get("/api/v1/checkpoint/").json()["completion"]
    assert (completion["complete"], completion["missing"], completion["items_missing"]) == (True, [], [])
    assert completion["summary"].startswith("Training complete")
    services.checkpoint_decide(hire=hire, checkpoint_id=open_checkpoint.pk, **decide_kwargs("commit"))
    mine = hire_client.get("/api/v1/checkpoint/").json()
    assert mine["certificate"] is not None and mine["completion"] is None  # as on the page: the certificate says it


def test_before_the_checkpoint_opens_the_api_shows_no_completion(finishing_enrollment, hire_client):
    assert hire_client.get("/api/v1/checkpoint/").json()["completion"] is None
