"""Nesting observations: a coach beside a hire on a live call scores it on a phone, in a few taps.

The form asks for the rubric levels, up to three moments (a few words each, the time into the call if the
coach has it) and one thing to try on the next call; the reason for the call is optional and the call is
taken to be now. It is saved by the one write path of call reviews (coaching.services.call_review_create)
and lands on the hire's timeline like any call review.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import permissions
from coaching import selectors, services
from coaching.access import access_coachable_enrollment
from coaching.models import CallReview
from coaching.uploads import parse_timestamp
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
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
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
