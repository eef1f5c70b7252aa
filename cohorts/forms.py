from django import forms

from accounts.models import time_zone_choices
from cohorts import selectors
from cohorts.imports import MAX_BYTES
from common.numbers import AmountError, parse_salary
from courses.models import Cohort, Curriculum


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "curriculum", "start_date", "time_zone", "grading_target_hours", "checkpoint_opens_on",
                  "checkpoint_window_days", "offer_salary_months", "currency", "second_marking_percent"]  # fmt: skip
        labels = {
            "grading_target_hours": "Grading target (hours)",
            "checkpoint_opens_on": "Checkpoint opens on",
            "checkpoint_window_days": "Days to decide at the checkpoint",
            "offer_salary_months": "The offer (months of salary)",
            "second_marking_percent": "Blind second marking (% of graded role-plays)",
        }
        widgets = {"start_date": DateInput(), "checkpoint_opens_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["curriculum"].queryset = Curriculum.objects.order_by("slug", "-version")
        self.fields["currency"].help_text = "ISO 4217 code of the salaries, e.g. USD or EUR."
        self.fields["second_marking_percent"].required = False  # left empty: the usual share
        if self.instance.pk and self.instance.enrollments.exists():
            self.fields["curriculum"].disabled = True
            self.fields["curriculum"].help_text = "Fixed: this cohort has hires, whose work belongs to this version."

    def clean_second_marking_percent(self):
        chosen = self.cleaned_data.get("second_marking_percent")
        return self.fields["second_marking_percent"].initial if chosen is None else chosen

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()


class CoachAssignForm(forms.Form):
    coach = forms.ModelChoiceField(queryset=None, label="Coach", empty_label="Choose a coach")

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = selectors.coaches_available().exclude(coached_cohorts=cohort)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: email, name, time_zone, salary (monthly) and, if you like, coach (a coach's email). "
        f"UTF-8, at most {MAX_BYTES // 1024} KB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class ImportConfirmForm(forms.Form):
    """Confirming a previewed file: every row (the default), or only the rows without problems."""

    confirmation = forms.CharField(required=False)
    valid_only = forms.BooleanField(required=False)

    def confirmed(self) -> dict:
        """The import_confirm arguments; a tampered or empty confirmation is refused by the service."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"confirmation": data.get("confirmation", ""), "valid_only": bool(data.get("valid_only"))}


class SalaryField(forms.CharField):
    """A monthly salary typed by a person, read by the same rules as an imported file (common.numbers.parse_salary):
    "3100.50", "3.100,50" or "3 100,50" are read; "3,100", which could be thousands or decimals, is refused."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def __init__(self, *args, currency: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_salary(value, currency=self.currency)
        except AmountError as error:
            raise forms.ValidationError(error.message[:1].upper() + error.message[1:], code="invalid") from error


class HireAddForm(forms.Form):
    email = forms.CharField(label="Email", max_length=254)
    name = forms.CharField(label="Name", max_length=150)
    time_zone = forms.ChoiceField(label="Time zone", choices=time_zone_choices)
    monthly_salary = SalaryField(label="Monthly salary")

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].initial = cohort.time_zone
        self.fields["monthly_salary"].currency = cohort.currency
        self.fields["monthly_salary"].help_text = f"In {cohort.currency}, like 3200 or 3200.50."


class MoveForm(forms.Form):
    cohort = forms.ModelChoiceField(queryset=None, label="Move to", empty_label="Choose a cohort")
    note = forms.CharField(label="Why (kept in the history)", required=False, max_length=300)

    def __init__(self, *args, enrollment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = selectors.move_targets(enrollment=enrollment)


class NoteForm(forms.Form):
    note = forms.CharField(label="Note (kept in the history)", required=False, max_length=300)


class ExtendForm(forms.Form):
    days = forms.IntegerField(label="Days", min_value=1, max_value=60, initial=7)
    note = forms.CharField(label="Note (kept in the history)", required=False, max_length=300)


class ReasonForm(forms.Form):
    """A step that must say why: withdrawing and reinstating a hire."""

    reason = forms.CharField(
        label="Reason (kept in the history)",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give a reason: it is kept in the hire's history."},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give a reason: it is kept in the hire's history.")
        return reason


class SalaryForm(ReasonForm):
    monthly_salary = SalaryField(label="New monthly salary")
    field_order = ["monthly_salary", "reason"]

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["monthly_salary"].currency = cohort.currency
        self.fields["monthly_salary"].label = f"New monthly salary ({cohort.currency})"
        self.fields["monthly_salary"].help_text = f"In {cohort.currency}, the cohort's currency."


class ExcuseForm(forms.Form):
    """Excuse one of the hire's items: which, and why (kept on the record)."""

    item = forms.ChoiceField(label="Item to excuse")
    reason = forms.CharField(
        label="Reason (kept on the hire's record)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give a reason for excusing the item: it is kept on the hire's record."},
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [
            (row.value, f"Week {row.item.week}: {row.item.title}") for row in items if not row.done and not row.excusal
        ]

    def clean_item(self) -> tuple[str, int]:
        kind, _, item_id = self.cleaned_data["item"].partition(":")
        return kind, int(item_id)
