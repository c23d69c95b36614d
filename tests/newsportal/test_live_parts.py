"""Live parts (newsportal/caching/live.py): a process renders a part once while the
scopes it shows stand (one that names none: while nothing changed anywhere), and a part
that follows the clock once per clock."""

import time

import pytest
from django.utils import translation

from newsportal.caching import live, scopes

pytestmark = pytest.mark.django_db


def counting_part(name, **options):
    calls = []

    def render(request, args):
        calls.append(list(args))
        return {arg: f"<i>{arg}:{len(calls)}</i>" for arg in args}

    live.register(name, render, **options)
    return calls


def filled(name, arg):
    """The part as one request fills it (request_started/finished around it)."""
    scopes.request_began()
    try:
        return live.fill(None, live.split(live.marker(name, arg).encode()))
    finally:
        scopes.request_ended()


def fill_in_a_request(content: bytes) -> bytes:
    scopes.request_began()
    try:
        return live.fill(None, live.split(content))
    finally:
        scopes.request_ended()


@pytest.fixture(autouse=True)
def schedule_asked():
    """The first request of an empty cache asks the publishing rule, which counts a change."""
    scopes.request_began()
    scopes.versions_of([scopes.SITE])
    scopes.request_ended()


def test_a_part_is_rendered_once_while_its_scopes_stand_and_again_when_one_moves():
    calls = counting_part("test-scoped", scopes=lambda args: (scopes.FEED,))
    first = filled("test-scoped", 1)
    assert [filled("test-scoped", 1) for _ in range(3)] == [first] * 3
    assert len(calls) == 1
    scopes.changed(scopes.article(99))  # a change elsewhere: the part is not rendered again
    assert filled("test-scoped", 1) == first
    scopes.changed(scopes.FEED)
    assert filled("test-scoped", 1) == b"<i>1:2</i>"
    assert filled("test-scoped", 2) == b"<i>2:3</i>"  # other arguments, other entry
    assert len(calls) == 3


def test_a_part_that_names_no_scope_is_rendered_again_after_any_change():
    calls = counting_part("test-unscoped")
    first = filled("test-unscoped", 1)
    assert filled("test-unscoped", 1) == first
    scopes.changed(scopes.article(99))
    assert filled("test-unscoped", 1) == b"<i>1:2</i>"
    assert len(calls) == 2


def test_a_part_with_a_scope_per_argument_renders_again_only_the_arguments_that_moved():
    rendered = []

    def render_many(request, args):
        rendered.append(list(args))
        return {arg: f"<b>{arg}:{len(rendered)}</b>" for arg in args}

    live.register("test-per-arg", render_many, scope_of=lambda arg: scopes.comments(int(arg)))
    page = "".join(live.marker("test-per-arg", pk) for pk in (1, 2, 3)).encode()
    first = fill_in_a_request(page)
    assert first == b"<b>1:1</b><b>2:1</b><b>3:1</b>"
    assert fill_in_a_request(page) == first
    scopes.changed(scopes.comments(2))
    assert fill_in_a_request(page) == b"<b>1:1</b><b>2:2</b><b>3:1</b>"
    assert rendered == [["1", "2", "3"], ["2"]]
    assert live.dependencies(live.split(page))[0] == tuple(
        sorted(scopes.comments(pk) for pk in (1, 2, 3))
    )


def test_each_language_has_its_own_rendering():
    calls = counting_part("test-language", scopes=lambda args: (scopes.SITE,))
    filled("test-language", 1)
    with translation.override("en"):
        filled("test-language", 1)
    assert len(calls) == 2


def test_a_part_following_the_clock_ignores_changes_until_its_clock_or_forget():
    calls = counting_part("test-clock", clock=1)
    first = filled("test-clock", 5)
    scopes.changed(scopes.FEED)
    assert filled("test-clock", 5) == first  # no scope of its own: only the clock moves it
    live.forget("test-clock")  # this process's own change (a reader's like)
    assert filled("test-clock", 5) == b"<i>5:2</i>"
    time.sleep(1.1)
    assert filled("test-clock", 5) == b"<i>5:3</i>"
    assert len(calls) == 3


def test_outside_a_request_a_part_is_rendered_every_time():
    calls = counting_part("test-outside", scopes=lambda args: (scopes.SITE,))
    for _ in range(2):
        live.fill(None, live.split(live.marker("test-outside", 1).encode()))
    assert len(calls) == 2


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"<p>no parts</p>",
        b"<!--live:strip:-->",
        b"a<!--live:BAD:1-->b<!--live:ok:2 3-->c<!--live:",
        b"<!--live:x:1<!--live:y:2-->",
    ],
)
def test_splitting_keeps_every_byte_around_the_markers(content):
    chunks = live.split(content)
    rebuilt = b"".join(
        chunk if isinstance(chunk, bytes) else live.marker(*chunk).encode() for chunk in chunks
    )
    assert rebuilt == content
    names = [chunk[0] for chunk in chunks if isinstance(chunk, tuple)]
    assert "BAD" not in names  # not a part's name: left as it is
