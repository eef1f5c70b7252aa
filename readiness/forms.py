from django import forms

from readiness.models import ReadinessOverride, ReadinessRule
from readiness.services import NOTE_MAX


class RuleForm(forms.ModelForm):
    class Meta:
        model = ReadinessRule
        fields = ["checks_through_week", "recent_roleplays", "min_average_level", "no_zero_in_latest",
                  "requires_signoff"]  # fmt: skip
        labels = {
            "checks_through_week": "Knowledge checks passed through week",
            "recent_roleplays": "Latest graded role-plays that count",
            "min_average_level": "Average level needed on every criterion",
            "no_zero_in_latest": "No criterion at 0 in the latest role-play",
            "requires_signoff": "A coach's sign-off is needed",
        }


class SignOffForm(forms.Form):
    note = forms.CharField(required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class OverrideForm(forms.Form):
    decision = forms.ChoiceField(choices=ReadinessOverride.Decision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2}))
