"""The triggers now follow a source's ``created_at`` (a backdated or imported row's
document kept the moment it was first indexed, so "newest first" put it in the wrong
place). Installing replaces the changed triggers; the sync then corrects the
documents that differ from their sources, in place (ids kept)."""

from django.db import migrations


def sync(apps, schema_editor):
    from participation.search import index

    connection = schema_editor.connection
    if not index.supported(connection):
        return
    index.install(connection)
    index.sync(connection)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_folded")]

    operations = [
        migrations.RunPython(sync, migrations.RunPython.noop, elidable=False),
    ]
