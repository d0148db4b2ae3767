from django.urls import path

from participation.accounts import invitation_views, staff_views, views

app_name = "accounts"

urlpatterns = [
    path("people/<int:pk>/", views.profile, name="profile"),
    path("accounts/profile/", views.profile_edit, name="profile_edit"),
    path("accounts/data/", views.personal_data_page, name="personal_data"),
    path(
        "accounts/data/download/",
        views.personal_data_download,
        name="personal_data_download",
    ),
    # The invited person's side of an invitation (not signed in, or not yet staff).
    path(
        "accounts/invitations/<str:token>/",
        invitation_views.invitation,
        name="invitation",
    ),
    path(
        "accounts/invitations/<str:token>/signup/",
        invitation_views.invitation_signup,
        name="invitation_signup",
    ),
    # Administrators: who holds which role, grants, revokes and invitations.
    path("staff/people/", staff_views.people, name="staff_people"),
    path("staff/people/grant/", staff_views.grant, name="staff_grant"),
    path("staff/people/<int:pk>/", staff_views.person, name="staff_person"),
    path(
        "staff/people/grants/<int:pk>/revoke/",
        staff_views.grant_revoke,
        name="staff_grant_revoke",
    ),
    path(
        "staff/people/invitations/",
        staff_views.invitation_list,
        name="invitation_list",
    ),
    path(
        "staff/people/invitations/new/",
        staff_views.invitation_create,
        name="invitation_create",
    ),
    path(
        "staff/people/invitations/<int:pk>/resend/",
        staff_views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "staff/people/invitations/<int:pk>/revoke/",
        staff_views.invitation_revoke,
        name="invitation_revoke",
    ),
]
