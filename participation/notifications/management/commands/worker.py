"""``manage.py worker``: the background worker. It runs the queued tasks (the
database backend's ``db_worker``, with all of its options) and, in a thread
beside them, the periodic jobs (``notifications.periodic``: digests, reminders
registered by the apps). Run one or several per site; on PostgreSQL they share
the queue (SKIP LOCKED) and each periodic job runs once per slot whichever
worker claims it. ``--no-periodic`` leaves the periodic jobs to other workers.
"""

from __future__ import annotations

import os
import threading
from argparse import ArgumentParser
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DBWorker

from participation.notifications import periodic


class Command(DBWorker):
    help = "Run the background worker: queued tasks and periodic jobs."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-periodic",
            action="store_false",
            dest="periodic",
            help="Do not run the periodic jobs in this worker.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run_periodic = options.pop("periodic", True) and not options.get("batch")
        # Under the autoreloader the parent process only restarts the child.
        if options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            run_periodic = False
        stop = threading.Event()
        if run_periodic:
            threading.Thread(
                target=periodic.loop, args=(stop,), name="periodic", daemon=True
            ).start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
