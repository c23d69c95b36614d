"""Word count and reading time: in the article's header and in the editor's form."""

import pytest
from django.contrib.auth.models import Group

from articles.models import READING_WORDS_PER_MINUTE, count_words
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_words_are_counted_in_greek_and_english_without_markup():
    assert count_words("Η Βουλή ψήφισε", "<p>τον <strong>προϋπολογισμό</strong> του 2027.</p>") == 7
    assert count_words("<p>Trump's well-known summit &amp; co</p>") == 4
    assert count_words("", "") == 0


def test_the_article_header_says_how_long_it_takes_to_read(client):
    words = " ".join(["λέξη"] * (READING_WORDS_PER_MINUTE * 3 + 1))
    article = ArticleFactory(lead="Σύντομη περίληψη.", body=f"<p>{words}</p>")
    assert article.word_count == READING_WORDS_PER_MINUTE * 3 + 3
    assert article.reading_minutes == 4
    html = client.get(article.get_absolute_url()).content.decode()
    assert "4 λεπτά ανάγνωσης" in html.split('class="article__meta"')[1].split("</p>")[0]
    english = client.get("/en" + article.get_absolute_url()).content.decode()
    assert "4 minutes read" in english


def test_the_editors_form_shows_the_length(client):
    editor = UserFactory(username="desk-length", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    article = ArticleFactory(body="<p>" + " ".join(["λέξη"] * 450) + "</p>", lead="")
    html = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "450 λέξεις, περίπου 3 λεπτά ανάγνωσης" in html
