from django.conf import settings


def site(request):
    """Values every template may show: the site's name."""
    return {"site_name": settings.SITE_NAME}
