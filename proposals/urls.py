from django.urls import path

from proposals import views

app_name = "proposals"

urlpatterns = [
    path("processes/<slug:slug>/proposals/", views.proposal_list, name="list"),
    path("processes/<slug:slug>/proposals/new/", views.proposal_create, name="create"),
    path(
        "processes/<slug:slug>/proposals/map.json",
        views.proposal_map_points,
        name="map_points",
    ),
    path(
        "processes/<slug:slug>/proposals/similar/",
        views.proposal_similar,
        name="similar",
    ),
    path("proposals/preview/", views.proposal_preview, name="preview"),
    path("proposals/<int:pk>/", views.proposal_detail, name="detail"),
    path(
        "proposals/<int:pk>/photos/<int:image_pk>/",
        views.proposal_image,
        name="image",
    ),
    path(
        "proposals/<int:pk>/photos/<int:image_pk>/small/",
        views.proposal_image_small,
        name="image_small",
    ),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="edit"),
    path("proposals/<int:pk>/withdraw/", views.proposal_withdraw, name="withdraw"),
    path("proposals/<int:pk>/support/", views.proposal_support, name="support"),
    path("proposals/<int:pk>/follow/", views.proposal_follow, name="follow"),
    path("proposals/<int:pk>/comments/", views.comment_create, name="comment_create"),
    path(
        "proposals/<int:pk>/comments/page/",
        views.comment_page,
        name="comment_page",
    ),
    path("comments/<int:pk>/replies/", views.comment_replies, name="comment_replies"),
    path(
        "comments/<int:pk>/replies/fragment/",
        views.comment_replies_fragment,
        name="comment_replies_fragment",
    ),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/vote/", views.comment_vote, name="comment_vote"),
    path(
        "live/fragments/comments/<int:comment_id>/",
        views.comment_fragment,
        name="comment_fragment",
    ),
]
