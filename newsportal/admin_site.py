"""The admin site as editors and moderators see it: the portal's name and Greek throughout.

Django's defaults say «Διαχείριση Django»; ours name the portal (SITE_NAME, read when a
page is drawn, so a test or a deployment that changes it is followed). The JavaScript
catalog, Django's with ours, is loaded on every admin page by templates/admin/base_site.html,
and the words Django's Greek catalog lacks are in locale/el (see admin_translations.py).
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.templatetags.static import static
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

BOOLEAN_ICONS = {True: ("yes", "Yes"), False: ("no", "No"), None: ("unknown", "Unknown")}


def site_name() -> str:
    return settings.SITE_NAME


def boolean_icon(value) -> str:
    """Django's yes/no/unknown icon, with alt text in the reader's language.

    Django writes the value itself as the alt text ("True", "False", "None"), which is
    what a screen reader says in every language; the admin's lists and read-only fields
    all draw booleans through this one function of admin_list.
    """
    name, text = BOOLEAN_ICONS[value]
    return format_html(
        '<img src="{}" alt="{}">', static(f"admin/img/icon-{name}.svg"), gettext(text)
    )


def configure(site: admin.AdminSite) -> None:
    site.site_header = lazy(site_name, str)()
    site.site_title = format_lazy("{} · {}", lazy(site_name, str)(), gettext_lazy("administration"))
    site.index_title = gettext_lazy("Newsroom")
    admin_list._boolean_icon = boolean_icon
