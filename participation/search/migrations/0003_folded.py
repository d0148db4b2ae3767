"""The folded text (search/fold.py): documents are matched by it, not by their
content. The index machinery is taken down before the columns are added (SQLite
remakes the table, and its triggers name it), then put back and every existing
document folded again in place (ids kept)."""

from django.db import migrations, models


def take_down(apps, schema_editor):
    from participation.search import index

    if index.supported(schema_editor.connection):
        index.uninstall(schema_editor.connection)


def put_back(apps, schema_editor):
    from participation.search import index

    connection = schema_editor.connection
    if not index.supported(connection):
        return
    index.install(connection)
    index.reindex(connection)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_index_machinery")]

    operations = [
        migrations.RunPython(take_down, migrations.RunPython.noop, elidable=False),
        migrations.AddField(
            model_name="searchdocument",
            name="folded",
            field=models.TextField(db_default="", editable=False),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="pending",
            field=models.BooleanField(db_default=False, editable=False),
        ),
        migrations.RunPython(put_back, take_down, elidable=False),
    ]
