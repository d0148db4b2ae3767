from django.urls import path, register_converter

from participation.moderation import views


class ContentKindConverter:
    """A word of ``registry`` (``proposal``, ``comment`` …); views answer 404 for a
    word nobody registered."""

    regex = "[a-z][a-z_]*"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ContentKindConverter, "content_kind")

app_name = "moderation"

urlpatterns = [
    path("moderation/", views.site_queue, name="site_queue"),
    path("staff/facilitation/", views.desk, name="desk"),
    path(
        "processes/<slug:slug>/moderation/", views.process_queue, name="process_queue"
    ),
    path("processes/<slug:slug>/moderation-log/", views.public_log, name="log"),
    path(
        "moderation/<content_kind:kind>/<int:pk>/report/", views.report, name="report"
    ),
    path("moderation/<content_kind:kind>/<int:pk>/hide/", views.hide, name="hide"),
    path(
        "moderation/<content_kind:kind>/<int:pk>/unhide/", views.unhide, name="unhide"
    ),
    path(
        "moderation/<content_kind:kind>/<int:pk>/dismiss/",
        views.dismiss,
        name="dismiss",
    ),
    path(
        "moderation/<content_kind:kind>/<int:pk>/block-author/",
        views.block_author,
        name="block_author",
    ),
    path(
        "moderation/<content_kind:kind>/<int:pk>/note/", views.note_pin, name="note_pin"
    ),
    path("moderation/notes/<int:pk>/remove/", views.note_remove, name="note_remove"),
    path(
        "moderation/proposal/<int:pk>/close-comments/",
        views.close_comments,
        name="close_comments",
    ),
    path(
        "moderation/proposal/<int:pk>/reopen-comments/",
        views.reopen_comments,
        name="reopen_comments",
    ),
    path("moderation/blocks/<int:pk>/lift/", views.block_lift, name="block_lift"),
]
