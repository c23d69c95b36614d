"""Open redirects and header injection: no request can send a visitor off the site.

Every parameter that names where to go next (the admin's login and logout `next`, the
admin's preserved list filters) and every redirect the site builds from the request (a
canonical article URL keeping its query string, a missing slash, a language prefix, the
comment and report acknowledgements) receives each payload below. A Location header is
read the way browsers read it (tabs and newlines dropped, backslashes as slashes) and
resolved against the page: it must stay on this host, over http(s). No header may carry a
CR or LF, and no payload may add a header of its own.
"""

from __future__ import annotations

import re
import time
from urllib.parse import quote, urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from articles import preview
from comments import tokens
from comments.models import BlockedWord
from tests.factories import ArticleFactory, CategoryFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

HOST = "testserver"
PASSWORD = "a-long-test-password"
PAYLOADS = [
    "//evil.example", "///evil.example", "////evil.example/", "https://evil.example",
    "http://evil.example/path", "https:evil.example", "http:/evil.example", "/\\evil.example",
    "\\\\evil.example", "/\\/evil.example", "\t//evil.example", " //evil.example",
    "//evil.example%2f%2e%2e", f"https://{HOST}@evil.example", f"https://evil.example#@{HOST}/",
    f"https://{HOST}.evil.example/", f"//evil.example\\@{HOST}", "javascript:alert(1)",
    "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "%2F%2Fevil.example",
    "/%2F/evil.example", "/%5Cevil.example", "//%65vil.example", "\u2215\u2215evil.example",
    "／／evil.example", f"//evil.example:443@{HOST}", "/\r\nLocation: https://evil.example",
    "/%0d%0aLocation:%20https://evil.example", "/\r\nSet-Cookie: injected=1",
    "\r\nX-Injected: 1", "/%E5%98%8A%E5%98%8DSet-Cookie:injected=1",
    f"https://evil.example\x00.{HOST}", "/\x00//evil.example", "/%09/evil.example",
]  # fmt: skip
INJECTED_HEADERS = {"x-injected", "location-injected"}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.COMMENTS_RATE_PER_MINUTE = settings.COMMENTS_RATE_PER_HOUR = 10**6


@pytest.fixture
def world():
    staff = UserFactory(username="chief", is_staff=True, is_superuser=True)
    article = ArticleFactory(category=CategoryFactory(name="Διεθνή"))
    comment = CommentFactory(article=article)
    link = preview.create_preview_link(article=article, created_by=staff)
    word = BlockedWord.objects.create(phrase="βλάκας")
    return {"staff": staff, "article": article, "comment": comment, "link": link, "word": word}


def browser_reading(location: str) -> str:
    """A Location value as browsers parse it: tabs/newlines dropped, backslash as slash."""
    cleaned = re.sub(r"[\t\r\n]", "", location).strip("\x00 \x0c")
    return cleaned.replace("\\", "/")


def off_site(location: str, base: str) -> bool:
    target = urlsplit(urljoin(base, browser_reading(location)))
    return target.scheme not in {"http", "https"} or target.hostname != HOST


def attempts(world, payload: str):
    """(description, client, method, url, data) for each place a payload can steer a redirect."""
    article, comment = world["article"], world["comment"]
    login, logout = reverse("admin:login"), reverse("admin:logout")
    encoded = quote(payload, safe="")
    anonymous, staff = Client(), Client()
    staff.force_login(world["staff"])
    credentials = {"username": "chief", "password": PASSWORD}
    token = tokens.issue(article.pk, now=time.time() - 30)
    yield "login next (form)", Client(), "post", login, {**credentials, "next": payload}
    yield "login next (query)", Client(), "post", f"{login}?next={encoded}", credentials
    yield "login next, logged in", staff, "get", f"{login}?next={encoded}", None
    yield "logout next (form)", _logged_in(world), "post", logout, {"next": payload}
    yield "logout next (query)", _logged_in(world), "post", f"{logout}?next={encoded}", {}
    change = reverse("admin:comments_blockedword_change", args=[world["word"].pk])
    yield "preserved filters", staff, "post", change, {
        "phrase": "βλάκας", "_changelist_filters": payload, "_save": "1"}  # fmt: skip
    filtered = f"{change}?_changelist_filters={encoded}"
    yield "preserved filters (query)", staff, "post", filtered, {"phrase": "β", "_continue": "1"}
    yield "comment next", anonymous, "post", reverse("comments:post", args=[article.pk]), {
        "name": "Α", "body": f"σχόλιο {encoded[:40]}", "token": token, "next": payload}  # fmt: skip
    yield "report next", anonymous, "post", reverse("comments:report", args=[comment.pk]), {
        "next": payload}  # fmt: skip
    wrong_slug = f"{article.category.slug}/articles/{article.pk}/palio-slug/"
    yield "canonical query", anonymous, "get", f"/{wrong_slug}?next={encoded}", None
    yield "canonical raw query", anonymous, "get", f"/{wrong_slug}?{payload}", None
    yield "missing slash", anonymous, "get", f"/{encoded}", None
    yield "raw path", anonymous, "get", f"/{payload}", None
    yield "language prefix", anonymous, "get", f"/en{payload}", None
    yield "preview next", anonymous, "get", f"{preview.url_for(world['link'])}?next={encoded}", None
    ct = reverse("admin:view_on_site", args=[_article_type(), article.pk])
    yield "view on site", staff, "get", f"{ct}?next={encoded}", None


def _logged_in(world) -> Client:
    client = Client()
    client.force_login(world["staff"])
    return client


def _article_type() -> int:
    from django.contrib.contenttypes.models import ContentType

    from articles.models import Article

    return ContentType.objects.get_for_model(Article).pk


def test_no_payload_redirects_off_site_or_injects_a_header(world, record_figure):
    problems, requests, redirects = [], 0, 0
    for payload in PAYLOADS:
        for description, client, method, url, data in attempts(world, payload):
            response = getattr(client, method)(url, data) if data is not None else client.get(url)
            requests += 1
            where = f"{description} with {payload!r}"
            if response.status_code >= 500:
                problems.append(f"{where}: {response.status_code}")
            for name, value in response.items():
                if "\r" in value or "\n" in value or name.lower() in INJECTED_HEADERS:
                    problems.append(f"{where}: header {name}: {value!r}")
            if "injected" in response.cookies:
                problems.append(f"{where}: injected cookie")
            location = response.get("Location")
            if location is None:
                continue
            redirects += 1
            if off_site(location, f"https://{HOST}{url.split('?')[0]}"):
                problems.append(f"{where}: Location {location!r}")
    record_figure("open-redirect and CR/LF payloads", len(PAYLOADS))
    record_figure("requests with a payload (redirects among them)", f"{requests} ({redirects})")
    record_figure("off-site Location headers or injected headers", len(problems))
    assert len(PAYLOADS) >= 20
    assert redirects > len(PAYLOADS) * 5
    assert problems == [], "\n".join(problems[:30])


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("/diethni/", False),
        ("https://testserver/en/", False),
        ("?next=x", False),
        ("//evil.example", True),
        ("/\\evil.example", True),
        ("\t/\t/evil.example", True),
        ("https:evil.example", False),  # relative to https://testserver: stays here
        ("javascript:alert(1)", True),
        ("http://testserver@evil.example", True),
    ],
)
def test_the_off_site_judgement_reads_locations_like_a_browser(location, expected):
    assert off_site(location, "https://testserver/admin/login/") is expected
