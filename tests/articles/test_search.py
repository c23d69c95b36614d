"""Search: Greek stemming without regard to case or accents, ranking, filters, hostile input."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db

ATHENS = ZoneInfo("Europe/Athens")
SEARCH_BUDGET = 6


def found(client, query: str, **params) -> list[str]:
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200, response.content.decode()[:500]
    return headlines(response.context["results"])


def headlines(ids: list[int]) -> list[str]:
    """The headlines of a page of results (the page's context holds their ids, best first)."""
    by_id = dict(Article.objects.filter(pk__in=ids).values_list("pk", "headline"))
    return [by_id[pk] for pk in ids]


@pytest.fixture
def zelensky():
    return ArticleFactory(
        headline="Ο Ζελένσκι στις Βρυξέλλες ζητά ενίσχυση της αεράμυνας",
        lead="Συναντήσεις με τους ηγέτες της Ευρωπαϊκής Ένωσης.",
        body="<p>Ο Ουκρανός πρόεδρος μίλησε για την <strong>ενέργεια</strong> &amp; την άμυνα.</p>",
    )


@pytest.fixture
def unrelated():
    return ArticleFactory(
        headline="Άνοδος στο Χρηματιστήριο Αθηνών",
        lead="Οι τράπεζες οδήγησαν τη συνεδρίαση.",
        body="<p>Ο τζίρος ξεπέρασε τα 200 εκατ. ευρώ.</p>",
    )


@pytest.mark.parametrize("query", ["ΖΕΛΕΝΣΚΙ", "Ζελένσκι", "ζελενσκι", "ζελένσκι", "ΖΕΛΈΝΣΚΙ"])
def test_case_and_accents_do_not_matter(client, zelensky, unrelated, query):
    assert found(client, query) == [zelensky.headline]


def test_greek_words_are_found_in_other_forms(client, unrelated):
    article = ArticleFactory(headline="Η οικονομία της Ελλάδας αναπτύσσεται", lead="", body="")
    assert found(client, "Ελλάδα") == [article.headline]
    assert found(client, "ΟΙΚΟΝΟΜΊΑ") == [article.headline]


def test_english_articles_are_found_with_english_stemming(client, unrelated):
    article = ArticleFactory(
        headline="Central bank raises interest rates again",
        lead="Markets expected the move.",
        body="<p>Bond yields climbed.</p>",
        language="en",
    )
    assert found(client, "rate raise") == [article.headline]
    stored = Article.objects.filter(pk=article.pk).values_list("search_vector", flat=True)[0]
    assert "'rate':" in stored
    assert "'rais':" in stored


def test_the_stored_vector_follows_every_edit(client, zelensky, django_capture_on_commit_callbacks):
    assert found(client, "γεωργία") == []
    with django_capture_on_commit_callbacks(execute=True):  # as a real save commits
        zelensky.headline = "Νέο πρόγραμμα για τη γεωργία"
        zelensky.save()
    assert found(client, "γεωργία") == [zelensky.headline]
    assert found(client, "Ζελένσκι") == []  # the old headline is gone from the vector


def test_body_text_is_searched_without_its_markup(client, zelensky):
    assert found(client, "ενέργεια") == [zelensky.headline]
    assert found(client, "strong") == []


def test_drafts_scheduled_and_withdrawn_articles_are_never_found(client):
    for status, when in [
        (Article.Status.DRAFT, None),
        (Article.Status.UNPUBLISHED, timezone.now()),
        (Article.Status.PUBLISHED, timezone.now() + timedelta(hours=1)),
    ]:
        ArticleFactory(headline="Μυστική σύσκεψη στο Μαξίμου", status=status, published_at=when)
    assert found(client, "σύσκεψη") == []


def test_a_headline_match_ranks_above_a_body_match(client):
    now = timezone.now()
    in_body = ArticleFactory(
        headline="Συνεδρίαση του υπουργικού",
        lead="",
        body="<p>Συζητήθηκε και ο προϋπολογισμός.</p>",
        published_at=now - timedelta(hours=1),
    )
    in_headline = ArticleFactory(
        headline="Ο προϋπολογισμός στη Βουλή",
        lead="",
        body="<p>Ξεκίνησε η συζήτηση.</p>",
        published_at=now - timedelta(days=30),
    )
    assert found(client, "προϋπολογισμός") == [in_headline.headline, in_body.headline]


def test_recency_breaks_ties_between_equally_relevant_articles(client):
    now = timezone.now()
    older = ArticleFactory(headline="Σεισμός στην Κρήτη", published_at=now - timedelta(days=40))
    newer = ArticleFactory(headline="Σεισμός στη Ρόδο", published_at=now - timedelta(hours=2))
    middle = ArticleFactory(headline="Σεισμός στη Σάμο", published_at=now - timedelta(days=5))
    assert found(client, "σεισμός") == [newer.headline, middle.headline, older.headline]


def test_web_search_syntax_phrases_and_exclusions_work(client):
    ArticleFactory(headline="Νέα μέτρα για τη στέγαση", lead="", body="")
    ArticleFactory(headline="Μέτρα για την ενέργεια και νέα στέγαση", lead="", body="")
    assert found(client, '"νέα μέτρα"') == ["Νέα μέτρα για τη στέγαση"]
    assert found(client, "στέγαση -ενέργεια") == ["Νέα μέτρα για τη στέγαση"]
    assert len(found(client, "ενέργεια or μέτρα")) == 2


def test_results_show_highlighted_snippets_that_are_escaped(client):
    ArticleFactory(
        headline="Ο Ζελένσκι <script>alert(1)</script> στο Κίεβο",
        lead="Η επίσκεψη του <b>Ζελένσκι</b> & οι δηλώσεις",
        body="<p>Δηλώσεις Ζελένσκι για AT&amp;T και τον &lt;πόλεμο&gt;.</p>",
    )
    html = client.get("/search/", {"q": "ζελενσκι"}).content.decode()
    results = html.split('class="search-results__list"')[1].split("</ol>")[0]
    assert "<script>" not in results
    assert "<b>" not in results
    assert "<mark>Ζελένσκι</mark>" in results
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in results
    assert "AT&amp;T" in results
    assert "&amp;amp;" not in results
    assert "&lt;πόλεμο" in results
    assert results.count("<mark>") == results.count("</mark>") >= 3


def test_snippets_are_computed_only_for_the_rows_of_the_page(client, settings):
    settings.ARTICLES_PER_PAGE = 5
    ArticleFactory.create_batch(12, headline="Πλημμύρες στη Θεσσαλία")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"q": "πλημμύρες", "page": 2})
    assert len(response.context["results"]) == 5
    with_headline = [q["sql"] for q in queries if "ts_headline" in q["sql"]]
    assert len(with_headline) == 1
    # Only the five ids of page 2 reach ts_headline.
    page_ids = re.search(r'"articles_article"\."id" IN \(([\d, ]+)\)', with_headline[0])
    assert page_ids
    assert sorted(int(pk) for pk in page_ids.group(1).split(",")) == sorted(
        response.context["results"]
    )


def test_results_paginate_and_keep_the_query(client, settings):
    settings.ARTICLES_PER_PAGE = 4
    ArticleFactory.create_batch(10, headline="Απεργία στα μέσα μεταφοράς")
    first = client.get("/search/", {"q": "απεργία"})
    assert len(first.context["results"]) == 4
    assert first.context["page_obj"].paginator.count == 10
    html = first.content.decode()
    assert "?q=%CE%B1%CF%80%CE%B5%CF%81%CE%B3%CE%AF%CE%B1&amp;page=2" in html
    assert len(client.get("/search/", {"q": "απεργία", "page": 3}).context["results"]) == 2
    for page in ["abc", "-1", "0", "99999", "1e9", "\x00"]:
        response = client.get("/search/", {"q": "απεργία", "page": page})
        assert response.status_code == 200, page


def test_filter_by_section(client):
    economy, world = CategoryFactory(name="Οικονομία"), CategoryFactory(name="Διεθνή")
    ArticleFactory(headline="Εκλογές στη Γερμανία", category=world)
    ArticleFactory(headline="Εκλογές και αγορές", category=economy)
    assert found(client, "εκλογές", category=world.slug) == ["Εκλογές στη Γερμανία"]
    assert len(found(client, "εκλογές", category="")) == 2


def test_filter_by_whole_days_in_athens_time(client):
    late_evening = datetime(2026, 11, 23, 23, 30, tzinfo=ATHENS)  # 21:30 UTC
    ArticleFactory(headline="Ναυάγιο ανοιχτά της Κρήτης", published_at=late_evening)
    assert found(client, "ναυάγιο", date_from="2026-11-23", date_to="2026-11-23") != []
    assert found(client, "ναυάγιο", date_to="2026-11-23") != []
    assert found(client, "ναυάγιο", date_from="2026-11-24") == []
    assert found(client, "ναυάγιο", date_to="2026-11-22") == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "α" * 501}, "500"),
        ({"q": "Ζελένσκι\x00"}, "null"),
        ({"q": "!!! ... ???"}, "τουλάχιστον μία λέξη"),
        ({"q": "-"}, "τουλάχιστον μία λέξη"),
        ({"q": "«» — …"}, "τουλάχιστον μία λέξη"),
        ({"q": "😀😀"}, "τουλάχιστον μία λέξη"),
        ({"q": "σεισμός", "category": "den-yparchei"}, "έγκυρη"),
        ({"q": "σεισμός", "category": "\x00"}, "έγκυρη"),
        ({"q": "σεισμός", "date_from": "2026-13-45"}, "έγκυρη ημερομηνία"),
        ({"q": "σεισμός", "date_from": "0001-01-01"}, "1990"),
        ({"q": "σεισμός", "date_to": "9999-12-31"}, "2100"),
        ({"q": "σεισμός", "date_from": "2026-05-02", "date_to": "2026-05-01"}, "πριν από"),
    ],
    ids=[
        "too-long", "nul", "punctuation", "minus", "greek-punctuation", "emoji",
        "unknown-section", "nul-section", "bad-date", "ancient-date", "far-date", "reversed",
    ],
)  # fmt: skip
def test_invalid_input_answers_400_with_the_reason_on_the_site_page(client, params, message):
    response = client.get("/search/", params)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    assert '_error"' in html  # the message is tied to its field by aria-describedby
    assert "<main" in html
    assert 'class="category-menu"' in html


@pytest.mark.parametrize(
    "query",
    [
        "' OR 1=1 --",
        '"ανοιχτά εισαγωγικά',
        "a & b | c ! (d) <-> e:*",
        "<script>alert(1)</script>",
        "και",
        "\\ζελενσκι",
        "α" * 500,
        "ζελ:* & !!",
        "or or -- - \"\" ''",
        "%_%",
    ],
)
def test_hostile_but_valid_queries_answer_a_normal_page(client, zelensky, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_an_empty_query_shows_the_form_and_a_hint(client):
    response = client.get("/search/")
    assert response.status_code == 200
    assert 'role="search"' in response.content.decode()
    for query in ["", "   "]:
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200
        assert "Πληκτρολογήστε μία ή περισσότερες λέξεις" in response.content.decode()


def test_search_is_not_indexed_and_works_in_english(client, zelensky):
    response = client.get("/en/search/", {"q": "Ζελένσκι"})
    html = response.content.decode()
    # The reader's Greek words are marked Greek on the English page.
    assert '1 result for “<span lang="el">Ζελένσκι</span>”' in html
    assert f'href="/en/{zelensky.category.slug}/articles/{zelensky.pk}/' in html
    assert '<meta name="robots" content="noindex, follow">' in html


def test_only_reads_are_accepted(client):
    assert client.post("/search/", {"q": "x"}).status_code == 405


@pytest.mark.parametrize(("articles", "tags"), [(1, 0), (60, 6)])
def test_search_page_query_count_is_fixed(client, django_assert_max_num_queries, articles, tags):
    categories = [CategoryFactory() for _ in range(4)]
    for i in range(articles):
        ArticleFactory(
            headline=f"Πυρκαγιά στην Αττική, ενημέρωση {i}",
            category=categories[i % 4],
            tags=[f"ετικέτα {t}" for t in range(tags)],
        )
    with django_assert_max_num_queries(SEARCH_BUDGET):
        response = client.get("/search/", {"q": "πυρκαγιά", "category": categories[0].slug})
    assert response.status_code == 200
    assert len(response.context["results"]) == min(20, -(-articles // 4))


def test_ranked_results_are_reused_until_the_content_changes(
    client, django_capture_on_commit_callbacks
):
    ArticleFactory(headline="Ο προϋπολογισμός ψηφίστηκε")
    first = client.get("/search/", {"q": "προϋπολογισμός"})
    assert first.context["page_obj"].paginator.count == 1
    with CaptureQueriesContext(connection) as queries:
        client.get("/search/", {"q": "προϋπολογισμός"})
    assert not any("ts_rank_cd" in q["sql"] for q in queries)
    # The highlighted results list is this process's too: no ts_headline either.
    assert not any("ts_headline" in q["sql"] for q in queries)
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(headline="Νέος προϋπολογισμός για το 2027")
    again = client.get("/search/", {"q": "προϋπολογισμός"})
    assert again.context["page_obj"].paginator.count == 2
    assert "Νέος <mark>προϋπολογισμός</mark> για το 2027" in again.content.decode()


def test_only_the_newest_matches_are_ranked(client, monkeypatch):
    from articles import search

    monkeypatch.setattr(search, "MAX_CANDIDATES", 3)
    now = timezone.now()
    for i in range(5):
        ArticleFactory(headline=f"Σεισμός στην Κρήτη {i}", published_at=now - timedelta(hours=i))
    response = client.get("/search/", {"q": "σεισμός"})
    assert response.context["page_obj"].paginator.count == 3
    assert response.context["results_capped"] == 3
    assert set(headlines(response.context["results"])) == {
        f"Σεισμός στην Κρήτη {i}" for i in range(3)
    }
