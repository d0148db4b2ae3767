from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# The index module reads no model, so this app's config may import it.
from participation.search import index


def _ensure_index(sender, using="default", **kwargs) -> None:  # type: ignore[no-untyped-def]
    """After every ``migrate``: put back any trigger a table remake dropped (SQLite
    drops a table's triggers when Django rebuilds it) and, if one was missing,
    rebuild the index so no change is lost."""
    connection = connections[using]
    if "search_document" not in connection.introspection.table_names():
        return
    index.ensure(connection)


class Config(AppConfig):
    name = "participation.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        post_migrate.connect(_ensure_index, sender=self, dispatch_uid="search.ensure")
