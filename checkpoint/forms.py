from django import forms

from checkpoint.models import Choice, CompletionRule
from checkpoint.services import REASON_MAX, REFLECTION_MAX


class ChoiceForm(forms.Form):
    choice = forms.ChoiceField(choices=Choice.choices, widget=forms.RadioSelect, label="Your decision")
    reflection = forms.CharField(
        required=False,
        max_length=REFLECTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Reflection (optional)",
        help_text="What did these six weeks show you? Only your coach and training manager read this.",
    )


class ConfirmForm(forms.Form):
    choice = forms.ChoiceField(choices=Choice.choices, widget=forms.HiddenInput)
    confirm = forms.ChoiceField(choices=Choice.choices, widget=forms.HiddenInput)
    offer_text_version = forms.IntegerField(widget=forms.HiddenInput)


class RecordForm(forms.Form):
    choice = forms.ChoiceField(choices=Choice.choices)
    reason = forms.CharField(max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class OfferOverrideForm(forms.Form):
    amount = forms.DecimalField(required=False, min_value=0, max_digits=10, decimal_places=2)
    reason = forms.CharField(max_length=REASON_MAX)


class OfferTextForm(forms.Form):
    body_markdown = forms.CharField(widget=forms.Textarea(attrs={"rows": 14}), label="Offer text (Markdown)")


class CompletionRuleForm(forms.ModelForm):
    class Meta:
        model = CompletionRule
        fields = ["requires_all_items", "requires_readiness"]
        labels = {
            "requires_all_items": "Every lesson, knowledge check and role-play is done or excused",
            "requires_readiness": "The hire meets the cohort's readiness rule",
        }
        help_texts = {
            "requires_all_items": "An admin can excuse an item for one hire, with a reason, on the hire's page.",
            "requires_readiness": "As the Readiness tab sets it: checks, role-play levels and the coach's sign-off.",
        }
