from django.urls import path

from newsportal.urls import handler400, handler500  # noqa: F401 - the site's error pages
from newsportal.urls import urlpatterns as site_urlpatterns
from tests.faults import views

urlpatterns = [path("__faults__/sleep/<int:seconds>/", views.sleep), *site_urlpatterns]
