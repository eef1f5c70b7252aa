"""Nesting observations: a coach beside a hire on a live call scores it on a phone, in a few taps.

The form asks for the rubric levels, up to three moments (a few words each, the time into the call if the
coach has it) and one thing to try on the next call; the reason for the call is optional and the call is
taken to be now. It is saved by the one write path of call reviews (coaching.services.call_review_create)
and lands on the hire's timeline like any call review.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import permissions
from coaching import selectors, services
from coaching.access import access_call_review_for_editing, access_coachable_enrollment
from coaching.models import CallReview
from coaching.uploads import format_timestamp, parse_timestamp
from courses.levels import LEVEL_NAMES, LEVELS, level_out_of_range_message

MOMENTS = range(1, services.MAX_OBSERVATION_MOMENTS + 1)


class NestingObservationForm(forms.Form):
    reason = forms.CharField(label="What was the call about? (optional)", max_length=300, required=False)
    to_work_on = forms.CharField(
        label="One thing to try on the next call", max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "Say one thing to try on the next call."},
    )  # fmt: skip
    call_at = forms.DateTimeField(
        label="When was the call?", required=False, help_text="Leave it empty for a call that just ended.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )  # fmt: skip

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"level_{criterion.key}"] = forms.TypedChoiceField(
                label=criterion.title, coerce=int, widget=forms.RadioSelect,
                choices=[(level, LEVEL_NAMES[level]) for level in LEVELS],  # the page shows each number beside its name
                error_messages={"invalid_choice": level_out_of_range_message(criterion.title),
                                "required": f"Choose a level for {criterion.title}."},
            )  # fmt: skip
        for number in MOMENTS:
            self.fields[f"moment_{number}"] = forms.CharField(label=f"Moment {number}", max_length=500, required=False)
            self.fields[f"moment_{number}_at"] = forms.CharField(
                label=f"Moment {number}: minutes:seconds into the call (optional)", max_length=12, required=False,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "02:13", "autocomplete": "off"}),
            )  # fmt: skip

    @property
    def level_fields(self):
        return [self[f"level_{criterion.key}"] for criterion in self.criteria]

    @property
    def moment_fields(self):
        return [(self[f"moment_{number}"], self[f"moment_{number}_at"]) for number in MOMENTS]

    def clean(self):
        cleaned = super().clean()
        notes = []
        for number in MOMENTS:
            text = (cleaned.get(f"moment_{number}") or "").strip()
            stamp = (cleaned.get(f"moment_{number}_at") or "").strip()
            if not text:
                if stamp:
                    self.add_error(f"moment_{number}", "Say in a few words what happened at that moment.")
                continue
            try:
                notes.append((parse_timestamp(stamp) if stamp else None, text))
            except forms.ValidationError:
                self.add_error(f"moment_{number}_at", 'Write the time into the call as minutes:seconds, like "02:13".')
        cleaned["notes"] = notes
        return cleaned

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "levels": {criterion.key: data[f"level_{criterion.key}"] for criterion in self.criteria},
            "notes": data["notes"],
            "to_work_on": data["to_work_on"],
            "reason": data["reason"],
            "call_at": data["call_at"],
        }


def observation_initial(review: CallReview) -> dict:
    """A saved observation as the form's starting values, so editing begins from what was written."""
    initial = {f"level_{key}": level for key, level in review.levels.items()}
    initial.update(reason=review.reason, to_work_on=review.to_work_on, call_at=review.call_at)
    for number, note in zip(MOMENTS, review.notes.all(), strict=False):
        initial[f"moment_{number}"] = note.body
        initial[f"moment_{number}_at"] = format_timestamp(note.at_seconds) if note.at_seconds is not None else ""
    return initial


def _errors_onto(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@permissions.require(permissions.can_grade)
def nesting_new(request, enrollment_id: int):
    """Observe a live call: the phone-sized form, then back to the hire's timeline."""
    enrollment = access_coachable_enrollment(request.user, enrollment_id)
    rubric_version = selectors.call_review_rubric(curriculum=enrollment.cohort.curriculum)
    form = NestingObservationForm(request.POST or None, criteria=list(rubric_version.criteria.all()))
    if request.method == "POST" and form.is_valid():
        try:
            observation = services.call_review_create(
                enrollment=enrollment, coach=request.user, rubric_version=rubric_version,
                kind=CallReview.Kind.NESTING_OBSERVATION, **form.service_fields(),
            )  # fmt: skip
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, f"Observation saved; {enrollment.hire} can read it now.")
            timeline = reverse("coaching:hire_timeline", args=[enrollment.pk])
            return redirect(f"{timeline}#feedback-{observation.feedback.pk}")
    status = 400 if request.method == "POST" else 200
    return render(request, "coaching/nesting_form.html", {"form": form, "enrollment": enrollment}, status=status)


@permissions.require(permissions.can_grade)
def nesting_edit(request, review_id: int):
    """Correct an observation: the same form, filled in; the coach who wrote it or an admin. The hire's
    feedback entry stays where it is, by the one edit path of call reviews (call_review_update)."""
    review = access_call_review_for_editing(request.user, review_id)
    if not review.is_observation:  # a full review has its own form, with the call's reference and length
        raise Http404("Only a nesting observation is edited here.")
    criteria = list(review.rubric_version.criteria.all())
    if request.method == "POST":
        form = NestingObservationForm(request.POST, criteria=criteria)
    else:
        form = NestingObservationForm(initial=observation_initial(review), criteria=criteria)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        call_at = fields.pop("call_at")
        if call_at is None or call_at == review.call_at.replace(second=0, microsecond=0):
            call_at = review.call_at  # the form shows minutes: an untouched time keeps its seconds
        try:
            services.call_review_update(
                review=review, editor=request.user, call_at=call_at,
                call_reference="", channel=review.channel, duration_seconds=None, strengths=review.strengths,
                transcript=review.transcript, lessons=list(review.practice_lessons.all()),
                scenarios=list(review.practice_scenarios.all()), **fields,
            )  # fmt: skip
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, "Observation updated.")
            timeline = reverse("coaching:hire_timeline", args=[review.enrollment_id])
            return redirect(f"{timeline}#feedback-{review.feedback.pk}")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "enrollment": review.enrollment, "review": review}
    return render(request, "coaching/nesting_form.html", context, status=status)
