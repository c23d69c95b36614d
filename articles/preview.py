"""Previews of articles readers cannot see yet, through the readers' own template.

Two ways in:
- editors (staff with view permission on articles) open /admin/.../<id>/preview/;
- anyone holding a preview link, /preview/<token>/, made by an editor for someone without
  an account (a source, a lawyer). The token is the link's random key signed with
  SECRET_KEY: a guessed or altered token fails the signature before the database is
  asked. The link's row says until when it works and whether it was revoked.

Preview responses are never cached and never indexed: ``Cache-Control: private,
no-store``, ``X-Robots-Tag: noindex`` and a robots meta tag in the page itself.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from articles.models import Article, PreviewLink, Tag
from articles.views import ArticleDetailView, tags_read_with

SIGNER_SALT = "articles.preview-link"
PREVIEW_TEMPLATE = "articles/article_preview.html"


def _signer() -> signing.Signer:
    return signing.Signer(salt=SIGNER_SALT)


def token_for(link: PreviewLink) -> str:
    return _signer().sign(link.key.hex)


def url_for(link: PreviewLink) -> str:
    return reverse("articles:preview", kwargs={"token": token_for(link)})


def link_for_token(token: str, now: datetime | None = None) -> tuple[PreviewLink | None, bool]:
    """The link a token names, and whether it still works (None: no such link)."""
    try:
        key = uuid.UUID(hex=_signer().unsign(token))
    except (signing.BadSignature, ValueError):
        return None, False
    link = PreviewLink.objects.select_related("article").filter(key=key).first()
    if link is None:
        return None, False
    return link, link.is_active(now)


def create_preview_link(
    *, article: Article, created_by, note: str = "", lifetime: timedelta | None = None
) -> PreviewLink:
    now = timezone.now()
    lifetime = lifetime or timedelta(seconds=settings.PREVIEW_LINK_LIFETIME)
    with transaction.atomic():
        link = PreviewLink(
            article=article,
            key=uuid.uuid4(),
            note=note,
            created_by=created_by,
            created_at=now,
            expires_at=now + lifetime,
        )
        link.full_clean()
        link.save()
    return link


def revoke_preview_link(*, link: PreviewLink, revoked_by) -> PreviewLink:
    with transaction.atomic():
        if link.revoked_at is None:
            link.revoked_at, link.revoked_by = timezone.now(), revoked_by
            link.full_clean()
            link.save(update_fields=["revoked_at", "revoked_by"])
    return link


def never_cached_or_indexed(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


class ArticlePreview(ArticleDetailView):
    """The reader's article page for any article, whatever its status."""

    template_name = PREVIEW_TEMPLATE

    def __init__(self, *, article: Article, **kwargs):
        super().__init__(**kwargs)
        self.article = article

    def tags_of(self, article: Article) -> list[Tag]:
        return tags_read_with(article)  # never kept: the preview shows the latest

    def get(self, request, *args, **kwargs):
        self.object = self.article
        context = self.get_context_data(object=self.object, preview=True)
        return never_cached_or_indexed(self.render_to_response(context))


def render_preview(request, article: Article, **extra) -> HttpResponse:
    view = ArticlePreview(article=article)
    view.setup(request)
    view.extra_context = extra
    return view.get(request)


@require_safe
def shared_preview(request, token: str):
    """The page behind a preview link; gone (410) once expired or revoked."""
    link, active = link_for_token(token)
    if link is None:
        raise Http404
    if not active:
        response = render(request, "articles/preview_link_gone.html", {"link": link}, status=410)
        return never_cached_or_indexed(response)
    article = Article.objects.for_article_page().get(pk=link.article_id)
    return render_preview(request, article, preview_link=link)
