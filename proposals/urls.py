from django.urls import path

from proposals import views

app_name = "proposals"

urlpatterns = [
    path("processes/<slug:slug>/proposals/", views.proposal_list, name="list"),
    path("processes/<slug:slug>/proposals/new/", views.proposal_create, name="create"),
    path("proposals/<int:pk>/", views.proposal_detail, name="detail"),
]
