"""Calibration pages: the list, opening a session, grading blind, the reveal, gold levels, the export,
the anchor bank and onboarding. Each validates, calls one service and renders."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import permissions
from calibration import selectors, services
from calibration.access import (
    access_item_recording,
    access_item_to_grade,
    access_item_to_settle,
    access_revealed_session,
    access_session,
    access_session_to_facilitate,
    is_participant,
)
from calibration.forms import OnboardingForm, SessionForm
from coaching.recordings import recording_response
from courses.levels import as_level

SESSIONS_PAGE_SIZE = 50
CANDIDATES_PAGE_SIZE = 25
BANK_PAGE_SIZE = 50


def _session_url(session, anchor: str = "") -> str:
    return reverse("calibration:session", args=[session.pk]) + (f"#{anchor}" if anchor else "")


@permissions.require(permissions.can_grade)
def session_list(request):
    page = Paginator(selectors.session_list(user=request.user), SESSIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "calibration/list.html",
        {"page": page, "can_lead": permissions.can_lead_grading_quality(request.user)},
    )


def _page_number(params, name: str) -> str | None:
    """The page a list shows: the one asked for, else the one it was on (a new filter starts at page 1)."""
    if params.get("action") == "browse":
        return params.get(f"{name}_page")
    return params.get(f"{name}_page") or params.get(f"{name}_at")


@permissions.require(permissions.can_lead_grading_quality)
def session_new(request):
    """One form: the session's fields and the anchor lists. Filtering or paging the lists posts the form
    back (action "browse"), so what is typed and ticked so far is kept; anything else opens the session."""
    posted = request.method == "POST"
    params = request.POST if posted else request.GET
    paging = "attempts_page" in params or "calls_page" in params
    browsing = posted and (params.get("action") == "browse" or paging)
    form = SessionForm(request.POST if posted else None)
    if posted and not browsing and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_create(
                facilitator=request.user, title=data["title"], due_at=data["due_at"], coaches=list(data["coaches"]),
                attempts=list(data["attempts"]), call_reviews=list(data["call_reviews"]),
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Session “{session.title}” opened; the invited coaches have been told.")
            return redirect(_session_url(session))
    filters = selectors.CandidateFilters.from_params(params)
    attempts = Paginator(selectors.candidate_attempts(filters=filters), CANDIDATES_PAGE_SIZE).get_page(
        _page_number(params, "attempts")
    )
    calls = Paginator(selectors.candidate_call_reviews(filters=filters), CANDIDATES_PAGE_SIZE).get_page(
        _page_number(params, "calls")
    )
    chosen_attempts, chosen_calls = form.chosen_ids("attempts"), form.chosen_ids("call_reviews")
    context = {
        "form": form,
        "show_errors": posted and not browsing,
        "filters": filters,
        "options": selectors.candidate_filter_options(),
        "attempts": attempts,
        "calls": calls,
        "chosen_attempts": chosen_attempts,
        "chosen_calls": chosen_calls,
        # Ticked on another page of the lists: carried along unseen.
        "kept_attempts": sorted(chosen_attempts - {a.pk for a in attempts.object_list}),
        "kept_calls": sorted(chosen_calls - {c.pk for c in calls.object_list}),
        "chosen_coaches": {str(v) for v in form["coaches"].value() or []},
    }
    return render(request, "calibration/new.html", context, status=400 if context["show_errors"] else 200)


@permissions.require(permissions.can_grade)
def session_detail(request, session_id: int):
    session = access_session(request.user, session_id)
    participating = is_participant(session, request.user)
    facilitating = services.may_facilitate(session, request.user)
    context = {"session": session, "participating": participating, "facilitating": facilitating}
    if session.is_revealed:
        context["revealed"] = selectors.revealed_session(session=session)
        if session.kind == session.Kind.ONBOARDING:
            coach, found = selectors.onboarding_summary(session=session)
            line = selectors.onboarding_report_line(coach, found) if coach else ""
            context["onboarding"] = {"coach": coach, "found": found, "line": line}
    else:
        if participating:
            context["items"] = selectors.items_for_coach(session=session, coach=request.user)
            context["graded"] = sum(item.graded for item in context["items"])
        if facilitating or permissions.can_lead_grading_quality(request.user):
            context["progress"] = selectors.session_progress(session=session)
            context["item_count"] = session.items.count()
    return render(request, "calibration/session.html", context)


def _levels_from(post, criteria) -> dict:
    return {criterion.key: post.get(f"level_{criterion.key}", "") for criterion in criteria}


@permissions.require(permissions.can_grade)
def item_grade(request, session_id: int, item_id: int):
    """The blind grading screen: the work with the hire anonymised, the rubric and a note."""
    item = access_item_to_grade(request.user, session_id, item_id)
    session = item.session
    if session.is_revealed:
        messages.info(request, "This session has been revealed; its grades can no longer change.")
        return redirect(_session_url(session))
    blind = selectors.blind_item(item=item)
    grade = selectors.grade_of(item=item, coach=request.user)
    chosen, note, error = dict(grade.levels) if grade else {}, grade.note if grade else "", None
    if request.method == "POST":
        levels = _levels_from(request.POST, blind.criteria)
        note = request.POST.get("note", "")
        try:
            services.calibration_grade_save(item=item, coach=request.user, levels=levels, note=note)
        except ValidationError as exc:
            error = " ".join(exc.messages)
            chosen = {key: level for key, value in levels.items() if (level := as_level(value)) is not None}
        else:
            session.refresh_from_db()
            if session.is_revealed:  # an onboarding session reveals itself at its last item
                messages.success(request, "All items graded. Here is how your levels compare with gold.")
                return redirect(_session_url(session))
            messages.success(
                request, f"Levels saved for item {item.position + 1}. You can change them until the reveal."
            )
            if request.POST.get("action") == "next":
                upcoming = selectors.next_item_to_grade(session=session, coach=request.user, after=item)
                if upcoming is not None:
                    return redirect("calibration:item", session_id=session.pk, item_id=upcoming.pk)
            return redirect(_session_url(session))
    items = selectors.items_for_coach(session=session, coach=request.user)
    context = {
        "session": session,
        "item": item,
        "blind": blind,
        "rows": [{"criterion": c, "chosen": chosen.get(c.key)} for c in blind.criteria],
        "note": note,
        "error": error,
        "number": item.position + 1,
        "total": len(items),
        "graded": sum(i.graded for i in items),
    }
    return render(request, "calibration/item.html", context, status=400 if error else 200)


def item_recording(request, session_id: int, item_id: int):
    """A real call's recording, streamed to the session's people only; byte ranges let the player seek."""
    review = access_item_recording(request.user, session_id, item_id)
    return recording_response(request, review)


@permissions.require(permissions.can_grade)
def session_reveal(request, session_id: int):
    """GET asks for confirmation (showing who has not submitted); POST reveals."""
    session = access_session_to_facilitate(request.user, session_id)
    if request.method == "POST":
        services.session_reveal(session=session, by=request.user)
        messages.success(request, "Revealed: every coach can see everyone's levels now. Record the gold levels.")
        return redirect(_session_url(session))
    if session.is_revealed:
        return redirect(_session_url(session))
    progress = selectors.session_progress(session=session)
    return render(
        request,
        "calibration/reveal.html",
        {"session": session, "progress": progress, "waiting": [p for p in progress if not p.participant.submitted_at]},
    )


@permissions.require(permissions.can_grade)
@require_POST
def item_gold(request, session_id: int, item_id: int):
    item = access_item_to_settle(request.user, session_id, item_id)
    criteria = list(item.anchor.rubric_version.criteria.all())
    try:
        services.gold_record(
            item=item, by=request.user, levels=_levels_from(request.POST, criteria), note=request.POST.get("note", "")
        )
    except ValidationError as error:
        messages.error(request, f"Item {item.position + 1}: {' '.join(error.messages)}")
    else:
        messages.success(request, f"Gold levels recorded for item {item.position + 1}; it is in the anchor bank.")
    return redirect(_session_url(item.session, f"item-{item.pk}"))


@permissions.require(permissions.can_grade)
def session_export(request, session_id: int):
    """After the reveal: one row per item, coach and criterion. Before it there is nothing to export."""
    session = access_revealed_session(request.user, session_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="calibration-{session.pk}.csv"'
    columns = ["item", "anchor", "kind", "coach", "criterion", "criterion_title", "coach_level", "estimate", "gold"]
    writer = csv.DictWriter(response, fieldnames=columns)
    writer.writeheader()
    for row in selectors.export_rows(session=session):
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return response


def _bank_page(request, form: OnboardingForm, *, status: int = 200):
    bank = Paginator(selectors.anchor_bank(), BANK_PAGE_SIZE).get_page(request.GET.get("page"))
    for anchor in bank.object_list:
        anchor.display_title = selectors.anchor_title(anchor)
    chosen = {str(v) for v in form["anchors"].value() or []}
    context = {"bank": bank, "form": form, "chosen": chosen}
    return render(request, "calibration/bank.html", context, status=status)


@permissions.require(permissions.can_lead_grading_quality)
def anchor_bank(request):
    return _bank_page(request, OnboardingForm())


@permissions.require(permissions.can_lead_grading_quality)
@require_POST
def onboarding_new(request):
    form = OnboardingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            session = services.onboarding_session_create(
                facilitator=request.user, coach=data["coach"], anchors=list(data["anchors"]), due_at=data["due_at"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Onboarding opened for {data['coach'].display_name}; they have been told.")
            return redirect(_session_url(session))
    return _bank_page(request, form, status=400)
