"""Reader pages: home, category, tag and article."""

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.views.generic import DetailView, ListView

from articles.models import Article, Tag
from articles.pagination import ArticlePaginator
from articles.sections import category_or_404

# How many of each category's newest articles the home page shows.
HOME_PER_CATEGORY = 4


def home(request):
    published = Article.objects.published().for_listing()
    lead = published.filter(is_featured=True).newest_first().first() or (
        published.newest_first().first()
    )
    newest = published.newest_per_category(HOME_PER_CATEGORY)
    if lead:
        newest = newest.exclude(pk=lead.pk)
    sections: dict[int, list[Article]] = {}
    for article in newest.order_by("category__menu_order", "category__name", "-published_at"):
        sections.setdefault(article.category_id, []).append(article)
    return render(
        request,
        "articles/home.html",
        {"lead": lead, "sections": list(sections.values())},
    )


class ArticleListView(ListView):
    """A paginated, newest-first list of published articles; ``?page=abc`` is page 1."""

    paginate_by = settings.ARTICLES_PER_PAGE
    context_object_name = "articles"

    def paginate_queryset(self, queryset, page_size):
        paginator = ArticlePaginator(
            queryset, page_size, count_key=self.count_key(), ids_first_from=self.ids_first_from
        )
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def count_key(self) -> str:
        """Names the list for its cached total (see articles/pagination.py)."""
        raise NotImplementedError

    # Section pages read ids first from page 1 (a quiet section would otherwise be found
    # by walking the whole site's newest articles); tag pages from deep pages on.
    ids_first_from = 0


class CategoryView(ArticleListView):
    template_name = "articles/category_detail.html"

    def get_queryset(self):
        self.category = category_or_404(self.request, self.kwargs["slug"])
        return Article.objects.published().in_category(self.category).for_listing().newest_first()

    def count_key(self) -> str:
        return f"category:{self.category.pk}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


class TagView(ArticleListView):
    template_name = "articles/tag_detail.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return (
            Article.objects.published()
            .filter(tagged_items__tag=self.tag)
            .for_listing()
            .newest_first()
        )

    ids_first_from = 200

    def count_key(self) -> str:
        return f"tag:{self.tag.pk}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().for_article_page()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        canonical = self.object.get_absolute_url()
        if request.path != canonical:
            # Old slug, wrong category or a missing slug: one permanent home per article.
            query = request.META.get("QUERY_STRING")
            return HttpResponsePermanentRedirect(f"{canonical}?{query}" if query else canonical)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        article = self.object
        # Tags come with the article from for_article_page(), at no query of their own; an
        # article fetched otherwise (the admin's preview) reads them.
        tag_list = getattr(article, "tag_list", None)
        if tag_list is None:
            tags = list(article.tags.all())
        else:
            tags = [Tag(**values) for values in tag_list]
        related = (
            Article.objects.published()
            .related_to(article, [tag.pk for tag in tags])
            .for_listing()[:4]
        )
        return super().get_context_data(tags=tags, related_articles=related, **kwargs)
