"""The editor's body source is stored cleaned: nothing the admin would load from elsewhere."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, Image
from articles.sanitize import clean_editor_html
from tests.articles.test_workflow import article_form
from tests.factories import ArticleFactory, ImageFactory, UserFactory

pytestmark = pytest.mark.django_db

EXTERNAL = [
    '<p>α</p><img src="//tracker.example/pixel.gif">',
    '<figure><img src="https://tracker.example/photo.jpg" alt="x"></figure>',
    '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">',
    '<p><img src="http://tracker.example/a.png" data-file="abc">β</p>',
    '<img src="/media/x.jpg" data-file="424242">',
]


@pytest.fixture
def editor_client(client):
    editor = UserFactory(username="eleni", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    return client


@pytest.mark.parametrize("body", EXTERNAL)
def test_a_saved_source_keeps_no_image_from_elsewhere(body):
    article = ArticleFactory(body=body)
    stored = Article.objects.values_list("body", flat=True).get(pk=article.pk)
    assert "<img" not in stored
    assert "tracker.example" not in stored
    assert "data:" not in stored


def test_a_library_image_keeps_its_own_file_whatever_src_it_came_with():
    image = ImageFactory()
    article = ArticleFactory(
        body=f'<figure class="figure"><img src="//tracker.example/x.jpg" alt="Η αίθουσα" '
        f'data-file="{image.pk}" onerror="alert(1)"><figcaption class="figure-caption">'
        "Λεζάντα</figcaption></figure><p>Κείμενο <script>alert(1)</script></p>"
    )
    stored = Article.objects.values_list("body", flat=True).get(pk=article.pk)
    assert stored == (
        f'<figure><img src="{image.fallback_url}" alt="Η αίθουσα" data-file="{image.pk}">'
        "<figcaption>Λεζάντα</figcaption></figure><p>Κείμενο </p>"
    )
    assert list(article.body_images.values_list("pk", flat=True)) == [image.pk]
    # What readers get is unchanged: the library's picture with its credit.
    assert "<picture>" in article.body_html
    assert "tracker.example" not in article.body_html


def test_cleaning_a_clean_source_changes_nothing():
    image = ImageFactory()
    body = (
        f'<h2>Τίτλος</h2><p><a href="https://example.gr/a?b=1&amp;c=2" title="Πηγή">σύνδεσμος'
        f'</a> 5 &lt; 6</p><figure><img src="x" alt="" data-file="{image.pk}"></figure>'
        '<ul><li>ένα</li></ul><img src="//tracker.example/p.gif">'
    )
    once = clean_editor_html(body)
    assert clean_editor_html(once) == once
    assert 'rel="noopener noreferrer"' in once


def test_the_admin_stores_and_shows_no_external_image(editor_client):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = editor_client.post(
        url,
        article_form(
            article.category,
            headline=article.headline,
            slug=article.slug,
            body='<p>Κείμενο</p><figure><img src="//tracker.example/x.jpg"></figure>',
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert "tracker.example" not in article.body
    assert "tracker.example" not in editor_client.get(url).content.decode()


def test_saving_an_unchanged_body_from_the_editor_is_no_update_for_readers(editor_client):
    image = ImageFactory()
    article = ArticleFactory(
        body=f'<figure><img src="{image.fallback_url}" alt="" data-file="{image.pk}">'
        "<figcaption>Λεζάντα</figcaption></figure><p>Κείμενο</p>",
        published_at=timezone.now() - timedelta(hours=2),
    )
    # The editor sends the stored source back with its own classes on the figure.
    sent = article.body.replace("<figure>", '<figure class="figure">').replace(
        "<figcaption>", '<figcaption class="figure-caption">'
    )
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form(
            article.category,
            headline=article.headline,
            slug=article.slug,
            lead=article.lead,
            body=sent,
            status="published",
            source_line=article.source_line,
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.revised_at is None


def test_new_files_of_a_library_image_reach_the_stored_source_too():
    image = ImageFactory(size=(900, 600))
    article = ArticleFactory(body=f'<figure><img src="x" alt="" data-file="{image.pk}"></figure>')
    old_url = image.fallback_url
    services.make_renditions(image=image)
    image = Image.objects.get(pk=image.pk)
    article.refresh_from_db()
    assert image.fallback_url != old_url
    assert f'src="{image.fallback_url}"' in article.body
    assert old_url not in article.body
