"""Versions of the learned pre-scorer: register, decide whether a candidate goes live, roll back.

One write path per change, each atomic with its audit row (ScorerVersionEvent). Exactly one
version is live; a partial unique index keeps it so under concurrent promotions.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from courses.models import ScorerVersion, ScorerVersionEvent
from courses.scoring.live import shipped_model
from courses.scoring.model_file import ScorerModel

EPSILON = 1e-9


def _parse_time(value: str) -> datetime.datetime:
    found = datetime.datetime.fromisoformat(value)
    return found if found.tzinfo else found.replace(tzinfo=datetime.UTC)


def shipped_version_ensure(*, using: str = "default") -> ScorerVersion:
    """The shipped model's row, made live if no version is (so there is always one to roll back to)."""
    model = shipped_model()
    versions = ScorerVersion.objects.using(using)
    with transaction.atomic(using=using):
        row, created = versions.get_or_create(
            version=model.version,
            defaults={
                "source": ScorerVersion.Source.SHIPPED,
                "model": model.as_dict(),
                "fingerprint": model.metadata.get("fingerprint", ""),
                "trained_at": _parse_time(model.metadata["trained_at"]),
                "heldout": model.metadata.get("heldout", {}),
            },
        )
        if not versions.select_for_update().filter(is_live=True).exists():
            versions.filter(pk=row.pk).update(is_live=True)
            row.is_live = True
            if created:
                ScorerVersionEvent.objects.using(using).create(
                    version=row, kind=ScorerVersionEvent.Kind.PROMOTED, reason="The version shipped with the product."
                )
        return row


def comparison_decide(candidate: dict[str, float], live: dict[str, float]) -> dict:
    """Better on average and no worse on any criterion the live version estimates.

    A criterion only the candidate estimates (one an admin added) counts as an improvement.
    """
    shared = sorted(set(candidate) & set(live))
    worse = [key for key in shared if candidate[key] < live[key] - EPSILON]
    mean_candidate = sum(candidate[k] for k in shared) / len(shared) if shared else 0.0
    mean_live = sum(live[k] for k in shared) / len(shared) if shared else 0.0
    added = sorted(set(candidate) - set(live))
    better = mean_candidate > mean_live + EPSILON or (bool(added) and abs(mean_candidate - mean_live) <= EPSILON)
    return {
        "criteria": {
            key: {"candidate": candidate.get(key), "live": live.get(key)} for key in sorted(set(candidate) | set(live))
        },
        "mean_candidate": round(mean_candidate, 4),
        "mean_live": round(mean_live, 4),
        "worse_on": worse,
        "added": added,
        "goes_live": better and not worse,
    }


def scorer_version_register(
    *, model: ScorerModel, comparison: dict, coach_grades_used: int, actor=None
) -> ScorerVersion:
    """Store a trained version and, if its comparison says so, make it live: one transaction."""
    if ScorerVersion.objects.filter(version=model.version).exists():
        raise ValidationError(f"A scorer version named {model.version} already exists.", code="duplicate")
    with transaction.atomic():
        live = ScorerVersion.objects.select_for_update().filter(is_live=True).first()
        row = ScorerVersion.objects.create(
            version=model.version, source=ScorerVersion.Source.TRAINED, model=model.as_dict(),
            fingerprint=model.metadata.get("fingerprint", ""), trained_at=_parse_time(model.metadata["trained_at"]),
            heldout=model.metadata.get("heldout", {}), comparison=comparison, coach_grades_used=coach_grades_used,
        )  # fmt: skip
        ScorerVersionEvent.objects.create(version=row, kind=ScorerVersionEvent.Kind.TRAINED, actor=actor)
        summary = (
            f"mean QWK {comparison.get('mean_candidate')} against {comparison.get('mean_live')} "
            f"on {comparison.get('judged_on', 'held-out answers')}"
        )
        if comparison.get("goes_live"):
            _make_live(row, instead_of=live, kind=ScorerVersionEvent.Kind.PROMOTED, actor=actor, reason=summary)
        else:
            worse = ", ".join(comparison.get("worse_on") or []) or "none"
            ScorerVersionEvent.objects.create(version=row, kind=ScorerVersionEvent.Kind.KEPT_BACK, actor=actor,
                                              reason=f"{summary}; worse on: {worse}")  # fmt: skip
        return row


def scorer_version_activate(*, version: ScorerVersion, actor, reason: str) -> ScorerVersion:
    """Roll back (or forward) to a stored version. Needs a reason; repeating it changes nothing."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why this version should be live.", code="reason_required")
    with transaction.atomic():
        live = ScorerVersion.objects.select_for_update().filter(is_live=True).first()
        version = ScorerVersion.objects.select_for_update().get(pk=version.pk)
        if live is not None and live.pk == version.pk:
            return version
        _make_live(version, instead_of=live, kind=ScorerVersionEvent.Kind.ROLLED_BACK, actor=actor, reason=reason)
        return version


def _make_live(version: ScorerVersion, *, instead_of: ScorerVersion | None, kind: str, actor, reason: str) -> None:
    """Inside the caller's transaction, with the live row locked: one live version, and its audit row."""
    if instead_of is not None:
        ScorerVersion.objects.filter(pk=instead_of.pk).update(is_live=False)
    ScorerVersion.objects.filter(pk=version.pk).update(is_live=True)
    version.is_live = True
    ScorerVersionEvent.objects.create(version=version, kind=kind, actor=actor, reason=reason)
