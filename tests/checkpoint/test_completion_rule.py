"""The completion rule's page: admins set what completing the training means, and every change is audited."""

import pytest
from django.core.exceptions import PermissionDenied

from checkpoint import selectors, services
from checkpoint.models import CompletionRule, CompletionRuleChange
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(finishing_cohort):
    return f"/checkpoint/cohorts/{finishing_cohort.pk}/completion-rule/"


def test_the_page_shows_the_defaults_and_writes_nothing_when_read(admin_client_, url):
    page = admin_client_.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('type="checkbox"') == 2 and text.count("checked") == 2  # both required by default
    assert "The defaults hold until an admin saves a change." in text
    assert 'aria-current="page">Completion</a>' in text  # its tab, beside Readiness
    assert not CompletionRule.objects.exists()


def test_saving_a_change_keeps_who_when_and_what(admin_client_, url, finishing_cohort, training_admin):
    saved = admin_client_.post(url, {"requires_all_items": "on"})
    assert saved.status_code == 302 and saved["Location"] == url
    rule = CompletionRule.objects.get(cohort=finishing_cohort)
    assert (rule.requires_all_items, rule.requires_readiness, rule.updated_by) == (True, False, training_admin)
    change = CompletionRuleChange.objects.get()
    assert (change.rule, change.actor, change.changes) == (rule, training_admin, {"requires_readiness": [True, False]})
    page = admin_client_.get(url).content.decode()
    assert "readiness met: required → not required" in page and "Ada Admin" in page

    admin_client_.post(url, {"requires_all_items": "on"})  # the same values again: nothing to record
    assert CompletionRuleChange.objects.count() == 1


def test_the_service_audits_each_change_and_refuses_non_admins(finishing_cohort, training_admin, coach):
    with pytest.raises(PermissionDenied):
        services.completion_rule_update(cohort=finishing_cohort, admin=coach, requires_all_items=False,
                                        requires_readiness=False)  # fmt: skip
    assert not CompletionRule.objects.exists()
    services.completion_rule_update(cohort=finishing_cohort, admin=training_admin, requires_all_items=True,
                                    requires_readiness=True)  # fmt: skip
    assert not CompletionRuleChange.objects.exists()  # the defaults saved: nothing changed
    services.completion_rule_update(cohort=finishing_cohort, admin=training_admin, requires_all_items=False,
                                    requires_readiness=False)  # fmt: skip
    change = CompletionRuleChange.objects.get()
    assert change.changes == {"requires_all_items": [True, False], "requires_readiness": [True, False]}
    assert change.described() == [
        "every item done or excused: required → not required",
        "readiness met: required → not required",
    ]
    assert list(selectors.completion_rule_changes(rule=selectors.completion_rule_of(finishing_cohort))) == [change]


def test_only_admins_reach_the_page(client_for, url, coach, hire, client):
    for person in (coach, hire):
        assert client_for(person).get(url).status_code == 403
        assert client_for(person).post(url, {}).status_code == 403
    assert client.get(url).status_code == 302  # to sign in
    assert not CompletionRule.objects.exists()


def test_an_unknown_cohort_is_a_404(admin_client_):
    assert admin_client_.get("/checkpoint/cohorts/999999/completion-rule/").status_code == 404


def test_the_rule_decides_completion_from_the_page(admin_client_, url, finishing_enrollment):
    assert not selectors.completion_for(enrollment=finishing_enrollment).met
    assert admin_client_.post(url, {}).status_code == 302  # neither box ticked: the form posts nothing
    assert selectors.completion_for(enrollment=finishing_enrollment).met


def test_the_readiness_page_links_to_the_completion_rule(admin_client_, finishing_cohort, url):
    assert f'href="{url}"' in admin_client_.get(f"/readiness/cohorts/{finishing_cohort.pk}/rule/").content.decode()


def test_another_cohorts_rule_is_its_own(admin_client_, url, finishing_cohort):
    other = CohortFactory()
    admin_client_.post(url, {})
    assert selectors.completion_rule_of(other).pk is None
