"""Security headers on every route, in the production profile's settings, over HTTPS.

The crawl walks the URL resolver, so a route added later is crawled too: every URL name
(admin included, as a superuser; reader pages also anonymously and in English) is
requested with a real object behind each of its parameters. Every response must carry
the headers below; every HTML response also a Content-Security-Policy with
`frame-ancestors 'none'` and `object-src 'none'`. Under HTTPS (secure requests, the
production profile's settings) every response carries HSTS and every cookie the site
sets, on the way or while logging in and commenting, is Secure and SameSite.
"""

from __future__ import annotations

import logging
import os
import runpy
import time
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessFailureLog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone, translation

from articles import live_coverage, preview
from articles.models import Article, Author, BreakingBanner, Category, Correction, Tag
from comments import services, tokens
from comments.dsa import cases
from comments.models import BlockedWord, Comment, StatementOfReasons
from newsportal import mail
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    CommentFactory,
    FlashItemFactory,
    ImageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-test-password"
# Settings of the production profile that decide what the browser is told.
SECURITY_SETTING_PREFIXES = (
    "SECURE_",
    "SESSION_COOKIE_",
    "CSRF_COOKIE_",
    "CSRF_TRUSTED_ORIGINS",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
)
EVERY_RESPONSE = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def production_security_settings() -> dict:
    """The security settings exactly as the production profile computes them."""
    names = ("NEWSPORTAL_PROFILE", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update(
        NEWSPORTAL_PROFILE="production",
        SECRET_KEY="header-test-only-" + "k" * 40,
        ALLOWED_HOSTS="testserver",
        DATABASE_URL="postgres://unused@127.0.0.1:1/unused",  # parsed, never connected
    )
    try:
        values = runpy.run_path(str(ROOT / "newsportal" / "settings.py"))
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return {k: v for k, v in values.items() if k.startswith(SECURITY_SETTING_PREFIXES)}


@pytest.fixture
def production(settings):
    values = production_security_settings()
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SESSION_COOKIE_SECURE"]
    assert values["CSRF_COOKIE_SECURE"]
    for name, value in values.items():
        setattr(settings, name, value)
    settings.ALLOWED_HOSTS = ["testserver"]
    return settings


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    """One real object behind every parameter of every route."""
    admin = UserFactory(username="chief", is_staff=True, is_superuser=True)
    category = CategoryFactory(name="Διεθνή")
    image = ImageFactory()
    article = ArticleFactory(category=category, hero_image=image, tags=["διπλωματία"])
    comment = CommentFactory(article=article)
    pending = CommentFactory(article=article, status=Comment.Status.PENDING)
    services.approve_comment(comment=pending, moderator=admin)  # a moderation log entry
    # A notice, its decision's statement of reasons and an appeal (comments.dsa).
    notice = cases.file_notice(
        comment=CommentFactory(article=article, email="poster@example.com"),
        ground="privacy",
        explanation="Δημοσιεύει τη διεύθυνση του σπιτιού μου.",
        good_faith=True,
        ip_hash="b" * 64,
    )
    cases.decide_notice(notice=notice, moderator=admin, decision="illegal")
    cases.file_appeal(statement=StatementOfReasons.objects.get(), explanation="Όχι.")
    BlockedWord.objects.create(phrase="βλάκας")
    services.block_address(kind="email", value="spam@example.com")
    FlashItemFactory()
    now = timezone.now()
    BreakingBanner.objects.create(
        text="Έκτακτο", starts_at=now, ends_at=now + timedelta(hours=1), created_by=admin
    )
    Correction.objects.create(article=article, text="Διορθώθηκε μια ημερομηνία.")
    live_blog = live_coverage.start_live_blog(article=article, editor=admin)
    live_coverage.post_entry(live_blog=live_blog, body="<p>Πρώτη ενημέρωση.</p>", editor=admin)
    article.authors.add(Author.objects.create(name="Άννα Κ.", user=admin, photo=image))
    link = preview.create_preview_link(article=article, created_by=admin)
    # A row of the job queue (a mail waiting for the worker).
    mail.deliver.enqueue(to="reader@example.com", subject="Θέμα", body="-", headers={}, attempt=0)
    # django-axes' rows: a successful login, then a failed one (success resets failures).
    visitor = Client()
    login = reverse("admin:login")
    visitor.post(login, {"username": "chief", "password": PASSWORD}, secure=True)
    visitor.post(login, {"username": "chief", "password": "wrong"}, secure=True)
    # Failure logs are off (AXES_ENABLE_ACCESS_FAILURE_LOG), but their admin pages exist.
    AccessFailureLog.objects.create(
        username="chief", ip_address="203.0.113.1", user_agent="x", path_info=login
    )
    return {"admin": admin, "article": article, "comment": comment, "link": link}


def _named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace]))
            yield from _named_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield ":".join(filter(None, [namespace, entry.name])), entry


def _admin_model(name: str):
    """The model behind an admin URL name such as admin:articles_article_change."""
    for model in apps.get_models():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return model
    return None


def _sample(name: str, parameter: str, world) -> object:
    article: Article = world["article"]
    model = _admin_model(name)
    if parameter in {"object_id", "id"} and model is not None:
        instance = model._default_manager.order_by("pk").first()
        assert instance is not None, f"no {model.__name__} to crawl {name} with"
        return instance.pk
    values = {
        "link_id": world["link"].pk,
        "content_type_id": ContentType.objects.get_for_model(Article).pk,
        "article_id": article.pk,
        "comment_id": world["comment"].pk,
        "token": preview.token_for(world["link"]),
        "category": article.category.slug,
        "pk": article.pk,
        "section": "sections",
    }
    if parameter == "slug":
        if "tag" in name:
            return Tag.objects.first().slug
        return article.slug if name == "articles:detail" else Category.objects.first().slug
    if parameter == "object_id":  # the custom article views of the admin
        return article.pk
    return values[parameter]


def crawl_urls(world) -> list[tuple[str, str]]:
    """(URL name, URL) for every named route, with real objects in its parameters."""
    urls = []
    for name, pattern in _named_patterns():
        if name == "admin:app_list":
            labels = {m._meta.app_label for m in apps.get_models()}
            urls += [(name, reverse(name, kwargs={"app_label": label})) for label in labels
                     if label in {"auth", "axes", "articles", "comments"}]  # fmt: skip
            continue
        if name == "admin:articles_article_simple_history":
            record = world["article"].history.order_by("history_id").last()
            urls.append((name, reverse(name, args=[world["article"].pk, record.history_id])))
            continue
        parameters = list(getattr(pattern.pattern, "converters", {}))
        kwargs = {p: _sample(name, p, world) for p in parameters}
        urls.append((name, reverse(name, kwargs=kwargs)))
    return urls


def check(response, url: str, problems: list[str]) -> None:
    for header, expected in EVERY_RESPONSE.items():
        if response.get(header) != expected:
            problems.append(f"{url} {response.status_code}: {header}={response.get(header)!r}")
    if "max-age=31536000" not in response.get("Strict-Transport-Security", ""):
        problems.append(f"{url} {response.status_code}: no HSTS")
    if response.get("Content-Type", "").startswith("text/html"):
        policy = response.get("Content-Security-Policy", "")
        for directive in ("frame-ancestors 'none'", "object-src 'none'", "script-src 'self'"):
            if directive not in policy:
                problems.append(f"{url} {response.status_code}: CSP without {directive}")
        if "'unsafe-inline'" in policy.split("style-src")[0]:
            problems.append(f"{url}: inline scripts allowed")


def check_cookies(response, url: str, problems: list[str]) -> None:
    for name, morsel in response.cookies.items():
        if not morsel["secure"]:
            problems.append(f"{url}: cookie {name} without Secure")
        if morsel["samesite"] not in {"Lax", "Strict"}:
            problems.append(f"{url}: cookie {name} with SameSite={morsel['samesite']!r}")
        if name == "sessionid" and not morsel["httponly"]:
            problems.append(f"{url}: session cookie readable by scripts")


def test_every_route_sends_the_security_headers_over_https(production, world, record_figure):
    superuser = Client()
    superuser.force_login(world["admin"])
    anonymous = Client()
    problems, requests, html_pages, names = [], 0, 0, set()
    for name, url in crawl_urls(world):
        names.add(name)
        visits = [(superuser, url)]
        if not name.startswith("admin:"):
            visits.append((anonymous, url))
            with translation.override("el"):
                kwargs = resolve(url).kwargs
            with translation.override("en"):
                english = reverse(name, kwargs=kwargs)
            if english != url:
                visits.append((anonymous, english))
        for client, target in visits:
            response = client.get(target, secure=True)
            requests += 1
            html_pages += response.get("Content-Type", "").startswith("text/html")
            assert response.status_code < 500, (target, response.status_code)
            check(response, target, problems)
            check_cookies(response, target, problems)
    record_figure("URL names crawled over HTTPS", len(names))
    record_figure("responses checked (of which HTML)", f"{requests} ({html_pages})")
    record_figure("missing or wrong security headers", len(problems))
    assert len(names) >= 100
    assert problems == []


def test_cookies_set_over_https_are_secure_and_same_site(production, world):
    problems = []
    reader = Client()
    token = reader.get("/comments/token/", {"article": world["article"].pk}, secure=True)
    assert "csrftoken" in token.cookies
    check_cookies(token, "token", problems)
    posted = reader.post(
        f"/comments/post/{world['article'].pk}/",
        {
            "name": "Ελένη",
            "body": "Ασφαλές.",
            "token": tokens.issue(world["article"].pk, now=time.time() - 30),
            "website": "",
        },
        secure=True,
    )
    # The acknowledgement travels in the signed redirect URL (comments/notices.py): a
    # comment sets no cookie at all now.
    assert posted.status_code == 302
    assert not posted.cookies
    check_cookies(posted, "comment", problems)
    editor = Client()
    login = editor.post(
        reverse("admin:login"), {"username": "chief", "password": PASSWORD}, secure=True
    )
    assert login.status_code == 302
    assert {"sessionid", "csrftoken"} <= set(login.cookies)
    check_cookies(login, "login", problems)
    assert problems == []


def test_plain_http_is_redirected_to_https_except_the_health_check(production):
    production.SECURE_SSL_REDIRECT = True
    response = Client().get("/", secure=False)
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/"
    assert Client().get("/healthz", secure=False).status_code == 200


def test_the_fifth_failed_admin_login_is_refused_with_429_and_logged(world, caplog):
    caplog.set_level(logging.INFO)
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    statuses = [
        attacker.post(reverse("admin:login"), {"username": "chief", "password": f"guess{n}"})
        for n in range(5)
    ]
    assert [r.status_code for r in statuses] == [200, 200, 200, 200, 429]
    assert "Πάρα πολλές αποτυχημένες συνδέσεις" in statuses[-1].content.decode()
    # Locked out: even the right password is refused now, from that address.
    right = attacker.post(reverse("admin:login"), {"username": "chief", "password": PASSWORD})
    assert right.status_code == 429
    lockouts = [r for r in caplog.records if getattr(r, "event", "") == "login_lockout"]
    assert len(lockouts) == 2  # one line per refused attempt
    assert lockouts[0].levelno == logging.WARNING
    assert lockouts[0].username == "chief"
    assert "198.51.100.7" not in lockouts[0].getMessage()
    refused = [r for r in caplog.records if r.name == "newsportal.requests" and r.status == 429]
    assert len(refused) == 2
    # Another address can still log in.
    other = Client(REMOTE_ADDR="198.51.100.8")
    response = other.post(reverse("admin:login"), {"username": "chief", "password": PASSWORD})
    assert response.status_code == 302


def test_the_checks_flag_a_response_without_the_headers():
    from django.http import HttpResponse

    bare = HttpResponse("<p>x</p>")
    bare.set_cookie("sessionid", "x", samesite="None")
    problems = []
    check(bare, "/bare/", problems)
    check_cookies(bare, "/bare/", problems)
    assert len(problems) == len(EVERY_RESPONSE) + 1 + 3 + 3  # headers, HSTS, CSP, cookie
