"""The admin's Content-Security-Policy exceptions, and nothing more.

- Django's admin and its widgets set `style="..."` on elements, so admin responses may use
  inline style attributes; reader pages never do.
- The rich-text editor (django-prose-editor) declares its JavaScript modules in an inline
  `<script type="importmap">`. Such a map is allowed by its hash, and only when every
  address in it is one of our own static files: no other inline script ever runs.
"""

import base64
import hashlib
import json
import re

from django.conf import settings

_IMPORTMAP = re.compile(rb'<script type="importmap"[^>]*>(.*?)</script>', re.S)


def _own_static_urls_only(raw: bytes) -> bool:
    try:
        data = json.loads(raw)
    except ValueError:
        return False
    urls = list(data.get("imports", {}).values())
    for scope in data.get("scopes", {}).values():
        urls.extend(scope.values())
    return all(isinstance(url, str) and url.startswith(settings.STATIC_URL) for url in urls)


def importmap_hashes(content: bytes) -> list[str]:
    hashes = []
    for match in _IMPORTMAP.finditer(content):
        if _own_static_urls_only(match.group(1)):
            digest = base64.b64encode(hashlib.sha256(match.group(1)).digest()).decode()
            hashes.append(f"'sha256-{digest}'")
    return hashes


class AdminInlineStylesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = "/" + settings.ADMIN_URL

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path_info.startswith(self.prefix):
            return response
        update = {"style-src": ["'unsafe-inline'"]}
        is_html = response.get("Content-Type", "").startswith("text/html")
        if is_html and not getattr(response, "streaming", False):
            hashes = importmap_hashes(response.content)
            if hashes:
                update["script-src"] = hashes
        response._csp_update = update
        return response
