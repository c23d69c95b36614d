from django.urls import path

from articles import (
    banner,
    corrections,
    live_feed,
    liveblog,
    preview,
    reads,
    search,
    syndication,
    views,
)

app_name = "articles"

# Fixed paths first: the section catch-all `<slug:slug>/` must come after them
# (their first segments are in models.RESERVED_SLUGS, so no section can take them).
urlpatterns = [
    path("", views.home, name="home"),
    path("roi-eidiseon/", live_feed.feed_page, name="feed"),
    path("roi-eidiseon/latest/", live_feed.latest, name="feed_latest"),
    # The breaking-news banner alone, for open pages whose poll said it changed.
    path("roi-eidiseon/banner/", banner.banner, name="banner"),
    path("search/", search.search, name="search"),
    path("diorthoseis/", corrections.corrections_page, name="corrections"),
    path("rss/", syndication.SiteFeed.as_view(), name="rss"),
    path("atom/", syndication.SiteAtomFeed.as_view(), name="atom"),
    path(
        "rss/tag/<slug:slug>/",
        syndication.TagFeed.as_view(),
        name="rss_tag",
    ),
    path(
        "atom/tag/<slug:slug>/",
        syndication.TagAtomFeed.as_view(),
        name="atom_tag",
    ),
    path(
        "rss/<slug:slug>/",
        syndication.CategoryFeed.as_view(),
        name="rss_category",
    ),
    path(
        "atom/<slug:slug>/",
        syndication.CategoryAtomFeed.as_view(),
        name="atom_category",
    ),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("syntaktes/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("rss/syntaktes/<slug:slug>/", syndication.AuthorFeed.as_view(), name="rss_author"),
    path("atom/syntaktes/<slug:slug>/", syndication.AuthorAtomFeed.as_view(), name="atom_author"),
    # Counts a reader for "most read" (static/js/reads.js); "articles" is a reserved slug.
    path("articles/<int:pk>/read/", reads.read, name="read"),
    # The one poll URL of a live article's open pages (articles/liveblog.py).
    path("articles/<int:pk>/live/", liveblog.latest, name="live_latest"),
    # Signed, expiring links that show an unpublished article to someone without an account.
    path("preview/<str:token>/", preview.shared_preview, name="preview"),
    path("<slug:slug>/", views.CategoryView.as_view(), name="category"),
    path(
        "<slug:category>/articles/<int:pk>/<slug:slug>/",
        views.ArticleDetailView.as_view(),
        name="detail",
    ),
    # Links that lost their slug still find the article (and are redirected).
    path(
        "<slug:category>/articles/<int:pk>/",
        views.ArticleDetailView.as_view(),
        name="detail_short",
    ),
]
