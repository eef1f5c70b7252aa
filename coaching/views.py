import contextlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import permissions
from coaching import extensions, practice, second_marking, selectors, services, transfer
from coaching.access import (
    access_attempt_for_coach,
    access_call_review,
    access_call_review_for_editing,
    access_coachable_enrollment,
    access_dispute,
    access_gradable_attempt,
    access_moderation,
    access_own_feedback,
    access_practice_assignment,
    access_second_mark,
)
from coaching.charts import trend_svg
from coaching.forms import CallReviewForm
from coaching.models import SecondMark
from coaching.recordings import recording_response
from common.numbers import number_or_none
from courses import selectors as course_selectors
from courses.levels import as_level, criterion_name

QUEUE_PAGE_SIZE = 50


def _query(filters: selectors.QueueFilters) -> str:
    from urllib.parse import urlencode

    query = urlencode(filters.as_query())
    return f"?{query}" if query else ""


@permissions.require(permissions.can_grade)
def queue(request):
    filters = selectors.QueueFilters.from_params(request.GET)
    now = timezone.now()
    page = selectors.grading_queue_page(
        user=request.user,
        filters=filters,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        per_page=QUEUE_PAGE_SIZE,
        now=now,
    )
    query = _query(filters)
    context = {
        "page": page,
        "counts": page.counts,
        "filters": filters,
        "options": selectors.queue_filter_options(user=request.user),
        "query": query,
        "page_query": f"{query}&" if query else "?",  # the filters, then the page's cursor
        "now": now,
        "weeks": range(1, 7),
        "held": second_marking.held_for_the_queue(user=request.user),
        "may_moderate": permissions.can_lead_grading_quality(request.user),
    }
    return render(request, "coaching/queue.html", context)


@permissions.require(permissions.can_grade)
def grade_next(request):
    filters = selectors.QueueFilters.from_params(request.GET)
    skip = request.GET.get("after")
    attempt = selectors.next_to_grade(user=request.user, filters=filters, skip=number_or_none(skip))
    if attempt is None:
        messages.success(request, "Nothing else is waiting. The queue is clear.")
        return redirect(f"{reverse('coaching:queue')}{_query(filters)}")
    return redirect(f"{reverse('coaching:grade', args=[attempt.pk])}{_query(filters)}")


def _levels_from(post, criteria) -> dict:
    return {c.key: post.get(f"level_{c.key}", "") for c in criteria}


def _draft_from(post, criteria) -> dict:
    """What the grading form carries: the levels chosen and, when present, the two texts."""
    return {
        "levels": _levels_from(post, criteria),
        "overall_comment": post.get("overall_comment"),
        "guidance": post.get("guidance"),
    }


def _comment_add(user, attempt, turn_number, body: str, save_to_bank: bool):
    turn = attempt.turns.filter(number=number_or_none(str(turn_number or ""))).first()
    if turn is None:
        raise ValidationError("Choose an answer to comment on.")
    return services.answer_comment_add(turn=turn, coach=user, body=body, save_to_bank=save_to_bank)


@permissions.require(permissions.can_grade)
def grade(request, attempt_id: int):
    attempt = access_gradable_attempt(request.user, attempt_id)
    filters = selectors.QueueFilters.from_params(request.GET)
    held = second_marking.open_second_mark(attempt=attempt)
    if held is not None:  # nobody grades it here, and nobody reads the first grade here: it is marked blind
        return _held_page(request, attempt, held)
    claim = services.attempt_open_for_grading(attempt=attempt, coach=request.user)
    held_by_other = claim is not None and claim.coach_id != request.user.pk
    context = selectors.grading_context(attempt=attempt, coach=request.user)
    error = None
    if request.method == "POST" and not held_by_other:
        action = request.POST.get("action", "")
        try:
            response = _grade_action(request, attempt, action, context["criteria"], filters)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            if response is not None:
                return response
        context = selectors.grading_context(attempt=attempt, coach=request.user)
    flags = course_selectors.attempt_integrity_flags(attempt)
    entered = selectors.grading_entries(grade=context["grade"])
    if request.method == "POST":
        posted = _draft_from(request.POST, context["criteria"])
        entered = selectors.GradingEntries(
            levels={k: level for k, v in posted["levels"].items() if (level := as_level(v)) is not None},
            overall_comment=posted["overall_comment"] or "",
            guidance=posted["guidance"] or "",
        )
    prescore_levels = (attempt.prescore or {}).get("levels", {})
    context.update(
        attempt=attempt,
        claim=claim,
        held_by_other=held_by_other,
        error=error,
        flags=flags,
        query=_query(filters),
        entered=entered,
        total=selectors.level_total(levels=entered.levels, criteria=context["criteria"]),
        rows=[
            {"criterion": c, "chosen": entered.levels.get(c.key), "estimate": prescore_levels.get(c.key)}
            for c in context["criteria"]
        ],
    )
    return render(request, "coaching/grade.html", context, status=400 if error else 200)


def _held_page(request, attempt, held: SecondMark):
    """A held role-play's grading address: what it waits for and since when, and the way on for whoever
    may act on it; never the first grade."""
    context = {
        "attempt": attempt,
        "second_mark": held,
        "clock": second_marking.held_clock(attempt=attempt),
        "may_second_mark": held.status == SecondMark.Status.AWAITING_SECOND
        and second_marking.may_second_mark(user=request.user, second_mark=held),
        "may_moderate": held.status == SecondMark.Status.MODERATION
        and second_marking.may_moderate(user=request.user, second_mark=held),
    }
    return render(request, "coaching/held.html", context)


def _pending_comments(request, attempt) -> None:
    """Comments typed into the answers' boxes travel with the grading form; none is dropped."""
    for turn in attempt.turns.all():
        body = request.POST.get(f"comment_{turn.number}", "")
        if body.strip():
            to_bank = bool(request.POST.get(f"save_to_bank_{turn.number}"))
            _comment_add(request.user, attempt, turn.number, body, to_bank)


def _grade_action(request, attempt, action: str, criteria, filters):
    post = request.POST
    here = f"{reverse('coaching:grade', args=[attempt.pk])}{_query(filters)}"
    if post.get("comment_turn"):  # an answer's "Add comment", without scripts: keep everything else too
        number = post["comment_turn"]
        services.grade_draft_save(attempt=attempt, coach=request.user, **_draft_from(post, criteria))
        if not post.get(f"comment_{number}", "").strip():
            raise ValidationError("A comment needs some text.")
        _pending_comments(request, attempt)  # this answer's comment, and any other typed but not yet added
        return redirect(f"{here}#turn-{number}")
    if action in {"release", "release_next", "return"}:
        _pending_comments(request, attempt)
        services.grade_draft_save(attempt=attempt, coach=request.user, **_draft_from(post, criteria))
    if action in {"release", "release_next"}:
        grade = services.grade_release(
            attempt=attempt,
            coach=request.user,
            levels=_levels_from(post, criteria),
            overall_comment=post.get("overall_comment", ""),
            reason=post.get("reason", ""),
        )
        if grade.outcome == grade.Outcome.HELD:
            messages.success(
                request,
                f"Grade saved and drawn for a blind second mark: {attempt.enrollment.hire} sees it once another "
                "coach has graded it too.",
            )
        else:
            messages.success(request, f"Grade released to {attempt.enrollment.hire}.")
        if action == "release_next":
            return redirect(f"{reverse('coaching:grade_next')}{_query(filters) or '?'}&after={attempt.pk}")
        return redirect(f"{reverse('coaching:queue')}{_query(filters)}")
    if action == "return":
        services.attempt_return(
            attempt=attempt,
            coach=request.user,
            guidance=post.get("guidance", ""),
            overall_comment=post.get("overall_comment", ""),
        )
        messages.success(request, f"Returned to {attempt.enrollment.hire} for another try.")
        return redirect(f"{reverse('coaching:grade_next')}{_query(filters) or '?'}&after={attempt.pk}")
    if action == "comment":
        turn_number = post.get("turn")
        _comment_add(request.user, attempt, turn_number, post.get("body", ""), bool(post.get("save_to_bank")))
        return redirect(f"{here}#turn-{turn_number}")
    raise ValidationError("Unknown action.")


def _json_error(error: ValidationError) -> JsonResponse:
    status = 409 if error.code in {"claimed", "not_gradable"} else 400
    return JsonResponse({"saved": False, "error": " ".join(error.messages)}, status=status)


@permissions.require(permissions.can_grade)
@require_POST
def grade_draft(request, attempt_id: int):
    """The grading screen's script saves the levels (and texts) as they are entered."""
    attempt = access_gradable_attempt(request.user, attempt_id)
    criteria = list(attempt.rubric_version.criteria.all())
    try:
        grade = services.grade_draft_save(attempt=attempt, coach=request.user, **_draft_from(request.POST, criteria))
    except ValidationError as error:
        return _json_error(error)
    total = selectors.level_total(levels=grade.draft_levels, criteria=criteria)
    return JsonResponse({"saved": True, "saved_at": grade.draft_saved_at.isoformat(), "total": total.points,
                         "max": total.maximum, "label": total.label})  # fmt: skip


@permissions.require(permissions.can_grade)
@require_POST
def answer_comment(request, attempt_id: int):
    """An answer's comment, added by the grading screen's script without reloading the page."""
    attempt = access_gradable_attempt(request.user, attempt_id)
    services.attempt_open_for_grading(attempt=attempt, coach=request.user)
    try:
        services.ensure_free_to_grade(attempt=attempt, coach=request.user)
        comment = _comment_add(request.user, attempt, request.POST.get("turn"), request.POST.get("body", ""),
                               bool(request.POST.get("save_to_bank")))  # fmt: skip
    except ValidationError as error:
        return _json_error(error)
    return JsonResponse(
        {"saved": True, "id": comment.pk, "turn": comment.turn.number, "coach": request.user.display_name,
         "body": comment.body},
        status=201,
    )  # fmt: skip


@permissions.require(permissions.can_grade)
def attempt_for_coach(request, attempt_id: int):
    """A graded or returned role-play, read-only, as the hire's coaches see it."""
    attempt = access_attempt_for_coach(request.user, attempt_id)
    return render(request, "coaching/attempt.html", selectors.attempt_for_coach_context(attempt=attempt))


@permissions.require(permissions.can_grade)
@require_POST
def release_claim(request, attempt_id: int):
    attempt = access_gradable_attempt(request.user, attempt_id)
    services.attempt_claim_release(attempt=attempt, coach=request.user)
    return redirect("coaching:queue")


@permissions.require(permissions.can_grade)
def overview(request):
    return render(request, "coaching/overview.html", selectors.coach_overview(user=request.user))


@permissions.require(permissions.can_grade)
def my_hires(request):
    search = request.GET.get("q", "")[:100]
    groups = selectors.hire_roster(user=request.user, search=search)
    columns = extensions.roster_columns([row.enrollment for group in groups for row in group.rows], user=request.user)
    return render(request, "coaching/hires.html", {"groups": groups, "search": search, "columns": columns})


@permissions.require(permissions.can_grade)
def hire_timeline(request, enrollment_id: int):
    enrollment = access_coachable_enrollment(request.user, enrollment_id)
    timeline = selectors.timeline(enrollment=enrollment)
    chart = trend_svg(timeline.trend, title=f"{enrollment.hire}: rubric levels over time")
    panels = extensions.timeline_panels(enrollment, user=request.user)
    context = {"timeline": timeline, "chart": chart, "coach_view": True, "panels": panels}
    return render(
        request, "coaching/timeline.html", {**context, **_transfer_context(enrollment), **_practice_context(enrollment)}
    )


def _practice_context(enrollment) -> dict:
    """The hire's practice list (removed items too) and what a coach may add to it."""
    lessons, scenarios = course_selectors.practice_choices(curriculum_id=enrollment.cohort.curriculum_id)
    return {
        "practice_items": practice.practice_for(enrollment=enrollment, include_removed=True),
        "practice_lessons": lessons,
        "practice_scenarios": scenarios,
    }


@permissions.require(permissions.can_grade)
@require_POST
def practice_add(request, enrollment_id: int):
    enrollment = access_coachable_enrollment(request.user, enrollment_id)
    kind, _, pk = request.POST.get("item", "").partition(":")
    curriculum = enrollment.cohort.curriculum
    items = {"lesson": curriculum.lessons, "roleplay": curriculum.scenarios}.get(kind)
    item = items.filter(pk=number_or_none(pk)).first() if items is not None and number_or_none(pk) else None
    if item is None:
        messages.error(request, "Choose a lesson or role-play of the hire's curriculum.")
    else:
        try:
            practice.practice_add(
                enrollment=enrollment, coach=request.user, reason=request.POST.get("reason", ""),
                **({"lesson": item} if kind == "lesson" else {"scenario": item}),
            )  # fmt: skip
            messages.success(request, f"Added to the practice list: {item.title}.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect(reverse("coaching:hire_timeline", args=[enrollment.pk]) + "#practice-title")


@permissions.require(permissions.can_grade)
@require_POST
def practice_remove(request, assignment_id: int):
    assignment = access_practice_assignment(request.user, assignment_id)
    practice.practice_remove(assignment=assignment, coach=request.user)
    messages.success(request, "Removed from the practice list.")
    return redirect(reverse("coaching:hire_timeline", args=[assignment.enrollment_id]) + "#practice-title")


def _transfer_context(enrollment) -> dict:
    """Practice against real calls, per criterion: the table and a small chart for each criterion."""
    found = transfer.transfer_for(enrollment=enrollment)
    figures = transfer.hire_figures(found, hire_name=str(enrollment.hire))
    return {"transfer": found, "transfer_figures": figures, "transfer_window": transfer.WINDOW}


def _call_review_page(request, *, enrollment, review=None):
    """Record a call review, or correct a saved one: the same form and the same checks. A good
    recording survives a form sent back for correction, so it need not be chosen again."""
    curriculum = enrollment.cohort.curriculum
    rubric_version = review.rubric_version if review else selectors.call_review_rubric(curriculum=curriculum)
    form = CallReviewForm(
        request.POST or None,
        request.FILES or None,
        initial=CallReviewForm.initial_for(review) if review else None,
        criteria=list(rubric_version.criteria.all()),
        lessons=curriculum.lessons.select_related("week").order_by("week__number", "position"),
        scenarios=curriculum.scenarios.select_related("week").order_by("week__number", "position"),
    )
    pending = None
    if request.method == "POST":
        pending = selectors.pending_recording(
            coach=request.user, pending_id=number_or_none(request.POST.get("pending_recording", ""))
        )
        if form.is_valid():
            data = form.cleaned_data
            recording = data["recording"] or (pending.file.open("rb") if pending else None)
            fields = {
                "call_at": data["call_at"], "call_reference": data["call_reference"], "channel": data["channel"],
                "duration_seconds": data["duration"], "reason": data["reason"], "levels": form.levels(),
                "strengths": data["strengths"], "to_work_on": data["to_work_on"], "transcript": data["transcript"],
                "transcript_file": data["transcript_file"], "recording": recording, "notes": data["notes"],
                "lessons": list(curriculum.lessons.filter(pk__in=data["practice_lessons"])),
                "scenarios": list(curriculum.scenarios.filter(pk__in=data["practice_scenarios"])),
            }  # fmt: skip
            try:
                if review is None:
                    saved = services.call_review_create(
                        enrollment=enrollment, coach=request.user, rubric_version=rubric_version, **fields
                    )
                else:
                    saved = services.call_review_update(review=review, editor=request.user, **fields)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                services.pending_recordings_discard(coach=request.user)
                if review is None:
                    messages.success(request, f"Call review saved; {enrollment.hire} can see it now.")
                else:
                    messages.success(request, "Call review updated.")
                return redirect("coaching:call_review", review_id=saved.pk)
        upload = request.FILES.get("recording")
        if upload is not None and "recording" not in form.errors:
            with contextlib.suppress(ValidationError):  # the form already says what is wrong with the file
                pending = services.pending_recording_keep(coach=request.user, upload=upload)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "enrollment": enrollment, "review": review, "pending": pending}
    return render(request, "coaching/call_review_form.html", context, status=status)


@permissions.require(permissions.can_grade)
def call_review_new(request, enrollment_id: int):
    enrollment = access_coachable_enrollment(request.user, enrollment_id)
    return _call_review_page(request, enrollment=enrollment)


@permissions.require(permissions.can_grade)
def call_review_edit(request, review_id: int):
    review = access_call_review_for_editing(request.user, review_id)
    if review.is_observation:  # a few taps beside the hire: there is no full review to correct
        raise Http404("A nesting observation is not edited with the call review form.")
    return _call_review_page(request, enrollment=review.enrollment, review=review)


def call_review_detail(request, review_id: int):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    review = access_call_review(request.user, review_id)
    return render(
        request,
        "coaching/call_review.html",
        {
            "review": review,
            "notes": review.notes.all(),
            "feedback": review.feedback,
            "criteria": list(review.rubric_version.criteria.all()),
            "can_edit": services.can_edit_call_review(review=review, user=request.user),
            "coach_view": permissions.can_grade(request.user),
        },
    )


def recording(request, review_id: int):
    """The recording, to the people allowed to hear it. Supports byte ranges so the player can seek."""
    if not request.user.is_authenticated:
        raise Http404
    review = access_call_review(request.user, review_id)
    if not review.recording:
        raise Http404
    return recording_response(request, review)


@permissions.require(permissions.can_grade)
@require_POST
def dispute_resolve(request, dispute_id: int):
    dispute = access_dispute(request.user, dispute_id)
    accept = request.POST.get("decision") == "accept"
    new_level = request.POST.get("new_level")
    try:
        services.dispute_resolve(
            dispute=dispute,
            coach=request.user,
            accept=accept,
            answer=request.POST.get("answer", ""),
            new_level=number_or_none(new_level),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _dispute_answered(dispute))
    return redirect("coaching:overview")


def _dispute_answered(dispute) -> str:
    dispute.refresh_from_db()
    grade = dispute.grade
    criterion = criterion_name(grade.rubric_version.criteria.all(), dispute.criterion_key)
    hire = grade.attempt.enrollment.hire
    if dispute.status == dispute.Status.ACCEPTED:
        return f"Dispute accepted: {criterion} is now level {dispute.new_level}. {hire} has been told."
    return f"Dispute answered: {criterion} stays at level {dispute.level_disputed}. {hire} has been told."


# --- Blind second marking and moderation ---------------------------------------------------------------

SECOND_MARKS_PAGE_SIZE = 50


@permissions.require(permissions.can_grade)
def second_marks(request):
    """Held role-plays waiting for this person's blind second mark."""
    page = Paginator(second_marking.second_marks_waiting(user=request.user), SECOND_MARKS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "moderation": False, "now": timezone.now()}
    return render(request, "coaching/second_marks.html", context)


@permissions.require(permissions.can_lead_grading_quality)
def moderation_list(request):
    """Second marks two levels apart or more, waiting for this person to moderate."""
    page = Paginator(second_marking.moderation_waiting(user=request.user), SECOND_MARKS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "moderation": True, "now": timezone.now()}
    return render(request, "coaching/second_marks.html", context)


def _chosen(post, criteria) -> dict[str, int]:
    return {k: level for k, v in _levels_from(post, criteria).items() if (level := as_level(v)) is not None}


@permissions.require(permissions.can_grade)
def second_mark(request, second_mark_id: int):
    """The blind second mark: the conversation and the rubric, nothing of the first grade or the estimate."""
    found = access_second_mark(request.user, second_mark_id)
    criteria = list(found.attempt.rubric_version.criteria.all())
    error, chosen = None, {}
    if request.method == "POST":
        try:
            done = second_marking.second_mark_submit(
                second_mark=found, coach=request.user, levels=_levels_from(request.POST, criteria),
                note=request.POST.get("note", ""),
            )  # fmt: skip
        except ValidationError as exc:
            error, chosen = " ".join(exc.messages), _chosen(request.POST, criteria)
        else:
            hire = found.attempt.enrollment.hire
            if done.status == SecondMark.Status.AGREED:
                messages.success(request, f"Second mark saved. The marks agree within a level: released to {hire}.")
            else:
                messages.success(
                    request, f"Second mark saved. The marks are {done.largest_gap} levels apart: a moderator sets it."
                )
            return redirect("coaching:second_marks")
    context = second_marking.blind_context(second_mark=found)
    context.update(error=error, note=request.POST.get("note", "") if error else "",
                   rows=[{"criterion": c, "chosen": chosen.get(c.key)} for c in criteria])  # fmt: skip
    return render(request, "coaching/second_mark.html", context, status=400 if error else 200)


@permissions.require(permissions.can_lead_grading_quality)
def moderate(request, second_mark_id: int):
    """Both marks side by side, the gap per criterion and the estimate; the moderator sets the released grade."""
    found = access_moderation(request.user, second_mark_id)
    criteria = list(found.attempt.rubric_version.criteria.all())
    error, chosen = None, {}
    if request.method == "POST":
        try:
            second_marking.second_mark_moderate(
                second_mark=found, moderator=request.user, levels=_levels_from(request.POST, criteria),
                note=request.POST.get("note", ""),
            )  # fmt: skip
        except ValidationError as exc:
            error, chosen = " ".join(exc.messages), _chosen(request.POST, criteria)
            found = access_moderation(request.user, second_mark_id)  # as it stands now (another may have moderated)
        else:
            messages.success(request, f"Moderated: the grade is released to {found.attempt.enrollment.hire}.")
            return redirect("coaching:moderation")
    context = second_marking.moderation_context(second_mark=found)
    context.update(error=error, note=request.POST.get("note", "") if error else "", chosen=chosen)
    return render(request, "coaching/moderate.html", context, status=400 if error else 200)


# --- The hire's side ---------------------------------------------------------------------------------


@permissions.require(permissions.can_take_training)
def my_feedback(request):
    # Feedback stays readable after training ends: the record is kept.
    enrollment = course_selectors.enrollment_current(hire=request.user) or course_selectors.enrollment_latest(
        hire=request.user
    )
    if enrollment is None:
        return render(request, "courses/not_enrolled.html", {"heading": "My feedback"})
    timeline = selectors.timeline(enrollment=enrollment)
    chart = trend_svg(timeline.trend, title="Your rubric levels over time")
    context = {"timeline": timeline, "chart": chart, "coach_view": False}
    return render(request, "coaching/timeline.html", {**context, **_transfer_context(enrollment)})


@require_POST
def feedback_acknowledge(request, feedback_id: int):
    if not permissions.can_take_training(request.user):
        raise Http404
    feedback = access_own_feedback(request.user, feedback_id)
    services.feedback_acknowledge(feedback=feedback, hire=request.user)
    messages.success(request, f"Acknowledged. {feedback.coach} can see you have read it.")
    return redirect(f"{reverse('coaching:my_feedback')}#feedback-{feedback.pk}")


@require_POST
def feedback_reply(request, feedback_id: int):
    if not request.user.is_authenticated:
        raise Http404
    feedback = access_own_feedback(request.user, feedback_id)
    try:
        services.feedback_reply(feedback=feedback, author=request.user, body=request.POST.get("body", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        recipient = services.reply_recipient(feedback=feedback, author=request.user)
        messages.success(request, f"Reply sent to {recipient}; they have been told.")
    if permissions.is_hire(request.user):
        return redirect(f"{reverse('coaching:my_feedback')}#feedback-{feedback.pk}")
    return redirect(f"{reverse('coaching:hire_timeline', args=[feedback.enrollment_id])}#feedback-{feedback.pk}")


@require_POST
def dispute_open(request, feedback_id: int):
    if not permissions.can_take_training(request.user):
        raise Http404
    feedback = access_own_feedback(request.user, feedback_id)
    if feedback.grade is None:
        raise Http404
    try:
        services.dispute_open(
            grade=feedback.grade,
            hire=request.user,
            criterion_key=request.POST.get("criterion", ""),
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your dispute is with the coaches. You'll see their answer here.")
    return redirect(f"{reverse('coaching:my_feedback')}#feedback-{feedback.pk}")
