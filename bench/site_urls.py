"""The site's URLs plus /bench-ceiling/: a bare view returning a fixed small page,
under the same server, settings and middleware as every page it is compared with."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from participation.urls import *  # noqa: F403
from participation.urls import urlpatterns as site_urlpatterns

BODY = "<!DOCTYPE html><title>ok</title><p>ok</p>"


def ceiling(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BODY)


urlpatterns = [path("bench-ceiling/", ceiling), *site_urlpatterns]
