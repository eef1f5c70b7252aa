"""Forms for opening sessions. They check the shape of the input; the services decide what is allowed."""

from django import forms

from calibration.models import AnchorItem
from calibration.selectors import ANCHORABLE_ATTEMPT_STATES, inviteable_coaches
from coaching.models import CallReview
from courses.models import Attempt

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def _coach_label(user) -> str:
    return f"{user.display_name} ({user.get_role_display().lower()})"


class CoachChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return _coach_label(obj)


class CoachChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return _coach_label(obj)


class SessionForm(forms.Form):
    """A new calibration session. The anchor items are chosen in the page's lists (checkboxes named
    `attempts` and `call_reviews`); those chosen on other pages travel along as hidden inputs."""

    title = forms.CharField(max_length=200)
    due_at = forms.DateTimeField(label="Due", widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS)
    coaches = CoachChoices(
        queryset=inviteable_coaches(), widget=forms.CheckboxSelectMultiple, label="Invite coaches", required=False
    )
    attempts = forms.ModelMultipleChoiceField(
        queryset=Attempt.objects.filter(state__in=ANCHORABLE_ATTEMPT_STATES).defer("prescore"), required=False
    )
    call_reviews = forms.ModelMultipleChoiceField(queryset=CallReview.objects.all(), required=False)

    def chosen_ids(self, name: str) -> set[int]:
        """The ids ticked so far (valid or not), to keep them ticked when the page is shown again."""
        return {int(value) for value in self.data.getlist(name) if str(value).isdigit()} if self.is_bound else set()


class OnboardingForm(forms.Form):
    coach = CoachChoice(queryset=inviteable_coaches(), label="Coach to onboard")
    anchors = forms.ModelMultipleChoiceField(
        queryset=AnchorItem.objects.filter(in_bank=True), widget=forms.CheckboxSelectMultiple, required=False
    )
    due_at = forms.DateTimeField(label="Due", widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS)
