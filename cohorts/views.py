"""The admin's cohort pages. Each view checks the input, calls one service or selector, and renders."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import permissions, throttles
from coaching import transfer
from coaching.charts import trend_svg
from cohorts import charts, exports, forms, rendering, selectors, services
from cohorts.access import access_cohort, access_cohort_coach, access_enrollment
from cohorts.imports import Action, import_template
from cohorts.models import CohortEvent
from common.csv_export import csv_response
from common.import_views import import_page
from courses import selectors as course_selectors
from courses.levels import LEVEL_MAX, LEVEL_MIN
from courses.models import RUNNING_STATUSES, Cohort, EnrollmentStatus
from courses.services import excusals as excusal_services
from readiness import selectors as readiness_selectors

manage = permissions.require(permissions.can_manage_cohorts)
EXPORTS = ("progress", "scores", "checkpoint", "transfer")
# Withdrawing has its own confirmation page (enrollment_withdraw), never a one-click action.
ENROLLMENT_ACTIONS = ("pause", "resume", "reinstate", "salary", "extend", "invite", "move")


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


def _apply_form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Cohorts -------------------------------------------------------------------------------------------

COHORTS_PER_PAGE = 50  # newest first: an organisation of 10,000 hires runs about 250


@manage
def cohort_list(request):
    archived = request.GET.get("archived") == "1"
    cohorts = selectors.cohort_list(user=request.user, archived=archived)
    page = Paginator(cohorts, COHORTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"cohorts": page, "page": page, "archived": archived, "page_query": "?archived=1&" if archived else "?"}
    return render(request, "cohorts/list.html", context)


@manage
def cohort_create(request):
    form = forms.CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_form_errors(form, error)
        else:
            messages.success(request, f"{cohort.name} is created. Now enrol its hires and assign its coaches.")
            return redirect("cohorts:dashboard", cohort.pk)
    return render(request, "cohorts/form.html", {"form": form, "cohort": None}, status=400 if form.errors else 200)


@manage
def cohort_edit(request, cohort_id: int):
    cohort = access_cohort(request.user, cohort_id)
    form = forms.CohortForm(request.POST or None, instance=Cohort.objects.get(pk=cohort.pk))
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in services.COHORT_FIELDS}
        try:
            services.cohort_update(cohort=cohort, actor=request.user, **changes)
        except ValidationError as error:
            _apply_form_errors(form, error)
        else:
            messages.success(request, "The cohort's settings are saved.")
            return redirect("cohorts:dashboard", cohort.pk)
    events = CohortEvent.objects.filter(cohort=cohort).select_related("actor")[:20]
    context = {"form": form, "cohort": cohort, "events": events, "tab": "settings"}
    return render(request, "cohorts/form.html", context, status=400 if form.errors else 200)


@manage
@require_POST
def cohort_archive(request, cohort_id: int):
    cohort = access_cohort(request.user, cohort_id)
    unarchive = request.POST.get("action") == "unarchive"
    try:
        if unarchive:
            services.cohort_unarchive(cohort=cohort, actor=request.user)
        else:
            services.cohort_archive(cohort=cohort, actor=request.user)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, f"{cohort.name} is {'back from the archive' if unarchive else 'archived'}.")
    return redirect("cohorts:edit", cohort.pk)


@manage
def cohort_coaches(request, cohort_id: int):
    cohort = access_cohort(request.user, cohort_id)
    form = forms.CoachAssignForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        coach = form.cleaned_data["coach"]
        try:
            services.cohort_coach_assign(cohort=cohort, coach=coach, actor=request.user)
        except ValidationError as error:
            form.add_error("coach", error)
        else:
            messages.success(request, f"{coach} now coaches {cohort.name}.")
            return redirect("cohorts:coaches", cohort.pk)
    context = {"cohort": cohort, "form": form, "coaches": cohort.coaches.order_by("display_name"), "tab": "coaches"}
    return render(request, "cohorts/coaches.html", context, status=400 if form.errors else 200)


@manage
@require_POST
def cohort_coach_remove(request, cohort_id: int, coach_id: int):
    cohort, coach = access_cohort_coach(request.user, cohort_id, coach_id)
    services.cohort_coach_unassign(cohort=cohort, coach=coach, actor=request.user)
    messages.success(request, f"{coach} no longer coaches {cohort.name}.")
    return redirect("cohorts:coaches", cohort.pk)


# --- The dashboard and exports ------------------------------------------------------------------------


@manage
def cohort_dashboard(request, cohort_id: int):
    cohort = access_cohort(request.user, cohort_id)
    dashboard = selectors.cohort_dashboard(cohort=cohort)
    # As of now, so from the cache hire by hire (readiness.selectors).
    readiness = readiness_selectors.cohort_readiness(cohort=cohort, enrollments=[h.enrollment for h in dashboard.hires])
    week_labels = [f"Week {number}" for number, _ in dashboard.weeks]
    criterion_bars = [charts.Bar(title, dashboard.criterion_averages.get(key), "") for key, title in dashboard.criteria]
    checkpoint_bars = [charts.Bar(label, count) for label, count in dashboard.checkpoint_rows]
    context = {
        "cohort": cohort,
        "dashboard": dashboard,
        "tab": "dashboard",
        "week_labels": week_labels,
        "progress_rows": rendering.progress_rows(cohort, dashboard.hires),
        "score_rows": rendering.score_rows(dashboard.hires),
        "at_risk_rows": rendering.at_risk_rows(dashboard.at_risk),
        "weeks_chart": charts.weeks_svg(
            dashboard.week_counts, labels=week_labels, title="Where the hires in training stand, week by week"
        ),
        "criteria_chart": charts.bars_svg(
            criterion_bars, title=f"Average level per rubric criterion ({LEVEL_MIN}–{LEVEL_MAX})", maximum=LEVEL_MAX
        ),
        "trend_chart": trend_svg(dashboard.trend, title="The cohort's average level per criterion, by week"),
        "checkpoint_chart": charts.bars_svg(
            checkpoint_bars, title="Checkpoint outcomes", maximum=max([b.value for b in checkpoint_bars] + [1])
        ),
        "readiness": readiness,
        "readiness_rows": rendering.readiness_rows(readiness),
        **_transfer_section(cohort),
    }
    return render(request, "cohorts/dashboard.html", context)


def _transfer_section(cohort) -> dict:
    """How far real calls lag practice, per criterion: a bar per criterion (nothing drawn where real calls are
    level with practice or ahead of it; the figure says so) and the same numbers in a table."""
    found = transfer.transfer_for_cohort(cohort=cohort)
    bars = [
        charts.Bar(row.title, row.lag, "no hire with both" if row.gap is None else f"gap {row.gap:+.2f}")
        for row in found.criteria
    ]
    title = f"How far real calls lag role-plays, per criterion (levels, {LEVEL_MIN}–{LEVEL_MAX})"
    chart = charts.bars_svg(bars, title=title, maximum=LEVEL_MAX)
    return {"transfer": found, "transfer_chart": chart, "transfer_window": transfer.WINDOW}


@manage
def cohort_export(request, cohort_id: int, kind: str):
    if kind not in EXPORTS:
        raise Http404("No such export.")
    cohort = access_cohort(request.user, cohort_id)
    if kind == "checkpoint":  # needs only the checkpoint rows, not the whole dashboard
        content = exports.checkpoint_csv(cohort, selectors.checkpoint_rows(cohort=cohort))
    elif kind == "transfer":  # practice against real calls: only the transfer figure
        content = transfer.cohort_csv(transfer.transfer_for_cohort(cohort=cohort))
    elif kind == "progress":
        content = exports.progress_csv(selectors.cohort_dashboard(cohort=cohort))
    else:
        content = exports.scores_csv(selectors.cohort_dashboard(cohort=cohort))
    return csv_response(content, f"{cohort.slug}-{kind}.csv")


# --- Hires -------------------------------------------------------------------------------------------------


@manage
def cohort_hires(request, cohort_id: int):
    cohort = access_cohort(request.user, cohort_id)
    enrollments = selectors.cohort_enrollments(cohort=cohort)
    return render(request, "cohorts/hires.html", {"cohort": cohort, "enrollments": enrollments, "tab": "hires"})


@manage
def hire_add(request, cohort_id: int):
    cohort = access_cohort(request.user, cohort_id)
    form = forms.HireAddForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            enrollment = services.enrollment_add(cohort=cohort, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            invited = not enrollment.hire.has_usable_password()
            messages.success(request, f"{enrollment.hire} is enrolled{' and invited' if invited else ''}.")
            return redirect("cohorts:hires", cohort.pk)
    context = {"cohort": cohort, "form": form, "tab": "hires"}
    return render(request, "cohorts/hire_add.html", context, status=400 if form.errors else 200)


@manage
def enrollment_detail(request, cohort_id: int, enrollment_id: int):
    cohort = access_cohort(request.user, cohort_id)
    enrollment = access_enrollment(request.user, enrollment_id, cohort=cohort)
    context = {
        "cohort": cohort,
        "enrollment": enrollment,
        "events": enrollment.events.select_related("actor"),
        "move_form": forms.MoveForm(enrollment=enrollment, auto_id="move-%s"),
        "pause_form": forms.NoteForm(auto_id="pause-%s"),
        "reinstate_form": forms.ReasonForm(auto_id="reinstate-%s"),
        "salary_form": forms.SalaryForm(cohort=cohort, auto_id="salary-%s"),
        "extend_form": forms.ExtendForm(auto_id="extend-%s"),
        "tab": "hires",
        "running": enrollment.status in RUNNING_STATUSES,
        "withdrawn": enrollment.status == EnrollmentStatus.WITHDRAWN,
        **_excusal_context(enrollment),
    }
    return render(request, "cohorts/enrollment.html", context)


def _excusal_context(enrollment, form=None) -> dict:
    items, history = course_selectors.enrollment_excusals(enrollment=enrollment)
    return {
        "excusable": items,
        "excusals": history,
        "excuse_form": form or forms.ExcuseForm(items=items, auto_id="excuse-%s"),
    }


@manage
@require_POST
def enrollment_excuse(request, cohort_id: int, enrollment_id: int):
    cohort = access_cohort(request.user, cohort_id)
    enrollment = access_enrollment(request.user, enrollment_id, cohort=cohort)
    items, _ = course_selectors.enrollment_excusals(enrollment=enrollment)
    form = forms.ExcuseForm(request.POST, items=items, auto_id="excuse-%s")
    if not form.is_valid():
        messages.error(request, "Choose an item not yet done or excused, and give a reason.")
        return redirect("cohorts:enrollment", cohort.pk, enrollment.pk)
    kind, item_id = form.cleaned_data["item"]
    try:
        excusal_services.item_excuse(
            enrollment=enrollment, kind=kind, item_id=item_id, admin=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, "Excused: it counts as done for completion and is no longer overdue.")
    return redirect("cohorts:enrollment", cohort.pk, enrollment.pk)


@manage
@require_POST
def enrollment_excusal_revoke(request, cohort_id: int, enrollment_id: int, excusal_id: int):
    cohort = access_cohort(request.user, cohort_id)
    enrollment = access_enrollment(request.user, enrollment_id, cohort=cohort)
    try:
        excusal_services.item_excusal_revoke(excusal_id=excusal_id, enrollment=enrollment, admin=request.user)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, "Excusal revoked: the item is to do again.")
    return redirect("cohorts:enrollment", cohort.pk, enrollment.pk)


@manage
def enrollment_withdraw(request, cohort_id: int, enrollment_id: int):
    """The confirmation step: what withdrawing means, a required reason, and a button naming the hire."""
    cohort = access_cohort(request.user, cohort_id)
    enrollment = access_enrollment(request.user, enrollment_id, cohort=cohort)
    if enrollment.status not in RUNNING_STATUSES:
        messages.error(
            request,
            f"Only a hire in training can be withdrawn; {enrollment.hire} is "
            f"{enrollment.get_status_display().lower()}.",
        )
        return redirect("cohorts:enrollment", cohort.pk, enrollment.pk)
    # An empty POST is still a POST: it is refused, not shown the form again as if nothing was sent.
    form = forms.ReasonForm(request.POST if request.method == "POST" else None, auto_id="withdraw-%s")
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_withdraw(enrollment=enrollment, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _apply_form_errors(form, error)
        else:
            messages.success(request, f"{enrollment.hire} is withdrawn. Their record is kept.")
            return redirect("cohorts:enrollment", cohort.pk, enrollment.pk)
    context = {"cohort": cohort, "enrollment": enrollment, "form": form, "tab": "hires"}
    return render(request, "cohorts/enrollment_withdraw.html", context, status=400 if form.errors else 200)


@manage
@require_POST
def enrollment_action(request, cohort_id: int, enrollment_id: int, action: str):
    if action not in ENROLLMENT_ACTIONS:
        raise Http404("No such action.")
    cohort = access_cohort(request.user, cohort_id)
    enrollment = access_enrollment(request.user, enrollment_id, cohort=cohort)
    note_form = forms.NoteForm(request.POST)
    note = note_form.cleaned_data["note"] if note_form.is_valid() else ""
    hire = enrollment.hire
    try:
        if action == "pause":
            services.enrollment_pause(enrollment=enrollment, actor=request.user, note=note)
            done = f"{hire} is paused: nothing unlocks or falls overdue until they resume."
        elif action == "resume":
            services.enrollment_resume(enrollment=enrollment, actor=request.user, note=note)
            done = f"{hire} is back in training; their schedule moved by the days paused."
        elif action == "reinstate":
            form = forms.ReasonForm(request.POST)
            if not form.is_valid():
                raise ValidationError("Give a reason to reinstate a hire: it is kept in the hire's history.")
            services.enrollment_reinstate(enrollment=enrollment, actor=request.user, reason=form.cleaned_data["reason"])
            done = f"{hire} is back in training."
        elif action == "salary":
            form = forms.SalaryForm(request.POST, cohort=cohort)
            if not form.is_valid():
                raise ValidationError(
                    [f"{form.fields[name].label}: {error}" for name, errors in form.errors.items() for error in errors]
                )
            services.enrollment_salary_change(enrollment=enrollment, actor=request.user, **form.cleaned_data)
            done = f"{hire}'s monthly salary is now {form.cleaned_data['monthly_salary']:,.2f} {cohort.currency}."
        elif action == "extend":
            form = forms.ExtendForm(request.POST)
            if not form.is_valid():
                raise ValidationError("An extension is from 1 to 60 days.")
            services.enrollment_extend(enrollment=enrollment, actor=request.user, **form.cleaned_data)
            done = f"{hire}'s schedule moved by {form.cleaned_data['days']} days."
        elif action == "invite":
            with throttles.invitation_resend_counted(email=hire.email):
                services.hire_invite(enrollment=enrollment)
            done = f"A new invitation is on its way to {hire.email}."
        else:  # move
            form = forms.MoveForm(request.POST, enrollment=enrollment)
            if not form.is_valid():
                raise ValidationError("Choose a cohort on the same curriculum version.")
            target = form.cleaned_data["cohort"]
            services.enrollment_move(enrollment=enrollment, cohort=target, actor=request.user,
                                     note=form.cleaned_data["note"])  # fmt: skip
            messages.success(request, f"{hire} moved to {target.name}, with all their work.")
            return redirect("cohorts:enrollment", target.pk, enrollment.pk)
    except ValidationError as error:
        messages.error(request, _errors(error))
    except throttles.RateLimited as error:
        back_url = reverse("cohorts:enrollment", args=[cohort.pk, enrollment.pk])
        return throttles.too_many_requests(request, error, title="Too many invitations", back_url=back_url)
    else:
        messages.success(request, done)
    return redirect("cohorts:enrollment", cohort.pk, enrollment.pk)


# --- Import -------------------------------------------------------------------------------------------------


@manage
def cohort_import(request, cohort_id: int):
    cohort = access_cohort(request.user, cohort_id)
    return import_page(
        request,
        template="cohorts/import.html",
        context={"cohort": cohort, "tab": "import", "actions": Action},
        upload_form=forms.ImportUploadForm,
        preview=partial(services.import_preview, cohort=cohort),
        confirm=lambda data: services.import_confirm(
            cohort=cohort, actor=request.user, **forms.ImportConfirmForm(data).confirmed()
        ),
        done_url=reverse("cohorts:dashboard", args=[cohort.pk]),
    )


@manage
def cohort_import_template(request, cohort_id: int):
    cohort = access_cohort(request.user, cohort_id)
    return csv_response(import_template(cohort=cohort), "hires-template.csv")
