"""The deploy files probe the right endpoint: liveness never depends on the
database (/healthz), readiness does (/readyz)."""

from __future__ import annotations

from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _web_container() -> dict:
    for document in yaml.safe_load_all(
        (DEPLOY / "kubernetes/deployment.yaml").read_text()
    ):
        if document and document.get("kind") == "Deployment":
            return document["spec"]["template"]["spec"]["containers"][0]
    raise AssertionError("no Deployment in deployment.yaml")


def test_kubernetes_restarts_only_a_process_that_stopped_answering():
    container = _web_container()
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"


def test_the_image_reports_healthy_when_the_database_answers():
    healthcheck = [
        line
        for line in (DEPLOY / "Dockerfile").read_text().splitlines()
        if "CMD" in line
    ]
    assert any("/readyz" in line for line in healthcheck)
