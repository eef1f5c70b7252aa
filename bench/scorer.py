"""The pre-scorer on one core: latency per answer, answers per second, load time, memory, install size.

Every labelled answer is scored once in its whole situation (the customer turn, the scenario,
the other scenarios, the rubric), as the app scores it. The scenarios' own texts are embedded
in a warm-up pass, as they are after a worker's first few answers; each answer's own embedding
is forgotten after it is scored, so every measured answer pays for its encoder run.

    DJANGO_SETTINGS_MODULE=config.settings.test python -m bench.scorer
"""

import glob
import os
import re
import statistics
import time
from importlib import metadata
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
# The packages the learned pre-scorer brings in (requirements.txt); their own dependencies count too.
SCORER_PACKAGES = ("numpy", "onnxruntime", "tokenizers", "py3langid")


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _name(requirement: str) -> str:
    return re.split(r"[\s;<>=!~\[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _closure(names) -> set[str]:
    seen, todo = set(), [n.lower().replace("_", "-") for n in names]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen.add(name)
        for requirement in distribution.requires or []:
            if "extra ==" not in requirement:
                todo.append(_name(requirement))
    return seen


def install_size_mib() -> dict:
    """Bytes on disk of the scorer's packages and of the dependencies nothing else in requirements.txt needs."""
    lines = (PROJECT / "requirements.txt").read_text().splitlines()
    wanted = [_name(line) for line in lines if line.strip() and not line.lstrip().startswith("#")]
    scorer = {name.lower() for name in SCORER_PACKAGES}
    others = _closure([name for name in wanted if name not in scorer])
    added = sorted(_closure(scorer) - others)
    total = 0
    for name in added:
        for file in metadata.distribution(name).files or []:
            path = Path(file.locate())
            if path.is_file():
                total += path.stat().st_size
    model_files = sum(path.stat().st_size for path in (PROJECT / "courses" / "scoring" / "model").iterdir())
    return {"packages": added, "mib": round(total / 2**20, 1), "model_files_mib": round(model_files / 2**20, 1)}


def measure(seconds: float = 3.0) -> dict:
    """Needs Django settings configured. `seconds` bounds the throughput loop after the latency pass."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, as promised
    from courses.scoring.catalogue import load_catalogue
    from courses.scoring.evaluation import DEVSET_DIR, load_devset

    before = _rss_mib()
    started = time.perf_counter()
    from courses.scoring.embedding import shared_encoder
    from courses.scoring.live import shipped_model
    from courses.scoring.situational import SituationalScorer

    scorer = SituationalScorer(shipped_model(), encoder=shared_encoder())
    load_seconds = time.perf_counter() - started
    loaded = _rss_mib()

    catalogue = load_catalogue()
    rows = [row for path in sorted(glob.glob(str(DEVSET_DIR / "*.jsonl"))) for row in load_devset(path)]
    requests = [catalogue.request(row.scenario, row.turn, row.customer, row.answer) for row in rows]
    encoder = scorer.encoder

    def score_fresh(request):
        encoder.forget(request.answer)
        began = time.perf_counter()
        scorer.score(request)
        return time.perf_counter() - began

    for request in requests:  # warm-up: the scenarios' texts and the code paths
        score_fresh(request)
    latencies = [score_fresh(request) for request in requests]
    scored, began = 0, time.perf_counter()
    while time.perf_counter() - began < seconds:
        for request in requests:
            score_fresh(request)
        scored += len(requests)
    elapsed = time.perf_counter() - began
    latencies_ms = sorted(1000 * value for value in latencies)
    return {
        "answers": len(latencies_ms),
        "p50_ms": round(statistics.median(latencies_ms), 2),
        "p95_ms": round(latencies_ms[int(0.95 * len(latencies_ms))], 2),
        "max_ms": round(latencies_ms[-1], 2),
        "answers_per_second": round(scored / elapsed, 1),
        "load_seconds": round(load_seconds, 2),
        "memory_mib": round(loaded - before, 1),
        "memory_after_scoring_mib": round(_rss_mib() - before, 1),
        "model_version": scorer.model.version,
        "install": install_size_mib(),
    }


if __name__ == "__main__":
    import json

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    print(json.dumps(measure(), indent=2))
