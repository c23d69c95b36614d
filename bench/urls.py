from django.urls import path

from bench import views
from newsportal.urls import handler400, handler500  # noqa: F401 - the site's error pages
from newsportal.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("__bench__/ceiling/", views.ceiling), *site_urlpatterns]
