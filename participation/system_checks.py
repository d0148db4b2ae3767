"""The project's own system checks (``manage.py check``).

``participation.E001`` (with ``--deploy``): the secret key is a placeholder of the
example files, or too short or too plain to sign anything (participation/secret_key.py).
The settings already refuse such a key at start-up unless ``DJANGO_DEBUG`` is on;
the check also says so when the key reached the settings another way.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from participation.secret_key import refusal_message, secret_key_problem


@register(Tags.security, deploy=True)
def check_secret_key(app_configs: Any, **kwargs: Any) -> list[Error]:
    problem = secret_key_problem(str(getattr(settings, "SECRET_KEY", "") or ""))
    if problem is None:
        return []
    return [Error(refusal_message(problem), id="participation.E001")]
