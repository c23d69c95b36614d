from django.conf import settings

from newsportal.observability import current_request_id


def site(request):
    """Values every template may show: the site's name and this request's id."""
    return {"site_name": settings.SITE_NAME, "request_id": current_request_id()}
