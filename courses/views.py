from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import permissions
from courses import selectors, services
from courses.access import (
    WeekLocked,
    access_attempt,
    access_knowledge_check,
    access_lesson,
    access_scenario,
    access_week,
)
from courses.dashboard import panels_for
from courses.forms import KnowledgeCheckForm


def _locked_page(request, locked: WeekLocked):
    return render(request, "courses/locked.html", {"locked": locked}, status=403)


def handles_locked_weeks(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except WeekLocked as locked:
            return _locked_page(request, locked)

    wrapped.__name__ = view.__name__
    return wrapped


def _not_enrolled(request, *, heading: str, panels=()):
    """A hire with no running cohort: never enrolled yet, or their training has ended."""
    latest = selectors.enrollment_latest(hire=request.user)
    ended_at = selectors.enrollment_ended_at(enrollment=latest) if latest else None
    context = {"heading": heading, "enrollment": latest, "ended_at": ended_at, "panels": panels}
    return render(request, "courses/not_enrolled.html", context)


@permissions.require(permissions.can_take_training)
def my_training(request):
    enrollment = selectors.enrollment_current(hire=request.user)
    if enrollment is None:
        latest = selectors.enrollment_latest(hire=request.user)
        panels = panels_for(latest, slot="finished") if latest else []
        return _not_enrolled(request, heading="My training", panels=panels)
    overview = selectors.training_overview(enrollment=enrollment)
    return render(request, "courses/my_training.html", {"overview": overview, "panels": panels_for(enrollment)})


@permissions.require(permissions.can_take_training)
@handles_locked_weeks
def week_detail(request, week_number: int):
    enrollment, week, _ = access_week(request.user, week_number)
    overview = selectors.training_overview(enrollment=enrollment)
    standings = selectors.scenario_standings(enrollment=enrollment, week_number=week.number)
    return render(
        request, "courses/week.html", {"overview": overview, "week": overview.week(week.number), "standings": standings}
    )


@permissions.require(permissions.can_take_training)
@handles_locked_weeks
def lesson_detail(request, week_number: int, slug: str):
    enrollment, lesson, schedule = access_lesson(request.user, week_number=week_number, slug=slug)
    previous, following = selectors.lesson_neighbours(lesson=lesson)
    context = {
        "lesson": lesson,
        "week": lesson.week,
        "completed": selectors.lesson_is_complete(enrollment=enrollment, lesson=lesson),
        "due_at": schedule.due_at(lesson.week.number, lesson.due_day),
        "previous": previous,
        "next": following,
        "next_unlocked": following is not None and schedule.is_unlocked(following.week_number, timezone.now()),
    }
    return render(request, "courses/lesson.html", context)


@permissions.require(permissions.can_take_training)
@require_POST
@handles_locked_weeks
def lesson_completion(request, week_number: int, slug: str):
    enrollment, lesson, _ = access_lesson(request.user, week_number=week_number, slug=slug)
    if request.POST.get("action") == "undo":
        services.lesson_uncomplete(enrollment=enrollment, lesson=lesson)
        messages.info(request, f"“{lesson.title}” is marked not done.")
    else:
        services.lesson_complete(enrollment=enrollment, lesson=lesson)
        messages.success(request, f"“{lesson.title}” is complete.")
    return redirect("courses:lesson", week_number=week_number, slug=slug)


@permissions.require(permissions.can_take_training)
@handles_locked_weeks
def knowledge_check(request, week_number: int):
    enrollment, check, _ = access_knowledge_check(request.user, week_number=week_number)
    questions = selectors.check_questions(knowledge_check=check)
    standing = selectors.check_standing(enrollment=enrollment, knowledge_check=check)
    form = KnowledgeCheckForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            attempt = services.check_attempt_submit(
                enrollment=enrollment, knowledge_check=check, answers=form.answers()
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            return redirect("courses:check_result", week_number=week_number, number=attempt.number)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "courses/check.html",
        {"check": check, "form": form, "standing": standing, "week": check.week},
        status=status,
    )


@permissions.require(permissions.can_take_training)
@handles_locked_weeks
def check_result(request, week_number: int, number: int):
    enrollment, check, _ = access_knowledge_check(request.user, week_number=week_number)
    standing = selectors.check_standing(enrollment=enrollment, knowledge_check=check)
    attempt = next((a for a in standing.attempts if a.number == number), None)
    if attempt is None:
        raise Http404
    # Correct answers are revealed once they can no longer give a retry away.
    reveal = standing.passed or not standing.can_attempt
    review = []
    for question in selectors.check_questions(knowledge_check=check):
        chosen = set(attempt.answers.get(str(question.pk), []))
        correct = {c.pk for c in question.choices.all() if c.is_correct}
        review.append({
            "question": question,
            "right": chosen == correct,
            "choices": [
                {"text": c.text, "chosen": c.pk in chosen, "correct": c.pk in correct if reveal else None}
                for c in question.choices.all()
            ],
            # An explanation says which choice is right, so it waits as long as the answers do.
            "explanation": question.explanation if reveal else "",
        })  # fmt: skip
    context = {"check": check, "attempt": attempt, "standing": standing, "review": review, "reveal": reveal,
               "week": check.week}  # fmt: skip
    return render(request, "courses/check_result.html", context)


# --- Role-plays ---------------------------------------------------------------------------


@permissions.require(permissions.can_take_training)
def roleplay_list(request):
    enrollment = selectors.enrollment_current(hire=request.user)
    if enrollment is None:
        return _not_enrolled(request, heading="Role-plays")
    standings = selectors.scenario_standings(enrollment=enrollment)
    return render(request, "courses/roleplay_list.html", {"standings": standings})


@permissions.require(permissions.can_take_training)
@handles_locked_weeks
def scenario_detail(request, slug: str):
    enrollment, scenario = access_scenario(request.user, slug=slug)
    standing = selectors.scenario_standings(enrollment=enrollment, week_number=scenario.week.number)
    standing = next(s for s in standing if s.scenario.pk == scenario.pk)
    if request.method == "POST":
        try:
            attempt, _ = services.attempt_start(enrollment=enrollment, scenario=scenario)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            return redirect("courses:attempt", slug=slug, number=attempt.number)
    criteria = scenario.rubric.current_version.criteria.all()
    return render(request, "courses/scenario.html", {"scenario": scenario, "standing": standing, "criteria": criteria})


def _conversation(attempt):
    turns = list(attempt.turns.order_by("number"))
    for turn in turns:
        turn.segments = selectors.highlight_segments(turn.answer, selectors.turn_evidence(turn.prescore))
    return turns


@permissions.require(permissions.can_take_training)
def attempt_detail(request, slug: str, number: int):
    attempt = access_attempt(request.user, slug=slug, number=number)
    if attempt.is_frozen:
        return redirect("courses:attempt_result", slug=slug, number=number)
    turns = _conversation(attempt)
    context = {
        "attempt": attempt,
        "scenario": attempt.scenario,
        "turns": turns,
        "current": turns[-1],
        "turn_count": attempt.scenario.turns.count(),
        "error": request.session.pop("roleplay_error", None),
    }
    return render(request, "courses/attempt.html", context)


@permissions.require(permissions.can_take_training)
@require_POST
def attempt_answer(request, slug: str, number: int):
    attempt = access_attempt(request.user, slug=slug, number=number)
    try:
        attempt = services.attempt_answer(attempt=attempt, answer=request.POST.get("answer", ""))
    except ValidationError as error:
        if error.code != "frozen" and not attempt.is_frozen:
            # Keep what they typed: the draft survives the round trip.
            services.attempt_draft_save(attempt=attempt, answer=request.POST.get("answer", ""))
        request.session["roleplay_error"] = error.messages[0]
    if attempt.is_frozen:
        return redirect("courses:attempt_result", slug=slug, number=number)
    return redirect(f"{reverse('courses:attempt', args=[slug, number])}#answer")


@permissions.require(permissions.can_take_training)
@require_POST
def attempt_draft(request, slug: str, number: int):
    """Autosave, called by the page's script as the hire types."""
    attempt = access_attempt(request.user, slug=slug, number=number)
    try:
        turn = services.attempt_draft_save(attempt=attempt, answer=request.POST.get("answer", ""))
    except ValidationError as error:
        return JsonResponse({"saved": False, "error": error.messages[0]}, status=409)
    return JsonResponse({"saved": True, "saved_at": turn.draft_saved_at.isoformat()})


@permissions.require(permissions.can_take_training)
def attempt_result(request, slug: str, number: int):
    attempt = access_attempt(request.user, slug=slug, number=number)
    if not attempt.is_frozen:
        return redirect("courses:attempt", slug=slug, number=number)
    scenario = attempt.scenario
    flags = selectors.attempt_integrity_flags(attempt)
    turns = _conversation(attempt)
    for turn in turns:
        turn.flags = [flag for flag in flags if flag.get("turn") == turn.number]
    context = {
        "attempt": attempt,
        "scenario": scenario,
        "turns": turns,
        "flags": flags,
        "breakdown": selectors.attempt_breakdown(attempt=attempt),
        "exemplars": scenario.exemplars.all(),
        "panels": panels_for(attempt.enrollment, slot="attempt_result", attempt=attempt),
    }
    return render(request, "courses/attempt_result.html", context)
