"""The Content Security Policy, the production cookie and transport settings, and sign-in lockout on the API."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import TEST_PASSWORD

PROJECT = Path(__file__).resolve().parents[2]


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "media-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


@pytest.mark.django_db
def test_every_kind_of_page_carries_the_strict_policy(world):
    pages = [
        ("anonymous", reverse("login")),
        ("hire", reverse("courses:my_training")),
        ("hire", f"/training/roleplays/{world.scenario.slug}/attempts/1/result/"),
        ("coach", reverse("coaching:grade", args=[world.attempt.pk])),
        ("coach", reverse("coaching:call_review", args=[world.call_review.pk])),
        ("admin", reverse("cohorts:list")),
        ("admin", reverse("admin:index")),
        ("hire", "/api/v1/me/"),
        ("anonymous", reverse("checkpoint:certificate", args=[world.certificate.code])),
        ("anonymous", "/no-such-page/"),
    ]
    for role, url in pages:
        response = world.client(role).get(url)
        assert response.status_code in (200, 404), url
        assert policy(response) == STRICT, url


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_only_the_api_documentation_pages_may_run_their_inline_start_up_code(client, url):
    directives = policy(client.get(url))
    assert directives["script-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["worker-src"] == ["'self'", "blob:"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]


# Emails are not web pages: mail clients need inline styles, and no CSP applies to them.
EMAIL_TEMPLATES = re.compile(r"(email|digest)[^/]*\.html$")
INLINE = {
    "an inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "a <style> element": re.compile(r"<style\b", re.I),
    "a style= attribute": re.compile(r"\sstyle\s*=", re.I),
    "an event handler attribute": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I),
    "a javascript: URL": re.compile(r"javascript:", re.I),
}


def test_no_template_relies_on_what_the_policy_blocks():
    """Inline scripts, styles and handlers would be blocked by the policy: keep them in static files."""
    offenders = []
    template_dirs = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    template_dirs += [p for p in PROJECT.glob("*/templates") if (p.parent / "apps.py").exists()]
    for folder in template_dirs:
        for template in folder.rglob("*.html"):
            if EMAIL_TEMPLATES.search(template.name):
                continue
            text = template.read_text()
            offenders += [f"{template.relative_to(PROJECT)}: {what}" for what, rx in INLINE.items() if rx.search(text)]
    assert not offenders, offenders


def _production_settings(**env: str) -> dict:
    environment = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR", "DATABASE_URL"}}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="x7!kq2@pw9#mz4$rt8^vb1&nc6*yh3(ld5)fg0_sj-eu+oa=wi~tk",
        ALLOWED_HOSTS="academy.example.com",
        **env,
    )
    names = [
        "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SAMESITE", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER", "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS", "DEBUG", "MIDDLEWARE",
    ]  # fmt: skip
    code = (
        f"import json; from django.conf import settings as s; print(json.dumps({{n: getattr(s, n) for n in {names}}}))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_and_transport_are_locked_down():
    values = _production_settings()
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax" and values["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] and values["X_FRAME_OPTIONS"] == "DENY" and not values["DEBUG"]
    assert "csp.middleware.CSPMiddleware" in values["MIDDLEWARE"]


def test_the_https_redirect_and_hsts_can_be_configured_for_a_proxy_that_does_it_already():
    values = _production_settings(SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="3600")
    assert values["SECURE_SSL_REDIRECT"] is False and values["SECURE_HSTS_SECONDS"] == 3600


@pytest.mark.django_db
def test_repeated_failures_lock_the_api_token_endpoint_too(client, hire):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert client.post("/api/v1/auth/token/", {"username": hire.email, "password": "wrong"}).status_code == 400
    locked = client.post("/api/v1/auth/token/", {"username": hire.email, "password": TEST_PASSWORD})
    assert locked.status_code in (400, 403, 429) and "token" not in locked.json()
    # Another address is not locked: the lockout is for this email from this address.
    elsewhere = client.post(
        "/api/v1/auth/token/", {"username": hire.email, "password": TEST_PASSWORD}, REMOTE_ADDR="10.1.2.3"
    )
    assert elsewhere.status_code == 200 and elsewhere.json()["token"]
