"""A person is named one way everywhere (articles/people.py): the full name, else the
username, on the article page, in its JSON-LD and in the admin's revision history."""

import json
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles import services
from articles.people import display_name
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_display_name_is_the_full_name_else_the_username():
    assert display_name(UserFactory.build(first_name="Ελένη", last_name="Μαργαρίτη")) == (
        "Ελένη Μαργαρίτη"
    )
    assert display_name(UserFactory.build(username="anna", first_name="", last_name="")) == "anna"
    assert display_name(None) == ""


@pytest.mark.parametrize(
    ("names", "shown"),
    [(("Ελένη", "Μαργαρίτη"), "Ελένη Μαργαρίτη"), (("", ""), "anna_k")],
    ids=["full-name", "username"],
)
def test_the_article_page_names_its_author_the_same_way_in_byline_and_json_ld(client, names, shown):
    author = UserFactory(username="anna_k", first_name=names[0], last_name=names[1])
    article = ArticleFactory(author=author)
    html = client.get(article.get_absolute_url()).content.decode()
    byline = re.search(r'class="article__author">.*?</span></span>', html, re.S).group(0)
    assert f">{shown}</span>" in byline
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    news = next(data for data in map(json.loads, blocks) if data["@type"] == "NewsArticle")
    assert news["author"] == {"@type": "Person", "name": shown}


def test_the_revision_history_names_an_editor_without_a_full_name_by_username(client):
    editor = UserFactory(username="night_desk", first_name="", last_name="", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    article = ArticleFactory()
    article.headline = "Νέος τίτλος"
    services.save_article(article=article, editor=editor, tag_names=[])
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_history", args=[article.pk])).content
    assert "<td>night_desk</td>" in html.decode()
