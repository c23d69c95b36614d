"""The admin in Greek: the words Django's Greek catalog lacks, the catalog every admin
page loads, the portal's name in the header, and yes/no icons that say so in Greek.

The browser test (tests/browser/test_admin_greek.py) reads every page; these check the
parts one by one, quickly, and fail when a Django upgrade brings admin words that
Django's Greek catalog does not translate yet.
"""

import json
import re
from pathlib import Path

import django
import polib
import pytest
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.utils import display_for_field
from django.contrib.auth.models import Group
from django.db import models
from django.urls import reverse
from django.utils import translation

from tests.factories import ArticleFactory, UserFactory

DJANGO = Path(django.__file__).parent


def untranslated_upstream(app: str, domain: str) -> list[polib.POEntry]:
    """The entries of a Django app's catalog that its Greek catalog leaves empty."""
    folder = DJANGO / app / "locale"
    greek = {
        (entry.msgctxt, entry.msgid)
        for entry in polib.pofile(str(folder / "el" / "LC_MESSAGES" / f"{domain}.po"))
        if entry.translated()
    }
    english = polib.pofile(str(folder / "en" / "LC_MESSAGES" / f"{domain}.po"))
    return [e for e in english if e.msgid and (e.msgctxt, e.msgid) not in greek]


def in_greek(entry: polib.POEntry) -> str:
    with translation.override("el"):
        if entry.msgid_plural:
            if entry.msgctxt:
                return translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 2)
            return translation.ngettext(entry.msgid, entry.msgid_plural, 2)
        if entry.msgctxt:
            return translation.pgettext(entry.msgctxt, entry.msgid)
        return translation.gettext(entry.msgid)


@pytest.mark.parametrize("app", ["contrib/admin", "contrib/auth"])
def test_every_admin_word_django_leaves_in_english_has_greek_in_our_catalog(app):
    missing = untranslated_upstream(app, "django")
    assert missing, "Django's Greek catalog is complete now: this supplement can shrink"
    english = [e.msgid for e in missing if in_greek(e) in {e.msgid, e.msgid_plural}]
    assert english == []


@pytest.fixture
def editor(db):
    user = UserFactory(username="eleni", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def admin_catalog(client) -> dict:
    script = client.get(reverse("admin:jsi18n")).content.decode()
    return json.loads(re.search(r"const newcatalog = (\{.*?\n  \});", script, re.S)[1])


def test_the_admin_catalog_has_djangos_greek_words_ours_and_those_django_lacks(client, editor):
    client.force_login(editor)
    catalog = admin_catalog(client)
    assert catalog["Today"] == "Σήμερα"  # Django's own Greek
    assert catalog["Insert Figure"] == "Εισαγωγή εικόνας"  # the body editor's, ours
    assert catalog["heading 2"] == "υπότιτλος"
    lacking = untranslated_upstream("contrib/admin", "djangojs")
    assert lacking
    english = []
    for entry in lacking:
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if catalog.get(key) in (None, entry.msgid, [entry.msgid, entry.msgid_plural]):
            english.append(key)
    assert english == []


@pytest.mark.parametrize(
    "page", ["admin:index", "admin:articles_article_changelist", "admin:password_change"]
)
def test_every_admin_page_loads_the_catalog_and_names_the_portal(client, editor, settings, page):
    settings.SITE_NAME = "Νέα Αγορά Δοκιμής"
    client.force_login(editor)
    html = client.get(reverse(page)).content.decode()
    assert f'<script src="{reverse("admin:jsi18n")}">' in html
    assert '<div id="site-name"><a href="/admin/">Νέα Αγορά Δοκιμής</a></div>' in html
    assert "Django" not in html.split("<body")[0]  # the page title


def test_the_article_form_loads_one_catalog_url_only(client, editor):
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_change", args=[ArticleFactory().pk]))
    scripts = re.findall(r'<script src="(/admin/[^"]*)"', html.content.decode())
    # A second catalog loaded after Django's jquery.init.js (which replaces window.django)
    # used to take the place of the first: the date widgets spoke English. Now one URL,
    # named by base_site.html and again by Django's form template; fetched once.
    assert set(scripts) == {reverse("admin:jsi18n")}


def test_the_login_page_names_the_portal_and_loads_no_catalog(client, settings):
    html = client.get(reverse("admin:login")).content.decode()
    assert settings.SITE_NAME in html
    assert "jsi18n" not in html  # the catalog needs a signed-in user


@pytest.mark.parametrize(
    ("value", "icon", "greek"),
    [(True, "icon-yes", "Ναι"), (False, "icon-no", "Όχι"), (None, "icon-unknown", "Άγνωστο")],
)
def test_yes_no_icons_say_so_in_greek(value, icon, greek):
    with translation.override("el"):
        for html in [
            admin_list._boolean_icon(value),  # what lists call
            display_for_field(value, models.BooleanField(), "-"),  # read-only fields
        ]:
            assert icon in html
            assert f'alt="{greek}"' in html
