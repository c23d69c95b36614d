"""The moderators' numbers on the admin home (templates/admin/index.html includes them)."""

from django import template
from django.urls import reverse

from comments import moderation_stats
from comments.dsa import transparency

register = template.Library()


@register.inclusion_tag("admin/comments/moderation_summary.html", takes_context=True)
def moderation_summary(context):
    """Comments awaiting moderation and open reports, for a user who may moderate; for
    anyone else nothing at all (and no query)."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.has_perm("comments.change_comment"):
        return {"show": False}
    changelist = reverse("admin:comments_comment_changelist")
    return {
        "show": True,
        **moderation_stats.queue_counts(),
        "queue_url": changelist,
        "pending_url": f"{changelist}?status=pending",
        "reported_url": f"{changelist}?reported=yes&status=queue",
        "decisions_url": (
            reverse("admin:comments_moderationlogentry_decisions")
            if user.has_perm("comments.view_moderationlogentry")
            else ""
        ),
        **_dsa_cases(user),
    }


def _dsa_cases(user) -> dict:
    """Notices of illegal content and appeals awaiting a decision (comments.dsa)."""
    if not user.has_perm("comments.change_illegalcontentnotice"):
        return {}
    open_only = "?status__exact=open"
    return {
        **transparency.open_cases(),
        "notices_url": reverse("admin:comments_illegalcontentnotice_changelist") + open_only,
        "appeals_url": reverse("admin:comments_appeal_changelist") + open_only,
        "transparency_url": (
            reverse("admin:comments_transparency")
            if user.has_perm("comments.view_transparency")
            else ""
        ),
    }
