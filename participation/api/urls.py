"""REST API v1 under /api/v1/ (see participation/urls.py)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from participation.api import tracker, views
from portal import api as portal_api

app_name = "api"

router = SimpleRouter(trailing_slash=True)
router.register("processes", views.ProcessViewSet, basename="process")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("areas", views.AreaViewSet, basename="area")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("proposals", views.ProposalViewSet, basename="proposal")
router.register("comments", views.CommentViewSet, basename="comment")
router.register("tracker", tracker.TrackerViewSet, basename="tracker")
router.register("search", portal_api.SearchViewSet, basename="search")

urlpatterns = [
    path("", views.ApiRoot.as_view(), name="root"),
    path("me/", views.MeView.as_view(), name="me"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="api:schema"),
        name="docs",
    ),
    path("scorecards/", tracker.ScorecardsView.as_view(), name="scorecards"),
    path(
        "departments/<slug:code>/scorecard/",
        tracker.DepartmentScorecardView.as_view(),
        name="department-scorecard",
    ),
    path(
        "proposals/<int:pk>/tracker/",
        tracker.ProposalTrackerView.as_view(),
        name="proposal-tracker",
    ),
    path(
        "proposals/<int:pk>/tracker/forward/",
        tracker.ForwardView.as_view(),
        name="proposal-tracker-forward",
    ),
    path(
        "proposals/<int:pk>/tracker/assign/",
        tracker.AssignView.as_view(),
        name="proposal-tracker-assign",
    ),
    path(
        "proposals/<int:pk>/tracker/claim/",
        tracker.ClaimView.as_view(),
        name="proposal-tracker-claim",
    ),
    path(
        "proposals/<int:pk>/tracker/status/",
        tracker.StatusView.as_view(),
        name="proposal-tracker-status",
    ),
    path(
        "proposals/<int:pk>/response/",
        tracker.ProposalResponseView.as_view(),
        name="proposal-response",
    ),
    path(
        "proposals/<int:pk>/response/rating/",
        tracker.ResponseRatingView.as_view(),
        name="proposal-response-rating",
    ),
    path(
        "proposals/<int:pk>/tracker/outcome/",
        tracker.OutcomeView.as_view(),
        name="proposal-tracker-outcome",
    ),
    path(
        "proposals/<int:pk>/progress/",
        tracker.ProgressView.as_view(),
        name="proposal-progress",
    ),
    path(
        "processes/<slug:slug>/moderation-log/",
        tracker.ModerationLogView.as_view({"get": "list"}),
        name="process-moderation-log",
    ),
    path("reports/", tracker.ReportView.as_view(), name="reports"),
    path("stats/", portal_api.StatsView.as_view(), name="stats"),
    *router.urls,
]
