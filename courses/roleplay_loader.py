"""Role-plays in a curriculum file: the rubrics they are scored on and the scenarios.

Read by courses.curriculum_loader, which validates everything before writing anything.
"""

import hashlib
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from courses.models import (
    TRAINING_WEEKS,
    Criterion,
    Curriculum,
    Exemplar,
    Rubric,
    RubricVersion,
    Scenario,
    ScenarioMode,
    ScenarioTurn,
    Week,
)

VARIANTS = ("warm", "neutral", "cold")
DEFAULT_LINE_OF_BUSINESS = "online-retail"
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z]{2,4})?")


def roleplays_read(reader, path: Path) -> dict:
    """Parse and validate a role-play file. Problems go to `reader` (the curriculum loader's)."""
    if not path.is_file():
        reader.problem("file", "roleplays", f"no file at {path}")
        return {"rubrics": [], "scenarios": []}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        reader.problems.append(f"{path}: {where}: not valid YAML: {getattr(error, 'problem', None) or error}")
        return {"rubrics": [], "scenarios": []}
    outer_path, reader.path = reader.path, path
    try:
        top = reader.mapping(raw, "file", {"rubrics", "scenarios"}, {"scenarios"})
        rubrics = [_read_rubric(reader, r, i) for i, r in enumerate(reader.items(top, "rubrics", "file", minimum=0))]
        known_rubrics = {r["slug"] for r in rubrics} | set(Rubric.objects.values_list("slug", flat=True))
        rubric_keys = rubric_criterion_keys(rubrics)
        slugs: set[str] = set()
        scenarios = [
            _read_scenario(reader, s, i, known_rubrics, slugs, rubric_keys)
            for i, s in enumerate(reader.items(top, "scenarios", "file"))
        ]
    finally:
        reader.path = outer_path
    return {"rubrics": rubrics, "scenarios": scenarios}


def _read_rubric(reader, raw: Any, index: int) -> dict:
    slug = raw.get("slug") if isinstance(raw, dict) else None
    item = f"rubric '{slug}'" if slug else f"rubric {index + 1}"
    data = reader.mapping(raw, item, {"slug", "title", "description", "criteria"}, {"slug", "title", "criteria"})
    criteria, keys = [], set()
    for number, raw_criterion in enumerate(reader.items(data, "criteria", item), start=1):
        key = raw_criterion.get("key") if isinstance(raw_criterion, dict) else None
        criterion_item = f"{item}, criterion '{key}'" if key else f"{item}, criterion {number}"
        criterion = reader.mapping(raw_criterion, criterion_item, {"key", "title", "description", "weight", "levels"},
                                   {"key", "title", "description", "weight", "levels"})  # fmt: skip
        if key in keys:
            reader.problem(criterion_item, "key", "is used by another criterion of this rubric")
        keys.add(key)
        weight = criterion.get("weight")
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 < weight <= 10:
            reader.problem(criterion_item, "weight", f"must be a number above 0 and at most 10 (got {weight!r})")
            weight = 1
        levels = criterion.get("levels")
        if (
            not isinstance(levels, list)
            or len(levels) != 4
            or not all(isinstance(x, str) and x.strip() for x in levels)
        ):
            reader.problem(criterion_item, "levels", "must be four descriptions: levels 0, 1, 2 and 3")
            levels = ["", "", "", ""]
        criteria.append({
            "key": reader.text(criterion, "key", criterion_item, max_length=40),
            "title": reader.text(criterion, "title", criterion_item, max_length=100),
            "description": reader.text(criterion, "description", criterion_item, max_length=300),
            "weight": str(Decimal(str(weight)).quantize(Decimal("0.01"))),
            "levels": [x.strip() for x in levels],
        })  # fmt: skip
    return {
        "slug": reader.text(data, "slug", item, max_length=50),
        "title": reader.text(data, "title", item, max_length=200),
        "description": reader.text(data, "description", item, required=False),
        "criteria": criteria,
    }


def rubric_criterion_keys(rubrics: list[dict]) -> dict[str, set[str]]:
    """Per rubric slug, the keys of its criteria: the file's rubrics, else the loaded current version's."""
    current: dict[str, set[str]] = {}
    newest: dict[str, int] = {}
    for slug, number, key in Criterion.objects.values_list(
        "rubric_version__rubric__slug", "rubric_version__number", "key"
    ):
        if number > newest.get(slug, 0):
            newest[slug], current[slug] = number, set()
        if number == newest[slug]:
            current[slug].add(key)
    return {**current, **{r["slug"]: {c["key"] for c in r["criteria"]} for r in rubrics}}


def trains_read(reader, data: dict, item: str, known: set[str]) -> list[str]:
    """The criteria an item trains (`trains: [explore, tone]`): keys of known rubric criteria, each once."""
    value = data.get("trains")
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(key, str) for key in value):
        reader.problem(item, "trains", "must be a list of rubric criterion keys, such as [explore, tone]")
        return []
    unknown = [key for key in value if key not in known]
    if unknown:
        choices = ", ".join(sorted(known)) or "none loaded"
        reader.problem(item, "trains", f"{', '.join(unknown)} is not a criterion of the rubric (known: {choices})")
    return list(dict.fromkeys(key for key in value if key in known))


def _read_scenario(
    reader, raw: Any, index: int, rubrics: set[str], slugs: set[str], rubric_keys: dict[str, set[str]]
) -> dict:
    slug = raw.get("slug") if isinstance(raw, dict) else None
    item = f"scenario '{slug}'" if slug else f"scenario {index + 1}"
    fields = {"slug", "week", "title", "rubric", "mode", "max_attempts", "due_day", "persona", "crm", "turns",
              "exemplars", "policies", "language", "line_of_business", "trains"}  # fmt: skip
    optional = {"max_attempts", "due_day", "crm", "exemplars", "policies", "language", "line_of_business", "trains"}
    data = reader.mapping(raw, item, fields, fields - optional)
    if slug in slugs:
        reader.problem(item, "slug", "is used by another scenario in this file")
    slugs.add(slug)
    if data.get("rubric") not in rubrics:
        reader.problem(item, "rubric", f"'{data.get('rubric')}' is not a rubric in this file or already loaded")
    if data.get("mode") not in ScenarioMode.values:
        reader.problem(item, "mode", f"must be one of {', '.join(ScenarioMode.values)} (got {data.get('mode')!r})")
    persona = reader.mapping(data.get("persona", {}), f"{item}, persona", {"name", "situation", "mood"},
                             {"name", "situation", "mood"})  # fmt: skip
    crm = reader.mapping(data.get("crm", {}), f"{item}, crm", {"order", "history"}, set())
    history = crm.get("history") or []
    if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        reader.problem(f"{item}, crm", "history", "must be a list of texts")
        history = []
    policies = data.get("policies") or []
    if not isinstance(policies, list) or not all(isinstance(p, str) and p.strip() for p in policies):
        reader.problem(item, "policies", "must be a list of texts")
        policies = []
    line_of_business = reader.text(data, "line_of_business", item, required=False, max_length=40)
    if line_of_business and not SLUG.fullmatch(line_of_business):
        reader.problem(item, "line_of_business", f"must be a slug such as 'travel' (got {line_of_business!r})")
    language = reader.text(data, "language", item, required=False, max_length=10)
    if language and not LANGUAGE_CODE.fullmatch(language):
        reader.problem(item, "language", f"must be a language code such as 'en' or 'es' (got {language!r})")
    turns = []
    for number, raw_turn in enumerate(reader.items(data, "turns", item), start=1):
        turn_item = f"{item}, turn {number}"
        if number == 1:
            turn = reader.mapping(raw_turn, turn_item, {"customer"}, {"customer"})
            turns.append({"neutral": reader.text(turn, "customer", turn_item), "warm": "", "cold": ""})
        else:
            turn = reader.mapping(raw_turn, turn_item, set(VARIANTS), {"neutral"})
            turns.append({v: reader.text(turn, v, turn_item, required=v == "neutral") for v in VARIANTS})
    exemplars = []
    for number, raw_exemplar in enumerate(reader.items(data, "exemplars", item, minimum=0), start=1):
        exemplar_item = f"{item}, exemplar {number}"
        exemplar = reader.mapping(raw_exemplar, exemplar_item, {"turn", "answer", "note"}, {"turn", "answer"})
        exemplars.append({
            "turn": reader.integer(exemplar, "turn", exemplar_item, 1, max(1, len(turns))),
            "answer": reader.text(exemplar, "answer", exemplar_item),
            "note": reader.text(exemplar, "note", exemplar_item, required=False, max_length=300),
        })  # fmt: skip
    return {
        "slug": reader.text(data, "slug", item, max_length=100),
        "week": reader.integer(data, "week", item, 1, TRAINING_WEEKS),
        "title": reader.text(data, "title", item, max_length=200),
        "rubric": data.get("rubric"),
        "mode": data.get("mode"),
        "max_attempts": reader.integer(data, "max_attempts", item, 1, 100),
        "due_day": reader.integer(data, "due_day", item, 1, 7, default=6),
        "persona": {
            "name": reader.text(persona, "name", f"{item}, persona", max_length=100),
            "situation": reader.text(persona, "situation", f"{item}, persona"),
            "mood": reader.text(persona, "mood", f"{item}, persona", max_length=60),
        },
        "crm_order": reader.text(crm, "order", f"{item}, crm", required=False, max_length=500),
        "crm_history": [h.strip() for h in history],
        "policies": [p.strip() for p in policies],
        "language": language or "en",
        "line_of_business": line_of_business or DEFAULT_LINE_OF_BUSINESS,
        "turns": turns,
        "exemplars": exemplars,
        "trains": trains_read(reader, data, item, rubric_keys.get(data.get("rubric"), set())),
    }


def _fingerprint(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def rubric_upsert(data: dict) -> RubricVersion:
    """Make the rubric's current version match `data`. A version that has scored anything is
    kept as it is and a new version is made; an unused version is updated in place."""
    fingerprint = _fingerprint(data)
    rubric, _ = Rubric.objects.get_or_create(slug=data["slug"], defaults={"title": data["title"]})
    current = rubric.versions.order_by("-number").first()
    if current is not None and current.source_hash == fingerprint:
        return current
    if rubric.title != data["title"]:
        rubric.title = data["title"]
        rubric.save(update_fields=["title"])
    if current is None or rubric_version_in_use(current):
        current = RubricVersion.objects.create(
            rubric=rubric, number=(current.number + 1) if current else 1, description=data["description"],
            source_hash=fingerprint,
        )  # fmt: skip
    else:
        current.criteria.all().delete()
        current.description = data["description"]
        current.source_hash = fingerprint
        current.save(update_fields=["description", "source_hash"])
    Criterion.objects.bulk_create(
        Criterion(
            rubric_version=current, key=c["key"], position=i, title=c["title"], description=c["description"],
            weight=Decimal(c["weight"]), level_descriptors=c["levels"],
        )
        for i, c in enumerate(data["criteria"])
    )  # fmt: skip
    return current


def rubric_version_in_use(version: RubricVersion) -> bool:
    return version.attempts.exists()


def scenarios_write(curriculum: Curriculum, scenarios: list[dict]) -> None:
    weeks = {week.number: week for week in Week.objects.filter(curriculum=curriculum)}
    rubrics = {rubric.slug: rubric for rubric in Rubric.objects.all()}
    positions: dict[int, int] = {}
    for data in scenarios:
        position = positions[data["week"]] = positions.get(data["week"], -1) + 1
        scenario = Scenario.objects.create(
            curriculum=curriculum, week=weeks[data["week"]], slug=data["slug"], position=position,
            title=data["title"], rubric=rubrics[data["rubric"]], mode=data["mode"],
            max_attempts=data["max_attempts"], due_day=data["due_day"], persona_name=data["persona"]["name"],
            persona_situation=data["persona"]["situation"], persona_mood=data["persona"]["mood"],
            crm_order=data["crm_order"], crm_history=data["crm_history"], policies=data["policies"],
            language=data["language"], line_of_business=data["line_of_business"], trains=data["trains"],
        )  # fmt: skip
        ScenarioTurn.objects.bulk_create(
            ScenarioTurn(scenario=scenario, number=n, **turn) for n, turn in enumerate(data["turns"], start=1)
        )
        Exemplar.objects.bulk_create(
            Exemplar(scenario=scenario, turn_number=e["turn"], answer=e["answer"], note=e["note"])
            for e in data["exemplars"]
        )
