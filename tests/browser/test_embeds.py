"""A reader sees an embed's placeholder; nothing goes to the provider until they ask."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROVIDER_HOSTS = ("youtube", "ytimg", "googlevideo", "vimeo", "twitter", "x.com",
                  "facebook", "instagram", "tiktok", "soundcloud", "doubleclick")  # fmt: skip


def test_the_provider_is_asked_only_after_the_click(live_server, page):
    article = ArticleFactory(
        headline="Η ομιλία του πρωθυπουργού",
        body="<p>Ολόκληρη η ομιλία:</p><p>https://www.youtube.com/watch?v=dQw4w9WgXcQ</p>",
    )
    hosts = []
    page.on("request", lambda request: hosts.append(urlsplit(request.url).hostname or ""))
    page.goto(live_server.url + article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    placeholder = page.locator("figure.embed")
    assert "YouTube" in placeholder.inner_text()
    before = [host for host in hosts if any(name in host for name in PROVIDER_HOSTS)]
    assert before == []

    with page.expect_request(lambda request: "youtube-nocookie.com" in request.url):
        page.get_by_role("button", name="Εμφάνιση").click()
    frame = page.locator("iframe.embed__frame")
    assert frame.get_attribute("src") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    after = {host for host in hosts if any(name in host for name in PROVIDER_HOSTS)}
    assert after == {"www.youtube-nocookie.com"}


def test_without_javascript_the_placeholder_is_a_plain_link(live_server, browser):
    article = ArticleFactory(body="<p>https://vimeo.com/76979871</p>")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + article.get_absolute_url())
        assert not page.get_by_role("button", name="Εμφάνιση").is_visible()
        link = page.get_by_role("link", name="Άνοιγμα σε Vimeo")
        assert link.get_attribute("href") == "https://vimeo.com/76979871"
    finally:
        context.close()


# Each provider's frame host, and the names of every host it (or its player) uses.
EVERY_PROVIDER = [
    ("https://youtu.be/dQw4w9WgXcQ", "www.youtube-nocookie.com", ("youtube", "ytimg")),
    ("https://vimeo.com/76979871", "player.vimeo.com", ("vimeo",)),
    (
        "https://x.com/kathimerini/status/1861000000000000001",
        "platform.twitter.com",
        ("twitter", "twimg", "x.com"),
    ),
    ("https://www.facebook.com/ertnews/posts/12345", "www.facebook.com", ("facebook", "fbcdn")),
    ("https://www.instagram.com/p/C0abcdEfGh/", "www.instagram.com", ("instagram",)),
    ("https://www.tiktok.com/@ertnews/video/7300000000000000001", "www.tiktok.com", ("tiktok",)),
    ("https://soundcloud.com/ertopen/deltio", "w.soundcloud.com", ("soundcloud", "sndcdn")),
]


def test_each_provider_is_asked_only_after_its_own_click(live_server, page):
    body = "".join(f"<p>{address}</p>" for address, _, _ in EVERY_PROVIDER)
    article = ArticleFactory(headline="Οι αντιδράσεις στα δίκτυα", body=body)
    hosts = []
    page.on("request", lambda request: hosts.append(urlsplit(request.url).hostname or ""))
    page.goto(live_server.url + article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    buttons = page.get_by_role("button", name="Εμφάνιση")
    assert buttons.count() == len(EVERY_PROVIDER)

    def asked(names):
        return [host for host in hosts if any(name in host for name in names)]

    every_name = [name for _, _, names in EVERY_PROVIDER for name in names]
    assert asked(every_name) == []  # the page alone asks no provider anything
    for n, (_address, frame_host, _names) in enumerate(EVERY_PROVIDER):
        with page.expect_request(
            lambda request, host=frame_host: urlsplit(request.url).hostname == host
        ):
            buttons.first.click()  # a shown embed leaves the list of buttons
        expect(page.locator("iframe.embed__frame")).to_have_count(n + 1)
        not_yet = [name for _, _, names in EVERY_PROVIDER[n + 1 :] for name in names]
        assert asked(not_yet) == [], frame_host
