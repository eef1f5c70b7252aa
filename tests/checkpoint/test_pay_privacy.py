"""Pay stays private: salaries and offer amounts are for admins and the hire themselves. A coach of the
cohort follows the decision and the deadline, on the pages and in the API, and reads no amount."""

import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.permissions import can_see_pay
from checkpoint import services
from tests.checkpoint.conftest import decide_kwargs
from tests.factories import CoachFactory, EnrollmentFactory, HireFactory

# The hire's salary and offer (2 months), the other hire's salary and the offer she took.
PAY_TEXT = ("4321.50", "4,321.50", "8643.00", "8,643.00", "3111.25", "3,111.25", "6222.50", "6,222.50")
PAY_FIELDS = ("offer_amount", "currency", "monthly_salary")


@pytest.fixture
def pay_world(finishing_cohort, hire):
    """Three hires at an open checkpoint: ours (salary 4,321.50, offer 8,643.00), one who took her offer
    of 6,222.50, and one without a salary on record."""
    finishing_cohort.offer_salary_months = Decimal("2.00")
    finishing_cohort.save(update_fields=["offer_salary_months"])
    mine = EnrollmentFactory(cohort=finishing_cohort, hire=hire, monthly_salary=Decimal("4321.50"))
    taker = EnrollmentFactory(
        cohort=finishing_cohort, hire=HireFactory(display_name="Tess Taker"), monthly_salary=Decimal("3111.25")
    )
    EnrollmentFactory(cohort=finishing_cohort, hire=HireFactory(display_name="Nell Nosalary"))
    services.checkpoints_open_due()
    mine.refresh_from_db()
    taker.refresh_from_db()
    services.checkpoint_decide(hire=taker.hire, checkpoint_id=taker.checkpoint.pk, **decide_kwargs("offer"))
    return {"cohort": finishing_cohort, "mine": mine, "taker": taker}


def assert_no_pay(content: bytes) -> None:
    text = content.decode()
    shown = [amount for amount in PAY_TEXT if amount in text]
    assert not shown, f"pay shown: {shown}"


def pay_keys(data) -> set[str]:
    """Every pay field name anywhere in a JSON answer."""
    if isinstance(data, dict):
        return {key for key in data if key in PAY_FIELDS} | {k for value in data.values() for k in pay_keys(value)}
    if isinstance(data, list):
        return {k for value in data for k in pay_keys(value)}
    return set()


# --- The rule -------------------------------------------------------------------------------------------


def test_only_admins_and_the_hire_herself_may_see_her_pay(pay_world, hire, coach, training_admin):
    mine = pay_world["mine"]
    assert can_see_pay(training_admin, mine)
    assert can_see_pay(hire, mine)
    assert not can_see_pay(coach, mine)  # her own coach
    assert not can_see_pay(CoachFactory(), mine)
    assert not can_see_pay(pay_world["taker"].hire, mine)  # another hire of the cohort
    assert not can_see_pay(AnonymousUser(), mine)
    assert not can_see_pay(None, mine)
    training_admin.is_active = False
    assert not can_see_pay(training_admin, mine)


# --- A coach of the cohort ------------------------------------------------------------------------------


def test_the_coach_follows_decisions_and_deadlines_on_the_overview_without_any_amount(pay_world, coach_client):
    page = coach_client.get(f"/checkpoint/cohorts/{pay_world['cohort'].pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Tess Taker" in text and "Take the offer" in text and "Deadline" in text
    assert_no_pay(page.content)
    assert "monthly salary" not in text.lower()  # the cohort's offer terms
    assert "without a salary" not in text  # who has no salary on record is pay too
    assert '<th scope="col" class="num">Offer</th>' not in text


def test_the_coach_reads_the_cohorts_checkpoints_in_the_api_without_pay_fields(pay_world, coach_client):
    response = coach_client.get(f"/api/v1/checkpoints/cohorts/{pay_world['cohort'].pk}/")
    assert response.status_code == 200
    assert_no_pay(response.content)
    data = response.json()
    assert pay_keys(data) == set()
    rows = {row["email"]: row for row in data["hires"]}
    taker = rows[pay_world["taker"].hire.email]
    assert taker["state"] == "took_offer" and taker["deadline"]
    assert taker["decision"]["choice"] == "offer" and taker["history"][0]["choice"] == "offer"
    assert rows[pay_world["mine"].hire.email]["state"] == "open"


@pytest.mark.parametrize(
    "url",
    ["/checkpoint/cohorts/", "/coaching/hires/{mine}/", "/coaching/hires/{taker}/", "/coaching/hires/"],
)
def test_the_coachs_other_pages_show_no_pay(pay_world, coach_client, url):
    page = coach_client.get(url.format(mine=pay_world["mine"].pk, taker=pay_world["taker"].pk))
    assert page.status_code == 200
    assert_no_pay(page.content)


def test_the_coach_is_refused_the_payroll_export(pay_world, coach_client):
    cohort = pay_world["cohort"]
    for url in (f"/checkpoint/cohorts/{cohort.pk}/payroll.csv", f"/api/v1/checkpoints/payroll.csv?cohort={cohort.pk}"):
        response = coach_client.get(url)
        assert response.status_code == 403
        assert_no_pay(response.content)


# --- An admin -------------------------------------------------------------------------------------------


def test_the_admin_sees_every_amount_and_the_terms_on_the_overview(pay_world, admin_client_):
    page = admin_client_.get(f"/checkpoint/cohorts/{pay_world['cohort'].pk}/")
    text = page.content.decode()
    assert "8,643.00 USD" in text and "6,222.50 USD" in text
    assert "2.00 × monthly salary" in text
    assert "1 hire without a salary on record" in text


def test_the_admin_reads_every_amount_in_the_api(pay_world, admin_client_):
    data = admin_client_.get(f"/api/v1/checkpoints/cohorts/{pay_world['cohort'].pk}/").json()
    rows = {row["email"]: row for row in data["hires"]}
    mine, taker = rows[pay_world["mine"].hire.email], rows[pay_world["taker"].hire.email]
    assert (mine["offer_amount"], mine["currency"]) == ("8643.00", "USD")
    assert (taker["offer_amount"], taker["currency"]) == ("6222.50", "USD")
    assert (taker["decision"]["offer_amount"], taker["history"][0]["offer_amount"]) == ("6222.50", "6222.50")


def test_the_admins_own_answers_to_changes_keep_the_amount(pay_world, admin_client_):
    checkpoint = pay_world["mine"].checkpoint
    offer = admin_client_.post(
        f"/api/v1/checkpoints/{checkpoint.pk}/offer/", {"amount": "9000.00", "reason": "Agreed with HR"},
        content_type="application/json",
    )  # fmt: skip
    assert offer.status_code == 200 and offer.json()["offer_amount"] == "9000.00"
    recorded = admin_client_.post(
        f"/api/v1/checkpoints/{checkpoint.pk}/record/", {"choice": "offer", "reason": "Met on Monday"},
        content_type="application/json",
    )  # fmt: skip
    assert recorded.status_code == 201
    assert (recorded.json()["offer_amount"], recorded.json()["currency"]) == ("9000.00", "USD")


# --- The hire herself -----------------------------------------------------------------------------------


def test_the_hire_sees_her_own_offer_on_her_pages_and_in_the_api(pay_world, hire_client):
    page = hire_client.get("/checkpoint/")
    assert "8,643.00" in page.content.decode()
    mine = hire_client.get("/api/v1/checkpoint/").json()
    assert (mine["offer_amount"], mine["currency"]) == ("8643.00", "USD")
    hire_client.post("/checkpoint/", {"choice": "offer"})
    assert "8,643.00 USD" in hire_client.get("/checkpoint/confirm/").content.decode()
    made = hire_client.post("/api/v1/checkpoint/decide/", decide_kwargs("offer"), content_type="application/json")
    assert made.status_code == 201 and made.json()["offer_amount"] == "8643.00"
    decided = hire_client.get("/api/v1/checkpoint/").json()
    assert decided["decision"]["offer_amount"] == "8643.00" and decided["history"][0]["currency"] == "USD"


def test_a_hire_reads_only_her_own_amount(pay_world, client_for):
    taker = client_for(pay_world["taker"].hire).get("/api/v1/checkpoint/")
    assert taker.json()["decision"]["offer_amount"] == "6222.50"
    assert "8643.00" not in json.dumps(taker.json())
