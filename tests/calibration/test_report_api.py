"""The grading-quality API: the pages' figures as JSON, with the pages' permissions and filters."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from calibration import report_charts, reports
from calibration.models import LeniencyAlert
from tests.calibration.test_reports import FIRST, HAND_ALPHA, SECOND, Bench
from tests.factories import AdminFactory, CoachFactory, HireFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench():
    return Bench()


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_overview_gives_alpha_gold_leniency_and_second_marks(bench):
    ann, bob = CoachFactory(display_name="Ann"), CoachFactory(display_name="Bob")
    session = bench.session({ann: FIRST, bob: SECOND}, gold=FIRST)
    bench.second_mark(1, 3, status="moderated")
    body = api_as(AdminFactory()).get(reverse("api-calibration-reports")).json()
    assert [c["title"] for c in body["criteria"]] == bench.titles
    (row,) = body["sessions"]
    assert row["id"] == session.pk and row["coaches"] == 2
    assert row["criteria"][0]["alpha"] == pytest.approx(HAND_ALPHA)
    assert row["criteria"][0]["with_gold"]["exact"] == 7 / 8
    assert body["pooled"]["sessions"] == 1
    bob_row = next(entry for entry in body["leniency"] if entry["coach"]["name"] == "Bob")
    assert bob_row["criteria"][0]["agreement"]["deviation"] == 0.25
    assert bob_row["criteria"][0]["trend"] == [0.25]
    assert body["second_marking"]["marked"] == 1 and body["second_marking"]["moderation_share"] == 1.0
    assert body["second_marking"]["criteria"][0]["wide_gap"] == 1.0


def test_a_coach_reads_their_own_figures_only(bench):
    me, other = CoachFactory(), CoachFactory()
    bench.session({me: [3, 3], other: [2, 2]}, gold=[2, 2])
    bench.session({me: [2, 2]}, gold=[2, 1], kind="onboarding")
    client = api_as(me)
    body = client.get(reverse("api-calibration-report-coach", args=[me.pk])).json()
    assert body["coach"]["id"] == me.pk
    assert body["leniency"][0]["agreement"]["deviation"] == 1.0 and body["leniency"][0]["past_threshold"]
    assert body["onboarding"][0]["overall"]["within_one"] == 1.0
    assert client.get(reverse("api-calibration-report-coach", args=[other.pk])).status_code == 404
    assert client.get(reverse("api-calibration-reports")).status_code == 403
    assert client.get(reverse("api-calibration-report-alerts")).status_code == 403
    lead = api_as(CoachFactory(is_lead_coach=True))
    assert lead.get(reverse("api-calibration-report-coach", args=[other.pk])).status_code == 200
    assert lead.get(reverse("api-calibration-reports")).status_code == 200


def test_a_hire_reads_nothing_and_bad_filters_are_refused(bench):
    hire = api_as(HireFactory())
    coach = CoachFactory()
    assert hire.get(reverse("api-calibration-report-coach", args=[coach.pk])).status_code == 403
    assert hire.get(reverse("api-calibration-reports")).status_code == 403
    admin = api_as(AdminFactory())
    response = admin.get(reverse("api-calibration-reports"), {"to": "2025-02-30"})
    assert response.status_code == 400 and "2025-03-31" in str(response.json())
    assert admin.get(reverse("api-calibration-report-coach", args=[HireFactory().pk])).status_code == 404


def test_alerts_as_json(bench):
    coach = CoachFactory()
    earlier = bench.session({coach: [0]}, gold=[2], days_ago=2, title="February")
    later = bench.session({coach: [1]}, gold=[2], days_ago=1, title="March")
    LeniencyAlert.objects.create(coach=coach, criterion_key=bench.keys[0], session=later, previous_session=earlier,
                                 deviation=-1.0, previous_deviation=-2.0)  # fmt: skip
    (alert,) = api_as(AdminFactory()).get(reverse("api-calibration-report-alerts")).json()
    assert alert["criterion_title"] == bench.titles[0] and alert["leaning"] == "severe"
    assert (alert["previous_session"], alert["previous_deviation"], alert["session"]) == ("February", -2.0, "March")


def test_charts_escape_every_name_and_stay_well_formed_xml(bench):
    odd = CoachFactory(display_name="<script>alert(1)</script> & Co")
    other = CoachFactory()
    bench.session({odd: [3, 0], other: [2, 1]}, gold=[2, 1], title="</svg><b>")
    bench.session({odd: [1, 0], other: [2, 1]}, gold=[2, 1], title="Second")
    quality = reports.grading_quality(filters=reports.ReportFilters())
    row = next(row for row in quality.leniency if row.coach == odd)
    charts = [
        report_charts.alpha_chart(quality),
        report_charts.gold_chart(quality.criteria, quality.with_gold, title="Gold & <more>"),
        report_charts.leniency_chart(quality.leniency, quality.criteria, threshold=quality.threshold),
        report_charts.leniency_trend_chart(row, quality.criteria, quality.sessions, threshold=quality.threshold),
    ]
    for chart in charts:
        root = ET.fromstring(chart)
        assert root.attrib["role"] == "img" and root.find("{http://www.w3.org/2000/svg}title") is not None
        assert "<script>" not in chart
