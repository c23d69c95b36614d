"""Property tests: any text at all gives a clean, bounded, stable slug."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from articles.transliteration import slugify_greek, transliterate

SLUG = re.compile(r"^([a-z0-9]+(-[a-z0-9]+)*)?$")
GREEK = st.characters(min_codepoint=0x0370, max_codepoint=0x03FF)
GREEK_TEXT = st.text(alphabet=st.one_of(GREEK, st.sampled_from(" ,.;:«»!?-0123456789")))


@settings(max_examples=300, deadline=None)
@given(st.text(), st.integers(min_value=1, max_value=250))
def test_any_text_gives_a_url_safe_slug_within_its_limit(text, limit):
    slug = slugify_greek(text, max_length=limit)
    assert SLUG.match(slug), slug
    assert len(slug) <= limit


@settings(max_examples=300, deadline=None)
@given(GREEK_TEXT)
def test_greek_letters_never_survive_transliteration(text):
    assert not re.search(r"[\u0370-\u03ff]", transliterate(text))


@settings(max_examples=200, deadline=None)
@given(GREEK_TEXT)
def test_a_slug_of_a_slug_is_itself(text):
    slug = slugify_greek(text)
    assert slugify_greek(slug) == slug


@settings(max_examples=200, deadline=None)
@given(GREEK_TEXT)
def test_case_and_accents_do_not_change_the_slug(text):
    import unicodedata

    plain = "".join(
        c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn"
    )
    # Removing accents keeps the letters; only a diaeresis (which splits digraphs) may matter.
    if "\u0308" not in unicodedata.normalize("NFD", text):
        assert slugify_greek(plain.upper()) == slugify_greek(text)
