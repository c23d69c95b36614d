"""Search at /search/?q=: PostgreSQL full-text search over the stored search vector.

Each article's vector is built by PostgreSQL itself (Article.search_vector, a stored
generated column with a GIN index) in its own language's configuration: 'greek' (the
Snowball stemmer folds case and accents, so "ΖΕΛΕΝΣΚΙ", "Ζελένσκι" and "ζελενσκι" are
one word) or 'english'. Its tag names enter in both configurations, weighted between
the headline and the lead (see articles/search_vector.py). A reader's query is
parsed in both configurations and the two are OR-ed, so it finds articles of either
language with one index scan.
"""

from __future__ import annotations

import hashlib
import html
import re
from datetime import date, datetime, time, timedelta

from django import forms
from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import F, FloatField, Func, TextField, Value
from django.db.models.functions import Concat
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from articles.models import Article
from articles.search_vector import body_text, search_config
from articles.sections import categories_for
from newsportal.caching import scopes
from newsportal.caching.fragments import fragment

MAX_QUERY_LENGTH = 500
# How many of the newest matches are ranked (see matching()); the result count stops there.
MAX_CANDIDATES = 500
# Ranked results are reused this long at most (and never past a content change).
RESULTS_CACHE_SECONDS = 600
# A fresh article's score is up to twice its text rank; the boost halves after this many
# days and fades towards nothing, so relevance leads and recency breaks near-ties.
RECENCY_DAYS = 7
# Private-use characters mark highlights inside ts_headline's output; the text around
# them is escaped before they become <mark> tags (they are removed from the source).
MARK_START, MARK_END = "\ue000", "\ue001"
WORD = re.compile(r"\w")
EARLIEST, LATEST = date(1990, 1, 1), date(2100, 12, 31)


def text_query(text: str) -> SearchQuery:
    """The reader's words in web-search syntax ("quoted phrase", or, -not), both languages."""
    return SearchQuery(text, search_type="websearch", config="greek") | SearchQuery(
        text, search_type="websearch", config="english"
    )


def recency_factor(now: datetime) -> Func:
    age_seconds = Func(
        Value(now), F("published_at"), arg_joiner=" - ", template="(%(expressions)s)"
    )
    return Func(
        age_seconds,
        template=(
            "(1.0 + 1.0 / (1.0 + GREATEST(EXTRACT(EPOCH FROM %(expressions)s), 0)::float8"
            f" / {RECENCY_DAYS * 86400}.0))"
        ),
        output_field=FloatField(),
    )


def matching(queryset, text: str, *, now: datetime | None = None):
    """Articles of ``queryset`` matching ``text``, annotated with ``score``, best first.

    Only the newest MAX_CANDIDATES matches are ranked: a common word matches thousands of
    articles, and ranking reads each one's whole vector, so the cost would grow with the
    archive. The GIN index finds the matches and their dates decide the candidates; a news
    reader rarely wants the thousandth-newest article that mentions "government".
    """
    query = text_query(text)
    candidates = (
        queryset.filter(search_vector=query)
        .order_by("-published_at", "-pk")
        .values("pk")[:MAX_CANDIDATES]
    )
    rank = SearchRank(F("search_vector"), query, cover_density=True, normalization=Value(32))
    # The candidates already passed every filter: the outer query only reads them by id.
    return (
        queryset.model.objects.filter(pk__in=candidates)
        .annotate(score=rank * recency_factor(now or timezone.now()))
        .order_by("-score", "-published_at", "-pk")
    )


def with_snippets(queryset, text: str):
    """Highlighted headline and body snippet (ts_headline); only for the rows asked for."""
    query = text_query(text)
    config = search_config()
    marks = {"start_sel": MARK_START, "stop_sel": MARK_END}
    document = Concat(F("lead"), Value(" "), body_text(), output_field=TextField())
    return queryset.annotate(
        headline_marked=SearchHeadline(
            strip_marks(F("headline")), query, config=config, highlight_all=True, **marks
        ),
        snippet_marked=SearchHeadline(
            strip_marks(document),
            query,
            config=config,
            max_words=35,
            min_words=15,
            max_fragments=2,
            fragment_delimiter=" … ",
            **marks,
        ),
    )


def strip_marks(expression):
    return Func(
        expression,
        Value(MARK_START + MARK_END),
        Value(""),
        function="translate",
        output_field=TextField(),
    )


def highlighted(marked: str) -> SafeString:
    """ts_headline output as safe HTML: everything escaped, then the marks become <mark>.

    The body part of the document is sanitised HTML with its tags stripped, so its
    entities are decoded first; escaping after decoding leaves no markup of its own.
    """
    escaped = escape(html.unescape(marked))
    highlighted_html = escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(highlighted_html)  # noqa: S308  # nosemgrep  # nosec B308 B703


def ranked_ids(ranked, params) -> list[int]:
    """The ids of the ranked matches (at most MAX_CANDIDATES), best first.

    Kept in this worker's memory (bounded) per version of the lists, query, filters and
    language: a name in the news is searched by thousands of readers, and its ranking only
    changes with the content. Not in the shared cache: any reader can type a new query.
    """
    identity = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "page")
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return fragment(
        "search-ids",
        digest,
        scopes=(scopes.SITE, scopes.ARTICLES),
        render=lambda: list(ranked.values_list("pk", flat=True)),
        timeout=RESULTS_CACHE_SECONDS,
    )


class SectionSelect(forms.Select):
    """Section names are the newsroom's words: each option says their language, so that an
    English page reads them as Greek (the "All sections" option stays in the page's)."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value:
            option["attrs"]["lang"] = settings.LANGUAGE_CODE
        return option


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("Words, a “quoted phrase”, or a word with a minus sign to exclude it."),
    )
    category = forms.ChoiceField(label=_("Section"), required=False, widget=SectionSelect)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        validators=[MinValueValidator(EARLIEST), MaxValueValidator(LATEST)],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        validators=[MinValueValidator(EARLIEST), MaxValueValidator(LATEST)],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {category.slug: category for category in categories}
        self.fields["category"].choices = [("", _("All sections"))] + [
            (category.slug, category.name) for category in categories
        ]

    def clean_q(self) -> str:
        text = " ".join(self.cleaned_data["q"].split())
        if text and not WORD.search(text):
            raise forms.ValidationError(
                _("Type at least one word or number to search for."), code="no_words"
            )
        return text

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filter(self, queryset):
        """Apply the section and the date range (whole days, Athens time)."""
        data = self.cleaned_data
        if data.get("category"):
            queryset = queryset.filter(category=self.categories[data["category"]])
        zone = timezone.get_current_timezone()
        if data.get("date_from"):
            start = datetime.combine(data["date_from"], time.min, tzinfo=zone)
            queryset = queryset.filter(published_at__gte=start)
        if data.get("date_to"):
            end = datetime.combine(data["date_to"] + timedelta(days=1), time.min, tzinfo=zone)
            queryset = queryset.filter(published_at__lt=end)
        return queryset


def results_list_html(ids: list[int], text: str) -> str:
    """The <ol> of a page of results, with highlighted headlines and snippets."""
    # The page's rows with their snippets: ts_headline runs only for these ids.
    order = {pk: index for index, pk in enumerate(ids)}
    rows = sorted(
        with_snippets(Article.objects.filter(pk__in=order).for_listing(), text),
        key=lambda article: order[article.pk],
    )
    results = [
        {
            "article": article,
            "headline": highlighted(article.headline_marked),
            "snippet": highlighted(article.snippet_marked),
        }
        for article in rows
    ]
    return render_to_string("articles/search_results.html", {"rows": results})


@require_safe
def search(request):
    """The search page; a query the form refuses is answered 400 with its reason shown."""
    form = SearchForm(request.GET or None, categories=categories_for(request))
    context = {"form": form, "query": "", "page_obj": None, "results": []}
    if not form.is_bound:
        return render(request, "articles/search.html", context)
    if not form.is_valid():
        return render(request, "articles/search.html", context, status=400)
    text = form.cleaned_data["q"]
    context["query"] = text
    if not text:
        return render(request, "articles/search.html", context)

    ranked = matching(form.filter(Article.objects.published()), text)
    paginator = Paginator(ranked_ids(ranked, request.GET), settings.ARTICLES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    # Kept per words and page (newsportal/caching/fragments.py): a name in the news is
    # searched by thousands of readers, and ts_headline is the page's most expensive work.
    results_html = fragment(
        "search-results",
        text,
        tuple(page.object_list),
        scopes=(scopes.SITE, scopes.ARTICLES),
        render=lambda: results_list_html(page.object_list, text),
    )
    capped = MAX_CANDIDATES if paginator.count >= MAX_CANDIDATES else 0
    context.update(
        page_obj=page,
        results=page.object_list,
        results_html=results_html,
        results_capped=capped,
    )
    return render(request, "articles/search.html", context)
