"""Readers' likes and editors' picks.

Likes are counted like article reads (articles/reads.py), so that a like never costs the
cached article page anything:

- a reader likes a comment once: the key is the keyed hash of the address
  (comments.network), kept in the counters cache (never evicted: REDIS_COUNTERS_URL) for
  LIKE_REMEMBERED_SECONDS, never stored in the database;
- each like adds to two counters of the comment in that cache: the count shown to readers,
  and a running count that writes to the database every COMMENTS_LIKES_FLUSH_EVERY likes
  (`add_likes`: one UPDATE of ``Comment.like_count``), so a popular comment costs a few
  writes;
- the count on the page is a live part (newsportal/caching/live.py): the comments section
  carries a marker per comment with the count written when it was rendered, and responses
  fill it from the cache (one read for the whole page, no query). A like moves no scope at
  all: a scope's change would also make every process read every version afresh
  (newsportal/caching/scopes.py), once per like. The counts follow the clock instead: a
  stored page is refilled at most every LIKES_SECONDS, never rendered again. The reader who
  liked sees the new count at once (the script's answer, or the notice page, which is
  rendered for them alone).

What the cache loses (a restart without persistence) is at most COMMENTS_LIKES_FLUSH_EVERY
- 1 likes per comment; "most liked" orders threads by the written count.

Editors' picks are a decision, not a count: ``pick_comments`` marks approved comments, and
moves the article's comments scope like any moderation (the section is rendered again with
the picks first and marked).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import ngettext

from articles.rendering import number
from comments.models import Comment
from newsportal.caching import live, scopes
from newsportal.caching.backends.redis import cache_available

LIVE_PART = "comment-likes"
# Other readers see a like within this (plus the edge cache's EDGE_CACHE_SECONDS).
LIKES_SECONDS = 2
# How long a reader's like is remembered: far longer than comments stay open or read.
LIKE_REMEMBERED_SECONDS = 400 * 24 * 3600
SEEN_KEY = "likes:seen:{}:{}"
SHOWN_KEY = "likes:shown:{}"
RUNNING_KEY = "likes:running:{}"


class Outcome(enum.Enum):
    COUNTED = "counted"
    ALREADY = "already"  # this address liked the comment before: nothing changes
    UNAVAILABLE = "unavailable"  # the counters cache does not answer: nothing counted


@dataclass(frozen=True)
class LikeResult:
    outcome: Outcome
    count: int  # the count readers see now


def _counters():
    return caches["counters"]


def count_like(*, comment: Comment, reader: str) -> LikeResult:
    """Count ``reader``'s (an address hash) like of an approved comment, once."""
    counters = _counters()
    if not counters.add(SEEN_KEY.format(comment.pk, reader), 1, LIKE_REMEMBERED_SECONDS):
        if not cache_available("counters"):
            return LikeResult(Outcome.UNAVAILABLE, comment.like_count)
        return LikeResult(
            Outcome.ALREADY, shown_counts({comment.pk: comment.like_count})[comment.pk]
        )
    shown_key, running_key = SHOWN_KEY.format(comment.pk), RUNNING_KEY.format(comment.pk)
    # The first like since the cache last held them starts from what the database has.
    counters.add(shown_key, comment.like_count, LIKE_REMEMBERED_SECONDS)
    counters.add(running_key, 0, LIKE_REMEMBERED_SECONDS)
    try:
        shown = counters.incr(shown_key)
        running = counters.incr(running_key)
    except ValueError:  # the cache lost a key in between: this like is not counted
        return LikeResult(Outcome.UNAVAILABLE, comment.like_count)
    if shown is None or running is None:
        return LikeResult(Outcome.UNAVAILABLE, comment.like_count)
    every = max(1, settings.COMMENTS_LIKES_FLUSH_EVERY)
    if running % every == 0:
        add_likes(comment_id=comment.pk, likes=every)
    live.forget(LIVE_PART)
    return LikeResult(Outcome.COUNTED, shown)


def add_likes(*, comment_id: int, likes: int) -> int:
    """Write a batch of ``likes`` to the comment's stored count (one UPDATE, no signal: the
    count on pages comes from the cache, and no cached page is made stale)."""
    return Comment.objects.filter(pk=comment_id).update(like_count=F("like_count") + likes)


def shown_counts(written: dict[int, int]) -> dict[int, int]:
    """The count to show per comment: the cache's when it has one, else the written one."""
    keys = {pk: SHOWN_KEY.format(pk) for pk in written}
    found = _counters().get_many(list(keys.values()))
    return {pk: found.get(key, written[pk]) for pk, key in keys.items()}


def marker_arg(comment: Comment) -> str:
    """What the section writes into a comment's marker: the comment and its written count."""
    return f"{comment.pk} {comment.like_count}"


def count_html(count: int) -> str:
    """A like count as the page shows it: the number, read out as a sentence (nothing at 0)."""
    if not count:
        return ""
    return format_html(
        '<span aria-hidden="true">{}</span><span class="visually-hidden">{}</span>',
        number(count),
        count_text(count),
    )


def count_text(count: int) -> str:
    return ngettext("%(count)s reader likes this", "%(count)s readers like this", count) % {
        "count": number(count)
    }


def _parse(arg: str) -> tuple[int, int] | None:
    parts = arg.split(" ")
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() and len(p) < 19 for p in parts):
        return None
    return int(parts[0]), int(parts[1])


def _like_counts(request, args: list[str]) -> dict[str, str]:
    wanted = {arg: parsed for arg in args if (parsed := _parse(arg))}
    shown = shown_counts(dict(wanted.values()))
    return {arg: count_html(shown[comment]) for arg, (comment, _written) in wanted.items()}


def register() -> None:
    """``<!--live:comment-likes:<comment> <written>-->``: each comment's count, following
    no scope, only the clock."""
    live.register(LIVE_PART, _like_counts, scopes=lambda args: (), clock=LIKES_SECONDS)


# --- Editors' picks ------------------------------------------------------------------------


def pick_comments(*, comments, picked: bool, by) -> int:
    """Mark approved comments as editors' picks (or unmark any); returns how many changed.

    Picks are shown first with a mark in every order, so the articles' comments sections
    are rendered again once the change has committed."""
    ids = [c.pk for c in comments if not picked or c.status == Comment.Status.APPROVED]
    with transaction.atomic():
        rows = Comment.objects.filter(pk__in=ids).exclude(is_pick=picked)
        articles = set(rows.values_list("article_id", flat=True))
        changed = rows.update(
            is_pick=picked,
            picked_at=timezone.now() if picked else None,
            picked_by=by if picked else None,
        )
        for article_id in articles:
            scopes.changed_on_commit(scopes.comments(article_id))
    return changed
