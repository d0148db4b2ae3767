"""Full-text machinery around search_document, per database (see search/index.py):
SQLite FTS5 tables and triggers; PostgreSQL pg_trgm extension, n-gram column, GIN
indexes and triggers. Other databases get no index (search falls back to a scan)."""

from django.db import migrations


def forwards(apps, schema_editor):
    # The machinery now reads the folded column, which 0003 adds: 0003 installs it
    # (on a database that already ran this migration, it is replaced there).
    return


def backwards(apps, schema_editor):
    from participation.search import index

    if index.supported(schema_editor.connection):
        index.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("proposals", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
