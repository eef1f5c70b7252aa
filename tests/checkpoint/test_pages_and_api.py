"""The checkpoint through the web and the API: the two-step decision, the admin overview,
the export, the certificate, and who may see what."""

import csv
import io

import pytest
from PIL import Image

from checkpoint import services
from checkpoint.models import Decision
from courses.models import EnrollmentStatus
from tests.checkpoint.conftest import decide_kwargs
from tests.factories import CoachFactory, CohortFactory, EnrollmentFactory, HireFactory


def test_the_hire_chooses_then_confirms_and_only_the_confirmation_records(open_checkpoint, hire_client):
    page = hire_client.get("/checkpoint/")
    assert page.status_code == 200
    assert b"3,200.00" in page.content and b"Take the offer" in page.content
    chosen = hire_client.post("/checkpoint/", {"choice": "offer", "reflection": "<b>Not for me</b>"})
    assert chosen.status_code == 302 and chosen.url == "/checkpoint/confirm/"
    assert not Decision.objects.exists()
    confirm = hire_client.get("/checkpoint/confirm/")
    assert b"Yes, I take the offer" in confirm.content and b"&lt;b&gt;Not for me&lt;/b&gt;" in confirm.content
    done = hire_client.post(
        "/checkpoint/confirm/", {"choice": "offer", "confirm": "offer", "offer_text_version": 1}, follow=True
    )
    assert b"You took the offer" in done.content
    decision = Decision.objects.get()
    assert decision.reflection == "<b>Not for me</b>"
    # Training pages close; the record and the checkpoint page stay.
    assert hire_client.get("/training/weeks/1/").status_code == 404
    training = hire_client.get("/training/")
    assert training.status_code == 200 and b"You took the offer" in training.content


def test_a_repeated_confirmation_is_refused_with_a_message(open_checkpoint, hire_client, hire):
    services.checkpoint_decide(hire=hire, checkpoint_id=open_checkpoint.pk, **decide_kwargs("commit"))
    page = hire_client.get("/checkpoint/")
    assert b"You committed to the role" in page.content
    assert hire_client.post("/checkpoint/", {"choice": "offer"}).status_code == 200  # no step two once decided
    assert Decision.objects.count() == 1


def test_api_my_checkpoint_and_decide(open_checkpoint, client_for, hire, completed_training):
    api = client_for(hire)
    mine = api.get("/api/v1/checkpoint/").json()
    assert mine["state"] == "open" and mine["offer_amount"] == "3200.00" and mine["offer_text"]["version"] == 1
    unconfirmed = api.post(
        "/api/v1/checkpoint/decide/",
        {"choice": "commit", "confirm": "offer", "offer_text_version": 1},
        content_type="application/json",
    )
    assert unconfirmed.status_code == 400 and "confirmation" in str(unconfirmed.json())
    made = api.post("/api/v1/checkpoint/decide/", decide_kwargs("commit"), content_type="application/json")
    assert made.status_code == 201 and made.json()["choice"] == "commit"
    again = api.post("/api/v1/checkpoint/decide/", decide_kwargs("offer"), content_type="application/json")
    assert again.status_code == 409 and "already been recorded" in again.json()["detail"]
    mine = api.get("/api/v1/checkpoint/").json()
    assert mine["state"] == "committed" and mine["certificate"]["code"].startswith("LA-")


def test_admin_overview_actions_and_export(open_checkpoint, admin_client_, hire):
    cohort = open_checkpoint.enrollment.cohort
    page = admin_client_.get(f"/checkpoint/cohorts/{cohort.pk}/")
    assert page.status_code == 200 and hire.email.encode() in page.content
    recorded = admin_client_.post(
        f"/checkpoint/{open_checkpoint.pk}/record/", {"choice": "offer", "reason": "Met on Monday"}
    )
    assert recorded.status_code == 302
    assert Decision.objects.get().on_behalf_reason == "Met on Monday"
    export = admin_client_.get(f"/checkpoint/cohorts/{cohort.pk}/payroll.csv")
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert [(row["email"], row["amount"], row["currency"]) for row in rows] == [(hire.email, "3200.00", "USD")]
    api_rows = admin_client_.get(f"/api/v1/checkpoints/payroll.csv?cohort={cohort.pk}").content.decode()
    assert api_rows == export.content.decode()
    listing = admin_client_.get(f"/api/v1/checkpoints/cohorts/{cohort.pk}/").json()
    assert listing["counts"]["took_offer"] == 1
    annulled = admin_client_.post(
        f"/api/v1/checkpoints/decisions/{Decision.objects.get().pk}/annul/", {"reason": "Wrong hire"},
        content_type="application/json",
    )  # fmt: skip
    assert annulled.status_code == 200 and annulled.json()["round"] == 2
    open_checkpoint.enrollment.refresh_from_db()
    assert open_checkpoint.enrollment.status == EnrollmentStatus.ACTIVE
    assert admin_client_.get(f"/checkpoint/cohorts/{cohort.pk}/payroll.csv").content.decode().count("\n") == 1


def test_coaches_follow_only_their_cohorts_read_only(open_checkpoint, coach_client, client_for):
    cohort = open_checkpoint.enrollment.cohort
    page = coach_client.get(f"/checkpoint/cohorts/{cohort.pk}/")
    assert page.status_code == 200 and b"Record on their behalf" not in page.content
    assert (
        coach_client.post(f"/checkpoint/{open_checkpoint.pk}/record/", {"choice": "offer", "reason": "x"}).status_code
        == 403
    )
    assert coach_client.get(f"/checkpoint/cohorts/{cohort.pk}/payroll.csv").status_code == 403
    assert coach_client.get(f"/api/v1/checkpoints/cohorts/{cohort.pk}/").json()["counts"]["open"] == 1
    other_coach = client_for(CoachFactory())
    assert other_coach.get(f"/checkpoint/cohorts/{cohort.pk}/").status_code == 403
    assert other_coach.get(f"/api/v1/checkpoints/cohorts/{cohort.pk}/").status_code == 403


@pytest.mark.parametrize(
    "url",
    ["/checkpoint/cohorts/", "/api/v1/checkpoints/payroll.csv", "/checkpoint/payroll.csv"],
)
def test_hires_cannot_reach_admin_pages(open_checkpoint, hire_client, url):
    assert hire_client.get(url).status_code == 403


def test_another_hire_sees_only_their_own_checkpoint(open_checkpoint, client_for):
    other = HireFactory()
    EnrollmentFactory(cohort=CohortFactory(curriculum=open_checkpoint.enrollment.cohort.curriculum), hire=other)
    mine = client_for(other).get("/api/v1/checkpoint/").json()
    assert mine["checkpoint_id"] is None and mine["state"] == "not_open"
    refused = client_for(other).post(
        "/api/v1/checkpoint/decide/", decide_kwargs("offer"), content_type="application/json"
    )
    assert refused.status_code == 404
    assert not Decision.objects.exists()


def test_certificate_image_and_public_verification(open_checkpoint, hire, client, completed_training):
    decision = services.checkpoint_decide(hire=hire, checkpoint_id=open_checkpoint.pk, **decide_kwargs("commit"))
    code = decision.certificate.code
    page = client.get(f"/certificates/{code}/")  # anonymous
    assert page.status_code == 200 and hire.display_name.encode() in page.content and b"genuine" in page.content
    image = client.get(f"/certificates/{code}.png")
    assert image["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(image.content)).size == (1600, 1130)
    assert client.get("/certificates/LA-NOPE-NOPE-NOPE/").status_code == 404
