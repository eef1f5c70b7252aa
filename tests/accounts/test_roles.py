import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Role

pytestmark = pytest.mark.django_db

PROTECTED_PAGES = ["courses:my_training", "coaching:queue", "cohorts:list", "accounts:profile"]


@pytest.mark.parametrize(
    ("person", "landing"),
    [
        ("hire", "courses:my_training"),
        ("coach", "coaching:queue"),
        ("training_admin", "cohorts:list"),
    ],
)
def test_each_role_lands_on_its_own_page(request, client_for, person, landing):
    client = client_for(request.getfixturevalue(person))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse(landing)
    assert client.get(response.url).status_code == 200


@pytest.mark.parametrize("url_name", ["home", *PROTECTED_PAGES])
def test_a_visitor_who_is_not_signed_in_is_sent_to_login(client, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize(
    ("person", "url_name", "status"),
    [
        ("hire", "coaching:queue", 403),
        ("hire", "cohorts:list", 403),
        ("coach", "courses:my_training", 403),
        ("coach", "cohorts:list", 403),
        ("training_admin", "coaching:queue", 200),
        ("training_admin", "courses:my_training", 403),
    ],
)
def test_pages_refuse_the_wrong_role(request, client_for, person, url_name, status):
    response = client_for(request.getfixturevalue(person)).get(reverse(url_name))
    assert response.status_code == status
    if status == 403:
        assert "isn't open to you" in response.content.decode()


@pytest.mark.parametrize(("person", "allowed"), [("hire", False), ("coach", False), ("training_admin", True)])
def test_the_admin_site_opens_only_to_admins(request, client_for, person, allowed):
    response = client_for(request.getfixturevalue(person)).get(reverse("admin:index"))
    assert (response.status_code == 200) is allowed
    if not allowed:
        assert response.status_code == 302 and "/admin/login/" in response.url


def test_an_admin_can_use_the_model_pages(admin_client_):
    assert admin_client_.get(reverse("admin:courses_cohort_changelist")).status_code == 200
    assert admin_client_.get(reverse("admin:accounts_user_changelist")).status_code == 200


def test_staff_status_follows_the_role(hire):
    assert not hire.is_staff
    services.user_set_role(user=hire, role=Role.ADMIN)
    hire.refresh_from_db()
    assert hire.is_staff
    services.user_set_role(user=hire, role=Role.COACH)
    hire.refresh_from_db()
    assert not hire.is_staff


def test_navigation_shows_each_role_only_its_own_pages(hire_client, coach_client, admin_client_):
    hire_page = hire_client.get(reverse("courses:my_training")).content.decode()
    assert "My training" in hire_page and "Grading queue" not in hire_page and "Cohorts" not in hire_page
    coach_page = coach_client.get(reverse("coaching:queue")).content.decode()
    assert "Grading queue" in coach_page and "My training" not in coach_page and "Site admin" not in coach_page
    admin_page = admin_client_.get(reverse("cohorts:list")).content.decode()
    assert "Cohorts" in admin_page and "Grading queue" in admin_page and "Site admin" in admin_page


def test_pages_load_nothing_from_another_origin(hire_client):
    import re

    html = hire_client.get(reverse("courses:my_training")).content.decode()
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert external == []


def test_an_inactive_account_cannot_reach_any_page(client_for, hire):
    hire.is_active = False
    hire.save()
    response = client_for(hire).get(reverse("courses:my_training"))
    assert response.status_code == 302


def test_the_health_floor_view_runs_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(reverse("health"))
    assert response.json() == {"status": "ok"}
