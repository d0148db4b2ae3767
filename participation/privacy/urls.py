from django.urls import path

from participation.privacy import views

app_name = "privacy"

urlpatterns = [
    path("terms/", views.terms, name="terms"),
    path("privacy/", views.privacy_policy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("accounts/policies/accept/", views.accept, name="accept"),
    path("accounts/leave/", views.leave, name="leave"),
    path("accounts/leave/cancel/", views.leave_cancel, name="leave_cancel"),
    path("staff/residents/", views.staff_residents, name="staff_residents"),
    path("staff/residents/<int:pk>/", views.staff_resident, name="staff_resident"),
    path(
        "staff/residents/<int:pk>/export/",
        views.staff_resident_export,
        name="staff_resident_export",
    ),
    path("staff/policies/", views.staff_policies, name="staff_policies"),
    path(
        "staff/policies/<slug:kind>/new/",
        views.staff_policy_new,
        name="staff_policy_new",
    ),
]
