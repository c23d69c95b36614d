import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from articles.models import RESERVED_SLUGS, Article, Category, Tag
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def test_category_slug_is_filled_from_the_greek_name():
    assert CategoryFactory(name="Διεθνή").slug == "diethni"


@pytest.mark.parametrize("slug", sorted(RESERVED_SLUGS))
def test_a_category_can_never_take_a_path_the_site_uses(slug):
    with pytest.raises(ValidationError):
        Category(name=f"Test {slug}", slug=slug).save()
    assert not Category.objects.filter(slug=slug).exists()


def test_the_database_refuses_a_reserved_category_slug_even_past_save():
    category = CategoryFactory(name="Αγορές")
    with pytest.raises(IntegrityError):
        Category.objects.filter(pk=category.pk).update(slug="admin")


def test_full_clean_explains_a_reserved_slug():
    with pytest.raises(ValidationError) as error:
        Category(name="Αναζήτηση", slug="search").full_clean()
    assert "slug" in error.value.message_dict


def test_article_slugs_are_transliterated_and_unique():
    first = ArticleFactory(headline="Ο Ζελένσκι στις Βρυξέλλες")
    second = ArticleFactory(headline="Ο Ζελένσκι στις Βρυξέλλες")
    assert first.slug == "o-zelenski-stis-vryxelles"
    assert second.slug == "o-zelenski-stis-vryxelles-2"


def test_an_existing_slug_is_kept_when_the_headline_changes():
    article = ArticleFactory(headline="Πρώτος τίτλος")
    article.headline = "Δεύτερος τίτλος"
    article.save()
    article.refresh_from_db()
    assert article.slug == "protos-titlos"


def test_publishing_without_a_time_sets_it_now():
    article = ArticleFactory(status=Article.Status.PUBLISHED, published_at=None)
    assert article.published_at is not None


def test_the_database_refuses_a_published_article_without_time():
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    with pytest.raises(IntegrityError):
        Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)


def test_body_html_is_sanitised_on_save():
    article = ArticleFactory(
        body='<h2>Τίτλος</h2><p onclick="alert(1)">Κείμενο<script>alert(2)</script></p>'
        '<a href="javascript:alert(3)">κακό</a><a href="https://example.org">καλό</a>'
    )
    assert "<script" not in article.body_html
    assert "onclick" not in article.body_html
    assert "javascript:" not in article.body_html
    assert "<h2>Τίτλος</h2>" in article.body_html
    assert 'rel="noopener noreferrer"' in article.body_html


def test_tag_slugs_are_transliterated():
    article = ArticleFactory(tags=["Πληθωρισμός", "Χρηματιστήριο Αθηνών"])
    assert set(article.tags.values_list("slug", flat=True)) == {
        "plithorismos",
        "chrimatistirio-athinon",
    }
    assert Tag.objects.get(name="Πληθωρισμός").get_absolute_url() == "/tag/plithorismos/"


def test_article_url_names_its_category_id_and_slug():
    article = ArticleFactory(headline="Νέα εποχή", category=CategoryFactory(name="Διεθνή"))
    assert article.get_absolute_url() == f"/diethni/articles/{article.pk}/nea-epochi/"


def test_article_links_follow_the_url_configuration_in_each_language():
    from django.urls import reverse
    from django.utils import translation

    article = ArticleFactory(headline="Σύνοδος κορυφής", category=CategoryFactory(name="Διεθνή"))
    tag_slug = "diplomatia"
    for language in ("el", "en"):
        with translation.override(language):
            assert article.get_absolute_url() == reverse(
                "articles:detail",
                kwargs={"category": "diethni", "pk": article.pk, "slug": "synodos-koryfis"},
            )
            assert article.category.get_absolute_url() == reverse(
                "articles:category", kwargs={"slug": "diethni"}
            )
            assert Tag(name="x", slug=tag_slug).get_absolute_url() == reverse(
                "articles:tag", kwargs={"slug": tag_slug}
            )
    with translation.override("en"):
        assert article.get_absolute_url().startswith("/en/diethni/")
