"""One way to write a count: the template filter `number` is rendering.number, the function
the server-rendered cards use, plus an empty answer for what is not a number."""

import pytest
from django.template import Context, Template
from django.utils import translation

from articles import rendering


@pytest.mark.parametrize(("language", "shown"), [("el", "12.345"), ("en", "12,345")])
def test_the_filter_groups_digits_as_the_cards_do(language, shown):
    template = Template("{% load news %}{{ value|number }}")
    with translation.override(language):
        assert template.render(Context({"value": 12345})) == shown == rendering.number(12345)
        assert template.render(Context({"value": "12345"})) == shown


@pytest.mark.parametrize("value", [None, "", "δώδεκα", "12.5"])
def test_the_filter_writes_nothing_for_what_is_not_a_whole_number(value):
    assert Template("{% load news %}{{ value|number }}").render(Context({"value": value})) == ""
