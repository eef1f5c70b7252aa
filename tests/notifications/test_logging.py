"""The log shows problems, not noise: a refused request is one line, each record is printed once."""

import logging

import pytest
from django.conf import settings


@pytest.mark.django_db
def test_a_403_is_one_warning_line_without_a_traceback(hire_client, caplog):
    with caplog.at_level(logging.INFO):
        response = hire_client.get("/coaching/queue/")  # a hire is not a coach
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name.startswith("django")]
    assert [(r.levelname, r.getMessage()) for r in records] == [
        ("WARNING", "Forbidden (Permission denied): /coaching/queue/")
    ]
    assert records[0].exc_info is None and records[0].exc_text is None


@pytest.mark.django_db
def test_a_server_error_keeps_its_traceback(client, caplog, settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    client.raise_request_exception = False
    from django.urls import path

    def broken(request):
        raise RuntimeError("a real bug")

    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [path("broken/", broken)]})
    with caplog.at_level(logging.INFO):
        assert client.get("/broken/").status_code == 500
    errors = [r for r in caplog.records if r.name == "django.request"]
    assert len(errors) == 1 and errors[0].exc_info is not None


def test_django_records_are_printed_once_whatever_debug_says():
    """Django's own default console handler (on under DEBUG) would print each record a second time."""
    for name in ("django", "django.request"):
        logger = logging.getLogger(name)
        assert logger.handlers == [] and logger.propagate, name
    assert settings.LOGGING["loggers"]["django"]["handlers"] == []
