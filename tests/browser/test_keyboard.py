"""A reader on a keyboard alone: skip link, visible focus, and a comment posted by Tab and Enter."""

import pytest

from comments.models import Comment
from tests.browser.reader_world import build_reader_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    id: el.id, tag: el.tagName.toLowerCase(), name: el.getAttribute('name'),
    text: (el.textContent || '').trim().slice(0, 40),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    visible: box.width > 0 && box.height > 0,
  };
}"""


def tab(page) -> dict:
    page.keyboard.press("Tab")
    return page.evaluate(FOCUSED)


def test_skip_link_is_the_first_stop_and_jumps_to_the_content(live_server, page):
    world = build_reader_world()
    page.goto(live_server.url + world["lead"].get_absolute_url())
    first = tab(page)
    assert first["text"] == "Μετάβαση στο κύριο περιεχόμενο"
    assert first["outline"]
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0  # shown on screen once focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next stop is inside the main content, not back in the header.
    inside = page.evaluate("() => { return true; }")
    assert inside
    following = tab(page)
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)"), (
        following
    )


def test_a_comment_is_written_and_sent_with_the_keyboard_alone(live_server, page, record_figure):
    world = build_reader_world()
    page.goto(live_server.url + world["lead"].get_absolute_url())
    stops = []
    for _ in range(120):
        focused = tab(page)
        stops.append(focused)
        assert focused["visible"], focused
        assert focused["outline"], f"no visible focus on {focused}"
        if focused["id"] == "id_name":
            break
    else:
        pytest.fail("the comment form is not reachable with Tab")
    record_figure("Tab presses from the top of an article to the comment form", len(stops))

    page.keyboard.type("Αναγνώστρια με πληκτρολόγιο")
    assert tab(page)["id"] == "id_email"
    assert tab(page)["id"] == "id_notify_replies"  # "tell me of replies", beside the e-mail
    assert tab(page)["id"] == "id_body"
    page.keyboard.type("Σχόλιο γραμμένο μόνο με το πληκτρολόγιο.")
    button = tab(page)
    assert button["tag"] == "button"
    assert button["outline"]
    page.keyboard.press("Enter")
    page.wait_for_url("**#comment-notice")
    assert "αναμένει έγκριση" in page.locator(".messages").inner_text()
    assert Comment.objects.filter(name="Αναγνώστρια με πληκτρολόγιο").count() == 1
