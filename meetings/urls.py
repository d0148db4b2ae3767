from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("live/", views.session_list, name="list"),
    path("live/new/", views.session_create, name="create"),
    path("live/<int:pk>/", views.session_detail, name="session"),
    path("live/<int:pk>/projector/", views.session_projector, name="projector"),
    path("live/<int:pk>/facilitate/", views.session_facilitate, name="facilitate"),
    path("live/<int:pk>/edit/", views.session_edit, name="edit"),
    path("live/<int:pk>/status/<str:action>/", views.session_status, name="status"),
    path("live/<int:pk>/opinions/", views.opinion_create, name="opinion_create"),
    path("live/<int:pk>/guest/", views.guest_join, name="guest_join"),
    path("live/<int:pk>/guest/leave/", views.guest_leave, name="guest_leave"),
    path(
        "live/<int:pk>/opinions/<int:opinion_id>/draft/",
        views.opinion_draft,
        name="opinion_draft",
    ),
    path(
        "live/<int:pk>/opinions/<int:opinion_id>/<str:action>/",
        views.opinion_action,
        name="opinion_action",
    ),
    path("live/<int:pk>/themes/", views.theme_create, name="theme_create"),
    path(
        "live/<int:pk>/themes/<int:theme_id>/delete/",
        views.theme_delete,
        name="theme_delete",
    ),
    path("live/drafts/<int:draft_id>/", views.draft_review, name="draft"),
]
