"""Over a thousand hostile requests: never a 5xx, every refusal the site's own page.

Each request goes through the whole middleware stack with the test client. The counts are
printed in the run's "figures" section.
"""

import itertools

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db

ATTACK_STRINGS = [
    "'", '"', "' OR '1'='1", "1; DROP TABLE articles_article;--", "%00", "\x00", "a\x00b",
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
    "../../../../etc/passwd", "..%2f..%2fetc%2fpasswd", "%2e%2e%2f", "{{7*7}}", "${7*7}",
    "%ff%fe", "%C3%28", "\u202e\u2066", "💥" * 50, "Ζελένσκι" * 40, "A" * 5000, "-1", "0",
    "99999999999999999999999", "1e308", "NaN", "[]", "{}", "\r\nSet-Cookie: evil=1",
    "%0d%0aLocation:%20http://evil.example", "//evil.example", "https://evil.example",
    " ", "", "\t", "null", "true", "1 union select password from auth_user",
]  # fmt: skip
PAGE_VALUES = ["abc", "-1", "0", "1.5", "999999999", "10**100", "%00", "\x00", "", "1 OR 1=1"]
HOST_HEADERS = [
    "evil.example", "localhost:99999", "127.0.0.1:abc", "a" * 300, "[::1", "xn--", "%00",
    "localhost\r\nX-Injected: 1", "local host", "@evil.example", "localhost/../admin",
]  # fmt: skip
QUERY_PARAMETERS = ["page", "q", "before", "comments", "category", "next", "lang", "utm_source"]
MARKER = 'class="error-page'


@pytest.fixture
def hostile_client():
    return Client(raise_request_exception=False)


@pytest.fixture
def world():
    category = CategoryFactory(name="Διεθνή")
    article = ArticleFactory(category=category, tags=["διπλωματία"])
    return {"category": category, "article": article}


def route_templates(resolver=None, prefix=""):
    """Every route of the site as a format string, '{}' where a path parameter goes."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = str(entry.pattern)
        if pattern.startswith("^"):
            continue
        import re

        template = re.sub(r"<[^>]+>", "{}", pattern)
        if isinstance(entry, URLResolver):
            yield from route_templates(entry, prefix + template)
        elif isinstance(entry, URLPattern):
            yield prefix + template


def hostile_requests(world):
    article = world["article"]
    reader_pages = ["/", world["category"].get_absolute_url(), article.get_absolute_url(),
                    "/tag/diplomatia/", "/en/"]  # fmt: skip
    for template in route_templates():
        slots = template.count("{}")
        # Admin routes all share one view shape; two models stand for the rest.
        admin_sample = ("admin/articles/article/", "admin/auth/user/")
        if not slots or (template.startswith("admin/") and not template.startswith(admin_sample)):
            continue
        for value in ATTACK_STRINGS:
            yield "GET", "/" + template.format(*([value] * slots)), {}, {}
    for page, parameter, value in itertools.product(
        reader_pages[:3], QUERY_PARAMETERS, ATTACK_STRINGS + PAGE_VALUES
    ):
        yield "GET", page, {parameter: value}, {}
    for page, host in itertools.product(reader_pages, HOST_HEADERS):
        yield "GET", page, {}, {"HTTP_HOST": host}
    for page in reader_pages:
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            yield method, page, {}, {}
    raw_paths = [
        "/%00", "/%ff%fe/", "/..%2f..%2fetc/passwd", "/" + "a" * 3000 + "/",
        "/diethni/articles/99999999999999999999/x/", "/diethni/articles/-1/x/",
        "/tag/%3Cscript%3E/", "/en/en/en/", "//evil.example/", "/\\evil.example",
    ]  # fmt: skip
    for path in raw_paths:
        yield "GET", path, {}, {}


def send(client, method, path, data, extra):
    if method == "GET":
        return client.get(path, data, **extra)
    return client.generic(method, path, **extra)


def test_a_thousand_hostile_requests_never_fail_and_always_get_our_page(
    hostile_client, world, record_figure
):
    failures, total, refusals = [], 0, 0
    for method, path, data, extra in hostile_requests(world):
        total += 1
        response = send(hostile_client, method, path, data, extra)
        if response.status_code >= 500:
            failures.append((method, path[:80], data, extra, response.status_code))
        elif response.status_code >= 400:
            refusals += 1
            body = response.content.decode("utf-8", "replace")
            if MARKER not in body:
                failures.append((method, path[:80], data, extra, "not our page"))
    record_figure("hostile requests sent", total)
    record_figure("hostile requests refused with a 4xx page", refusals)
    record_figure("hostile requests answered 5xx or with a bare page", len(failures))
    assert total >= 1000
    assert failures == []


def test_oversized_and_malformed_bodies_are_refused_cleanly(hostile_client, world):
    url = world["article"].get_absolute_url()
    big = hostile_client.post(url, {"x": "a" * 3_000_000})
    assert big.status_code in (405, 413)
    broken = hostile_client.generic(
        "POST",
        url,
        b"--xx\r\nContent-Disposition: form-data; name=\r\n\r\n",
        content_type="multipart/form-data; boundary=xx",
    )
    assert broken.status_code < 500
    assert MARKER in broken.content.decode()
