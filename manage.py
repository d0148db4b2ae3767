#!/usr/bin/env python
import os
import secrets
import sys

# Commands that never sign or encrypt anything may run without a configured secret
# key (build steps, checks, migration checks): they get a throw-away one. Serving and
# every other command still require DJANGO_SECRET_KEY (or DJANGO_DEBUG=1).
KEYLESS_COMMANDS = {
    "check",
    "makemigrations",
    "showmigrations",
    "sqlmigrate",
    "makemessages",
    "compilemessages",
    "collectstatic",
    "spectacular",
}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "participation.settings")
    if len(sys.argv) > 1 and sys.argv[1] in KEYLESS_COMMANDS:
        os.environ.setdefault(
            "DJANGO_SECRET_KEY", "build-only-" + secrets.token_urlsafe(48)
        )
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
