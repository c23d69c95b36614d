"""One page of an article's comment threads, read with one ordered query.

Pages hold whole threads (a first comment and all its replies), oldest thread first,
newest first or most liked first (by the likes written so far: comments.reactions); in
every order the threads holding an editors' pick come first. The page's threads come
from a count of the article's approved first comments and one query for every approved
comment of those threads in reading order; an article without approved comments (its
counter says so) costs no query at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef

from articles.models import Article
from comments.models import Comment

OLDEST, NEWEST, LIKED = "oldest", "newest", "liked"
ORDERS = (OLDEST, NEWEST, LIKED)
# How each order lists the first comments of threads, after the threads with a pick.
THREAD_ORDERING = {OLDEST: ("pk",), NEWEST: ("-pk",), LIKED: ("-like_count", "pk")}
ORDER_PARAM = "comments"
PAGE_PARAM = "comments_page"

# Only what the template shows: the rest (e-mail, address hash, user agent) never loads.
DISPLAY_FIELDS = [
    "id", "parent_id", "thread_id", "level", "name", "body_html", "created_at",
    "like_count", "is_pick", "article_id",
]  # fmt: skip


@dataclass
class Node:
    comment: Comment
    replies: list[Node] = field(default_factory=list)


@dataclass
class ThreadPage:
    threads: list[Node]
    page: Page | None
    order: str

    @property
    def newest_first(self) -> bool:
        return self.order == NEWEST


def read_order(value: str | None) -> str:
    return value if value in ORDERS else OLDEST


def build_tree(comments: list[Comment]) -> list[Node]:
    """Nest comments listed depth-first. A reply whose parent is not shown (rejected or
    hidden after the reply was approved) is left out with it, never shown out of place."""
    nodes: dict[int, Node] = {}
    roots: list[Node] = []
    for comment in comments:
        node = Node(comment)
        if comment.parent_id is None:
            roots.append(node)
        elif comment.parent_id in nodes:
            nodes[comment.parent_id].replies.append(node)
        else:
            continue
        nodes[comment.pk] = node
    return roots


def thread_page(article: Article, *, order: str, page_number) -> ThreadPage:
    newest_first = order == NEWEST
    if not article.comment_count:
        return ThreadPage(threads=[], page=None, order=order)
    # A pick among the replies brings its thread forward too (found through the small
    # index of picks, in the same query).
    picked = Exists(
        Comment.objects.approved().filter(thread_id=OuterRef("pk"), is_pick=True, article=article)
    )
    roots = (
        Comment.objects.approved()
        .on_article(article)
        .threads()
        .alias(picked=picked)
        .order_by("-picked", *THREAD_ORDERING.get(order, THREAD_ORDERING[OLDEST]))
        .values_list("pk", flat=True)
    )
    paginator = Paginator(roots, settings.COMMENTS_THREADS_PER_PAGE)
    page = paginator.get_page(page_number)
    if not paginator.count:
        return ThreadPage(threads=[], page=None, order=order)
    comments = list(
        Comment.objects.approved()
        .on_article(article)
        .in_threads(page.object_list)
        .in_reading_order(newest_first=newest_first)
        .only(*DISPLAY_FIELDS)
    )
    return ThreadPage(threads=in_thread_order(comments, order), page=page, order=order)


def in_thread_order(comments: list[Comment], order: str) -> list[Node]:
    """The page's threads in the order their first comments were chosen in (the query
    above lists them by thread id): threads with a pick first, then by the order."""
    picked = {comment.thread_id for comment in comments if comment.is_pick}
    keys = {
        OLDEST: lambda root: root.pk,
        NEWEST: lambda root: -root.pk,
        LIKED: lambda root: (-root.like_count, root.pk),
    }
    key = keys.get(order, keys[OLDEST])
    return sorted(
        build_tree(comments),
        key=lambda node: (node.comment.pk not in picked, key(node.comment)),
    )
