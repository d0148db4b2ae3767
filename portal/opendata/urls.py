from django.urls import path

from portal import flyers
from portal.opendata import views

app_name = "opendata"

urlpatterns = [
    path("opendata/", views.index, name="index"),
    path("opendata/datapackage.json", views.datapackage, name="datapackage"),
    path("opendata/<slug:slug>.<slug:fmt>", views.download, name="download"),
    path("stats/", views.stats, name="stats"),
    path("proposals/<int:pk>/flyer/", flyers.proposal_flyer, name="proposal_flyer"),
    path("processes/<slug:slug>/flyer/", flyers.process_flyer, name="process_flyer"),
]
