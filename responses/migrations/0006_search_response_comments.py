"""Comments on responses become searchable: install their triggers (and the index's
own, which now skip only the holder kind) and sync the index, which adds a document
for every comment neither hidden nor deleted and leaves every other row and id as
it was."""

from django.db import migrations


def install_and_sync(apps, schema_editor):
    from participation.search import index

    connection = schema_editor.connection
    if not index.supported(connection):
        return
    index.install(connection)
    index.sync(connection)


def remove_documents(apps, schema_editor):
    from participation.search import index
    from responses.search import RESPONSE_COMMENT

    connection = schema_editor.connection
    if not index.supported(connection):
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM search_document WHERE kind = %s", [RESPONSE_COMMENT]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("responses", "0005_drafts_and_answer_templates"),
        ("search", "0004_sync_created_at"),
    ]

    operations = [
        migrations.RunPython(install_and_sync, remove_documents, elidable=False),
    ]
