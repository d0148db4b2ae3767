from django.urls import path

from participation.audit import views

app_name = "audit"

urlpatterns = [
    path("staff/activity/", views.activity, name="activity"),
]
