"""The server's slugs for the cases the admin's script is held to as well (the browser
test tests/browser/test_admin_slug.py runs the same file against static/js/admin-slug.js)."""

import pytest

from articles.transliteration import SLUG_MAX_LENGTH, slugify_greek
from tests.slug_cases import CASES, MAX_LENGTH


@pytest.mark.parametrize(("text", "slug"), CASES)
def test_the_server_makes_each_shared_slug(text, slug):
    assert slugify_greek(text) == slug


def test_the_cases_hold_both_implementations_to_the_server_length():
    assert MAX_LENGTH == SLUG_MAX_LENGTH == 80
    assert max(len(slug) for _text, slug in CASES) == MAX_LENGTH
