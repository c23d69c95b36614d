"""The editors' lists and chart on the admin home (templates/admin/index.html includes them)."""

from django import template
from django.urls import reverse
from django.utils import timezone

from articles.desk import desk_for
from articles.models import Article

register = template.Library()


@register.inclusion_tag("admin/articles/desk.html", takes_context=True)
def editors_desk(context):
    """Drafts, scheduled articles, edit locks and today's most read, for a user who may
    change articles; for anyone else (a moderator) nothing at all, and no query."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.has_perm("articles.change_article"):
        return {"show": False}
    changelist = reverse("admin:articles_article_changelist")
    return {
        "show": True,
        "desk": desk_for(user),
        "today": timezone.localdate(),
        "drafts_url": f"{changelist}?state={Article.State.DRAFT}",
        "scheduled_url": f"{changelist}?state={Article.State.SCHEDULED}",
        "add_url": reverse("admin:articles_article_add"),
    }
