"""REST API v1 under /api/v1/ (see participation/urls.py): project wiring that
registers every app's API module, and the root's links to their resources."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from participation.api import views
from participation.moderation import api as moderation_api
from participation.spaces import api as spaces_api
from portal import api as portal_api
from proposals.api import views as proposals_api
from responses.api import views as responses_api

app_name = "api"

router = SimpleRouter(trailing_slash=True)
router.register("processes", spaces_api.ProcessViewSet, basename="process")
router.register("categories", spaces_api.CategoryViewSet, basename="category")
router.register("areas", spaces_api.AreaViewSet, basename="area")
router.register("departments", spaces_api.DepartmentViewSet, basename="department")
router.register("proposals", proposals_api.ProposalViewSet, basename="proposal")
router.register("comments", proposals_api.CommentViewSet, basename="comment")
router.register("tracker", responses_api.TrackerViewSet, basename="tracker")
router.register("search", portal_api.SearchViewSet, basename="search")

# The root's links, in the order it lists them ("me" follows, from the core).
ROOT_RESOURCES = (
    ("processes", "api:process-list"),
    ("categories", "api:category-list"),
    ("areas", "api:area-list"),
    ("departments", "api:department-list"),
    ("proposals", "api:proposal-list"),
    ("tracker", "api:tracker-list"),
    ("scorecards", "api:scorecards"),
    ("search", "api:search-list"),
    ("stats", "api:stats"),
)

urlpatterns = [
    path("", views.ApiRoot.as_view(resources=ROOT_RESOURCES), name="root"),
    path("me/", views.MeView.as_view(), name="me"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        # Split: the set-up script is served from ?script, not inline (CSP).
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    path("scorecards/", responses_api.ScorecardsView.as_view(), name="scorecards"),
    path(
        "departments/<slug:code>/scorecard/",
        responses_api.DepartmentScorecardView.as_view(),
        name="department-scorecard",
    ),
    path(
        "proposals/<int:pk>/tracker/",
        responses_api.ProposalTrackerView.as_view(),
        name="proposal-tracker",
    ),
    path(
        "proposals/<int:pk>/tracker/forward/",
        responses_api.ForwardView.as_view(),
        name="proposal-tracker-forward",
    ),
    path(
        "proposals/<int:pk>/tracker/assign/",
        responses_api.AssignView.as_view(),
        name="proposal-tracker-assign",
    ),
    path(
        "proposals/<int:pk>/tracker/claim/",
        responses_api.ClaimView.as_view(),
        name="proposal-tracker-claim",
    ),
    path(
        "proposals/<int:pk>/tracker/status/",
        responses_api.StatusView.as_view(),
        name="proposal-tracker-status",
    ),
    path(
        "proposals/<int:pk>/response/",
        responses_api.ProposalResponseView.as_view(),
        name="proposal-response",
    ),
    path(
        "proposals/<int:pk>/response/rating/",
        responses_api.ResponseRatingView.as_view(),
        name="proposal-response-rating",
    ),
    path(
        "proposals/<int:pk>/tracker/outcome/",
        responses_api.OutcomeView.as_view(),
        name="proposal-tracker-outcome",
    ),
    path(
        "proposals/<int:pk>/progress/",
        responses_api.ProgressView.as_view(),
        name="proposal-progress",
    ),
    path(
        "processes/<slug:slug>/moderation-log/",
        moderation_api.ModerationLogView.as_view({"get": "list"}),
        name="process-moderation-log",
    ),
    path("reports/", moderation_api.ReportView.as_view(), name="reports"),
    path("stats/", portal_api.StatsView.as_view(), name="stats"),
    *router.urls,
]
