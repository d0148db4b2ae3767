from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
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
                (
                    "kind",
                    models.PositiveSmallIntegerField(
                        choices=[(1, "Proposal"), (2, "Response"), (3, "Comment")]
                    ),
                ),
                ("object_id", models.BigIntegerField()),
                ("proposal_id", models.BigIntegerField(db_index=True)),
                ("process_id", models.BigIntegerField(null=True)),
                ("state", models.CharField(blank=True, default="", max_length=20)),
                ("proposal_hidden", models.BooleanField(default=False)),
                ("content", models.TextField()),
                ("created_at", models.DateTimeField()),
                ("response_id", models.BigIntegerField(null=True)),
            ],
            options={
                "verbose_name": "search document",
                "verbose_name_plural": "search documents",
                "db_table": "search_document",
                "indexes": [
                    models.Index(
                        fields=[
                            "kind",
                            "-created_at",
                            "proposal_hidden",
                            "process_id",
                            "state",
                        ],
                        name="search_doc_kind_idx",
                    ),
                    models.Index(
                        fields=[
                            "-created_at",
                            "kind",
                            "proposal_hidden",
                            "process_id",
                            "state",
                        ],
                        name="search_doc_created_idx",
                    ),
                    models.Index(
                        fields=["process_id", "kind", "-created_at"],
                        name="search_doc_process_idx",
                    ),
                    models.Index(fields=["state"], name="search_doc_state_idx"),
                    models.Index(
                        fields=["response_id"], name="search_doc_response_idx"
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "object_id"),
                        name="search_document_one_per_object",
                    )
                ],
            },
        ),
    ]
