from django.apps import AppConfig
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _

# The index module reads no model, so this app's config may import it.
from participation.search import index


def _ensure_index(sender, using="default", **kwargs) -> None:  # type: ignore[no-untyped-def]
    """After every ``migrate``: put back any trigger a table remake dropped (SQLite
    drops a table's triggers when Django rebuilds it) and, if one was missing,
    rebuild the index so no change is lost; then fold what is pending."""
    connection = connections[using]
    if "search_document" not in connection.introspection.table_names():
        return
    index.ensure(connection)
    index.refresh(connection, limit=None)


def _register_functions(sender, connection, **kwargs) -> None:  # type: ignore[no-untyped-def]
    index.register_functions(connection)


def _source_saved(sender, using="default", **kwargs) -> None:  # type: ignore[no-untyped-def]
    """A source row written through the ORM: on PostgreSQL, give its document the
    dictionary forms after the commit (the trigger already folded it in SQL)."""
    if sender._meta.db_table in index.source_tables():
        index.queue_refresh(using)


class Config(AppConfig):
    name = "participation.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        post_migrate.connect(_ensure_index, sender=self, dispatch_uid="search.ensure")
        connection_created.connect(_register_functions, dispatch_uid="search.fold")
        post_save.connect(_source_saved, dispatch_uid="search.refresh")
