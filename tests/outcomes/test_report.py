"""The cohort's outcomes report: known figures on a small cohort, the page, its export, who may see it, and its
query count for a small and a large cohort."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role, User
from checkpoint.models import Checkpoint, Choice, Decision, OfferText
from courses.models import Enrollment
from outcomes import selectors
from outcomes.models import RetentionCheck, RetentionStatus
from tests.outcomes.support import graded, known_outcomes, outcomes_cohort, reviewed_call
from tests.roleplay_support import scenario_with_turns

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(db):
    return outcomes_cohort()


@pytest.fixture
def known(cohort, coach, training_admin):
    return known_outcomes(cohort, coach, training_admin)


def _rates(split) -> dict[str, list[tuple[int, int]]]:
    return {group.label: [(rate.retained, rate.counted) for rate in group.rates] for group in split.groups}


def test_the_figures_on_a_small_cohort(cohort, known):
    report = selectors.cohort_outcomes(cohort=cohort)
    assert (report.hire_count, report.decided, report.committed, report.took_offer) == (6, 5, 4, 1)
    assert [(m.days, m.due, m.recorded, m.retained) for m in report.summary_milestones] == [
        (30, 4, 3, 3),  # Ana, Ben, Cid recorded; Fay due
        (60, 3, 2, 1),  # Cid's 60 days have not come
        (90, 3, 1, 0),
    ]
    assert [m.rate_text for m in report.summary_milestones] == ["100%", "50%", "0%"]
    splits = {split.key: split for split in report.splits}
    assert _rates(splits["readiness"]) == {
        "Readiness met": [(1, 2), (1, 2), (0, 2)],  # Ana and Dee (the offer counts as not retained)
        "Readiness not met": [(2, 2), (0, 1), (0, 0)],  # Ben, Cid and Fay (nothing recorded for Fay); Eve undecided
    }
    assert _rates(splits["level"]) == {
        "Role-plays 2 and above": [(1, 1), (1, 1), (0, 1)],  # Ana
        "Role-plays below 2": [(1, 2), (0, 2), (0, 1)],  # Ben and Dee
        "No role-play grades yet": [(1, 1), (0, 0), (0, 0)],  # Cid and Fay (her grade is held)
    }
    assert _rates(splits["decision"]) == {
        "Commit to the role": [(3, 3), (1, 2), (0, 1)],
        "Take the offer": [(0, 1), (0, 1), (0, 1)],
    }
    assert [group.hires for group in splits["level"].groups] == [1, 2, 2]
    rows = {hire.name: hire for hire in report.hires}
    assert (rows["Ana"].roleplay_mean, rows["Ana"].real_call_mean, rows["Ana"].readiness_met) == (3.0, 2.0, True)
    assert (rows["Ben"].roleplay_mean, rows["Ben"].real_call_mean) == (1.0, None)
    assert rows["Fay"].roleplay_mean is None
    assert [cell.state for cell in rows["Ana"].cells] == ["retained", "retained", "left"]
    assert [cell.state for cell in rows["Ben"].cells] == ["retained", "left", "due"]
    assert [cell.state for cell in rows["Cid"].cells] == ["retained", "not_yet", "not_yet"]
    assert [cell.state for cell in rows["Dee"].cells] == ["offer", "offer", "offer"]
    assert [cell.state for cell in rows["Eve"].cells] == ["undecided"] * 3


def test_the_page_shows_the_summary_charts_tables_hires_and_proficiency(cohort, known, admin_client_):
    response = admin_client_.get(f"/outcomes/cohorts/{cohort.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") >= 3 and "Retention by readiness for nesting" in html
    assert "100% (n=2)" in html and "50% (n=2)" in html  # the readiness table, with the n behind each rate
    assert "Due, not recorded" in html and "Took the offer" in html
    assert f'href="/outcomes/cohorts/{cohort.pk}/hires/{known["Ben"].pk}/?days=90"' in html
    assert f'href="/outcomes/cohorts/{cohort.pk}/hires/{known["Dee"].pk}/' not in html  # nothing to record for Dee
    assert "Time to proficiency" in html
    assert f'href="/outcomes/cohorts/{cohort.pk}/import/"' in html


def test_the_export_has_one_row_per_hire(cohort, known, admin_client_):
    response = admin_client_.get(f"/outcomes/cohorts/{cohort.pk}/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_name = {row["name"]: row for row in rows}
    assert len(rows) == 6
    assert (by_name["Ana"]["readiness_met"], by_name["Ana"]["roleplay_mean"], by_name["Ana"]["decision"]) == (
        "yes", "3.0", "commit"
    )  # fmt: skip
    assert [by_name["Ben"][f"retention_{days}"] for days in (30, 60, 90)] == ["retained", "left", "due"]
    assert by_name["Ben"]["left_on_60"] != ""


def test_the_dashboard_links_to_the_report(cohort, admin_client_):
    html = admin_client_.get(f"/cohorts/{cohort.pk}/").content.decode()
    assert f'href="/outcomes/cohorts/{cohort.pk}/"' in html and "Outcomes report" in html


def test_only_admins_see_the_report(cohort, known, coach, client_for, client):
    cohort.coaches.add(coach)
    for url in (f"/outcomes/cohorts/{cohort.pk}/", f"/outcomes/cohorts/{cohort.pk}/export.csv"):
        assert client_for(coach).get(url).status_code == 403
        assert client_for(known["Ana"].hire).get(url).status_code == 403
        assert client.get(url).status_code == 302  # to sign in


# --- Query count ------------------------------------------------------------------------------------------


def _populate(cohort, size: int, coach, admin) -> None:
    """`size` hires: a third committed long ago with a 30-day record, a third took the offer, a third undecided."""
    scenario = scenario_with_turns(cohort.curriculum, slug=f"graded-{size}", mode="graded")
    hires = User.objects.bulk_create(
        User(display_name=f"Hire {n:03}", email=f"size{size}-{n}@academy.test", role=Role.HIRE) for n in range(size)
    )
    enrollments = Enrollment.objects.bulk_create(Enrollment(cohort=cohort, hire=hire) for hire in hires)
    offer_text = OfferText.objects.create(cohort=cohort, version=1, body_markdown="Offer")
    decided_at = timezone.now() - datetime.timedelta(days=100)
    deciding = [e for n, e in enumerate(enrollments) if n % 3 != 2]
    checkpoints = Checkpoint.objects.bulk_create(
        Checkpoint(enrollment=e, opened_at=decided_at, deadline=decided_at) for e in deciding
    )
    Decision.objects.bulk_create(
        Decision(checkpoint=c, choice=Choice.COMMIT if n % 2 == 0 else Choice.OFFER, decided_at=decided_at,
                 decided_by=admin, offer_text=offer_text, currency=cohort.currency)
        for n, c in enumerate(checkpoints)
    )  # fmt: skip
    RetentionCheck.objects.bulk_create(
        RetentionCheck(enrollment=c.enrollment, milestone_days=30, status=RetentionStatus.RETAINED,
                       recorded_at=timezone.now())
        for n, c in enumerate(checkpoints) if n % 2 == 0
    )  # fmt: skip
    for enrollment in enrollments[::4]:
        graded(enrollment, scenario, coach, 2)
        reviewed_call(enrollment, scenario, coach, 1)


def test_the_report_costs_the_same_queries_for_10_or_200_hires(admin_client_, coach, training_admin):
    counts = {}
    for size in (10, 200):
        cohort = outcomes_cohort()
        _populate(cohort, size, coach, training_admin)
        urls = (f"/outcomes/cohorts/{cohort.pk}/", f"/outcomes/cohorts/{cohort.pk}/export.csv",
                f"/api/v1/outcomes/cohorts/{cohort.pk}/")  # fmt: skip
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                response = admin_client_.get(url)
            assert response.status_code == 200, url
            found.append(len(captured))
        counts[size] = found
        assert admin_client_.get(urls[0]).content.decode().count("<tr data-hire=") == size
    print("query counts (page, export, api):", counts)
    assert counts[10] == counts[200], counts
    assert counts[200][0] <= 30, counts  # 7 for readiness, 4 for scores, the proficiency section's own
