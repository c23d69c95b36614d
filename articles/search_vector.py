"""The text-search document of an article, as its stored generated column computes it.

A leaf module (it imports no model): the Article model builds its search_vector column
from it, and the search page (articles/search.py) reads the same expressions.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchConfig, SearchVector
from django.db import models
from django.db.models import Case, F, Func, Value, When


def search_config():
    """The text-search configuration of an article: 'english' for English ones, else 'greek'.

    Each branch is a regconfig constant: a CASE over text cast to regconfig afterwards would
    not be immutable, and PostgreSQL accepts only immutable generated columns.
    """
    return Case(When(language="en", then=SearchConfig("english")), default=SearchConfig("greek"))


def body_text(field: str = "body_html"):
    """The sanitised body with its tags replaced by spaces (immutable, so fit for a column)."""
    return Func(
        F(field),
        Value("<[^>]+>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=models.TextField(),
    )


def search_document():
    """Headline weighs most (A), then the tag names (B), the lead (C) and the body text (D).

    Tags are the newsroom's own words for what an article is about, so they enter in both
    configurations whatever the article's language: an English article tagged «Ουκρανία»
    is found by a Greek search for «ουκρανια». (Article.search_tag_names holds them: a
    generated column cannot read the tags table.)
    """
    config = search_config()
    return (
        SearchVector("headline", config=config, weight="A")
        + SearchVector("search_tag_names", config=SearchConfig("greek"), weight="B")
        + SearchVector("search_tag_names", config=SearchConfig("english"), weight="B")
        + SearchVector("lead", config=config, weight="C")
        + SearchVector(body_text(), config=config, weight="D")
    )
