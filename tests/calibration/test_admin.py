"""Calibration records in the Django admin: admins read them, nobody edits them there, coaches get nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from calibration import services
from calibration.models import AnchorItem, CalibrationGrade, CalibrationSession, GoldRecord

pytestmark = pytest.mark.django_db

MODELS = ["calibrationsession", "anchoritem", "calibrationgrade", "goldrecord", "leniencyalert"]


@pytest.fixture
def settled(world):
    session = services.session_create(
        facilitator=world["admin"], title="Admin view", coaches=world["coaches"], attempts=world["attempts"],
        due_at=timezone.now() + datetime.timedelta(days=2),
    )  # fmt: skip
    item = session.items.first()
    services.calibration_grade_save(item=item, coach=world["coaches"][0], levels=dict.fromkeys(world["keys"], 2))
    services.session_reveal(session=session, by=world["admin"])
    services.gold_record(item=item, by=world["admin"], levels=dict.fromkeys(world["keys"], 2))
    return session


def test_admins_read_every_calibration_record_and_cannot_edit_it(client, world, settled):
    client.force_login(world["admin"])
    objects = {
        "calibrationsession": settled,
        "anchoritem": AnchorItem.objects.first(),
        "calibrationgrade": CalibrationGrade.objects.first(),
        "goldrecord": GoldRecord.objects.first(),
    }
    for model in MODELS:
        assert client.get(reverse(f"admin:calibration_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:calibration_{model}_add")).status_code == 403
    for model, obj in objects.items():
        page = client.get(reverse(f"admin:calibration_{model}_change", args=[obj.pk]))
        assert page.status_code == 200 and b'type="submit" value="Save"' not in page.content
    assert CalibrationSession.objects.get().title == "Admin view"


def test_the_lead_coach_flag_is_on_the_user_form(client, world):
    client.force_login(world["admin"])
    page = client.get(reverse("admin:accounts_user_change", args=[world["coaches"][0].pk]))
    assert b'name="is_lead_coach"' in page.content


def test_coaches_get_no_calibration_admin(client, world):
    client.force_login(world["coaches"][0])
    response = client.get(reverse("admin:calibration_calibrationsession_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
