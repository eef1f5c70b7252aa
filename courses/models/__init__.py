"""The courses app's models, one module per concept; every name is re-exported here, so
`from courses.models import X` works wherever X lives."""

from courses.models.cohorts import Cohort
from courses.models.completions import CheckAttempt, LessonCompletion
from courses.models.curriculum import (
    TRAINING_WEEKS,
    Choice,
    Curriculum,
    KnowledgeCheck,
    Lesson,
    Question,
    QuestionKind,
    Week,
    lesson_image_path,
)
from courses.models.enrollments import (
    RUNNING_STATUSES,
    Enrollment,
    EnrollmentEvent,
    EnrollmentEventKind,
    EnrollmentStatus,
)
from courses.models.excusals import ExcusedKind, ItemExcusal
from courses.models.roleplays import (
    FROZEN_STATES,
    Attempt,
    AttemptState,
    AttemptTurn,
    Exemplar,
    Scenario,
    ScenarioMode,
    ScenarioTurn,
    Variant,
)
from courses.models.rubrics import Criterion, Rubric, RubricVersion
from courses.models.scoring import ScorerVersion, ScorerVersionEvent

__all__ = [
    "FROZEN_STATES",
    "RUNNING_STATUSES",
    "TRAINING_WEEKS",
    "Attempt",
    "AttemptState",
    "AttemptTurn",
    "CheckAttempt",
    "Choice",
    "Cohort",
    "Criterion",
    "Curriculum",
    "Enrollment",
    "EnrollmentEvent",
    "EnrollmentEventKind",
    "EnrollmentStatus",
    "ExcusedKind",
    "Exemplar",
    "ItemExcusal",
    "KnowledgeCheck",
    "Lesson",
    "LessonCompletion",
    "Question",
    "QuestionKind",
    "Rubric",
    "RubricVersion",
    "Scenario",
    "ScenarioMode",
    "ScenarioTurn",
    "ScorerVersion",
    "ScorerVersionEvent",
    "Variant",
    "Week",
    "lesson_image_path",
]
