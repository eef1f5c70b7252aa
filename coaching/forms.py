from django import forms
from django.utils import timezone

from coaching.models import Channel
from coaching.uploads import parse_timestamp


class CallReviewForm(forms.Form):
    call_at = forms.DateTimeField(
        label="When was the call?", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        initial=lambda: timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    )  # fmt: skip
    call_reference = forms.CharField(label="Call reference", max_length=100)
    channel = forms.ChoiceField(choices=Channel.choices)
    duration = forms.CharField(label="Duration (mm:ss)", max_length=10)
    reason = forms.CharField(label="Customer's reason for calling", max_length=300)
    transcript = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False,
                                 help_text="Paste it, or upload a .txt, .vtt or .srt file below.")  # fmt: skip
    transcript_file = forms.FileField(required=False, label="Transcript file")
    recording = forms.FileField(required=False, help_text="MP3, WAV, OGG or M4A; at most 50 MB.",
                                widget=forms.ClearableFileInput(attrs={"accept": "audio/*"}))  # fmt: skip
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, label="Moments (one per line)",
        help_text='Start each line with its time: "02:13 lovely connection over the dog".',
    )  # fmt: skip
    strengths = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    to_work_on = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="What to work on")
    practice_lessons = forms.MultipleChoiceField(required=False, label="Lessons to revisit")
    practice_scenarios = forms.MultipleChoiceField(required=False, label="Role-plays to practise")

    def __init__(self, *args, criteria, lessons, scenarios, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.fields["practice_lessons"].choices = [(lesson.pk, f"Week {lesson.week.number}: {lesson.title}")
                                                   for lesson in lessons]  # fmt: skip
        self.fields["practice_scenarios"].choices = [(s.pk, f"Week {s.week.number}: {s.title}") for s in scenarios]
        for criterion in criteria:
            self.fields[f"level_{criterion.key}"] = forms.TypedChoiceField(
                label=criterion.title, coerce=int, widget=forms.RadioSelect,
                choices=[(level, f"{level}: {text}") for level, text in enumerate(criterion.level_descriptors)],
            )  # fmt: skip

    def clean_duration(self) -> int:
        return parse_timestamp(self.cleaned_data["duration"])

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

    def levels(self) -> dict[str, int]:
        return {c.key: self.cleaned_data[f"level_{c.key}"] for c in self.criteria}
