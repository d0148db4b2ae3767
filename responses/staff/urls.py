"""The officials' pages, in the ``responses`` namespace (added by responses/urls.py)."""

from django.urls import path

from responses.staff import views

urlpatterns = [
    path("staff/queue/", views.queue, name="queue"),
    path("staff/queue/<int:pk>/take/", views.queue_take, name="queue_take"),
    path("staff/departments/routing/", views.routing, name="routing"),
    path(
        "staff/departments/routing/<int:pk>/edit/",
        views.routing_edit,
        name="routing_edit",
    ),
    path(
        "staff/departments/routing/<int:pk>/delete/",
        views.routing_delete,
        name="routing_delete",
    ),
    path("proposals/<int:pk>/tracker/notes/", views.note_create, name="note_create"),
]
