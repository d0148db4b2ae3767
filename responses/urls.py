from django.urls import path

from responses import feeds, views
from responses.staff import urls as staff_urls

app_name = "responses"

urlpatterns = [
    path("tracker/", views.tracker, name="tracker"),
    path("tracker/export.csv", views.tracker_csv, name="csv"),
    path("tracker/feed/", feeds.TrackerFeed(), name="feed"),
    path(
        "tracker/feed/processes/<slug:slug>/",
        feeds.ProcessTrackerFeed(),
        name="feed_process",
    ),
    path(
        "tracker/feed/departments/<slug:code>/",
        feeds.DepartmentTrackerFeed(),
        name="feed_department",
    ),
    path("tracker/departments/", views.departments, name="departments"),
    path("tracker/departments/<slug:code>/", views.department, name="department"),
    path("proposals/<int:pk>/tracker.json", views.tracker_json, name="json"),
    path("proposals/<int:pk>/tracker/", views.manage, name="manage"),
    path("proposals/<int:pk>/tracker/forward/", views.forward, name="forward"),
    path("proposals/<int:pk>/tracker/assign/", views.assign, name="assign"),
    path("proposals/<int:pk>/tracker/claim/", views.claim, name="claim"),
    path("proposals/<int:pk>/tracker/status/", views.set_status, name="status"),
    path("proposals/<int:pk>/tracker/respond/", views.respond, name="respond"),
    path("proposals/<int:pk>/tracker/revise/", views.revise, name="revise"),
    path("proposals/<int:pk>/tracker/progress/", views.progress, name="progress"),
    path("proposals/<int:pk>/tracker/outcome/", views.outcome, name="outcome"),
    path(
        "proposals/<int:pk>/tracker/dispute-answer/",
        views.dispute_answer,
        name="dispute_answer",
    ),
    path(
        "tracker/questionnaire/<str:token>/done/",
        views.questionnaire_done,
        name="questionnaire_done",
    ),
    path(
        "tracker/questionnaire/<str:token>/not-done/",
        views.questionnaire_not_done,
        name="questionnaire_not_done",
    ),
    path("responses/<int:pk>/", views.response_detail, name="response"),
    path("responses/<int:pk>/rate/", views.response_rate, name="rate"),
    path("responses/<int:pk>/comments/", views.response_comment, name="comment"),
    path(
        "responses/comments/<int:pk>/delete/",
        views.response_comment_delete,
        name="comment_delete",
    ),
]

# The officials' pages in the staff workspace (responses/staff/).
urlpatterns += staff_urls.urlpatterns
