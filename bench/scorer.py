"""How many role-play answers the configured pre-scorer scores per second, on one core.

The shipped dev set's answers are scored over and over, in one thread, for about the
given time. Pre-scores are computed while a hire waits, so this is the figure to watch.

    DJANGO_SETTINGS_MODULE=config.settings.test python -m bench.scorer
"""

import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
DEVSET = PROJECT / "courses" / "data" / "devset" / "roleplay_answers.jsonl"


def measure(seconds: float = 3.0) -> dict:
    """Score the dev set's answers repeatedly for about `seconds`; needs Django settings configured."""
    from courses.scoring import get_scorer
    from courses.scoring.evaluation import load_devset

    scorer = get_scorer()
    pairs = [(row.customer, row.answer) for row in load_devset(DEVSET)]
    scored = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for customer, answer in pairs:
            scorer.score(customer_message=customer, answer=answer)
        scored += len(pairs)
        if time.perf_counter() >= deadline:
            break
    elapsed = time.perf_counter() - start
    return {"answers": scored, "seconds": round(elapsed, 3), "answers_per_second": round(scored / elapsed, 1)}


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    print(measure())
