from django import forms

from cohorts.imports import MAX_BYTES
from outcomes.imports import NOTE_MAX
from outcomes.models import Milestone, RetentionStatus


class RetentionForm(forms.Form):
    milestone_days = forms.TypedChoiceField(label="Milestone", choices=Milestone.choices, coerce=int)
    status = forms.ChoiceField(choices=RetentionStatus.choices, widget=forms.RadioSelect)
    left_on = forms.DateField(
        label="Left on", required=False, help_text="Only for a hire who left.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    note = forms.CharField(required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class RetentionImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: email, days (30, 60 or 90), status (retained or left) and, if you like, left_on "
        f"(year-month-day) and note. UTF-8, at most {MAX_BYTES // 1024} KB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class RetentionConfirmForm(forms.Form):
    confirmation = forms.CharField(required=False)

    def confirmed(self) -> str:
        """The signed token; a tampered or empty one is refused by the service."""
        return self.cleaned_data["confirmation"] if self.is_valid() else ""
