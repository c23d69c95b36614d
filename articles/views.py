"""Reader pages: home, category, tag and article."""

import copy

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.html import format_html_join
from django.views.generic import DetailView, ListView

from articles import comment_counts, embeds, liveblog, rendering, seo
from articles.cards import cards_by_id
from articles.models import Article, Author, Tag
from articles.pagination import ArticlePaginator
from articles.sections import categories_for, category_or_404
from newsportal.caching import scopes
from newsportal.caching.fragments import fragment, fragment_if_kept
from newsportal.caching.responses import page_number, shows_another_page

EMBEDS_HEADER = "X-Embeds"
# How many of each category's newest articles the home page shows.
HOME_PER_CATEGORY = 4


# The cards of a home page section block: the newest with its lead, the others compact.
SECTION_FIRST_CARD = {
    "show_lead": True,
    "lazy": True,
    "sizes": "(min-width: 75rem) 26rem, (min-width: 40rem) 50vw, 100vw",
}
SECTION_OTHER_CARD = {"compact": True, "lazy": True}
RELATED_CARD = {"show_category": True, "lazy": True}
RELATED_COUNT = 4
LEAD_CARD = {"large": True, "show_lead": True, "show_category": True, "priority": True}


def home_layout() -> tuple[int | None, dict[int, list[int]]]:
    """The lead story's id and each section's newest ids: two small queries of ids, kept
    per version of the lists (any publication, edit or withdrawal, or a scheduled article
    falling due, moves ``articles``)."""
    published = Article.objects.published()
    # The newest featured article, else the newest: both candidates in one query.
    newest = published.newest_first().values_list("pk", "is_featured")
    candidates = list(newest.filter(is_featured=True)[:1].union(newest[:1], all=True))
    lead_id = max(candidates, key=lambda row: row[1])[0] if candidates else None
    per_category = published.newest_per_category(HOME_PER_CATEGORY).exclude(pk=lead_id)
    by_category: dict[int, list[int]] = {}
    for pk, category_id in per_category.order_by("category_id", "-published_at", "-pk").values_list(
        "pk", "category_id"
    ):
        by_category.setdefault(category_id, []).append(pk)
    return lead_id, by_category


def home(request):
    """The lead story and each section's newest articles.

    The ids come from home_layout() (kept per version of the lists), the cards from this
    process's rendered cards (articles/cards.py): only the articles whose card it has not
    rendered in this content version are read in full.
    """
    lead_id, by_category = fragment(
        "home-layout", scopes=(scopes.SITE, scopes.ARTICLES), render=home_layout, shared=True
    )
    categories = [c for c in categories_for(request) if c.pk in by_category]  # menu order
    wanted = [(lead_id, LEAD_CARD)] if lead_id else []
    for category in categories:
        ids = by_category[category.pk]
        wanted += [(ids[0], SECTION_FIRST_CARD)] + [(pk, SECTION_OTHER_CARD) for pk in ids[1:]]
    cards = iter(cards_by_id(wanted))
    lead = next(cards) if lead_id else None
    sections, layout = [], []
    for category in categories:
        shown = [card for card in (next(cards) for _ in by_category[category.pk]) if card]
        if shown:
            sections.append({"category": category, "cards": shown})
            layout.append((category.pk, by_category[category.pk]))
    # The sections' HTML is kept per layout (which articles, in which sections).
    context = {"lead": lead, "lead_id": lead_id, "sections": sections, "layout": str(layout)}
    return render(request, "articles/home.html", context)


class ArticleListView(ListView):
    """A paginated, newest-first list of published articles; ``?page=abc`` is page 1.

    A page reads its article ids (articles/pagination.py), then the cards of those ids
    (only the articles whose card this process has not rendered are read in full).
    """

    paginate_by = settings.ARTICLES_PER_PAGE
    context_object_name = "article_ids"
    card_options = {"level": 2, "show_lead": True}

    # See articles/pagination.py: offsets below which a page reads whole rows at once.
    rows_until = 0
    # Scopes besides the list's own that change its total.
    count_also_on: tuple[str, ...] = ()

    def paginate_queryset(self, queryset, page_size):
        scopes.depends_on(self.list_scope())
        paginator = ArticlePaginator(
            queryset,
            page_size,
            list_scope=self.list_scope(),
            rows_until=self.rows_until,
            also_on=self.count_also_on,
        )
        asked = self.request.GET.get("page")
        page = paginator.get_page(asked)
        if (page_number(asked or "") or "1") != str(page.number):
            shows_another_page(self.request)  # ?page=99 of five pages shows the fifth
        return paginator, page, page.object_list, page.has_other_pages()

    def list_scope(self) -> str:
        """The scope of this list: its articles change with it (newsportal/caching)."""
        raise NotImplementedError

    def card_for(self, index: int, page) -> dict:
        """The card options of the article at ``index`` on ``page``."""
        return {**self.card_options, "lazy": index > 0}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        wanted = [(pk, self.card_for(index, page)) for index, pk in enumerate(page.object_list)]
        cards = cards_by_id(wanted, known=page.rows)
        context["cards"] = [card for card in cards if card]
        return context


class CategoryView(ArticleListView):
    template_name = "articles/category_detail.html"

    def get_queryset(self):
        self.category = category_or_404(self.request, self.kwargs["slug"])
        return Article.objects.published().in_category(self.category).newest_first()

    def list_scope(self) -> str:
        return scopes.section(self.category.pk)

    def card_for(self, index: int, page) -> dict:
        if index == 0 and not page.has_previous():
            # The section's newest story opens its first page, large and loaded first.
            return {**self.card_options, "large": True, "priority": True}
        return super().card_for(index, page)

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


class TagView(ArticleListView):
    template_name = "articles/tag_detail.html"
    card_options = {**ArticleListView.card_options, "show_category": True}
    # A site has thousands of tags, each page seldom warm here: its first pages read whole
    # rows in one query; deeper pages read ids first (the rows of a deep page cost more).
    rows_until = 200

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return Article.objects.published().filter(tagged_items__tag=self.tag).newest_first()

    def list_scope(self) -> str:
        return scopes.tag(self.tag.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorView(ArticleListView):
    """An author's page: photo, role, biography and their articles, paged like sections."""

    template_name = "articles/author_detail.html"
    card_options = {**ArticleListView.card_options, "show_category": True}
    rows_until = 200
    # Any article published or withdrawn may be one of theirs.
    count_also_on = (scopes.ARTICLES,)

    def get_queryset(self):
        self.author = get_object_or_404(
            Author.objects.select_related("photo"), slug=self.kwargs["slug"]
        )
        return Article.objects.published().filter(authors=self.author).newest_first()

    def list_scope(self) -> str:
        scopes.depends_on(scopes.ARTICLES)
        return scopes.author(self.author.pk)

    def get_context_data(self, **kwargs):
        json_ld = seo.json_ld_script(seo.person(self.author, self.request))
        return super().get_context_data(author=self.author, author_json_ld=json_ld, **kwargs)


# What an article page reads outside its kept blocks: title and description, the comments
# section's key and count, the canonical address (the section's slug), the body for the
# embeds' providers (the CSP header). Reading only these compiles and sends a third of the
# columns and none of the author's or picture's.
AROUND_KEPT_TEXT = (
    "headline", "slug", "lead", "body_html", "language", "status", "published_at",
    "comments_enabled", "comment_moderation", "comment_count", "category",
    "seo_title", "seo_description",  # the page's <title> and description, outside the memo
    "live_blog__started_at", "live_blog__ended_at", "live_blog__expected_end_at",
)  # fmt: skip


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    known_tags = None

    def get_queryset(self):
        if self.known_tags is None:
            return Article.objects.published().for_article_page().select_related("live_blog")
        # Warm: this worker keeps the article's text, head and tags (the same scopes), so
        # only what the page shows around them is read; a field left out is still read if
        # a block must be rendered again after all (a new day, another host name).
        return (
            Article.objects.published()
            .select_related("category", "live_blog")
            .only(*AROUND_KEPT_TEXT)
        )

    def get_object(self, queryset=None):
        # An article's tags are kept per content version (a tag change makes a new one):
        # once this process knows them, the article is read without the tags' subquery.
        pk = self.kwargs["pk"]
        # The page shows the article and its comments section (newsportal/caching/scopes.py).
        scopes.depends_on(scopes.article(pk), scopes.comments(pk))
        self.known_tags = fragment_if_kept("article-tags", pk, scopes=article_scopes(pk))
        return super().get_object(queryset) if self.known_tags is None else self.kept_row()

    def kept_row(self) -> Article:
        """The row read around the kept blocks, kept by this worker per version of what it
        holds (the article, its comment count and the site's sections): a warm page reads
        nothing. Each request gets its own copy, so a field read late stays its own."""
        pk = self.kwargs["pk"]
        row = fragment(
            "article-row",
            pk,
            scopes=(scopes.SITE, scopes.article(pk), scopes.comments(pk)),
            render=lambda: DetailView.get_object(self),
            size=row_size,
        )
        return copy.copy(row)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        canonical = self.object.get_absolute_url()
        if request.path != canonical:
            # Old slug, wrong category or a missing slug: one permanent home per article.
            query = request.META.get("QUERY_STRING")
            return HttpResponsePermanentRedirect(f"{canonical}?{query}" if query else canonical)
        return self.render_to_response(self.get_context_data(object=self.object))

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if context.get("embed_providers"):
            # Read by the CSP middleware (newsportal/csp_policy.py), kept with a stored page.
            response[EMBEDS_HEADER] = " ".join(context["embed_providers"])
        return response

    def get_context_data(self, **kwargs):
        article = self.object
        tags = self.tags_of(article)
        related_ids, related_html = see_also(article, tags)
        live = liveblog.page_section(article, self.request)
        providers = embeds.providers_in(article.body_html)
        if live is not None:
            if live.page != liveblog.asked_page(self.request):
                shows_another_page(self.request)  # ?entries_page=99 of three pages
            providers = sorted({*providers, *live.embed_providers})
        return super().get_context_data(
            tags=tags,
            related_ids=related_ids,
            related_html=related_html,
            article_scope=scopes.article(article.pk),
            live=live,
            live_scope=scopes.liveblog(article.pk) if live else "",
            embed_providers=providers,
            **kwargs,
        )

    def tags_of(self, article: Article) -> list[Tag]:
        if self.known_tags is None:
            self.known_tags = fragment(
                "article-tags",
                article.pk,
                scopes=article_scopes(article.pk),
                render=lambda: tags_read_with(article),
            )
        return self.known_tags


def row_size(article: Article) -> int:
    """About the bytes of a kept row: its text, and a few hundred for the rest."""
    return 1024 + sum(
        2 * len(value)
        for value in (article.__dict__.get(name) for name in ("headline", "lead", "body_html"))
        if isinstance(value, str)
    )


def article_scopes(pk: int) -> tuple[str, str]:
    return (scopes.SITE, scopes.article(pk))


def tags_read_with(article: Article) -> list[Tag]:
    """The tags of an article read by for_article_page() (or read now), by name."""
    tag_list = getattr(article, "tag_list", None)
    if tag_list is None:
        return list(article.tags.order_by("name"))
    return [Tag(**values) for values in tag_list]


def see_also(article: Article, tags: list[Tag]) -> tuple[list[int], str]:
    """The ids and the cards of an article's "See also" (two queries on a miss)."""

    def render():
        related = list(
            Article.objects.published()
            .related_to(article, [tag.pk for tag in tags])
            .for_listing()[:RELATED_COUNT]
        )
        comment_counts.remember({other.pk: other.comment_count for other in related})
        html = format_html_join(
            "", "{}", ((rendering.card_html(other, **RELATED_CARD),) for other in related)
        )
        return ([other.pk for other in related], html)

    # Other articles' cards: "See also" changes with any list (scopes.ARTICLES), and each
    # card records its own article's scope on the page. Of this article it reads only its
    # section and tags (in the key), so an edit of its text does not render it again.
    return fragment(
        "see-also",
        article.pk,
        article.category_id,
        *sorted(tag.pk for tag in tags),
        scopes=(scopes.SITE, scopes.ARTICLES),
        render=render,
    )
