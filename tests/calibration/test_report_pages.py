"""The grading-quality pages and their CSV files: who sees what, what is shown, and what it costs."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calibration.models import LeniencyAlert
from tests.calibration.test_reports import FIRST, SECOND, Bench
from tests.factories import CoachFactory, HireFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench():
    return Bench()


@pytest.fixture
def lead(client):
    lead = CoachFactory(display_name="Lee Lead", is_lead_coach=True)
    client.force_login(lead)
    return lead


def rows_of(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_overview_shows_every_figure_with_its_chart_table_and_how_it_is_computed(client, lead, bench):
    ann, bob = CoachFactory(display_name="Ann Able"), CoachFactory(display_name="Bob Brisk")
    bench.session({ann: FIRST, bob: SECOND}, gold=FIRST, title="March round")
    bench.second_mark(0, 2, status="moderated")
    response = client.get(reverse("calibration_reports:overview"))
    assert response.status_code == 200
    page = response.content.decode()
    for heading in ("Krippendorff's alpha", "Agreement with gold", "Leniency", "Blind second marking"):
        assert heading in page
    assert page.count('class="chart"') == 4 and page.count("<caption>") >= 5
    assert "mean of (coach's level − gold level)" in page
    assert f"{71 / 78:.2f}" in page  # alpha of the session, in its table
    assert bench.titles[0] in page and f">{bench.keys[0]}<" not in page  # criterion titles, not keys
    assert reverse("calibration_reports:coach", args=[bob.pk]) in page
    assert "1 sent to moderation (100%)" in page
    assert "Grading quality" in page  # in the navigation for a lead coach


def test_the_overview_costs_the_same_queries_for_10_and_200_items(client, lead):
    counts = []
    for size in (10, 200):
        bench = Bench()
        coaches = [CoachFactory() for _ in range(3)]
        plan = {coach: [(n + i) % 4 for n in range(size)] for i, coach in enumerate(coaches)}
        bench.session(plan, gold=[n % 4 for n in range(size)])
        for n in range(size // 10):
            bench.second_mark(n % 4, (n + 2) % 4)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("calibration_reports:overview")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_coach_sees_their_own_agreement_and_nobody_elses(client, bench):
    me, other = CoachFactory(display_name="Mia Me"), CoachFactory(display_name="Olly Other")
    bench.session({me: [3, 3], other: [2, 1]}, gold=[2, 2])
    client.force_login(me)
    mine = client.get(reverse("calibration_reports:mine"))
    assert mine.status_code == 200
    page = mine.content.decode()
    assert "My agreement" in page and "+1.00" in page and "⚑ past threshold" in page
    assert "1 revealed calibration session taken" in page
    assert client.get(reverse("calibration_reports:coach", args=[me.pk])).status_code == 200
    assert client.get(reverse("calibration_reports:coach", args=[other.pk])).status_code == 404
    assert client.get(reverse("calibration_reports:coach_csv", args=[other.pk, "leniency"])).status_code == 404
    assert client.get(reverse("calibration_reports:overview")).status_code == 403
    assert client.get(reverse("calibration_reports:csv", args=["leniency"])).status_code == 403
    assert "Grading quality" not in page


def test_a_hire_sees_nothing(client, bench):
    coach = CoachFactory()
    client.force_login(HireFactory())
    for url in (reverse("calibration_reports:mine"), reverse("calibration_reports:coach", args=[coach.pk]),
                reverse("calibration_reports:overview"), reverse("calibration_reports:alerts")):  # fmt: skip
        assert client.get(url).status_code == 403


def test_a_lead_opens_any_coachs_page_with_their_trend_and_onboarding(client, lead, bench):
    coach, other = CoachFactory(display_name="Cleo Coach"), CoachFactory()
    bench.session({coach: [3, 2], other: [2, 2]}, gold=[2, 2], days_ago=3)
    bench.session({coach: [1, 2], other: [2, 2]}, gold=[2, 2], days_ago=1)
    bench.session({coach: [2, 3]}, gold=[2, 2], kind="onboarding", title="Cleo's onboarding")
    response = client.get(reverse("calibration_reports:coach", args=[coach.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "Cleo Coach" in page and "Cleo&#x27;s onboarding" in page
    assert "+0.50" in page and "-0.50" in page  # one session lenient, the next severe
    assert page.count('class="chart"') == 3


def test_csv_files_carry_the_figures_and_defuse_formulas(client, lead, bench):
    ann, bob = CoachFactory(display_name="=Ann"), CoachFactory(display_name="Bob")
    bench.session({ann: [3, 3], bob: [2, 2]}, gold=[2, 2], title="@March")
    leniency = rows_of(client.get(reverse("calibration_reports:csv", args=["leniency"])))
    assert leniency[0][:4] == ["coach", "criterion", "levels compared", "exact"]
    assert leniency[1][:6] == ["'=Ann", bench.titles[0], "2", "0.0", "1.0", "1.0"]
    alpha = rows_of(client.get(reverse("calibration_reports:csv", args=["alpha"])))
    assert alpha[1][0] == "'@March" and alpha[1][3] == bench.titles[0]
    trend = rows_of(client.get(reverse("calibration_reports:coach_csv", args=[bob.pk, "leniency-trend"])))
    assert trend[1] == ["Bob", bench.titles[0], "'@March", trend[1][3], "0.0"]
    for figure in ("gold", "leniency-trend", "second-marking", "alerts"):
        assert client.get(reverse("calibration_reports:csv", args=[figure])).status_code == 200
    assert client.get(reverse("calibration_reports:csv", args=["nothing"])).status_code == 404


def test_bad_filters_are_explained_on_the_page_and_refused_for_a_csv(client, lead):
    response = client.get(reverse("calibration_reports:overview"), {"from": "yesterday"})
    assert response.status_code == 200 and "The from date must look like" in response.content.decode()
    assert client.get(reverse("calibration_reports:csv", args=["alpha"]), {"last": "0"}).status_code == 400


def test_the_alerts_page_lists_alerts_with_criterion_titles(client, lead, bench):
    coach = CoachFactory(display_name="Lena Lenient")
    earlier = bench.session({coach: [3]}, gold=[2], days_ago=2, title="February")
    later = bench.session({coach: [3]}, gold=[2], days_ago=1, title="March")
    LeniencyAlert.objects.create(coach=coach, criterion_key=bench.keys[0], session=later, previous_session=earlier,
                                 deviation=1.0, previous_deviation=0.75)  # fmt: skip
    page = client.get(reverse("calibration_reports:alerts")).content.decode()
    assert "Lena Lenient" in page and bench.titles[0] in page and "February" in page and "0.75" in page
    rows = rows_of(client.get(reverse("calibration_reports:csv", args=["alerts"])))
    assert rows[1][1:] == ["Lena Lenient", bench.titles[0], "lenient", "February", "0.75", "March", "1.0"]
