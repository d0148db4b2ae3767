from django.urls import path

from participation.staff import views

app_name = "staff"

urlpatterns = [
    path("staff/", views.dashboard, name="dashboard"),
]
