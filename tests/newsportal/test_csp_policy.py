"""The site-wide CSP header is built once and is exactly what django-csp would send."""

import copy

import pytest
from csp.utils import build_policy

pytestmark = pytest.mark.django_db


def test_reader_pages_get_the_stock_policy(client):
    response = client.get("/")
    assert response["Content-Security-Policy"] == build_policy()
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_a_changed_setting_changes_the_header(client, settings):
    first = client.get("/")["Content-Security-Policy"]
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["img-src"] = ["'self'", "data:", "https://images.example.gr"]
    settings.CONTENT_SECURITY_POLICY = policy
    second = client.get("/")["Content-Security-Policy"]
    assert "https://images.example.gr" in second
    assert "https://images.example.gr" not in first


def test_the_admin_keeps_its_own_exceptions(admin_client):
    response = admin_client.get("/admin/")
    header = response["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in header
    assert "unsafe-inline" not in client_script_src(header)


def client_script_src(header: str) -> str:
    return next(part for part in header.split(";") if part.strip().startswith("script-src"))
