"""The HTML of a page of comment threads, written in Python.

An article page may show fifty comments; through a recursive template include each one
costs about half a millisecond of template machinery, here a few dozen microseconds. The
markup is the design's (static/css/site.css, "Comments"); format_html escapes every value,
and body_html is the comment's text escaped (and linked) when it was saved.
"""

from __future__ import annotations

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, pgettext

from articles.rendering import time_html
from comments import reactions
from newsportal.caching import live
from newsportal.caching.memory import Memory

# Each comment's card as last rendered by this process, keyed by everything it shows: under
# a busy comment section (twenty comments published a second) the section is rendered
# again on every one, and all but the new comment's card are found here.
CARDS = Memory(max_bytes=4 * 1024 * 1024)


def threads_html(nodes, *, language: str, comments_open: bool, comments_root: str) -> SafeString:
    """The <li> of every thread in ``nodes`` (each a comments.threads.Node), replies nested."""
    labels = {
        "reply": gettext("Reply"),
        "report": gettext("Report"),
        "reply_to": gettext("to %(name)s"),
        "report_of": gettext("the comment by %(name)s"),
        "like": pgettext("comment", "Like"),
        "like_of": gettext("(comment by %(name)s)"),
        "pick": gettext("Editors’ pick"),
        "erased": gettext("[erased by its author]"),
        "interface": get_language(),  # the language of these labels, for the cards' keys
    }
    return _nodes(nodes, labels, language, comments_open, comments_root)


def _nodes(nodes, labels, language, comments_open, root) -> SafeString:
    return format_html_join(
        "", "{}", ((_node(node, labels, language, comments_open, root),) for node in nodes)
    )


def _node(node, labels, language, comments_open, root) -> SafeString:
    comment = node.comment
    if not comment.name:  # erased by its author (comments.my_comments): kept for its replies
        return _erased_node(node, labels, language, comments_open, root)
    replies = ""
    if node.replies:
        replies = format_html(
            '<ol class="comment-list comment-list--replies">{}</ol>',
            _nodes(node.replies, labels, language, comments_open, root),
        )
    key = (
        labels["interface"], language, comments_open, root, comment.pk, comment.name,
        comment.body_html, comment.created_at, comment.is_pick, comment.like_count,
    )  # fmt: skip
    card = CARDS.get(key)
    if card is None:
        card = _card(comment, labels, language, comments_open, root)
        CARDS.set(key, card)
    # The card and its replies: both escaped already.
    return mark_safe(f"{card}{replies}</li>")  # noqa: S308  # nosemgrep  # nosec B308 B703


def _card(comment, labels, language, comments_open, root) -> SafeString:
    """A comment's <li> up to its replies: what it shows of the comment and the labels."""
    pk = comment.pk
    # A reader's name is written in the article's language as far as the page can tell:
    # on an English page over a Greek article, screen readers then say it in Greek.
    name = format_html('<bdi lang="{}">{}</bdi>', language, comment.name)
    reply = ""
    if comments_open:
        reply = format_html(
            '<a class="comment__reply" href="{}{}/reply/" data-reply-to="{}" '
            'data-reply-name="{}">{}<span class="visually-hidden"> {}</span></a>',
            root, pk, pk, comment.name, labels["reply"], _with_name(labels["reply_to"], name),
        )  # fmt: skip
    # body_html was escaped, and linked if approved, on save (comments/text.py).
    body = mark_safe(comment.body_html)  # noqa: S308  # nosemgrep  # nosec B308 B703
    pick = _pick_mark(comment, labels)
    return format_html(
        '<li class="comment{}" id="comment-{}"><article class="comment__card" '
        'aria-labelledby="comment-{}-author"><header class="comment__header">'
        '<strong class="comment__author" id="comment-{}-author">{}</strong>'
        '<a class="comment__time" href="#comment-{}">{}</a>{}</header>'
        '<div class="comment__body" lang="{}">{}</div><div class="comment__actions">{}{}'
        '<a class="comment__report" href="{}{}/report/" data-report>{}'
        '<span class="visually-hidden"> {}</span></a></div></article>',
        " comment--pick" if pick else "", pk, pk, pk, name, pk, time_html(comment.created_at),
        pick, language, body, _like_form(comment, name, labels, root), reply,
        root, pk, labels["report"], _with_name(labels["report_of"], name),
    )  # fmt: skip


def _pick_mark(comment, labels) -> SafeString | str:
    """The editors' pick mark: its words are the label; the star is decoration."""
    if not comment.is_pick:
        return ""
    return format_html(
        '<span class="comment__pick"><span aria-hidden="true">★ </span>{}</span>', labels["pick"]
    )


def _like_form(comment, name, labels, root) -> SafeString:
    """The like button, a form that works without JavaScript; its count is a live part
    (comments.reactions), filled on every response, so a like never renders the page."""
    return format_html(
        '<form class="comment__like" method="post" action="{}{}/like/" data-like>'
        '<button type="submit" class="comment__like-button">{}'
        '<span class="visually-hidden"> {}</span></button> '
        '<span class="comment__likes" data-like-count>{}</span></form>',
        root, comment.pk, labels["like"], _with_name(labels["like_of"], name),
        mark_safe(live.marker(reactions.LIVE_PART, reactions.marker_arg(comment))),  # noqa: S308  # nosemgrep  # nosec B308 B703
    )  # fmt: skip


def _erased_node(node, labels, language, comments_open, root) -> SafeString:
    replies = format_html(
        '<ol class="comment-list comment-list--replies">{}</ol>',
        _nodes(node.replies, labels, language, comments_open, root),
    )
    return format_html(
        '<li class="comment comment--erased" id="comment-{}"><article class="comment__card">'
        '<p class="comment__body"><em>{}</em></p></article>{}</li>',
        node.comment.pk, labels["erased"], replies,
    )  # fmt: skip


def _with_name(label: str, name: SafeString) -> SafeString:
    """A translated label around a reader's name: the label's text escaped, the name's
    markup (its language) kept."""
    return mark_safe(conditional_escape(label) % {"name": name})  # noqa: S308  # nosemgrep  # nosec B308 B703
