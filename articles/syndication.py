"""RSS 2.0 and Atom feeds of the whole site, of each section and of each tag.

The feeds live inside the language prefixes like every reader page: /rss/ speaks
Greek and links to Greek pages, /en/rss/ the same articles with the English interface
and /en/ links. Items are the newest published articles, with the lead as summary,
the section and tags as categories and the hero image as enclosure.
"""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from articles.models import Article, Author, Category, Tag
from articles.people import display_name


class SiteFeed(Feed):
    feed_type = Rss201rev2Feed

    def title(self, obj=None) -> str:
        return settings.SITE_NAME

    def link(self, obj=None) -> str:
        return reverse("articles:home")

    def description(self, obj=None) -> str:
        return _("Political and financial news from Greece and the world, as it happens.")

    def articles(self, obj=None):
        return Article.objects.published()

    def items(self, obj=None):
        return (
            self.articles(obj)
            .select_related("category", "hero_image", "author")
            .prefetch_related("tags")
            .defer("body", "body_html", "search_vector")
            .newest_first()[: settings.SYNDICATION_ITEMS]
        )

    @classmethod
    def as_view(cls):
        """A view that uses a new feed object per request, so ``self.request`` is safe."""

        def view(request, *args, **kwargs):
            return cls()(request, *args, **kwargs)

        return view

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    # Items
    def item_title(self, item: Article) -> str:
        return item.headline

    def item_description(self, item: Article) -> str:
        # Feed readers show an RSS description (and an Atom summary, type="html") as HTML;
        # the lead is plain text, so it goes in escaped: "<" stays a character, never a tag.
        return escape(item.lead)

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.updated_at

    def item_author_name(self, item: Article) -> str | None:
        return display_name(item.author) or None

    def item_categories(self, item: Article) -> list[str]:
        # taggit's prefetch query has no ORDER BY, so the rows' order follows the query plan:
        # sorted here, the feed is the same from one run to the next.
        return [item.category.name, *sorted(tag.name for tag in item.tags.all())]

    def item_enclosures(self, item: Article):
        """The hero image, with its size in bytes as RSS requires (omitted if unreadable)."""
        image = item.hero_image
        if image is None or not image.file:
            return []
        try:
            length = image.file.size
        except OSError:
            return []
        mime_type = mimetypes.guess_type(image.file.name)[0] or "image/jpeg"
        url = self.request.build_absolute_uri(image.file.url)
        return [Enclosure(url, str(length), mime_type)]


class SiteAtomFeed(SiteFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj=None) -> str:
        return self.description(obj)


class CategoryFeed(SiteFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def title(self, obj: Category) -> str:
        return f"{obj.name} · {settings.SITE_NAME}"

    def link(self, obj: Category) -> str:
        return obj.get_absolute_url()

    def description(self, obj: Category) -> str:
        return obj.description or _("The newest articles of the section %(name)s.") % {
            "name": obj.name
        }

    def articles(self, obj: Category):
        return Article.objects.published().in_category(obj)


class CategoryAtomFeed(CategoryFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Category) -> str:
        return self.description(obj)


class TagFeed(SiteFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj: Tag) -> str:
        return f"{obj.name} · {settings.SITE_NAME}"

    def link(self, obj: Tag) -> str:
        return obj.get_absolute_url()

    def description(self, obj: Tag) -> str:
        return _("The newest articles tagged “%(name)s”.") % {"name": obj.name}

    def articles(self, obj: Tag):
        return Article.objects.published().filter(tagged_items__tag=obj)


class AuthorFeed(SiteFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def title(self, obj: Author) -> str:
        return f"{obj.name} · {settings.SITE_NAME}"

    def link(self, obj: Author) -> str:
        return obj.get_absolute_url()

    def description(self, obj: Author) -> str:
        return _("The newest articles by %(name)s.") % {"name": obj.name}

    def articles(self, obj: Author):
        return Article.objects.published().filter(authors=obj)


class AuthorAtomFeed(AuthorFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Author) -> str:
        return self.description(obj)


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Tag) -> str:
        return self.description(obj)
