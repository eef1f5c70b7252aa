import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
os.environ.setdefault("DATABASE_PREPARED", "true")  # pages run the same statements again and again

application = get_wsgi_application()


def _warm_scorer() -> None:
    from courses.scoring.live import warm_up

    try:
        warm_up()
    except Exception:  # a cold cache is slower, never wrong: the worker serves either way
        import logging

        logging.getLogger(__name__).exception("pre-scorer warm-up failed")


if os.environ.get("SCORER_WARM_UP", "1") == "1":
    # Each web worker embeds the running scenarios' texts in the background as it starts.
    threading.Thread(target=_warm_scorer, name="scorer-warm-up", daemon=True).start()
