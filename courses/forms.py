from django import forms

from courses.models import QuestionKind


class KnowledgeCheckForm(forms.Form):
    """One field per question: radio buttons for one answer, checkboxes for several."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            choices = [(choice.pk, choice.text) for choice in question.choices.all()]
            if question.kind == QuestionKind.SINGLE:
                field = forms.TypedChoiceField(choices=choices, coerce=int, widget=forms.RadioSelect)
            else:
                field = forms.TypedMultipleChoiceField(
                    choices=choices, coerce=int, widget=forms.CheckboxSelectMultiple,
                    help_text="Choose every answer that applies.",
                )  # fmt: skip
            field.label = f"{number}. {question.prompt}"
            field.error_messages["required"] = "Please answer this question."
            self.fields[f"q{question.pk}"] = field

    def answers(self) -> dict[int, list[int]]:
        answers = {}
        for question in self.questions:
            value = self.cleaned_data[f"q{question.pk}"]
            answers[question.pk] = value if isinstance(value, list) else [value]
        return answers
