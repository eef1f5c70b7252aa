"""Salaries in an imported file are read by the file's own conventions, and never change magnitude silently."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from cohorts import services
from cohorts.imports import Action
from courses.models import Enrollment
from tests.cohorts.conftest import csv_bytes

pytestmark = pytest.mark.django_db

SEMICOLON_HEADER = "email;name;time_zone;salary\n"


@pytest.fixture
def api(training_admin):
    client = APIClient()
    client.force_authenticate(training_admin)
    return client


def _salaries(cohort, content: bytes) -> list:
    report = services.enrollment_import_preview(cohort=cohort, content=content)
    return [row.salary if row.ok else row.problems for row in report.rows]


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("3100,50", Decimal("3100.50")),
        ("3.100,50", Decimal("3100.50")),
        ("3 100,50", Decimal("3100.50")),
        ("3\u00a0100,50", Decimal("3100.50")),  # a no-break space, as spreadsheets write thousands
        ("3\u202f100,50", Decimal("3100.50")),  # a narrow no-break space
        ("1.234.567", Decimal("1234567.00")),
        ("3100,5", Decimal("3100.50")),
        ("€ 3.100,50", Decimal("3100.50")),
        ("3100,50 EUR", Decimal("3100.50")),
        ("3200", Decimal("3200.00")),
    ],
)
def test_a_semicolon_file_reads_a_decimal_comma(new_cohort, written, stored):
    new_cohort.currency = "EUR"
    content = csv_bytes(f"ana.new@academy.test;Ana New;UTC;{written}", header=SEMICOLON_HEADER)
    assert _salaries(new_cohort, content) == [stored]


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("3100.50", Decimal("3100.50")),
        ('"3,100.50"', Decimal("3100.50")),
        ('"1,234,567.89"', Decimal("1234567.89")),
        ("3 100.50", Decimal("3100.50")),
        ("3200", Decimal("3200.00")),
        ("$3100.50", Decimal("3100.50")),
    ],
)
def test_a_comma_file_reads_a_decimal_point(new_cohort, written, stored):
    assert new_cohort.currency == "USD"
    content = csv_bytes(f"ana.new@academy.test,Ana New,UTC,{written},")
    assert _salaries(new_cohort, content) == [stored]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            'ana.new@academy.test,Ana New,UTC,"3,100",',
            "the salary “3,100” is ambiguous: the comma could group thousands (3100) or mark decimals (3.100). "
            "Write 3100 for thousands, or 3.10 for decimals.",
        ),
        (
            "ana.new@academy.test,Ana New,UTC,3.100,",
            "the salary “3.100” is ambiguous: the point could group thousands (3100) or mark decimals (3.100). "
            "Write 3100 for thousands, or 3.10 for decimals.",
        ),
        (
            'ana.new@academy.test,Ana New,UTC,"3,10,000",',
            "the salary “3,10,000” is not grouped in thousands. Write it without separators: 310000.",
        ),
        (
            "ana.new@academy.test,Ana New,UTC,€3100,",
            "the salary “€3100” is in €, but these amounts are in USD.",
        ),
        ("ana.new@academy.test,Ana New,UTC,3100.505,", "the salary “3100.505” has more than 2 decimal places."),
        ("ana.new@academy.test,Ana New,UTC,1e3,", "the salary “1e3” is not an amount. Write it like 3200 or 3200.50."),
    ],
)
def test_an_amount_that_could_be_read_two_ways_is_a_row_problem_that_says_how_to_write_it(new_cohort, line, message):
    content = csv_bytes(line)
    report = services.enrollment_import_preview(cohort=new_cohort, content=content)
    assert report.rows[0].action == Action.ERROR
    assert report.rows[0].problems == [message]


def test_ambiguous_amounts_in_a_semicolon_file_are_refused_in_its_own_convention(new_cohort):
    content = csv_bytes(
        "ana.new@academy.test;Ana;UTC;3.100", "bo.new@academy.test;Bo;UTC;3,100", header=SEMICOLON_HEADER
    )
    problems = _salaries(new_cohort, content)
    assert problems[0] == [
        "the salary “3.100” is ambiguous: the point could group thousands (3100) or mark decimals (3.100). "
        "Write 3100 for thousands, or 3,10 for decimals."
    ]
    assert "“3,100” is ambiguous" in problems[1][0]


def test_a_file_mixing_decimal_conventions_refuses_the_rows_that_differ_from_its_delimiter(new_cohort):
    content = csv_bytes(
        "ana.new@academy.test;Ana;UTC;3100,50",
        "bo.new@academy.test;Bo;UTC;3200.50",
        "cy.new@academy.test;Cy;UTC;3300",
        header=SEMICOLON_HEADER,
    )
    assert _salaries(new_cohort, content) == [
        Decimal("3100.50"),
        [
            "the salary “3200.50” is written with a decimal point, but this file writes decimals with a comma. "
            "Write it as 3200,50."
        ],
        Decimal("3300.00"),
    ]


def test_a_semicolon_file_written_throughout_with_decimal_points_is_read_with_decimal_points(new_cohort):
    content = csv_bytes("ana.new@academy.test;Ana;UTC;3,100.50", "bo.new@academy.test;Bo;UTC;3200.5",
                        header=SEMICOLON_HEADER)  # fmt: skip
    assert _salaries(new_cohort, content) == [Decimal("3100.50"), Decimal("3200.50")]


def test_a_decimal_comma_left_unquoted_in_a_comma_file_is_explained(new_cohort):
    report = services.enrollment_import_preview(
        cohort=new_cohort, content=csv_bytes("ana.new@academy.test,Ana,UTC,3100,50,")
    )
    (problem,) = report.rows[0].problems
    assert problem.startswith("expected 5 values, found 6.") and "3100.50" in problem


def test_the_semicolon_salary_is_stored_as_previewed(new_cohort, training_admin, django_capture_on_commit_callbacks):
    content = csv_bytes("ana.new@academy.test;Ana New;UTC;3100,50", header=SEMICOLON_HEADER)
    with django_capture_on_commit_callbacks(execute=False):
        services.enrollment_import_confirm(cohort=new_cohort, content=content, actor=training_admin)
    assert Enrollment.objects.get(hire__email="ana.new@academy.test").monthly_salary == Decimal("3100.50")


def test_the_preview_page_shows_each_salary_as_it_will_be_stored_with_the_currency(admin_client_, new_cohort):
    new_cohort.currency = "EUR"
    new_cohort.save(update_fields=["currency"])
    content = csv_bytes("ana.new@academy.test;Ana New;UTC;3.100,50", header=SEMICOLON_HEADER)
    page = admin_client_.post(
        reverse("cohorts:import", args=[new_cohort.pk]), {"file": SimpleUploadedFile("eu.csv", content)}
    ).content.decode()
    assert "3,100.50 EUR" in page
    assert "decimal comma" in page  # the convention the file was read with


def test_the_add_one_hire_form_reads_the_salary_by_the_same_rules(admin_client_, running_cohort):
    url = reverse("cohorts:hire_add", args=[running_cohort.pk])
    data = {"email": "mo.new@academy.test", "name": "Mo New", "time_zone": "UTC"}
    ambiguous = admin_client_.post(url, {**data, "monthly_salary": "3,100"})
    assert ambiguous.status_code == 400 and "“3,100” is ambiguous" in ambiguous.content.decode()
    assert not Enrollment.objects.filter(hire__email="mo.new@academy.test").exists()
    admin_client_.post(url, {**data, "monthly_salary": "3.100,50"})
    assert Enrollment.objects.get(hire__email="mo.new@academy.test").monthly_salary == Decimal("3100.50")


def test_the_api_reads_the_salary_by_the_same_rules(api, running_cohort, django_capture_on_commit_callbacks):
    url = f"/api/v1/cohorts/{running_cohort.pk}/enrollments/"
    data = {"email": "kai.new@academy.test", "name": "Kai", "time_zone": "UTC"}
    refused = api.post(url, {**data, "monthly_salary": "3,100"}, format="json")
    assert refused.status_code == 400 and "“3,100” is ambiguous" in str(refused.json())
    with django_capture_on_commit_callbacks(execute=False):
        done = api.post(url, {**data, "monthly_salary": "3100,50"}, format="json")
    assert done.status_code == 201, done.json()
    assert Enrollment.objects.get(hire__email="kai.new@academy.test").monthly_salary == Decimal("3100.50")
    with django_capture_on_commit_callbacks(execute=False):
        number = api.post(url, {**data, "email": "lu.new@academy.test", "monthly_salary": 3100.5}, format="json")
    assert number.status_code == 201, number.json()
    assert Enrollment.objects.get(hire__email="lu.new@academy.test").monthly_salary == Decimal("3100.50")


@pytest.mark.parametrize("salary", [True, [], {}, "NaN", "1e400", "9" * 60, 1e300, "-0,5", "١٢٣", "3,1,0"])
def test_the_api_refuses_odd_salaries_with_a_400(api, running_cohort, salary):
    url = f"/api/v1/cohorts/{running_cohort.pk}/enrollments/"
    data = {"email": "kai.new@academy.test", "name": "Kai", "time_zone": "UTC", "monthly_salary": salary}
    refused = api.post(url, data, format="json")
    assert refused.status_code == 400 and "monthly_salary" in refused.json()
    assert not Enrollment.objects.filter(hire__email="kai.new@academy.test").exists()
