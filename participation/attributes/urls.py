from django.urls import path

from participation.attributes import views

app_name = "attributes"

urlpatterns = [
    path("accounts/attributes/", views.edit, name="edit"),
    path("accounts/attributes/remove/", views.remove, name="remove"),
]
