"""The pre-scorer learns from coaches: released grades join the shipped labelled sets.

`scorer_retrain` trains a candidate on the shipped labelled answers plus released coach grades,
all of the tuning scenarios, and judges it against the live version on held-out scenarios:
coach grades there when enough exist, otherwise the held-out labelled answers. The candidate
goes live only when it is better on average and no worse on any criterion; the comparison is
printed and stored either way.
"""

from __future__ import annotations

import datetime
import glob
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from coaching.models import Grade
from courses.models import AttemptTurn, ScorerVersion
from courses.scoring.base import CRITERIA
from courses.scoring.evaluation import DEVSET_DIR, agreement_for, load_devset, split_of
from courses.scoring.live import LiveScorer
from courses.scoring.situational import SituationalScorer
from courses.scoring.training import Example, examples_from_devset, predict, train
from courses.services.scorer_versions import comparison_decide, scorer_version_register, shipped_version_ensure
from courses.services.scoring import scoring_request

MIN_HELDOUT_COACH_GRADES = 20  # fewer than this is too few to judge by: the held-out labelled answers decide
RETRAIN_AFTER_NEW_GRADES = 50  # the beat task retrains once this many grades arrived since the live version


def devset_examples(paths: list[str] | None = None) -> list[Example]:
    rows = []
    for path in paths or sorted(glob.glob(str(DEVSET_DIR / "*.jsonl"))):
        rows += load_devset(path)
    return examples_from_devset(rows)


def released_grades():
    turns = AttemptTurn.objects.filter(answered_at__isnull=False).order_by("number")
    return (
        Grade.objects.filter(outcome=Grade.Outcome.RELEASED)
        .select_related("attempt__scenario", "attempt__rubric_version__rubric")
        .prefetch_related(Prefetch("attempt__turns", queryset=turns))
        .order_by("released_at", "id")
    )


def coach_grade_examples(grades=None) -> list[Example]:
    """One example per released grade: the attempt's answered turns, in their situations, and the coach's levels."""
    examples = []
    for grade in grades if grades is not None else released_grades():
        attempt = grade.attempt
        turns = [t for t in attempt.turns.all() if t.answer.strip()]
        levels = {key: int(level) for key, level in (grade.levels or {}).items() if level is not None}
        if not turns or not levels:
            continue
        examples.append(
            Example(
                turns=tuple(scoring_request(turn=turn, answer=turn.answer) for turn in turns),
                labels=levels,
                group=attempt.scenario.slug,
                source="coach",
                line_of_business=attempt.scenario.line_of_business,
                ident=f"grade-{grade.pk}",
            )
        )
    return examples


def heldout_figures(scorer, examples: list[Example], keys, bootstrap: int = 0) -> dict[str, dict]:
    predictions = [predict(scorer, example) for example in examples]
    figures = {}
    for key in keys:
        pairs = [(e.labels[key], p[key]) for e, p in zip(examples, predictions, strict=True) if key in e.labels]
        pairs = [(h, m) for h, m in pairs if m is not None]
        if len(pairs) < 2:
            continue
        found = agreement_for(key, [h for h, _ in pairs], [m for _, m in pairs], bootstrap)
        figures[key] = {
            "n": found.n, "qwk": round(found.qwk, 4), "exact": round(found.exact, 4),
            "within_one": round(found.within_one, 4),
            "qwk_low": None if found.qwk_low is None else round(found.qwk_low, 4),
            "qwk_high": None if found.qwk_high is None else round(found.qwk_high, 4),
        }  # fmt: skip
    return figures


@dataclass
class RetrainOutcome:
    version: ScorerVersion
    comparison: dict
    went_live: bool


def next_version_name(now: datetime.datetime) -> str:
    stem = f"{now:%Y.%m.%d}"
    taken = set(ScorerVersion.objects.filter(version__startswith=stem).values_list("version", flat=True))
    number = 1
    while f"{stem}-t{number}" in taken:
        number += 1
    return f"{stem}-t{number}"


def scorer_retrain(
    *,
    actor=None,
    devset: list[Example] | None = None,
    coach: list[Example] | None = None,
    now: datetime.datetime | None = None,
    log: Callable[[str], None] = lambda line: None,
) -> RetrainOutcome:
    now = now or timezone.now()
    shipped_version_ensure()
    devset = devset_examples() if devset is None else devset
    coach = coach_grade_examples() if coach is None else coach
    everything = devset + coach
    keys = list(dict.fromkeys([*CRITERIA, *(key for e in coach for key in e.labels)]))
    training = [e for e in everything if split_of(e.group) == "tuning"]
    held_coach = [e for e in coach if split_of(e.group) == "held-out"]
    held_devset = [e for e in devset if split_of(e.group) == "held-out"]
    judged_on, judge = (
        (f"{len(held_coach)} held-out coach grades", held_coach)
        if len(held_coach) >= MIN_HELDOUT_COACH_GRADES
        else (
            f"{len(held_devset)} held-out labelled answers (only {len(held_coach)} held-out coach grades)",
            held_devset,
        )
    )
    log(f"training on {len(training)} examples ({sum(1 for e in training if e.source == 'coach')} coach grades)")
    model = train(training, SituationalScorer, version=next_version_name(now), criteria=keys, now=now, log=log)
    candidate = SituationalScorer(model)
    live = LiveScorer().current()
    candidate_figures = heldout_figures(candidate, judge, keys)
    live_figures = heldout_figures(live, judge, keys)
    comparison = comparison_decide(
        {key: f["qwk"] for key, f in candidate_figures.items()}, {key: f["qwk"] for key, f in live_figures.items()}
    )
    comparison.update({"judged_on": judged_on, "live_version": live.model.version})
    model.metadata["heldout"] = candidate_figures
    model.metadata["judged_on"] = judged_on
    for line in comparison_lines(model.version, comparison):
        log(line)
    row = scorer_version_register(model=model, comparison=comparison, coach_grades_used=len(coach), actor=actor)
    return RetrainOutcome(version=row, comparison=comparison, went_live=row.is_live)


def comparison_lines(version: str, comparison: dict) -> list[str]:
    lines = [f"{version} against live {comparison.get('live_version')}, judged on {comparison.get('judged_on')}:"]
    lines.append(f"  {'criterion':<13} {'candidate':>9} {'live':>7}")
    for key, pair in comparison["criteria"].items():
        candidate = "-" if pair["candidate"] is None else f"{pair['candidate']:.3f}"
        live = "-" if pair["live"] is None else f"{pair['live']:.3f}"
        lines.append(f"  {key:<13} {candidate:>9} {live:>7}")
    lines.append(f"  mean          {comparison['mean_candidate']:>9.3f} {comparison['mean_live']:>7.3f}")
    verdict = "goes live" if comparison["goes_live"] else "kept back"
    worse = ", ".join(comparison["worse_on"])
    lines.append(f"  -> {verdict}" + (f" (worse on {worse})" if worse else ""))
    return lines


def retrain_due(now: datetime.datetime | None = None) -> bool:
    """Enough coach grades released since the live version was trained."""
    live = ScorerVersion.objects.filter(is_live=True).values_list("trained_at", flat=True).first()
    grades = Grade.objects.filter(outcome=Grade.Outcome.RELEASED)
    if live is not None:
        grades = grades.filter(released_at__gt=live)
    return grades.count() >= RETRAIN_AFTER_NEW_GRADES
