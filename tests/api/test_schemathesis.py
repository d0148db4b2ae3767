"""Property-based run of schemathesis against the served OpenAPI description.

Bounded (a few examples per operation) so that it fits the CI budget: every GET
operation, with generated paths, query strings and headers, must answer without a
server error and with a status, content type and body the description allows.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from django.core.wsgi import get_wsgi_application  # noqa: E402
from hypothesis import HealthCheck  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

from tests import factories  # noqa: E402

pytestmark = [pytest.mark.api_fuzz, pytest.mark.django_db]


@pytest.fixture
def wsgi_app():
    """The real WSGI handler, minus the per-request connection clean-up that would
    close the test's transaction (as Django's test client does too)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, wsgi_app, process, proposal, department, settings):
    # Hundreds of generated requests from one address: the request-rate limit
    # (tested in test_throttling.py) would otherwise answer them with 429.
    settings.API_RATE_ANON = settings.API_RATE_USER = ""
    factories.CommentFactory(proposal=proposal)
    factories.CategoryFactory()
    factories.AreaFactory()
    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", wsgi_app)


schema = schemathesis.pytest.from_fixture("api_schema").include(method="GET")


@schema.parametrize()
@hypothesis_settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_get_operations_conform_to_the_schema(case):
    excluded = []
    if (case.query or {}).get("cursor") not in (None, ""):
        # A cursor is an opaque, signed token: a random string is well-formed for
        # the description yet rightly refused with 400.
        excluded.append(positive_data_acceptance)
    response = case.call()
    if _refused_search_words(case, response):
        excluded.append(positive_data_acceptance)
    case.validate_response(response, excluded_checks=excluded)


# What a JSON Schema cannot say of a search query: how many words it has once
# punctuation-only words are dropped (portal.search.selectors.parse_terms). These
# refusals are documented 400s with their own codes; anything else must pass.
SEARCH_WORD_REFUSALS = {"too_many_terms", "empty_query"}


def _refused_search_words(case, response) -> bool:
    if case.operation.path != "/api/v1/search/" or response.status_code != 400:
        return False
    try:
        code = response.json().get("code")
    except ValueError:
        return False
    return code in SEARCH_WORD_REFUSALS


@pytest.fixture
def api_schema_as_resident(api_schema, resident2):
    from participation.api import services

    token = services.token_create(user=resident2, name="fuzz", scopes=["participate"])
    api_schema.config.headers = {"Authorization": f"Bearer {token.raw}"}
    return api_schema


writes = schemathesis.pytest.from_fixture("api_schema_as_resident").include(
    method=["POST", "PATCH", "DELETE"]
)


@writes.parametrize()
@hypothesis_settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_write_operations_never_fail_with_a_server_error(case):
    # Generated content rightly breaks domain rules (too short, wrong phase, not
    # an official): what must hold is no 5xx and answers the description allows.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
