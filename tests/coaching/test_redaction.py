"""Customers' card numbers, security codes, phone numbers and email addresses are redacted from call
transcripts before they are stored: by the service, the web form and the API alike."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from coaching import services
from coaching.models import CallReview
from coaching.redaction import CARD, EMAIL, PHONE, SECURITY_CODE, luhn_valid, transcript_redact
from tests.coaching.conftest import ALL_LEVELS
from tests.coaching.test_call_reviews import review_form

# --- The rules, one kind at a time -----------------------------------------------------------------


@pytest.mark.parametrize(
    "said",
    [
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "4111111111111111",
        "4111 - 1111 - 1111 - 1111",
        "3782 822463 10005",  # American Express, 15 digits
        "6011111111111117",
        "four one one one one one one one one one one one one one one one",
        "Four one one one, one one one one, one one one one, one one one one",
        "four triple one double one one one one one one one one one one one",
        "four one one one 1111 1111 one one one one",
    ],
)
def test_card_numbers_are_redacted_however_they_are_said(said):
    result = transcript_redact(f"Customer: sure, it's {said} and that's it.")
    assert result.text == "Customer: sure, it's [card number] and that's it."
    assert result.counts[CARD] == 1 and result.total == 1


@pytest.mark.parametrize(
    ("number", "digits"),
    [
        ("4111111111111112", "4111111111111112"),
        ("4111 1111 1111 1112", "4111111111111112"),
        ("one two three four five six seven eight nine one two three four", "1234567891234"),
    ],
)
def test_a_number_that_fails_the_luhn_check_is_left_alone(number, digits):
    assert not luhn_valid(digits)
    text = f"Customer: the order number is {number}."
    result = transcript_redact(text)
    assert result.text == text and not result.redacted


def test_groups_are_never_split_and_the_luhn_valid_stretch_of_a_run_is_the_card():
    result = transcript_redact("order 12345 4111111111111111 ok; part 41111111111111110 too")
    assert result.text == "order 12345 [card number] ok; part 41111111111111110 too"
    assert result.counts[CARD] == 1


def test_figures_separated_by_commas_or_full_stops_are_not_one_card_number():
    text = "It came to $4,111,111,111,111,111 and 4111.1111.1111.1111"
    assert transcript_redact(text).text == text


def test_a_luhn_valid_card_is_a_card_first_even_where_it_starts_like_a_phone_number():
    assert luhn_valid("5551234567011")
    result = transcript_redact("Customer: 555 123 4567 011")
    assert result.text == "Customer: [card number]"
    assert (result.counts[CARD], result.counts[PHONE]) == (1, 0)


@pytest.mark.parametrize(
    ("said", "redacted"),
    [
        ("The CVV is 123.", "The CVV is [security code]."),
        ("security code on the back is 4321", "security code on the back is [security code]"),
        ("CVC: 1 2 3", "CVC: [security code]"),
        ("my cv2 is seven three seven", "my cv2 is [security code]"),
        ("CVV2 0457, expiry soon", "CVV2 [security code], expiry soon"),
        (
            "Rep: And the security code?\n[01:12] Customer: It's 987.",
            "Rep: And the security code?\n[01:12] Customer: It's [security code].",
        ),
    ],
)
def test_security_codes_said_after_their_keyword_are_redacted(said, redacted):
    result = transcript_redact(said)
    assert result.text == redacted and result.counts[SECURITY_CODE] == 1


@pytest.mark.parametrize(
    "text",
    [
        "I never need your CVV, so please keep it to yourself; your order 123 ships today.",
        "Rep: No security code needed. [00:42] Customer: great",
        "Three-digit numbers like 123 are fine when nobody mentions a code.",
        "CVV 12345",
    ],
)
def test_numbers_far_from_a_security_code_keyword_or_the_wrong_length_are_left_alone(text):
    assert transcript_redact(text).text == text


@pytest.mark.parametrize(
    "phone",
    [
        "(555) 123-4567",
        "555-123-4567",
        "555.123.4567",
        "555 123 4567",
        "+1 555 123 4567",
        "1-800-555-0199",
        "+15551234567",
        "+44 20 7946 0958",
        "+44 (0)20 7946 0958",
        "+33 1 23 45 67 89",
        "five five five, one two three, four five six seven",
    ],
)
def test_phone_numbers_are_redacted(phone):
    result = transcript_redact(f"Customer: call me back on {phone}, thanks.")
    assert result.text == "Customer: call me back on [phone number], thanks."
    assert result.counts[PHONE] == 1 and result.total == 1


@pytest.mark.parametrize(
    "text",
    [
        "Your order number is 5551234567.",
        "Order 45821937 shipped.",
        "Order 112-4456789-1234567 shipped.",
        "[00:05] Customer: at 10:30 on 2026-01-15 I paid $1,234.56 for size 10.5",
        "order one two three four",
        "+44 20",
    ],
)
def test_order_numbers_dates_times_and_prices_that_do_not_look_like_phones_are_left_alone(text):
    assert transcript_redact(text).text == text


@pytest.mark.parametrize(
    "email",
    [
        "jane.doe@example.com",
        "JANE_DOE+shoes@mail.example.co.uk",
        "jane dot doe at example dot com",
        "jane at gmail dot com",
    ],
)
def test_email_addresses_are_redacted(email):
    result = transcript_redact(f"Customer: it's {email}, ok?")
    assert result.text == "Customer: it's [email address], ok?"
    assert result.counts[EMAIL] == 1


def test_a_website_said_aloud_is_not_an_email_address():
    text = "Customer: I ordered at zappos dot com last week."
    assert transcript_redact(text).text == text


def test_a_whole_call_is_counted_per_kind_and_redacting_again_changes_nothing():
    call = (
        "[00:05] Rep: Thanks for calling, I'm Hana.\n"
        "[00:40] Customer: My card is 4111 1111 1111 1111, CVV 737.\n"
        "[01:10] Customer: Email me at jane.doe@example.com or call (555) 123-4567 or +44 20 7946 0958.\n"
        "[01:30] Rep: Your order 45821937 ships free, both ways."
    )
    result = transcript_redact(call)
    assert result.text == (
        "[00:05] Rep: Thanks for calling, I'm Hana.\n"
        "[00:40] Customer: My card is [card number], CVV [security code].\n"
        "[01:10] Customer: Email me at [email address] or call [phone number] or [phone number].\n"
        "[01:30] Rep: Your order 45821937 ships free, both ways."
    )
    assert result.counts == {CARD: 1, SECURITY_CODE: 1, PHONE: 2, EMAIL: 1}
    again = transcript_redact(result.text)
    assert again.text == result.text and not again.redacted


# --- Nothing raw is stored, by any write path ------------------------------------------------------

RAW = "Customer: card 4242 4242 4242 4242, CVV 321, phone 555-867-5309, email kim.lee@example.org"
RAW_PARTS = ("4242 4242", "CVV 321", "867-5309", "kim.lee", "example.org")
REDACTED = "Customer: card [card number], CVV [security code], phone [phone number], email [email address]"


def _found_anywhere_in_the_database(fragments) -> list[str]:
    """Every table, every row: where any of the fragments appears."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # table names come from the schema
            for row in cursor.fetchall():
                text = " ".join(str(value) for value in row)
                found += [f"{table}: {fragment}" for fragment in fragments if fragment in text]
    return found


@pytest.fixture
def rubric_version(graded_scenario):
    return graded_scenario.rubric.current_version


@pytest.mark.django_db
def test_the_service_stores_only_the_redacted_transcript_when_creating_and_editing(
    hire_enrollment, coach, rubric_version
):
    review = services.call_review_create(
        enrollment=hire_enrollment, coach=coach, rubric_version=rubric_version, levels=ALL_LEVELS,
        call_reference="CALL-1", duration_seconds=300, reason="Sizing", transcript=RAW,
    )  # fmt: skip
    assert CallReview.objects.values_list("transcript", flat=True).get(pk=review.pk) == REDACTED
    assert _found_anywhere_in_the_database(RAW_PARTS) == []

    services.call_review_update(
        review=review, editor=coach, call_at=timezone.now(), call_reference="CALL-1", channel="phone",
        duration_seconds=300, reason="Sizing", levels=ALL_LEVELS, transcript=f"{RAW}\nRep: thanks",
    )  # fmt: skip
    assert CallReview.objects.values_list("transcript", flat=True).get(pk=review.pk) == f"{REDACTED}\nRep: thanks"
    assert _found_anywhere_in_the_database(RAW_PARTS) == []


@pytest.mark.django_db
def test_an_uploaded_transcript_file_is_stored_redacted(hire_enrollment, coach, rubric_version):
    vtt = f"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Customer>{RAW.removeprefix('Customer: ')}\n"
    review = services.call_review_create(
        enrollment=hire_enrollment, coach=coach, rubric_version=rubric_version, levels=ALL_LEVELS,
        call_reference="CALL-2", duration_seconds=300, reason="Sizing",
        transcript_file=SimpleUploadedFile("call.vtt", vtt.encode()),
    )  # fmt: skip
    assert CallReview.objects.values_list("transcript", flat=True).get(pk=review.pk) == f"[00:01] {REDACTED}"
    assert _found_anywhere_in_the_database(RAW_PARTS) == []


@pytest.mark.django_db
def test_the_web_form_stores_only_the_redacted_transcript_and_the_coach_sees_the_placeholders(
    coach_client, hire_enrollment, graded_scenario
):
    url = f"/coaching/hires/{hire_enrollment.pk}/call-reviews/new/"
    assert coach_client.post(url, review_form(transcript=RAW)).status_code == 302
    review = CallReview.objects.get()
    assert review.transcript == REDACTED
    assert _found_anywhere_in_the_database(RAW_PARTS) == []
    page = coach_client.get(f"/coaching/call-reviews/{review.pk}/").content.decode()
    assert "[card number]" in page and "[security code]" in page and "4242" not in page

    edit = coach_client.post(f"/coaching/call-reviews/{review.pk}/edit/", review_form(transcript=f"{RAW}!"))
    assert edit.status_code == 302
    assert CallReview.objects.get().transcript == f"{REDACTED}!"
    assert _found_anywhere_in_the_database(RAW_PARTS) == []


@pytest.mark.django_db
def test_the_api_stores_only_the_redacted_transcript(coach, hire_enrollment, graded_scenario):
    api = APIClient()
    api.force_authenticate(coach)
    fields = {
        "call_at": "2026-11-20T14:30:00Z", "call_reference": "CALL-77", "channel": "phone", "duration": "4:05",
        "reason": "Mis-shipped boots", "levels": ALL_LEVELS,
    }  # fmt: skip
    url = f"/api/v1/coaching/hires/{hire_enrollment.pk}/call-reviews/"
    typed = api.post(url, {**fields, "transcript": RAW}, format="json")
    assert typed.status_code == 201, typed.json()
    assert typed.json()["transcript"] == REDACTED

    uploaded = api.post(
        url, {**fields, "levels": json.dumps(ALL_LEVELS), "transcript_file": SimpleUploadedFile("c.txt", RAW.encode())},
        format="multipart",
    )  # fmt: skip
    assert uploaded.status_code == 201, uploaded.json()
    assert uploaded.json()["transcript"] == REDACTED
    assert list(CallReview.objects.values_list("transcript", flat=True)) == [REDACTED, REDACTED]
    assert _found_anywhere_in_the_database(RAW_PARTS) == []
