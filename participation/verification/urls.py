from django.urls import path

from participation.verification import views

app_name = "verification"

urlpatterns = [
    path("accounts/verification/", views.status, name="status"),
    path("accounts/verification/code/", views.code, name="code"),
    path("accounts/verification/declare/", views.declare, name="declare"),
    path(
        "accounts/verification/provider/<slug:key>/",
        views.provider_start,
        name="provider_start",
    ),
    path(
        "accounts/verification/provider/<slug:key>/return/",
        views.provider_return,
        name="provider_return",
    ),
    path("staff/verification/", views.staff_home, name="staff_home"),
    path("staff/verification/codes/", views.staff_issue, name="staff_issue"),
    path("staff/verification/residents/", views.staff_records, name="staff_records"),
    path(
        "staff/verification/residents/<int:pk>/",
        views.staff_record,
        name="staff_record",
    ),
    path(
        "staff/verification/residents/<int:pk>/revoke/",
        views.staff_revoke,
        name="staff_revoke",
    ),
    path(
        "staff/verification/requirements/",
        views.staff_requirements,
        name="staff_requirements",
    ),
]
