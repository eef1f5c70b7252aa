"""Load a curriculum from its YAML file: validate all of it, then write it in one transaction.

A malformed file is refused with messages naming the file, the item and the field,
and nothing is written. Loading the same file again changes nothing. A version that
cohorts already run is never rewritten: publish changes under a new version number.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import URLValidator
from django.db import transaction

from common.images import image_open_checked
from courses.models import TRAINING_WEEKS, Choice, Curriculum, KnowledgeCheck, Lesson, Question, QuestionKind, Week
from courses.roleplay_loader import roleplays_read, rubric_criterion_keys, rubric_upsert, scenarios_write, trains_read
from courses.services import LESSON_IMAGE_MAX_BYTES, LESSON_IMAGE_MAX_PIXELS, lesson_image_attach

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class CurriculumFileError(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class LoadResult:
    curriculum: Curriculum
    created: bool
    changed: bool
    counts: dict[str, int] = field(default_factory=dict)


class _Reader:
    """Walks the parsed file, collecting every problem with where it was found."""

    def __init__(self, path: Path):
        self.path = path
        self.problems: list[str] = []

    def problem(self, item: str, field_name: str | None, message: str) -> None:
        where = f"{item}: field '{field_name}'" if field_name else item
        self.problems.append(f"{self.path}: {where}: {message}")

    def mapping(self, value: Any, item: str, allowed: set[str], required: set[str]) -> dict:
        if not isinstance(value, dict):
            self.problem(item, None, f"must be a mapping of fields, not {type(value).__name__}")
            return {}
        for name in sorted(set(value) - allowed):
            self.problem(item, str(name), "is not a known field")
        for name in sorted(required - set(value)):
            self.problem(item, name, "is required")
        return value

    def text(self, data: dict, name: str, item: str, *, required: bool = True, max_length: int | None = None) -> str:
        value = data.get(name)
        if value is None:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(item, name, "must be non-empty text")
            return ""
        if max_length and len(value) > max_length:
            self.problem(item, name, f"must be at most {max_length} characters (it has {len(value)})")
        return value.strip()

    def integer(
        self, data: dict, name: str, item: str, low: int, high: int, *, default: int | None = None
    ) -> int | None:
        value = data.get(name, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(item, name, f"must be a whole number from {low} to {high} (got {value!r})")
            return default
        return value

    def items(self, data: dict, name: str, item: str, *, minimum: int = 1) -> list:
        value = data.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or len(value) < minimum:
            self.problem(item, name, f"must be a list of at least {minimum} item{'s' if minimum != 1 else ''}")
            return []
        return value


def _read_curriculum(reader: _Reader, raw: Any) -> dict:
    top = reader.mapping(raw, "file", {"curriculum", "weeks", "roleplays"}, {"curriculum", "weeks"})
    meta = reader.mapping(
        top.get("curriculum", {}),
        "curriculum",
        {"slug", "title", "version", "description"},
        {"slug", "title", "version"},
    )
    slug = reader.text(meta, "slug", "curriculum", max_length=50)
    if slug and not SLUG.match(slug):
        reader.problem("curriculum", "slug", "must be lowercase letters, digits and hyphens")
    parsed = {
        "slug": slug,
        "title": reader.text(meta, "title", "curriculum", max_length=200),
        "version": reader.integer(meta, "version", "curriculum", 1, 10_000),
        "description": reader.text(meta, "description", "curriculum", required=False),
        "weeks": [],
    }
    weeks = reader.items(top, "weeks", "file")
    if weeks and [w.get("number") if isinstance(w, dict) else None for w in weeks] != list(
        range(1, TRAINING_WEEKS + 1)
    ):
        reader.problem("file", "weeks", f"must be weeks numbered 1 to {TRAINING_WEEKS}, in order")
    lesson_slugs: set[str] = set()
    for index, raw_week in enumerate(weeks):
        parsed["weeks"].append(_read_week(reader, raw_week, index, lesson_slugs))
    parsed["roleplays"] = {"rubrics": [], "scenarios": []}
    roleplays_file = reader.text(top, "roleplays", "file", required=False)
    if roleplays_file:
        parsed["roleplays"] = roleplays_read(reader, (reader.path.parent / roleplays_file).resolve())
    # A lesson may train a criterion of any rubric in the file or already loaded.
    known = set().union(*rubric_criterion_keys(parsed["roleplays"]["rubrics"]).values())
    for week, raw_week in zip(parsed["weeks"], weeks, strict=False):
        raw_lessons = raw_week.get("lessons") if isinstance(raw_week, dict) else None
        for lesson, raw_lesson in zip(week["lessons"], raw_lessons or [], strict=False):
            if isinstance(raw_lesson, dict):
                item = f"week {week['number']}, lesson '{lesson['slug']}'"
                lesson["trains"] = trains_read(reader, raw_lesson, item, known)
    return parsed


def _read_week(reader: _Reader, raw: Any, index: int, lesson_slugs: set[str]) -> dict:
    item = f"week {raw.get('number', index + 1) if isinstance(raw, dict) else index + 1}"
    data = reader.mapping(
        raw, item, {"number", "title", "goals", "lessons", "knowledge_check"}, {"number", "title", "lessons"}
    )
    goals = data.get("goals", [])
    if not isinstance(goals, list) or not all(isinstance(g, str) and g.strip() for g in goals):
        reader.problem(item, "goals", "must be a list of short texts")
        goals = []
    week = {
        "number": reader.integer(data, "number", item, 1, TRAINING_WEEKS),
        "title": reader.text(data, "title", item, max_length=200),
        "goals": [g.strip() for g in goals],
        "lessons": [],
        "knowledge_check": None,
    }
    for position, raw_lesson in enumerate(reader.items(data, "lessons", item)):
        week["lessons"].append(_read_lesson(reader, raw_lesson, item, position, lesson_slugs))
    if "knowledge_check" in data:
        week["knowledge_check"] = _read_check(reader, data["knowledge_check"], item)
    return week


def _read_lesson(reader: _Reader, raw: Any, week_item: str, position: int, slugs: set[str]) -> dict:
    slug = raw.get("slug") if isinstance(raw, dict) else None
    item = f"{week_item}, lesson '{slug}'" if slug else f"{week_item}, lesson {position + 1}"
    data = reader.mapping(
        raw,
        item,
        {"slug", "title", "estimated_minutes", "body", "video_url", "due_day", "image", "image_alt", "trains"},
        {"slug", "title", "estimated_minutes", "body"},
    )
    slug = reader.text(data, "slug", item, max_length=100)
    if slug and not SLUG.match(slug):
        reader.problem(item, "slug", "must be lowercase letters, digits and hyphens")
    elif slug == "check":
        reader.problem(item, "slug", "'check' is reserved for the week's knowledge check")
    elif slug in slugs:
        reader.problem(item, "slug", "is used by another lesson in this file")
    slugs.add(slug)
    video_url = reader.text(data, "video_url", item, required=False, max_length=200)
    if video_url:
        try:
            URLValidator(schemes=["http", "https"])(video_url)
        except ValidationError:
            reader.problem(item, "video_url", f"must be an http(s) address (got {video_url!r})")
    image = None
    image_name = reader.text(data, "image", item, required=False)
    if image_name:
        image = _read_image(reader, image_name, item)
        if not data.get("image_alt"):
            reader.problem(item, "image_alt", "is required with an image (describe it for screen readers)")
    return {
        "slug": slug,
        "position": position,
        "title": reader.text(data, "title", item, max_length=200),
        "estimated_minutes": reader.integer(data, "estimated_minutes", item, 1, 240),
        "body": reader.text(data, "body", item),
        "video_url": video_url,
        "due_day": reader.integer(data, "due_day", item, 1, 7),
        "image": image,
        "image_alt": reader.text(data, "image_alt", item, required=False, max_length=300),
        "trains": [],  # read once the rubrics are known (see _read_curriculum)
    }


def _read_image(reader: _Reader, name: str, item: str) -> bytes | None:
    path = (reader.path.parent / name).resolve()
    if not path.is_file():
        reader.problem(item, "image", f"no file at {path}")
        return None
    content = path.read_bytes()
    try:
        image_open_checked(
            SimpleUploadedFile(path.name, content),
            max_bytes=LESSON_IMAGE_MAX_BYTES,
            max_pixels=LESSON_IMAGE_MAX_PIXELS,
            label="a lesson image",
        )
    except ValidationError as error:
        reader.problem(item, "image", error.messages[0])
        return None
    return content


def _read_check(reader: _Reader, raw: Any, week_item: str) -> dict:
    item = f"{week_item}, knowledge check"
    data = reader.mapping(
        raw, item, {"title", "pass_mark", "max_attempts", "due_day", "questions"}, {"title", "pass_mark", "questions"}
    )
    check = {
        "title": reader.text(data, "title", item, max_length=200),
        "pass_mark": reader.integer(data, "pass_mark", item, 1, 100),
        "max_attempts": reader.integer(data, "max_attempts", item, 1, 100),
        "due_day": reader.integer(data, "due_day", item, 1, 7),
        "questions": [],
    }
    for number, raw_question in enumerate(reader.items(data, "questions", item), start=1):
        question_item = f"{item}, question {number}"
        question = reader.mapping(
            raw_question, question_item, {"prompt", "kind", "explanation", "choices"}, {"prompt", "kind", "choices"}
        )
        kind = question.get("kind")
        if kind not in QuestionKind.values:
            reader.problem(question_item, "kind", f"must be one of {', '.join(QuestionKind.values)} (got {kind!r})")
        choices = []
        for choice_number, raw_choice in enumerate(reader.items(question, "choices", question_item, minimum=2), 1):
            choice_item = f"{question_item}, choice {choice_number}"
            choice = reader.mapping(raw_choice, choice_item, {"text", "correct"}, {"text", "correct"})
            if not isinstance(choice.get("correct"), bool):
                reader.problem(choice_item, "correct", "must be true or false")
            choices.append(
                {
                    "text": reader.text(choice, "text", choice_item, max_length=500),
                    "correct": choice.get("correct") is True,
                }
            )
        correct = sum(c["correct"] for c in choices)
        if choices and kind == QuestionKind.SINGLE and correct != 1:
            reader.problem(
                question_item, "choices", f"a single-answer question needs exactly one correct choice ({correct} given)"
            )
        if choices and kind == QuestionKind.MULTIPLE and correct < 1:
            reader.problem(question_item, "choices", "a multiple-answer question needs at least one correct choice")
        check["questions"].append(
            {
                "prompt": reader.text(question, "prompt", question_item),
                "kind": kind,
                "explanation": reader.text(question, "explanation", question_item, required=False),
                "choices": choices,
            }
        )
    return check


def curriculum_parse(path: Path) -> tuple[dict, str]:
    """Read and validate a curriculum file. Returns the parsed content and its fingerprint."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CurriculumFileError([f"{path}: cannot be read: {error}"]) from error
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        problem = getattr(error, "problem", None) or str(error)
        raise CurriculumFileError([f"{path}: {where}: not valid YAML: {problem}"]) from error
    reader = _Reader(path)
    parsed = _read_curriculum(reader, raw)
    if reader.problems:
        raise CurriculumFileError(reader.problems)
    # Rubrics are versioned on their own (see rubric_upsert): the curriculum's fingerprint
    # covers its own content and which rubric each scenario uses, not the rubrics' text. Nor the
    # criteria each item trains: tags that steer practice, updated in place (see _trains_update).
    content = {
        **parsed,
        "weeks": [{**week, "lessons": [_untagged(lesson) for lesson in week["lessons"]]} for week in parsed["weeks"]],
        "roleplays": {"scenarios": [_untagged(scenario) for scenario in parsed["roleplays"]["scenarios"]]},
    }
    fingerprint = hashlib.sha256(
        json.dumps(content, sort_keys=True, default=lambda b: hashlib.sha256(b).hexdigest()).encode()
    ).hexdigest()
    return parsed, fingerprint


def _untagged(item: dict) -> dict:
    return {name: value for name, value in item.items() if name != "trains"}


def _trains_update(curriculum: Curriculum, parsed: dict) -> None:
    """Bring the lessons' and scenarios' criteria tags in line with the file, content unchanged."""
    wanted = {("lesson", lesson["slug"]): lesson["trains"] for week in parsed["weeks"] for lesson in week["lessons"]}
    wanted |= {("scenario", scenario["slug"]): scenario["trains"] for scenario in parsed["roleplays"]["scenarios"]}
    for kind, items in (("lesson", curriculum.lessons.all()), ("scenario", curriculum.scenarios.all())):
        for item in items:
            trains = wanted.get((kind, item.slug), item.trains)
            if trains != item.trains:
                item.trains = trains
                item.save(update_fields=["trains"])


@transaction.atomic
def curriculum_load(path: Path) -> LoadResult:
    """Validate the whole file, then create or replace that curriculum version."""
    path = Path(path)
    parsed, fingerprint = curriculum_parse(path)
    for rubric_data in parsed["roleplays"]["rubrics"]:
        rubric_upsert(rubric_data)
    curriculum = Curriculum.objects.select_for_update().filter(slug=parsed["slug"], version=parsed["version"]).first()
    if curriculum is not None and curriculum.source_hash == fingerprint:
        _trains_update(curriculum, parsed)
        return LoadResult(curriculum=curriculum, created=False, changed=False, counts=_counts(curriculum))
    if curriculum is not None and curriculum.cohorts.exists():
        names = ", ".join(curriculum.cohorts.values_list("name", flat=True)[:5])
        raise CurriculumFileError(
            [
                f"{path}: curriculum: field 'version': version {parsed['version']} of '{parsed['slug']}' is run by "
                f"cohorts ({names}) and differs from this file; give the file a new version number to publish it"
            ]
        )
    created = curriculum is None
    if created:
        curriculum = Curriculum(slug=parsed["slug"], version=parsed["version"])
    else:
        curriculum.weeks.all().delete()
    curriculum.title = parsed["title"]
    curriculum.description = parsed["description"]
    curriculum.source_hash = fingerprint
    curriculum.save()
    for week_data in parsed["weeks"]:
        _write_week(curriculum, week_data)
    scenarios_write(curriculum, parsed["roleplays"]["scenarios"])
    return LoadResult(curriculum=curriculum, created=created, changed=True, counts=_counts(curriculum))


def _write_week(curriculum: Curriculum, data: dict) -> None:
    week = Week.objects.create(curriculum=curriculum, number=data["number"], title=data["title"], goals=data["goals"])
    lesson_count = len(data["lessons"])
    for lesson_data in data["lessons"]:
        lesson = Lesson(
            curriculum=curriculum,
            week=week,
            slug=lesson_data["slug"],
            position=lesson_data["position"],
            title=lesson_data["title"],
            body_markdown=lesson_data["body"],
            estimated_minutes=lesson_data["estimated_minutes"],
            # Unless the file says otherwise, spread a week's lessons over its first five days.
            due_day=lesson_data["due_day"] or min(5, 1 + lesson_data["position"] * 5 // max(1, lesson_count)),
            video_url=lesson_data["video_url"],
            image_alt=lesson_data["image_alt"],
            trains=lesson_data["trains"],
        )
        if lesson_data["image"]:
            lesson_image_attach(lesson=lesson, upload=SimpleUploadedFile("image", lesson_data["image"]))
        lesson.save()
    check_data = data["knowledge_check"]
    if check_data:
        check = KnowledgeCheck.objects.create(
            week=week,
            title=check_data["title"],
            pass_mark=check_data["pass_mark"],
            max_attempts=check_data["max_attempts"],
            due_day=check_data["due_day"] or 7,
        )
        for position, question_data in enumerate(check_data["questions"]):
            question = Question.objects.create(
                knowledge_check=check,
                position=position,
                prompt=question_data["prompt"],
                kind=question_data["kind"],
                explanation=question_data["explanation"],
            )
            Choice.objects.bulk_create(
                Choice(question=question, position=i, text=c["text"], is_correct=c["correct"])
                for i, c in enumerate(question_data["choices"])
            )


def _counts(curriculum: Curriculum) -> dict[str, int]:
    return {
        "weeks": curriculum.weeks.count(),
        "lessons": curriculum.lessons.count(),
        "knowledge checks": KnowledgeCheck.objects.filter(week__curriculum=curriculum).count(),
        "questions": Question.objects.filter(knowledge_check__week__curriculum=curriculum).count(),
        "role-plays": curriculum.scenarios.count(),
    }


@transaction.atomic
def scenario_pack_load(path: Path, *, curriculum: Curriculum) -> list[str]:
    """Add a pack of role-play scenarios (a role-play file) to a curriculum version no cohort runs yet.

    Validates the whole pack first; a problem writes nothing. Returns the slugs added.
    """
    path = Path(path)
    reader = _Reader(path)
    parsed = roleplays_read(reader, path)
    curriculum = Curriculum.objects.select_for_update().get(pk=curriculum.pk)
    if curriculum.cohorts.exists():
        reader.problem(
            "curriculum", None,
            f"{curriculum} is run by cohorts; copy it as a new version in the admin and add the pack to that",
        )  # fmt: skip
    taken = set(curriculum.scenarios.values_list("slug", flat=True))
    for scenario in parsed["scenarios"]:
        if scenario["slug"] in taken:
            reader.problem(f"scenario '{scenario['slug']}'", "slug", f"is already a scenario of {curriculum}")
    if reader.problems:
        raise CurriculumFileError(reader.problems)
    for rubric_data in parsed["rubrics"]:
        rubric_upsert(rubric_data)
    scenarios_write(curriculum, parsed["scenarios"])
    return [scenario["slug"] for scenario in parsed["scenarios"]]
