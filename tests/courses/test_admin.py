import pytest
from django.urls import reverse

from courses.models import Curriculum, Enrollment, EnrollmentStatus, Lesson
from tests.factories import CohortFactory, EnrollmentFactory, curriculum_with

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    [
        "curriculum",
        "week",
        "lesson",
        "knowledgecheck",
        "question",
        "cohort",
        "enrollment",
        "checkattempt",
        "rubric",
        "rubricversion",
        "scenario",
        "attempt",
    ],
)
def test_every_curriculum_model_has_an_admin_page(admin_client_, model):
    assert admin_client_.get(reverse(f"admin:courses_{model}_changelist")).status_code == 200


def test_a_lesson_preview_looks_as_a_hire_sees_it(admin_client_):
    lesson = Lesson.objects.filter(curriculum=curriculum_with(1)).first()
    page = admin_client_.get(reverse("admin:courses_lesson_preview", args=[lesson.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert lesson.title in html and lesson.body_html in html and "Mark complete" not in html


def test_content_of_a_version_in_use_is_read_only_until_copied(admin_client_):
    curriculum = curriculum_with(1)
    lesson = Lesson.objects.filter(curriculum=curriculum).first()
    change_url = reverse("admin:courses_lesson_change", args=[lesson.pk])
    assert 'name="title"' in admin_client_.get(change_url).content.decode()  # editable while unused

    CohortFactory(curriculum=curriculum)
    page = admin_client_.get(change_url).content.decode()
    assert 'name="title"' not in page  # shown read-only
    response = admin_client_.post(change_url, {"title": "Changed"})
    assert response.status_code == 403
    lesson.refresh_from_db()
    assert lesson.title != "Changed"

    admin_client_.post(
        reverse("admin:courses_curriculum_changelist"),
        {"action": "copy_as_new_version", "_selected_action": [curriculum.pk]},
    )
    copy = Curriculum.objects.get(slug=curriculum.slug, version=2)
    assert copy.lessons.count() == curriculum.lessons.count()
    copied = copy.lessons.get(slug=lesson.slug)
    assert (
        'name="title"' in admin_client_.get(reverse("admin:courses_lesson_change", args=[copied.pk])).content.decode()
    )


def test_enrollment_actions_pause_resume_and_extend(admin_client_):
    enrollment = EnrollmentFactory()
    url = reverse("admin:courses_enrollment_changelist")
    admin_client_.post(url, {"action": "pause", "_selected_action": [enrollment.pk]})
    assert Enrollment.objects.get().status == EnrollmentStatus.PAUSED
    admin_client_.post(url, {"action": "resume", "_selected_action": [enrollment.pk]})
    admin_client_.post(url, {"action": "extend_by_a_week", "_selected_action": [enrollment.pk]})
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.extension_days) == (EnrollmentStatus.ACTIVE, 7)
    assert [e.kind for e in enrollment.events.order_by("id")] == ["paused", "resumed", "extended"]


def test_coaches_cannot_reach_the_curriculum_admin(coach_client):
    response = coach_client.get(reverse("admin:courses_lesson_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response.url
