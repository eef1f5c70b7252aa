import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("person", "path", "heading"),
    [
        ("hire", "/training/", "My training"),
        ("coach", "/coaching/queue/", "Grading queue"),
        ("training_admin", "/cohorts/", "Cohorts"),
    ],
)
def test_each_role_signs_in_and_lands_on_its_page(request, page, sign_in, screenshot, person, path, heading):
    user = request.getfixturevalue(person)
    request.getfixturevalue("enrollment")  # a cohort with this coach and hire, so pages have content
    sign_in(user)
    assert page.url.endswith(path)
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert (
        page.get_by_role("navigation", name="Main").get_by_role("link", name=heading).get_attribute("aria-current")
        == "page"
    )
    screenshot(f"{person.replace('training_', '')}-landing")


def test_a_visitor_is_sent_to_sign_in(page, screenshot):
    page.goto("/coaching/queue/")
    assert "/accounts/login/?next=/coaching/queue/" in page.url
    assert page.get_by_role("heading", name="Sign in").is_visible()
    screenshot("sign-in")


def test_a_hire_is_refused_a_coach_page(page, sign_in, hire):
    sign_in(hire)
    response = page.goto("/coaching/queue/")
    assert response.status == 403
    assert page.get_by_role("heading", name="This page isn't open to you").is_visible()


def test_signing_out_returns_to_sign_in(page, sign_in, coach):
    sign_in(coach)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
    assert page.goto("/coaching/queue/").url.endswith("/accounts/login/?next=/coaching/queue/")
