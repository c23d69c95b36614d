"""The notice after posting: the same for a double click, gone for a link kept too long."""

from datetime import timedelta

import time_machine
from django.test import RequestFactory
from django.utils import timezone

from comments import notices


def request_from(address: str, query: str = ""):
    return RequestFactory().get(f"/x/{query}", REMOTE_ADDR=address)


def test_a_double_click_lands_both_posts_on_the_same_page():
    request = request_from("203.0.113.7")
    with time_machine.travel(timezone.now().replace(second=10), tick=False):
        first = notices.url_after(request, "/a/", notices.HELD)
        second = notices.url_after(request, "/a/", notices.HELD)
    assert first == second


def test_a_notice_is_read_by_its_poster_only_and_not_after_ten_minutes():
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        url = notices.url_after(request_from("203.0.113.7"), "/a/", notices.PUBLISHED)
        query = url.split("/a/")[1].split("#")[0]
        assert notices.read(request_from("203.0.113.7", query)) == notices.PUBLISHED
        assert notices.read(request_from("198.51.100.1", query)) == ""
        traveller.shift(timedelta(minutes=9))
        assert notices.read(request_from("203.0.113.7", query)) == notices.PUBLISHED
        traveller.shift(timedelta(minutes=3))
        assert notices.read(request_from("203.0.113.7", query)) == ""
