"""Error pages are the site's own, name the request, and never leak internals."""

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import path

from newsportal import urls as project_urls


def broken_view(request):
    raise ValueError("secret detail /etc/passwd SELECT * FROM articles")


def database_down_view(request):
    raise OperationalError("could not connect to server: Connection refused")


urlpatterns = [
    path("boom/", broken_view),
    path("db-down/", database_down_view),
    *project_urls.urlpatterns,
]
handler500 = project_urls.handler500


@pytest.fixture
def raising_client(settings):
    settings.ROOT_URLCONF = __name__
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_a_crash_answers_the_site_500_page_with_a_request_id_and_no_internals(raising_client):
    response = raising_client.get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Κάτι πήγε στραβά" in html
    assert response["X-Request-ID"] in html
    for leak in ("Traceback", "secret detail", "/etc/passwd", "SELECT", "ValueError"):
        assert leak not in html


@pytest.mark.django_db
def test_a_lost_database_answers_503_with_retry_after(raising_client):
    response = raising_client.get("/db-down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Connection refused" not in response.content.decode()
    assert response["X-Request-ID"] in response.content.decode()


def test_a_request_id_from_our_proxy_is_kept_and_a_forged_one_replaced(raising_client):
    kept = raising_client.get("/healthz", HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef")
    assert kept["X-Request-ID"] == "0123456789abcdef0123456789abcdef"
    forged = raising_client.get("/healthz", HTTP_X_REQUEST_ID="<script>\r\nSet-Cookie: x")
    assert forged["X-Request-ID"] != "<script>\r\nSet-Cookie: x"
    assert len(forged["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_not_found_pages_show_the_request_id(client):
    response = client.get("/den-yparchei-kamia-selida/")
    assert response.status_code == 404
    assert response["X-Request-ID"] in response.content.decode()


@pytest.mark.django_db
def test_healthz_is_ok_when_database_and_cache_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_reports_a_broken_cache(client, monkeypatch):
    from django.core.cache import cache

    def fail(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(cache, "set", fail)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "unavailable"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_healthz_reports_a_broken_database(client, monkeypatch):
    from django.db import connection

    def fail(*args, **kwargs):
        raise OperationalError("down")

    monkeypatch.setattr(connection, "cursor", fail)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


@pytest.mark.django_db
def test_reader_pages_forbid_inline_code_and_framing(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy


@pytest.mark.django_db
def test_only_the_admin_allows_inline_styles_and_never_inline_scripts(admin_client):
    policy = admin_client.get("/admin/").headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy + ";"


def test_only_an_importmap_of_our_own_static_files_is_allowed_by_hash():
    from newsportal.admin_csp import importmap_hashes

    ours = b'<script type="importmap">{"imports": {"a": "/static/a.js"}}</script>'
    foreign = b'<script type="importmap">{"imports": {"a": "https://evil.example/a.js"}}</script>'
    plain = b"<script>alert(1)</script>"
    assert len(importmap_hashes(ours)) == 1
    assert importmap_hashes(ours)[0].startswith("'sha256-")
    assert importmap_hashes(foreign) == []
    assert importmap_hashes(plain) == []
