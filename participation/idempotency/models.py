"""One row per create sent with an idempotency key: who sent it, the key, a
fingerprint of what was sent, and the record it created."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class Submission(models.Model):
    # "user:<id>" or "guest:<key>" (live sessions take guests' opinions).
    owner = models.CharField(max_length=80)
    key = models.CharField(max_length=100)
    kind = models.CharField(max_length=40)
    fingerprint = models.CharField(max_length=64)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "key"], name="idempotency_one_result_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.kind} {self.key}"
