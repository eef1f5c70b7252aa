"""API tokens: stored hashed, expiring, recorded when used, seen and revoked by their owner only, and ended
by every change of password, by deactivation and by "sign out everywhere"."""

import datetime

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from knox.crypto import hash_token
from rest_framework.test import APIClient

from accounts import services, tasks
from accounts.models import ApiToken
from tests.factories import TEST_PASSWORD, AdminFactory, HireFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "narrows-are-the-worst"


def _obtain(user, **extra) -> dict:
    response = APIClient().post(
        reverse("api-token"), {"username": user.email, "password": TEST_PASSWORD, **extra}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def _api(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def _works(key: str) -> bool:
    status = _api(key).get(reverse("api-me")).status_code
    assert status in {200, 401, 403}
    return status == 200


def _signed_in(client: Client) -> bool:
    response = client.get(reverse("accounts:profile"))
    return response.status_code == 200


# --- Obtaining a token ----------------------------------------------------------------------------------


def test_a_token_is_obtained_with_the_same_request_and_lasts_the_configured_days(hire, settings):
    settings.API_TOKEN_TTL_DAYS = 30
    before = timezone.now()
    issued = _obtain(hire, name="Reporting script")
    assert set(issued) == {"token", "expires_at"}
    expires_at = datetime.datetime.fromisoformat(issued["expires_at"])
    assert before + datetime.timedelta(days=30) <= expires_at <= timezone.now() + datetime.timedelta(days=30)
    assert _works(issued["token"])
    token = ApiToken.objects.get(user=hire)
    assert token.name == "Reporting script" and token.expiry == expires_at


def test_a_token_can_be_made_to_never_expire(hire, settings):
    settings.API_TOKEN_TTL_DAYS = None
    issued = _obtain(hire)
    assert issued["expires_at"] is None and ApiToken.objects.get(user=hire).expiry is None
    assert _works(issued["token"])


def test_the_default_lifetime_is_ninety_days(settings):
    assert settings.API_TOKEN_TTL_DAYS == 90


def test_the_key_is_not_stored_only_its_hash(hire):
    key = _obtain(hire)["token"]
    stored = ApiToken.objects.get(user=hire)
    assert stored.digest == hash_token(key) and stored.digest != key
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        rows = cursor.fetchall()
    assert rows and not any(key in str(value) for row in rows for value in row)


def test_a_wrong_key_of_the_right_shape_is_refused(hire):
    key = _obtain(hire)["token"]
    forged = key[:-4] + ("0000" if not key.endswith("0000") else "1111")
    assert not _works(forged) and _works(key)


def test_an_expired_token_is_refused_and_forgotten(hire):
    key = _obtain(hire)["token"]
    ApiToken.objects.filter(user=hire).update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    assert not _works(key)
    assert not ApiToken.objects.filter(user=hire).exists()


def test_expired_tokens_are_cleared_by_the_daily_task(hire):
    _, kept = services.api_token_create(user=hire, name="kept")
    services.api_token_create(user=hire, name="expired")
    ApiToken.objects.filter(name="expired").update(expiry=timezone.now() - datetime.timedelta(days=1))
    assert tasks.api_tokens_clear_expired() == 1
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["kept"] and _works(kept)


# --- Last used ------------------------------------------------------------------------------------------


def test_use_is_recorded_at_most_once_a_minute(hire):
    token, key = services.api_token_create(user=hire)
    assert token.last_used_at is None
    assert _works(key)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None and timezone.now() - first < datetime.timedelta(seconds=30)

    assert _works(key)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first  # within the minute: not written again

    earlier = timezone.now() - datetime.timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    assert _works(key)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > earlier


def test_recording_use_within_the_minute_writes_nothing(hire, django_assert_num_queries):
    token, _ = services.api_token_create(user=hire)
    now = timezone.now()
    assert services.api_token_record_use(token=token, now=now)
    with django_assert_num_queries(0):
        assert not services.api_token_record_use(token=token, now=now + datetime.timedelta(seconds=59))
    assert services.api_token_record_use(token=token, now=now + datetime.timedelta(seconds=61))


# --- Every way a token dies -----------------------------------------------------------------------------


def test_the_password_change_page_ends_the_tokens(hire, client_for):
    _, key = services.api_token_create(user=hire)
    client = client_for(hire)
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert not _works(key) and not ApiToken.objects.filter(user=hire).exists()
    assert _signed_in(client)  # the page that changed it stays signed in


def test_a_password_reset_ends_the_tokens(client, hire):
    _, key = services.api_token_create(user=hire)
    uid = urlsafe_base64_encode(force_bytes(hire.pk))
    link = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(hire)])
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response.url == reverse("password_reset_complete")
    hire.refresh_from_db()
    assert hire.check_password(NEW_PASSWORD)
    assert not _works(key)


def test_a_password_set_in_the_admin_ends_the_tokens(hire, admin_client_):
    _, key = services.api_token_create(user=hire)
    response = admin_client_.post(
        reverse("admin:auth_user_password_change", args=[hire.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    hire.refresh_from_db()
    assert hire.check_password(NEW_PASSWORD) and not _works(key)


def test_a_password_set_in_code_ends_the_tokens_of_that_person_only(hire):
    _, key = services.api_token_create(user=hire)
    other = HireFactory()
    _, other_key = services.api_token_create(user=other)
    hire.set_password(NEW_PASSWORD)
    hire.save(update_fields=["password"])
    assert not _works(key) and _works(other_key)


def test_saving_other_details_keeps_the_tokens(hire):
    _, key = services.api_token_create(user=hire)
    services.user_update_profile(user=hire, display_name="Hana H.")
    hire.time_zone = "Europe/Paris"
    hire.save()
    assert _works(key)


def test_deactivation_ends_the_tokens(hire):
    _, key = services.api_token_create(user=hire)
    hire.is_active = False
    hire.save()
    assert not ApiToken.objects.filter(user=hire).exists()
    hire.is_active = True
    hire.save()
    assert not _works(key)


def test_deactivation_in_the_admin_ends_the_tokens(hire, admin_client_):
    _, key = services.api_token_create(user=hire)
    change = admin_client_.get(reverse("admin:accounts_user_change", args=[hire.pk]))
    form = change.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(is_active="", role=hire.role, time_zone=hire.time_zone)
    response = admin_client_.post(reverse("admin:accounts_user_change", args=[hire.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    hire.refresh_from_db()
    assert not hire.is_active and not ApiToken.objects.filter(user=hire).exists()
    assert not _works(key)


def test_sign_out_everywhere_on_the_web(hire, client_for):
    _, first = services.api_token_create(user=hire, name="laptop")
    _, second = services.api_token_create(user=hire, name="phone")
    other = HireFactory()
    _, other_key = services.api_token_create(user=other)
    here, elsewhere, other_browser = client_for(hire), client_for(hire), client_for(other)

    response = here.post(reverse("accounts:sign_out_everywhere"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:tokens")
    assert "2 API tokens revoked" in response.content.decode()
    assert not _works(first) and not _works(second)
    assert _signed_in(here) and not _signed_in(elsewhere)
    # Nobody else is touched.
    assert _works(other_key) and _signed_in(other_browser)
    # Signing in again works as usual.
    assert elsewhere.post(reverse("login"), {"username": hire.email, "password": TEST_PASSWORD}).status_code == 302
    assert _signed_in(elsewhere)


def test_sign_out_everywhere_in_the_api_with_a_token(hire, client_for):
    _, key = services.api_token_create(user=hire)
    _, another = services.api_token_create(user=hire)
    browser = client_for(hire)
    response = _api(key).post(reverse("api-sign-out-everywhere"))
    assert response.status_code == 200 and response.json() == {"tokens_revoked": 2}
    assert not _works(key) and not _works(another) and not _signed_in(browser)


def test_sign_out_everywhere_in_the_api_from_a_browser_keeps_that_browser(hire, client_for):
    _, key = services.api_token_create(user=hire)
    here, elsewhere = client_for(hire), client_for(hire)
    response = here.post(reverse("api-sign-out-everywhere"), content_type="application/json")
    assert response.status_code == 200 and response.json() == {"tokens_revoked": 1}
    assert not _works(key) and _signed_in(here) and not _signed_in(elsewhere)


def test_sign_out_everywhere_needs_a_post(hire, client_for):
    _, key = services.api_token_create(user=hire)
    assert client_for(hire).get(reverse("accounts:sign_out_everywhere")).status_code == 405
    assert _api(key).get(reverse("api-sign-out-everywhere")).status_code == 405
    assert _works(key)


# --- Seeing and revoking one's own tokens ---------------------------------------------------------------


def test_the_page_lists_my_tokens_without_their_keys(hire, client_for):
    _, used = services.api_token_create(user=hire, name="Reporting script")
    _works(used)
    _, other_key = services.api_token_create(user=HireFactory(), name="Not mine")
    page = client_for(hire).get(reverse("accounts:tokens")).content.decode()
    assert "Reporting script" in page and "Not mine" not in page
    assert used not in page and used[:15] not in page and other_key[:15] not in page
    token = ApiToken.objects.get(user=hire)
    assert reverse("accounts:token_revoke", args=[token.pk]) in page
    assert "Never" not in page  # it has been used, and expires
    assert reverse("accounts:tokens") in client_for(hire).get(reverse("accounts:profile")).content.decode()


def test_revoking_on_the_page(hire, client_for):
    token, key = services.api_token_create(user=hire, name="Old laptop")
    _, kept = services.api_token_create(user=hire, name="Desk")
    client = client_for(hire)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:tokens")
    assert "“Old laptop” is revoked" in response.content.decode()
    assert not _works(key) and _works(kept) and _signed_in(client)


def test_someone_elses_token_is_not_found_on_the_page(hire, client_for):
    token, key = services.api_token_create(user=HireFactory())
    response = client_for(hire).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404 and _works(key)


def test_the_api_lists_my_tokens(hire):
    mine, key = services.api_token_create(user=hire, name="CLI")
    older, _ = services.api_token_create(user=hire, name="Script")
    ApiToken.objects.filter(pk=older.pk).update(created=timezone.now() - datetime.timedelta(days=1))
    services.api_token_create(user=HireFactory(), name="Not mine")
    expired, _ = services.api_token_create(user=hire, name="Expired")
    ApiToken.objects.filter(pk=expired.pk).update(expiry=timezone.now() - datetime.timedelta(minutes=1))

    page = _api(key).get(reverse("api-tokens")).json()
    assert [row["name"] for row in page["results"]] == ["CLI", "Script"]
    first = page["results"][0]
    assert set(first) == {"id", "name", "created", "last_used_at", "expires_at", "current"}
    assert first["id"] == mine.pk and first["current"] is True and first["last_used_at"] is not None
    assert page["results"][1]["current"] is False and page["results"][1]["last_used_at"] is None
    assert key not in str(page)


def test_revoking_in_the_api(hire):
    token, key = services.api_token_create(user=hire)
    other, other_key = services.api_token_create(user=hire)
    api = _api(key)
    assert api.delete(reverse("api-token-detail", args=[other.pk])).status_code == 204
    assert not _works(other_key) and _works(key)
    assert api.delete(reverse("api-token-detail", args=[token.pk])).status_code == 204  # its own
    assert not _works(key)


def test_someone_elses_token_is_not_found_in_the_api(hire):
    theirs, their_key = services.api_token_create(user=HireFactory())
    _, key = services.api_token_create(user=hire)
    assert _api(key).delete(reverse("api-token-detail", args=[theirs.pk])).status_code == 404
    assert _works(their_key)


def test_the_admin_sees_tokens_read_only_and_may_delete_them(hire, admin_client_):
    token, key = services.api_token_create(user=hire, name="Reporting script")
    changelist = admin_client_.get(reverse("admin:accounts_apitoken_changelist"))
    assert changelist.status_code == 200 and "Reporting script" in changelist.content.decode()
    assert admin_client_.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    detail = admin_client_.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    assert detail.status_code == 200 and key[:15] not in detail.content.decode()
    deleted = admin_client_.post(reverse("admin:accounts_apitoken_delete", args=[token.pk]), {"post": "yes"})
    assert deleted.status_code == 302 and not _works(key)
    assert Client().get(reverse("admin:accounts_apitoken_changelist")).status_code == 302
    hire_browser = Client()
    hire_browser.force_login(hire)
    assert hire_browser.get(reverse("admin:accounts_apitoken_changelist")).status_code == 302


# --- Migration from DRF's tokens ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # a schema change, as the migration makes it
def test_the_old_clear_text_tokens_are_dropped():
    from importlib import import_module

    from django.db.migrations.recorder import MigrationRecorder

    migration = import_module("accounts.migrations.0003_api_tokens")
    with connection.cursor() as cursor:
        cursor.execute('CREATE TABLE "authtoken_token" ("key" varchar(40) PRIMARY KEY, "user_id" integer)')
        cursor.execute("INSERT INTO authtoken_token VALUES ('0123456789abcdef0123456789abcdef01234567', 1)")
    recorder = MigrationRecorder(connection)
    recorder.record_applied("authtoken", "0001_initial")
    with connection.schema_editor() as schema_editor:
        migration.old_tokens_drop(None, schema_editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    assert not recorder.migration_qs.filter(app="authtoken").exists()
    with connection.schema_editor() as schema_editor:
        migration.old_tokens_drop(None, schema_editor)  # nothing left to drop: no error


def test_only_the_project_token_table_exists():
    """knox's default table would hold a foreign key to users that the test flush (and erasure) can't see."""
    tables = connection.introspection.table_names()
    assert "accounts_apitoken" in tables and "knox_authtoken" not in tables


def test_admins_tokens_die_with_their_password_too():
    admin = AdminFactory()
    _, key = services.api_token_create(user=admin)
    admin.set_unusable_password()
    admin.save()
    assert not _works(key)
