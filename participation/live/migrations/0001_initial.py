"""The event log, moved from the ``live`` app (now meetings) to the transport.

Databases created before the move already have the table ``live_liveevent`` (made by
``live.0001_initial``); this migration then only records the model in the
transport's state. New databases get the table here.
"""

import django.utils.timezone
from django.db import migrations, models


def create_table_unless_present(apps, schema_editor):
    model = apps.get_model("live_transport", "LiveEvent")
    existing = schema_editor.connection.introspection.table_names()
    if model._meta.db_table not in existing:
        schema_editor.create_model(model)


def drop_table(apps, schema_editor):
    schema_editor.delete_model(apps.get_model("live_transport", "LiveEvent"))


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="LiveEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("group", models.CharField(max_length=100)),
                        ("type", models.CharField(max_length=80)),
                        ("payload", models.JSONField(blank=True, default=dict)),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now),
                        ),
                    ],
                    options={
                        "db_table": "live_liveevent",
                        "verbose_name": "live event",
                        "verbose_name_plural": "live events",
                        "indexes": [
                            models.Index(
                                fields=["group", "id"], name="liveevent_group_id"
                            ),
                            models.Index(
                                fields=["created_at"], name="liveevent_created"
                            ),
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(create_table_unless_present, drop_table),
    ]
