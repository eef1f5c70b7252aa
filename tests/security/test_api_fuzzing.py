"""Fuzz every API operation of the OpenAPI schema (drf-spectacular, /api/schema/) with Schemathesis.

The schema is loaded from the site itself, in process (WSGI), so requests run against the test
database with the world of tests/security/conftest.py in it. Each operation gets generated
requests, valid and invalid, with path parameters that either name the first hire's real
objects (so requests reach the code behind the lookups) or are generated like everything else;
each request is sent with the token of a hire, a coach and an admin. Every response must be
free of server errors (5xx) and match what the schema documents for that status.

Bounded for CI: a fixed number of examples per operation and mode, derandomized (the same
cases every run), no shrinking, no example database.
"""

import re

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.urls import resolve
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from accounts import services as account_services
from tests.security.test_access_matrix import OBJECTS, ROUTES

pytestmark = pytest.mark.django_db

EXAMPLES_PER_MODE = 6
FUZZ_ROLES = ("hire", "coach", "admin")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Operations not fuzzed: obtaining a token runs the sign-in lockout (django-axes), which has its own tests.
NOT_FUZZED = {("POST", "/api/v1/auth/token/")}


def real_path_parameters(path: str, world) -> dict:
    """The schema's path parameters filled with the first hire's objects, as the access matrix fills them."""
    names = PLACEHOLDER.findall(path)
    if not names:
        return {}
    match = resolve(PLACEHOLDER.sub("1", path))
    args = ROUTES[match.url_name].args or {}
    values = []
    for parameter in match.route and re.findall(r"<(?:\w+:)?(\w+)>", match.route):
        value = OBJECTS[args.get(parameter, parameter)](world)
        values.append(value[parameter] if isinstance(value, dict) else value)
    return dict(zip(names, values, strict=True))


def describe(case, role: str, error: BaseException) -> str:
    """One failure in a few lines: the operation, what failed and where in the schema, how to reproduce."""
    text = str(error)
    details = [line.strip() for line in text.splitlines() if line.strip().startswith(("- ", "Schema at", "["))]
    details += [line.strip() for line in text.splitlines() if " is not " in line or "is a required" in line][:4]
    return (
        f"{case.operation.label} as {role}: {' | '.join(details) or text[:300]}\n"
        f"    reproduce: {case.as_curl_command()}"
    )


def fuzz_operation(operation, world, tokens: dict[str, str]) -> list[str]:
    """Run the bounded fuzz for one operation; the failures, one line each."""
    real = real_path_parameters(operation.path, world)
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        strategies.append(operation.as_strategy(generation_mode=mode))
        if real:
            strategies.append(operation.as_strategy(generation_mode=mode, path_parameters=real))
    failures: list[str] = []

    @settings(
        max_examples=EXAMPLES_PER_MODE * len(strategies),
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(strategies))
    def run(case):
        for role in FUZZ_ROLES:
            # Each request in its own savepoint: a failed write must not poison the next one.
            with transaction.atomic():
                try:
                    case.call_and_validate(
                        headers={"Authorization": f"Token {tokens[role]}"},
                        checks=[not_a_server_error, response_schema_conformance],
                    )
                except (Exception, FailureGroup) as error:  # a failed check: keep it, go on with the others
                    failures.append(describe(case, role, error))
                transaction.set_rollback(True)

    run()
    return failures


@pytest.fixture
def connection_kept_across_requests():
    """As Django's test client does: the WSGI handler must not close the database connection
    at the end of each request, or the test's transaction (and its data) would go with it."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_api_answers_every_generated_request_without_server_errors_or_schema_violations(
    world, connection_kept_across_requests
):
    tokens = {role: account_services.api_token_create(user=world.user(role))[1] for role in FUZZ_ROLES}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    failures, fuzzed = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in NOT_FUZZED:
            continue
        fuzzed += 1
        failures += fuzz_operation(operation, world, tokens)
    assert fuzzed >= 50, f"only {fuzzed} API operations found in the schema"
    distinct = {failure.split("\n")[0]: failure for failure in failures}  # one example per kind of failure
    assert not failures, f"{len(failures)} failures, {len(distinct)} distinct:\n" + "\n".join(distinct.values())


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/v1/coaching/queue/" in target.read_text()
