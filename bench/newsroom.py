"""The desk and the moderators during the benchmark's breaking-news rows.

Run with the bench server's environment (same database, Redis and key prefix), through
the paths editors, moderators and readers use: ``comments.services`` for comments,
``articles.services.save_article`` for an article edit, the model's ``full_clean()`` and
``save()`` for a flash item (what the admin does).

- ``python -m bench.newsroom churn SECONDS ARTICLE_ID [held]``: a flash item every second
  and twenty comments published a second on the article (post-moderated for the while;
  held ones approved at once), for SECONDS at most or until SIGTERM. SIGUSR1 holds the
  writing, SIGUSR2 takes it up again (``held``: held from the start), so a page can be
  measured in windows with and without churn; the pace counts the writing time only;
- ``python -m bench.newsroom freshness EDGE_URL EDIT_ID COMMENT_ID COUNT``: COUNT
  changes one after another (a headline edit, a flash item, an approved comment), each
  followed by anonymous requests through nginx until one shows it.

Both take back what they did when they end (comments deleted, headline, moderation
mode restored, flash items deleted), so the data set stays the same for the next run,
and print their figures as one line of JSON.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import signal
import sys
import time
import urllib.request

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402

from articles.live_parts import comments_changed  # noqa: E402
from articles.models import Article, CommentModeration, FlashItem  # noqa: E402
from articles.services import save_article  # noqa: E402
from comments import services  # noqa: E402
from comments.models import Comment  # noqa: E402
from newsportal.caching import scopes  # noqa: E402

AGENT = "newsportal-bench-newsroom"
COMMENTS_PER_SECOND = 20
FLASH_EVERY = 1.0
# Comments each made-up reader posts (the flood rule holds a reader's eleventh of an hour).
COMMENTS_PER_READER = 8
POLL_EVERY = 0.02
FLASH_TEXT = "Έκτακτο δελτίο μέτρησης"
GIVE_UP_AFTER = 10.0

_stop = False
_held = False


def _on_term(signum, frame):
    global _stop
    _stop = True


def _on_hold(signum, frame):
    global _held
    _held = True


def _on_write(signum, frame):
    global _held
    _held = False


def moderator():
    user, _ = get_user_model().objects.get_or_create(
        username="bench-moderator", defaults={"is_staff": True}
    )
    return user


def clean_up(article_ids: list[int], flash_ids: list[int]) -> None:
    """Delete what this module added (also what a killed run left behind). Its comments
    have no replies: they go with the article's counter moved back, as delete_comments
    would (which looks for replies through the whole table: seconds on the large set)."""
    for article_id in article_ids:
        left = Comment.objects.filter(article_id=article_id, user_agent=AGENT)
        with transaction.atomic():
            shown = left.filter(status=Comment.Status.APPROVED).count()
            if left.delete()[0]:
                Article.objects.filter(pk=article_id).update(
                    comment_count=F("comment_count") - shown
                )
                comments_changed(article_id)
    for item in FlashItem.objects.filter(pk__in=flash_ids):
        item.delete()  # one by one, as the admin does: the feed's scope moves


def vacuum() -> None:
    """The rows written and deleted vacuumed at once: left to autovacuum, the clean-up of a
    few thousand dead comments ran during the rows measured next (seen during a comment
    POST row of 170/s, against 240/s measured alone)."""
    with connection.cursor() as cursor:
        for model in (Comment, Article, FlashItem):
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")


def post_flash(text: str) -> FlashItem:
    item = FlashItem(text=text, language="el", status=FlashItem.Status.PUBLISHED)
    item.full_clean()
    item.save()
    return item


def churn(seconds: float, article_id: int, *, held: bool = False) -> dict:
    global _held
    _held = held
    signal.signal(signal.SIGTERM, _on_term)
    signal.signal(signal.SIGUSR1, _on_hold)
    signal.signal(signal.SIGUSR2, _on_write)
    left = FlashItem.objects.filter(text__startswith=FLASH_TEXT).values_list("pk", flat=True)
    clean_up([article_id], list(left))
    article = Article.objects.get(pk=article_id)
    before_mode = article.comment_moderation
    Article.objects.filter(pk=article_id).update(comment_moderation=CommentModeration.POST)
    article.comment_moderation = CommentModeration.POST
    scopes.changed(scopes.article(article_id), scopes.comments(article_id))
    user = moderator()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    flash_ids, published, held, late = [], 0, 0, 0.0
    reader = secrets.token_hex(32)
    started = time.monotonic()
    index = flashes = 0
    # Seconds spent writing before the current stretch, and when that stretch began: the
    # schedule follows the writing time, so a held newsroom owes nothing when it resumes.
    written, stretch = 0.0, None
    try:
        while not _stop and time.monotonic() - started < seconds:
            if _held:
                if stretch is not None:
                    written, stretch = written + time.monotonic() - stretch, None
                time.sleep(0.005)
                continue
            if stretch is None:
                stretch = time.monotonic()
            now = written + time.monotonic() - stretch
            due_comment = index / COMMENTS_PER_SECOND
            due_flash = flashes * FLASH_EVERY
            due = min(due_comment, due_flash)
            if due > now:
                time.sleep(min(due - now, 0.05))
                continue
            late = max(late, now - due)
            if due_flash <= due_comment:
                flashes += 1
                flash_ids.append(post_flash(f"{FLASH_TEXT} {flashes}: νέα στοιχεία.").pk)
                continue
            if index % COMMENTS_PER_READER == 0:
                reader = secrets.token_hex(32)
            index += 1
            comment = services.post_comment(
                article=article, parent=None, name=f"Αναγνώστρια {reader[:6]}", email="",
                body=f"Σχόλιο {index} στην ώρα της είδησης ({reader[:8]}).",
                ip_hash=reader, user_agent=AGENT,
            )  # fmt: skip
            if comment.status == Comment.Status.PENDING:
                services.approve_comment(comment=comment, moderator=user)
                held += 1
            published += 1
    finally:
        elapsed = written + (time.monotonic() - stretch if stretch is not None else 0.0)
        Article.objects.filter(pk=article_id).update(comment_moderation=before_mode)
        scopes.changed(scopes.article(article_id), scopes.comments(article_id))
        clean_up([article_id], flash_ids)
        vacuum()
    return {
        "seconds": round(elapsed, 1),
        "comments_published": published,
        "held_then_approved": held,
        "flash_items": flashes,
        "comments_per_second": round(published / elapsed, 1) if elapsed else 0,
        "most_late_s": round(late, 2),
    }


def committed(change) -> float:
    """Run ``change`` in a transaction; the monotonic time of its commit (a hook registered
    before the change's own, so it runs first)."""
    stamp = {}
    with transaction.atomic():
        transaction.on_commit(lambda: stamp.setdefault("at", time.monotonic()))
        change()
    return stamp["at"]


def first_showing(url: str, text: str, since: float) -> tuple[float, str]:
    """Seconds from ``since`` to the first anonymous answer from ``url`` that shows ``text``."""
    wanted = text.encode()
    while time.monotonic() - since < GIVE_UP_AFTER:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our nginx
            body = response.read()
            status = response.headers.get("X-Cache-Status", "")
        if wanted in body:
            return time.monotonic() - since, status
        time.sleep(POLL_EVERY)
    return GIVE_UP_AFTER, "never"


def freshness(edge: str, edit_id: int, comment_id: int, count: int) -> dict:
    clean_up([comment_id], [])
    edited = Article.objects.get(pk=edit_id)
    commented = Article.objects.get(pk=comment_id)
    original = edited.headline
    user = moderator()
    run = secrets.token_hex(3)
    flash_ids, changes = [], []
    rng = random.Random()  # noqa: S311 - when changes land, not security
    try:
        for number in range(count):
            # Changes land at any moment of an edge entry's second of life.
            time.sleep(rng.uniform(0.1, 1.3))
            kind = ("headline", "flash item", "comment")[number % 3]
            token = f"μέτρηση {run}-{number}"
            if kind == "headline":
                edited.headline = f"{original} ({token})"
                at = committed(lambda: save_article(article=edited, reason="bench"))
                url = edge + edited.get_absolute_url()
            elif kind == "flash item":
                made = []
                at = committed(lambda: made.append(post_flash(f"Έκτακτο: {token}.")))  # noqa: B023
                flash_ids.append(made[0].pk)
                url = edge + "/"
            else:
                held = services.post_comment(
                    article=commented, parent=None, name="Αναγνώστης μέτρησης", email="",
                    body=f"Σχόλιο {token}.", ip_hash=secrets.token_hex(32), user_agent=AGENT,
                )  # fmt: skip
                at = committed(lambda: services.approve_comment(comment=held, moderator=user))  # noqa: B023
                url = edge + commented.get_absolute_url()
            seconds, status = first_showing(url, token, at)
            changes.append({"kind": kind, "seconds": round(seconds, 3), "seen_as": status})
    finally:
        if edited.headline != original:
            edited.headline = original
            save_article(article=edited, reason="bench")
        clean_up([comment_id], flash_ids)
    worst = max(changes, key=lambda c: c["seconds"]) if changes else None
    return {
        "changes": changes,
        "worst_s": worst["seconds"] if worst else None,
        "worst_kind": worst["kind"] if worst else None,
        "median_s": sorted(c["seconds"] for c in changes)[len(changes) // 2] if changes else None,
    }


def main(argv: list[str]) -> int:
    if argv[0] == "churn":
        result = churn(float(argv[1]), int(argv[2]), held=argv[3:] == ["held"])
    elif argv[0] == "freshness":
        result = freshness(argv[1], int(argv[2]), int(argv[3]), int(argv[4]))
    else:
        raise SystemExit(__doc__)
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
