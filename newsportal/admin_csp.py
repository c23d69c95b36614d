"""The admin's Content-Security-Policy exception: inline style attributes, nothing else.

Django's admin and its widgets set `style="..."` on elements; reader pages never do, so
only admin responses get 'unsafe-inline' for styles. Scripts stay 'self' everywhere.
"""

from django.conf import settings


class AdminInlineStylesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = "/" + settings.ADMIN_URL

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(self.prefix):
            response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return response
