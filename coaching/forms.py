from django import forms
from django.utils import timezone

from coaching.models import Channel
from coaching.uploads import format_timestamp, parse_duration, parse_timestamp
from courses.levels import LEVELS, level_out_of_range_message


class CallReviewForm(forms.Form):
    call_at = forms.DateTimeField(
        label="When was the call?", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        initial=lambda: timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    )  # fmt: skip
    call_reference = forms.CharField(label="Call reference", max_length=100)
    channel = forms.ChoiceField(choices=Channel.choices)
    # No max length: a browser would cut "seven minutes" short without a word. parse_duration refuses nonsense.
    duration = forms.CharField(label="How long was the call?", help_text="For example 7:30, 7 min or seven minutes.")
    reason = forms.CharField(label="Customer's reason for calling", max_length=300)
    transcript = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), required=False,
        help_text="Paste it, or upload a .txt, .vtt or .srt file below. Card numbers, security codes, phone numbers "
        "and email addresses in it are replaced by placeholders before it is saved.",
    )  # fmt: skip
    transcript_file = forms.FileField(required=False, label="Transcript file")
    recording = forms.FileField(required=False, help_text="MP3, WAV, OGG or M4A; at most 50 MB.",
                                widget=forms.ClearableFileInput(attrs={"accept": "audio/*"}))  # fmt: skip
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, label="Moments (one per line)",
        help_text='Start each line with its time: "02:13 lovely connection over the dog".',
    )  # fmt: skip
    strengths = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    to_work_on = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="What to work on")
    practice_lessons = forms.MultipleChoiceField(
        required=False, label="Lessons to revisit", widget=forms.CheckboxSelectMultiple
    )
    practice_scenarios = forms.MultipleChoiceField(
        required=False, label="Role-plays to practise", widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, criteria, lessons, scenarios, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.weeks = {}  # field name → {choice value → week number}, to show the choices week by week
        for name, items in (("practice_lessons", lessons), ("practice_scenarios", scenarios)):
            items = list(items)
            self.fields[name].choices = [(str(item.pk), item.title) for item in items]
            self.weeks[name] = {str(item.pk): item.week.number for item in items}
        for criterion in criteria:
            descriptors = list(criterion.level_descriptors or ())
            refused = level_out_of_range_message(criterion.title)
            self.fields[f"level_{criterion.key}"] = forms.TypedChoiceField(
                label=criterion.title, coerce=int, widget=forms.RadioSelect,
                choices=[(level, f"{level}: {descriptors[level]}" if level < len(descriptors) else str(level))
                         for level in LEVELS],
                error_messages={"invalid_choice": refused},
            )  # fmt: skip

    def clean_duration(self) -> int:
        return parse_duration(self.cleaned_data["duration"])

    def clean_notes(self) -> list[tuple[int, str]]:
        notes = []
        for number, line in enumerate(self.cleaned_data["notes"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            stamp, _, body = line.partition(" ")
            try:
                notes.append((parse_timestamp(stamp), body.strip() or "(no note)"))
            except forms.ValidationError:
                raise forms.ValidationError(f'Line {number} must start with a time such as "02:13".') from None
        return notes

    def by_week(self, name: str) -> list[tuple[int, list]]:
        """A practice field's checkboxes, grouped by the week their item belongs to."""
        groups: dict[int, list] = {}
        for checkbox in self[name]:
            groups.setdefault(self.weeks[name].get(str(checkbox.data["value"]), 0), []).append(checkbox)
        return sorted(groups.items())

    @property
    def lessons_by_week(self):
        return self.by_week("practice_lessons")

    @property
    def scenarios_by_week(self):
        return self.by_week("practice_scenarios")

    @staticmethod
    def initial_for(review) -> dict:
        """A saved review as the form shows it for editing."""
        initial = {
            "call_at": timezone.localtime(review.call_at).strftime("%Y-%m-%dT%H:%M"),
            "call_reference": review.call_reference, "channel": review.channel,
            "duration": format_timestamp(review.duration_seconds), "reason": review.reason,
            "transcript": review.transcript, "strengths": review.strengths, "to_work_on": review.to_work_on,
            "notes": "\n".join(f"{format_timestamp(n.at_seconds)} {n.body}" for n in review.notes.all()),
            "practice_lessons": [str(pk) for pk in review.practice_lessons.values_list("pk", flat=True)],
            "practice_scenarios": [str(pk) for pk in review.practice_scenarios.values_list("pk", flat=True)],
        }  # fmt: skip
        initial.update({f"level_{key}": level for key, level in review.levels.items()})
        return initial

    def levels(self) -> dict[str, int]:
        return {c.key: self.cleaned_data[f"level_{c.key}"] for c in self.criteria}
