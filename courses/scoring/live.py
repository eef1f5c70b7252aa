"""The default scorer: the situational scorer with whichever model version is live.

The live version is read from the database on every score (one indexed row), so promoting or
rolling back takes effect in every web and worker process at once; each version's weights are
loaded once per process. With no version in the database, the version shipped in the repo is live.
"""

from __future__ import annotations

import threading
from functools import cache

from courses.scoring.base import ScoreResult, ScoringRequest
from courses.scoring.model_file import SHIPPED_MODEL, ScorerModel
from courses.scoring.situational import NAME, SituationalScorer

_lock = threading.Lock()
_loaded: dict[tuple, SituationalScorer] = {}


@cache
def shipped_model() -> ScorerModel:
    return ScorerModel.load(SHIPPED_MODEL)


def live_version() -> tuple[str, int | None, str]:
    """(version, database id or None for the shipped file, training-data fingerprint)."""
    from courses.models import ScorerVersion

    row = ScorerVersion.objects.filter(is_live=True).values_list("version", "id", "fingerprint").first()
    if row is None:
        model = shipped_model()
        return model.version, None, model.metadata.get("fingerprint", "")
    return row


def scorer_for(version: str, row_id: int | None, fingerprint: str = "") -> SituationalScorer:
    key = (version, row_id, fingerprint)  # a name alone could be reused by a deleted and remade row
    with _lock:
        found = _loaded.get(key)
    if found is not None:
        return found
    if row_id is None:
        model = shipped_model()
    else:
        from courses.models import ScorerVersion

        model = ScorerModel.from_dict(ScorerVersion.objects.values_list("model", flat=True).get(pk=row_id))
    scorer = SituationalScorer(model)
    with _lock:
        _loaded[key] = scorer
    return scorer


class LiveScorer:
    """Scores with the live model version; its `name` is that version."""

    @property
    def name(self) -> str:
        return f"{NAME}/{live_version()[0]}"

    def current(self) -> SituationalScorer:
        return scorer_for(*live_version())

    def score(self, request: ScoringRequest) -> ScoreResult:
        return self.current().score(request)


def warm_up() -> int:
    """Load the live scorer and embed every text of the scenarios cohorts run, once per process.

    A web worker otherwise pays for this (about a second) on its first answer; run in the
    background at start, it never reaches a hire. Returns how many texts were embedded.
    """
    from django.db import connection

    from courses.models import RubricVersion, Scenario
    from courses.scoring.integrity import scenario_texts
    from courses.services.scoring import scenario_context

    try:
        scorer = LiveScorer().current()
        texts: list[str] = []
        scenarios = (
            Scenario.objects.filter(curriculum__cohorts__isnull=False).distinct().prefetch_related("turns", "exemplars")
        )
        for scenario in scenarios:
            texts += scenario_texts(scenario_context(scenario))
        for version in RubricVersion.objects.filter(attempts__isnull=False).distinct().prefetch_related("criteria"):
            texts += [text for criterion in version.criteria.all() for text in criterion.level_descriptors or ()]
        for text in dict.fromkeys(texts):
            scorer.encoder.embed([text])
        return len(texts)
    finally:
        connection.close()  # this thread's own connection
