"""A hire's progress through the content: lessons completed and knowledge-check attempts."""

from django.db import models

from courses.models.curriculum import KnowledgeCheck, Lesson
from courses.models.enrollments import Enrollment


class LessonCompletion(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="lesson_completions")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrollment", "lesson"], name="one_completion_per_lesson")]

    def __str__(self) -> str:
        return f"{self.lesson} completed"


class CheckAttempt(models.Model):
    """One submission of a knowledge check. The best score across attempts is the one kept."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="check_attempts")
    knowledge_check = models.ForeignKey(KnowledgeCheck, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    answers = models.JSONField(help_text="Question id → the chosen choice ids.")
    correct_count = models.PositiveSmallIntegerField()
    question_count = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField(help_text="Percent, rounded down.")
    passed = models.BooleanField()
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["enrollment", "knowledge_check", "number"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "knowledge_check", "number"], name="attempt_numbers_unique")
        ]

    def __str__(self) -> str:
        return f"Attempt {self.number}: {self.score}%"
