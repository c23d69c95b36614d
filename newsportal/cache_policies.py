"""Which URL names the response cache keeps (newsportal/caching/responses.py), with the
query parameters each one reads. A parameter not listed here never reaches a cache key:
``/politiki/?x=<random>`` is answered from the entry of ``/politiki/``.

Every policy shows the ``site`` scope (menus, sections, page furniture); the rest of
what a page shows is recorded while it renders (cards, articles, comments sections).
"""

from django.conf import settings

from articles import liveblog
from articles.banner import banner_version
from articles.live_feed import CURSOR_PATTERN
from comments import notices, threads
from newsportal.caching.responses import Policy, matching, one_of, page_number
from newsportal.caching.scopes import ARTICLES, FEED, SITE

LIST = Policy(params={"page": page_number})
ARTICLE = Policy(
    params={
        threads.ORDER_PARAM: one_of(*threads.ORDERS, default=threads.OLDEST),
        threads.PAGE_PARAM: page_number,
        # Older entries of a live blog: a plain link, each page a canonical one.
        liveblog.PAGE_PARAM: page_number,
    },
    # "Your comment awaits moderation": the poster's own notice, signed for their address.
    personal=frozenset({notices.PARAM}),
)
# Syndication and sitemaps list articles; the news sitemap also depends on the clock
# (its last 48 hours), hence a bounded lifetime.
SYNDICATION = Policy(scopes=(SITE, ARTICLES), lifetime=300, same_for_everyone=True)


def poll_headers(response=None) -> dict[str, str]:
    """The feed script reads its next delay from every poll answer (0 stops polling), and
    the banner's version: when it differs from the page's, it fetches the banner."""
    return {
        "X-Poll-Interval": str(max(0, settings.FEED_POLL_INTERVAL)),
        "X-Banner-Version": banner_version(),
    }


def live_blog_poll_headers(response) -> dict[str, str]:
    """A live blog's poll interval: 0 once its coverage ended (said by the stored answer),
    else LIVE_BLOG_POLL_INTERVAL as it is now (0 stops every live blog's polling at once)."""
    ended = response.get(liveblog.STATE_HEADER) == liveblog.ENDED
    return {"X-Poll-Interval": "0" if ended else str(max(0, settings.LIVE_BLOG_POLL_INTERVAL))}


POLICIES = {
    "articles:home": Policy(scopes=(SITE, ARTICLES)),
    "articles:category": LIST,
    "articles:tag": LIST,
    "articles:author": Policy(params={"page": page_number}, scopes=(SITE, ARTICLES)),
    "articles:rss_author": SYNDICATION,
    "articles:atom_author": SYNDICATION,
    "articles:detail": ARTICLE,
    "articles:corrections": Policy(params={"page": page_number}, scopes=(SITE, ARTICLES)),
    # Older pages of the feed: each cursor is a page of its own, kept only in front of us.
    "articles:feed": Policy(
        params={"before": matching(CURSOR_PATTERN)},
        scopes=(SITE, FEED),
        unstored=frozenset({"before"}),
    ),
    # Every open page polls this one URL; browsers may reuse an answer for FEED_MAX_AGE.
    "articles:feed_latest": Policy(
        scopes=(SITE, FEED),
        browser_seconds="FEED_MAX_AGE",
        lifetime=600,
        same_for_everyone=True,
        live_headers=poll_headers,
    ),
    # Every open page of a live article polls this one URL (articles/liveblog.py); its
    # scope liveblog:<id> moves with every entry change, so a current poll costs no query.
    "articles:live_latest": Policy(
        browser_seconds="FEED_MAX_AGE",
        lifetime=600,
        same_for_everyone=True,
        live_headers=live_blog_poll_headers,
    ),
    "articles:rss": SYNDICATION,
    "articles:atom": SYNDICATION,
    "articles:rss_tag": SYNDICATION,
    "articles:atom_tag": SYNDICATION,
    "articles:rss_category": SYNDICATION,
    "articles:atom_category": SYNDICATION,
    "sitemap": SYNDICATION,
    "sitemap-section": Policy(
        params={"p": page_number}, scopes=(SITE, ARTICLES), lifetime=300, same_for_everyone=True
    ),
    "news-sitemap": SYNDICATION,
    "robots": Policy(lifetime=300, same_for_everyone=True),
    # Not stored here (it costs no query); nginx keeps it a second like the poll.
    "articles:banner": Policy(lifetime=0, same_for_everyone=True),
    # The comment rules change only with a release: cached like any page of the site.
    "comments:rules": Policy(),
}
