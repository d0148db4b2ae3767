from django.urls import path

from participation.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/read/", views.notification_mark_read, name="mark_read"),
    path("notifications/<int:pk>/open/", views.notification_open, name="open"),
]

urlpatterns += [
    path(
        "notifications/preferences/",
        views.email_preferences,
        name="preferences",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        views.unsubscribe,
        name="unsubscribe",
    ),
]
