"""ASGI entry point; the portal is served over WSGI, this is kept for completeness."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsportal.settings")

application = get_asgi_application()
