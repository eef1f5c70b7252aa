"""The admin's outcomes pages. Each view checks the input, calls one service or selector, and renders."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import permissions
from common.csv_export import csv_response
from common.import_views import import_page
from outcomes import figures, forms, proficiency, selectors, services
from outcomes.access import access_outcomes, access_retention
from outcomes.imports import Action, retention_template
from outcomes.models import MILESTONES, Source

manage = permissions.require(permissions.can_manage_cohorts)


@manage
def cohort_report(request, cohort_id: int):
    cohort = access_outcomes(request.user, cohort_id)
    report = selectors.cohort_outcomes(cohort=cohort)
    context = {
        "cohort": cohort,
        "tab": "outcomes",
        "report": report,
        "milestones": MILESTONES,
        "splits": [(split, figures.split_chart(split)) for split in report.splits],
        "proficiency": proficiency.proficiency_for_cohort(cohort=cohort),
    }
    return render(request, "outcomes/report.html", context)


@manage
def cohort_export(request, cohort_id: int):
    cohort = access_outcomes(request.user, cohort_id)
    report = selectors.cohort_outcomes(cohort=cohort)
    return csv_response(figures.hires_csv(report), f"outcomes-{cohort.slug}.csv")


@manage
def hire_retention(request, cohort_id: int, enrollment_id: int):
    """One hire's 30, 60 and 90-day statuses: the form to record or change one, and the history."""
    cohort = access_outcomes(request.user, cohort_id)
    enrollment = access_retention(request.user, enrollment_id, cohort=cohort)
    initial = {"milestone_days": request.GET.get("days") or MILESTONES[0]}
    form = forms.RetentionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            recorded = services.retention_record(
                enrollment=enrollment, actor=request.user, source=Source.FORM, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            days = form.cleaned_data["milestone_days"]
            if recorded.action == Action.UNCHANGED:
                messages.info(request, f"{enrollment.hire} at {days} days was already recorded so: nothing changed.")
            else:
                messages.success(request, f"{enrollment.hire} at {days} days: {recorded.check.get_status_display()}.")
            return redirect("outcomes:report", cohort.pk)
    standing = selectors.standing_decisions(cohort=cohort, enrollment_ids=[enrollment.pk]).get(enrollment.pk)
    context = {
        "cohort": cohort,
        "tab": "outcomes",
        "enrollment": enrollment,
        "standing": standing,
        "milestone_dates": [(days, standing.milestone_on(days)) for days in MILESTONES] if standing else [],
        "form": form,
        "checks": selectors.retention_history(enrollment=enrollment),
    }
    return render(request, "outcomes/hire.html", context, status=400 if form.errors else 200)


@manage
def retention_import(request, cohort_id: int):
    cohort = access_outcomes(request.user, cohort_id)
    return import_page(
        request,
        template="outcomes/import.html",
        context={"cohort": cohort, "tab": "outcomes", "actions": Action},
        upload_form=forms.RetentionImportForm,
        preview=partial(services.retention_import_preview, cohort=cohort),
        confirm=lambda data: services.retention_import_confirm(
            cohort=cohort, actor=request.user, confirmation=forms.RetentionConfirmForm(data).confirmed()
        ),
        done_url=reverse("outcomes:report", args=[cohort.pk]),
    )


@manage
def retention_import_template(request, cohort_id: int):
    access_outcomes(request.user, cohort_id)
    return csv_response(retention_template(), "retention-template.csv")
