"""An editor's title and description for search engines: used in the page's head when set,
the headline and lead otherwise; and the preview of the result and the share card."""

import json
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles import search_preview, services
from articles.models import Article
from tests.articles.test_seo import parse
from tests.factories import ArticleFactory, CategoryFactory, ImageFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADLINE = "Συμφωνία για την ενέργεια στη Σύνοδο Κορυφής των Βρυξελλών"
LEAD = "Οι ηγέτες της ΕΕ συμφώνησαν σε κοινές αγορές φυσικού αερίου."
SEO_TITLE = "Σύνοδος Κορυφής: συμφωνία για το φυσικό αέριο"
SEO_DESCRIPTION = "Τι συμφώνησαν οι 27 για το αέριο και τι αλλάζει στους λογαριασμούς."


@pytest.fixture
def editor():
    user = UserFactory(username="eleni", first_name="Ελένη", last_name="Μ.", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def head_values(client, article) -> dict:
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    page = parse(client, article.get_absolute_url())
    news_article = json.loads(page.json_ld[0])
    return {
        "title": re.search(r"<title>(.*?)</title>", html, re.S).group(1),
        "description": page.first("description"),
        "og:title": page.first("og:title"),
        "og:description": page.first("og:description"),
        "twitter:title": page.first("twitter:title"),
        "twitter:description": page.first("twitter:description"),
        "headline": news_article["headline"],
        "ld:description": news_article["description"],
    }


def test_the_seo_title_and_description_replace_headline_and_lead_in_the_head(client):
    article = ArticleFactory(
        headline=HEADLINE, lead=LEAD, seo_title=SEO_TITLE, seo_description=SEO_DESCRIPTION
    )
    values = head_values(client, article)
    assert values["title"] == f"{SEO_TITLE} · Νέα Αγορά"
    for key in ("og:title", "twitter:title", "headline"):
        assert values[key] == SEO_TITLE, key
    for key in ("description", "og:description", "twitter:description", "ld:description"):
        assert values[key] == SEO_DESCRIPTION, key
    # Readers still see the headline and the lead on the page.
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<h1 class="article__headline">{HEADLINE}</h1>' in html
    assert LEAD in html


def test_without_them_the_head_keeps_the_headline_and_lead(client):
    article = ArticleFactory(headline=HEADLINE, lead=LEAD)
    values = head_values(client, article)
    assert values["title"] == f"{HEADLINE} · Νέα Αγορά"
    for key in ("og:title", "twitter:title", "headline"):
        assert values[key] == HEADLINE, key
    for key in ("description", "og:description", "twitter:description", "ld:description"):
        assert values[key] == LEAD, key


def test_a_blank_seo_title_falls_back_to_the_headline():
    article = ArticleFactory.build(headline=HEADLINE, lead="", seo_title="   ")
    assert article.search_title == HEADLINE
    assert article.search_description == HEADLINE


def test_a_changed_seo_title_reaches_the_cached_page(
    client, page_cache, django_capture_on_commit_callbacks
):
    article = ArticleFactory(headline=HEADLINE, lead=LEAD)
    assert head_values(client, article)["og:title"] == HEADLINE  # stored
    article.seo_title = SEO_TITLE
    with django_capture_on_commit_callbacks(execute=True):
        services.save_article(article=article)
    assert head_values(client, article)["og:title"] == SEO_TITLE


def test_seo_fields_are_not_an_update_for_readers_but_come_back_with_a_revision(editor):
    article = ArticleFactory(headline=HEADLINE, lead=LEAD, seo_title=SEO_TITLE)
    article.seo_title = "Άλλος τίτλος"
    article.seo_description = SEO_DESCRIPTION
    services.save_article(article=article, editor=editor)
    article.refresh_from_db()
    assert article.revised_at is None  # readers see nothing new on the page
    first = article.history.order_by("history_date").first()
    services.restore_revision(article=article, revision=first, editor=editor)
    article.refresh_from_db()
    assert (article.seo_title, article.seo_description) == (SEO_TITLE, "")


def test_the_form_refuses_too_long_seo_fields_in_greek(client, editor):
    article = ArticleFactory(headline=HEADLINE, status=Article.Status.DRAFT, published_at=None)
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        {
            "category": article.category_id,
            "tag_choices": [],
            "authors": [],
            "published_at_0": "",
            "published_at_1": "",
            "seo_title": "α" * 71,
            "seo_description": "β" * 201,
        }
    )
    data = {key: value for key, value in data.items() if value is not False}
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "το πολύ 70 χαρακτήρες" in errors["seo_title"][0]
    assert "το πολύ 200 χαρακτήρες" in errors["seo_description"][0]
    article.refresh_from_db()
    assert article.seo_title == ""


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Σύντομος τίτλος", 60, "Σύντομος τίτλος"),
        ("  κενά   στη  μέση ", 60, "κενά στη μέση"),
        ("Ένας τίτλος που δεν χωράει ολόκληρος", 20, "Ένας τίτλος που δεν…"),
        ("Ένας τίτλος που δεν χωράει", 18, "Ένας τίτλος που…"),
        ("Τέλος με κόμμα, και συνέχεια", 16, "Τέλος με κόμμα…"),
        ("Υπερκαλιφραγκιλιστικεξπιαλιδοσιους λέξη", 12, "Υπερκαλιφρα…"),
    ],
)
def test_cut_keeps_whole_words_and_ends_with_an_ellipsis(text, limit, expected):
    assert search_preview.cut(text, limit) == expected
    assert len(search_preview.cut(text, limit)) <= limit


def test_the_change_form_previews_the_saved_search_result_and_share_card(client, editor):
    picture = ImageFactory(alt_text="Οι ηγέτες στη φωτογραφία")
    article = ArticleFactory(
        headline=HEADLINE,
        lead=LEAD * 4,
        category=CategoryFactory(name="Διεθνή"),
        hero_image=picture,
        seo_title="",
    )
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = response.content.decode()
    preview = response.context["seo_preview"]
    assert preview.search_title == search_preview.cut(f"{HEADLINE} · Νέα Αγορά", 60)
    assert preview.search_title.endswith("…")
    assert preview.search_url == f"http://testserver{article.get_absolute_url()}"
    assert len(preview.search_description) <= 155
    for text in (preview.search_url, preview.search_title, preview.search_description):
        assert text in html
    assert f'data-preview="card-title">{HEADLINE}</p>' in html
    assert f'src="{picture.rendition_url(640)}" alt="Οι ηγέτες στη φωτογραφία"' in html
    assert "static/js/admin-seo-preview.js" in html
    assert 'maxlength="70"' in html
    assert 'maxlength="200"' in html


def test_a_new_article_has_an_empty_preview(client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_add"))
    assert response.status_code == 200
    preview = response.context["seo_preview"]
    assert (preview.url_template, preview.title, preview.image_url) == ("", "", "")
    assert preview.search_url == "testserver"
    assert 'id="seo-preview"' in response.content.decode()
