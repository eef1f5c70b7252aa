"""Readiness pages: thin — fetch and authorise, call one service, redirect or render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import permissions
from readiness import selectors, services
from readiness.access import (
    access_cohort_rule,
    access_enrollment_to_override,
    access_enrollment_to_sign_off,
    access_enrollment_to_withdraw_sign_off,
)
from readiness.forms import OverrideForm, RuleForm, SignOffForm


def _back_to_timeline(enrollment):
    return redirect(f"{reverse('coaching:hire_timeline', args=[enrollment.pk])}#readiness")


def _run(request, service, success: str, **kwargs) -> None:
    try:
        service(**kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)


@require_POST
@permissions.require(permissions.can_sign_off_readiness)
def sign_off(request, enrollment_id: int):
    enrollment = access_enrollment_to_sign_off(request.user, enrollment_id)
    form = SignOffForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Keep the note shorter.")
        return _back_to_timeline(enrollment)
    _run(request, services.readiness_sign_off, f"You signed {enrollment.hire} off for nesting.",
         enrollment=enrollment, coach=request.user, note=form.cleaned_data["note"])  # fmt: skip
    return _back_to_timeline(enrollment)


@require_POST
@permissions.require(permissions.is_signed_in)
def sign_off_withdraw(request, enrollment_id: int):
    enrollment = access_enrollment_to_withdraw_sign_off(request.user, enrollment_id)
    _run(request, services.readiness_sign_off_withdraw, "The sign-off was withdrawn.",
         enrollment=enrollment, actor=request.user)  # fmt: skip
    return _back_to_timeline(enrollment)


@require_POST
@permissions.require(permissions.can_override_readiness)
def override(request, enrollment_id: int):
    enrollment = access_enrollment_to_override(request.user, enrollment_id)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose ready or not ready, and give a reason.")
        return _back_to_timeline(enrollment)
    ready = form.cleaned_data["decision"] == "ready"
    _run(request, services.readiness_override, "Your decision stands in for the rule.",
         enrollment=enrollment, admin=request.user, ready=ready, reason=form.cleaned_data["reason"])  # fmt: skip
    return _back_to_timeline(enrollment)


@require_POST
@permissions.require(permissions.can_override_readiness)
def override_revoke(request, enrollment_id: int):
    enrollment = access_enrollment_to_override(request.user, enrollment_id)
    _run(request, services.readiness_override_revoke, "The override was revoked: the rule decides again.",
         enrollment=enrollment, admin=request.user)  # fmt: skip
    return _back_to_timeline(enrollment)


@permissions.require(permissions.can_override_readiness)
def cohort_rule(request, cohort_id: int):
    cohort = access_cohort_rule(request.user, cohort_id)
    rule = selectors.rule_of(cohort)
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.RULE_FIELDS}
        try:
            services.readiness_rule_update(cohort=cohort, actor=request.user, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Readiness rule saved.")
            return redirect("readiness:cohort_rule", cohort.pk)
    context = {"cohort": cohort, "form": form, "rule": rule, "changes": selectors.rule_changes(rule=rule),
               "tab": "readiness"}  # fmt: skip
    return render(request, "readiness/cohort_rule.html", context)
