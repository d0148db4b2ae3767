"""Public URLs. They are printed on flyers: keep them stable, no language prefix."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from participation import csp, views
from participation.accounts import views as account_views
from participation.lazyurls import lazy_include
from portal import views as portal_views

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("csp-report/", csp.report, name="csp-report"),
    path("readyz", views.readyz, name="readyz"),
    path("processes/<slug:slug>/", portal_views.process_detail, name="process"),
    # The language switch also remembers a signed-in person's language (e-mails).
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("accounts/tokens/", include("participation.api.token_urls")),
    # Before allauth's catch-all /accounts/ patterns.
    path("", include("participation.verification.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("participation.staff.urls")),
    path("", include("participation.privacy.urls")),
    path("", include("participation.accounts.urls")),
    path("", include("participation.attributes.urls")),
    path("", include("participation.audit.urls")),
    path("", include("participation.spaces.urls")),
    path("", include("proposals.urls")),
    path("", include("responses.urls")),
    path("", include("responses.drafts.urls")),
    path("", include("participation.moderation.urls")),
    path("", include("participation.notifications.urls")),
    path("", include("meetings.urls")),
    path("", include("portal.search.urls")),
    path("", include("portal.opendata.urls")),
    # Imported on the first request under /api/v1/ or the first reverse("api:…"),
    # not when the URLs are loaded: DRF and the schema tools stay out of a process
    # that serves only pages (participation/lazyurls.py).
    lazy_include("api/v1/", "participation.api.urls", namespace="api"),
]

handler400 = "participation.views.bad_request"
handler403 = "participation.views.permission_denied"
handler404 = "participation.views.page_not_found"
handler500 = "participation.views.server_error"
