import mimetypes
import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import permissions
from coaching import selectors, services
from coaching.access import (
    access_call_review,
    access_coachable_enrollment,
    access_dispute,
    access_gradable_attempt,
    access_own_feedback,
)
from coaching.charts import trend_svg
from coaching.forms import CallReviewForm
from common.numbers import number_or_none
from courses import selectors as course_selectors

QUEUE_PAGE_SIZE = 50


def _query(filters: selectors.QueueFilters) -> str:
    from urllib.parse import urlencode

    query = urlencode(filters.as_query())
    return f"?{query}" if query else ""


@permissions.require(permissions.can_grade)
def queue(request):
    filters = selectors.QueueFilters.from_params(request.GET)
    attempts = selectors.grading_queue(user=request.user, filters=filters)
    page = Paginator(attempts, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    context = {
        "page": page,
        "counts": selectors.queue_counts(queue=attempts, now=now),
        "filters": filters,
        "options": selectors.queue_filter_options(user=request.user),
        "query": _query(filters),
        "now": now,
        "weeks": range(1, 7),
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


@permissions.require(permissions.can_grade)
def grade(request, attempt_id: int):
    attempt = access_gradable_attempt(request.user, attempt_id)
    filters = selectors.QueueFilters.from_params(request.GET)
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
    for turn in context["turns"]:
        turn.segments = course_selectors.highlight_segments(turn.answer, course_selectors.turn_evidence(turn.prescore))
        turn.flags = [flag for flag in flags if flag.get("turn") == turn.number]
    posted = _levels_from(request.POST, context["criteria"]) if request.method == "POST" else {}
    chosen = posted or (context["grade"].levels if context["grade"] else {})
    prescore_levels = (attempt.prescore or {}).get("levels", {})
    context.update(
        attempt=attempt,
        claim=claim,
        held_by_other=held_by_other,
        error=error,
        flags=flags,
        query=_query(filters),
        rows=[
            {"criterion": c, "chosen": chosen.get(c.key), "estimate": prescore_levels.get(c.key)}
            for c in context["criteria"]
        ],
    )
    return render(request, "coaching/grade.html", context, status=400 if error else 200)


def _grade_action(request, attempt, action: str, criteria, filters):
    post = request.POST
    if action in {"release", "release_next"}:
        services.grade_release(
            attempt=attempt,
            coach=request.user,
            levels=_levels_from(post, criteria),
            overall_comment=post.get("overall_comment", ""),
            reason=post.get("reason", ""),
        )
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
        turn = attempt.turns.filter(number=post.get("turn")).first()
        if turn is None:
            raise ValidationError("Choose an answer to comment on.")
        services.answer_comment_add(turn=turn, coach=request.user, body=post.get("body", ""))
        if post.get("save_to_bank"):
            services.saved_comment_add(coach=request.user, body=post.get("body", ""))
        return redirect(f"{reverse('coaching:grade', args=[attempt.pk])}{_query(filters)}#turn-{turn.number}")
    raise ValidationError("Unknown action.")


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
def hire_timeline(request, enrollment_id: int):
    enrollment = access_coachable_enrollment(request.user, enrollment_id)
    timeline = selectors.timeline(enrollment=enrollment)
    chart = trend_svg(timeline.trend, title=f"{enrollment.hire}: rubric levels over time")
    return render(request, "coaching/timeline.html", {"timeline": timeline, "chart": chart, "coach_view": True})


@permissions.require(permissions.can_grade)
def call_review_new(request, enrollment_id: int):
    enrollment = access_coachable_enrollment(request.user, enrollment_id)
    curriculum = enrollment.cohort.curriculum
    rubric_version = selectors.call_review_rubric(curriculum=curriculum)
    criteria = list(rubric_version.criteria.all())
    form = CallReviewForm(
        request.POST or None,
        request.FILES or None,
        criteria=criteria,
        lessons=curriculum.lessons.select_related("week").order_by("week__number", "position"),
        scenarios=curriculum.scenarios.select_related("week").order_by("week__number", "position"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = services.call_review_create(
                enrollment=enrollment,
                coach=request.user,
                rubric_version=rubric_version,
                call_at=data["call_at"],
                call_reference=data["call_reference"],
                channel=data["channel"],
                duration_seconds=data["duration"],
                reason=data["reason"],
                levels=form.levels(),
                strengths=data["strengths"],
                to_work_on=data["to_work_on"],
                transcript=data["transcript"],
                transcript_file=data["transcript_file"],
                recording=data["recording"],
                notes=data["notes"],
                lessons=list(curriculum.lessons.filter(pk__in=data["practice_lessons"])),
                scenarios=list(curriculum.scenarios.filter(pk__in=data["practice_scenarios"])),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Call review saved; {enrollment.hire} can see it now.")
            return redirect("coaching:call_review", review_id=review.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "coaching/call_review_form.html", {"form": form, "enrollment": enrollment}, status=status)


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
        },
    )


RANGE = re.compile(r"bytes=(\d+)-(\d*)")


def recording(request, review_id: int):
    """The recording, to the people allowed to hear it. Supports byte ranges so the player can seek."""
    if not request.user.is_authenticated:
        raise Http404
    review = access_call_review(request.user, review_id)
    if not review.recording:
        raise Http404
    content_type = mimetypes.guess_type(review.recording.name)[0] or "application/octet-stream"
    size = review.recording.size
    match = RANGE.match(request.headers.get("Range", ""))
    if match:
        start = int(match.group(1))
        end = min(int(match.group(2)) if match.group(2) else size - 1, size - 1)
        if start > end:
            return HttpResponse(status=416, headers={"Content-Range": f"bytes */{size}"})
        with review.recording.open("rb") as audio:
            audio.seek(start)
            chunk = audio.read(end - start + 1)
        response = HttpResponse(chunk, status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    else:
        response = FileResponse(review.recording.open("rb"), content_type=content_type)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-store"
    return response


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
        messages.success(request, "Dispute answered.")
    return redirect("coaching:overview")


# --- The hire's side ---------------------------------------------------------------------------------


@permissions.require(permissions.can_take_training)
def my_feedback(request):
    enrollment = course_selectors.enrollment_current(hire=request.user)
    if enrollment is None:
        return render(request, "courses/not_enrolled.html")
    timeline = selectors.timeline(enrollment=enrollment)
    chart = trend_svg(timeline.trend, title="Your rubric levels over time")
    return render(request, "coaching/timeline.html", {"timeline": timeline, "chart": chart, "coach_view": False})


@require_POST
def feedback_acknowledge(request, feedback_id: int):
    if not permissions.can_take_training(request.user):
        raise Http404
    feedback = access_own_feedback(request.user, feedback_id)
    services.feedback_acknowledge(feedback=feedback, hire=request.user)
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
