from django.urls import path

from participation.accounts import views

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
]
