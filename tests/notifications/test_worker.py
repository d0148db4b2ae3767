"""The worker process: `manage.py worker`, the sweep of a dead worker's
deliveries, the admin's retry, and the worker in every deployment."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from participation.notifications import services, tasks
from participation.notifications.models import Delivery, SendStatus
from tests import factories

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _answer(user):
    services.notify(
        recipient_ids={user.pk: "author"},
        kind="response.published",
        url="/proposals/7/",
        data={"title": "t", "department": "d"},
    )


@pytest.mark.django_db(transaction=True)
def test_worker_command_sends_what_is_queued(smtp):
    user = factories.UserFactory()
    _answer(user)
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert [r.recipients for r in smtp.received] == [[user.email]]


@pytest.mark.django_db(transaction=True)
def test_sweep_puts_back_what_a_dead_worker_left(smtp, run_worker):
    user = factories.UserFactory()
    _answer(user)
    DBTaskResult.objects.all().delete()  # the worker died with its task
    Delivery.objects.update(
        status=SendStatus.SENDING,
        claim="lost",
        claimed_at=timezone.now() - timedelta(minutes=20),
    )
    assert tasks.sweep_job(timezone.now()) == 1
    run_worker()
    assert len(smtp.received) == 1
    assert Delivery.objects.get().status == SendStatus.SENT


@pytest.mark.django_db
def test_sweep_leaves_fresh_deliveries_alone():
    user = factories.UserFactory()
    _answer(user)
    assert tasks.sweep_job(timezone.now()) == 0


@pytest.mark.django_db
def test_retry_gives_a_dead_delivery_a_new_round(
    django_capture_on_commit_callbacks,
):
    user = factories.UserFactory()
    _answer(user)
    Delivery.objects.update(status=SendStatus.DEAD, attempts=6)
    queued = DBTaskResult.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            services.deliveries_retry(
                delivery_ids=Delivery.objects.values_list("pk", flat=True)
            )
            == 1
        )
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (SendStatus.PENDING, 0)
    assert DBTaskResult.objects.count() == queued + 1


@pytest.mark.django_db
def test_admin_lists_deliveries_by_status(client, admin_user):
    _answer(factories.UserFactory())
    client.force_login(admin_user)
    url = reverse("admin:notifications_delivery_changelist")
    response = client.get(url + "?status__exact=pending")
    assert response.status_code == 200
    assert "response.published" in response.content.decode()


def test_compose_runs_a_worker():
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text("utf-8"))
    assert compose["services"]["worker"]["command"][:3] == [
        "python",
        "manage.py",
        "worker",
    ]


def test_kubernetes_deploys_the_worker():
    kustomization = yaml.safe_load(
        (DEPLOY / "kubernetes" / "kustomization.yaml").read_text("utf-8")
    )
    assert "worker-deployment.yaml" in kustomization["resources"]
    worker = yaml.safe_load(
        (DEPLOY / "kubernetes" / "worker-deployment.yaml").read_text("utf-8")
    )
    container = worker["spec"]["template"]["spec"]["containers"][0]
    assert container["command"][:3] == ["python", "manage.py", "worker"]


def test_systemd_target_starts_the_worker():
    target = (DEPLOY / "systemd" / "participation.target").read_text("utf-8")
    assert "participation-worker.service" in target
    unit = (DEPLOY / "systemd" / "participation-worker.service").read_text("utf-8")
    assert "manage.py worker" in unit


def test_make_run_starts_the_worker_beside_the_server():
    makefile = (DEPLOY.parent / "Makefile").read_text("utf-8")
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "manage.py worker" in run and "participation.server" in run
    assert "console" in run
