"""Embeds: a placeholder that asks the provider for nothing, and frames allowed only where
an article carries one."""

import pytest

from articles.embeds import match
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

ADDRESSES = {
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ": (
        "youtube",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    ),
    "https://youtu.be/dQw4w9WgXcQ": (
        "youtube",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    ),
    "https://vimeo.com/76979871": ("vimeo", "https://player.vimeo.com/video/76979871?dnt=1"),
    "https://x.com/newsroom/status/1850000000000000000": (
        "x",
        "https://platform.twitter.com/embed/Tweet.html?id=1850000000000000000&dnt=true",
    ),
    "https://twitter.com/newsroom/status/123": (
        "x",
        "https://platform.twitter.com/embed/Tweet.html?id=123&dnt=true",
    ),
    "https://www.facebook.com/newsroom/posts/pfbid02abc": (
        "facebook",
        "https://www.facebook.com/plugins/post.php?href="
        "https%3A%2F%2Fwww.facebook.com%2Fnewsroom%2Fposts%2Fpfbid02abc",
    ),
    "https://www.instagram.com/p/C1a2b3c4d5/": (
        "instagram",
        "https://www.instagram.com/p/C1a2b3c4d5/embed",
    ),
    "https://www.tiktok.com/@newsroom/video/7300000000000000000": (
        "tiktok",
        "https://www.tiktok.com/embed/v2/7300000000000000000",
    ),
    "https://soundcloud.com/newsroom/podcast-42": (
        "soundcloud",
        "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Fnewsroom%2Fpodcast-42",
    ),
}


@pytest.mark.parametrize("address", sorted(ADDRESSES))
def test_each_providers_address_has_its_player(address):
    assert match(address) == ADDRESSES[address]


@pytest.mark.parametrize(
    "address",
    [
        "https://example.org/watch?v=dQw4w9WgXcQ",
        "http://www.youtube.com/watch?v=dQw4w9WgXcQ",  # not https
        "https://www.youtube.com/watch?v=short",
        "https://evil.example/?u=https://youtu.be/dQw4w9WgXcQ",
        'https://youtu.be/dQw4w9WgXcQ"onmouseover="alert(1)',
    ],
)
def test_other_addresses_are_not_embeds(address):
    assert match(address) is None


def test_a_pasted_address_becomes_a_placeholder_and_everything_else_stays(client):
    article = ArticleFactory(
        body=(
            "<p>Πρώτη παράγραφος.</p>"
            '<p><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">'
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ</a></p>"
            "<p>https://vimeo.com/76979871</p>"
            '<p><a href="https://youtu.be/dQw4w9WgXcQ">δείτε το βίντεο</a></p>'
            '<iframe src="https://www.youtube.com/embed/x"></iframe>'
            "<p>https://example.org/page</p>"
        )
    )
    html = article.body_html
    assert html.count('<figure class="embed"') == 2
    assert 'data-embed-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert 'data-embed-src="https://player.vimeo.com/video/76979871?dnt=1"' in html
    assert ">δείτε το βίντεο</a>" in html  # a link with words of its own stays a link
    assert "<iframe" not in html  # the sanitiser still allows no frame of the editor's
    assert "https://example.org/page" in html
    page = client.get(article.get_absolute_url())
    assert "embeds.js" in page.content.decode()
    policy = page["Content-Security-Policy"]
    assert "frame-src https://player.vimeo.com https://www.youtube-nocookie.com" in policy
    assert "X-Embeds" not in page


def test_pages_without_embeds_allow_no_frame(client):
    page = client.get(ArticleFactory(body="<p>Απλό κείμενο.</p>").get_absolute_url())
    assert "frame-src" not in page["Content-Security-Policy"]
    assert "embeds.js" not in page.content.decode()


def test_a_stored_page_keeps_its_frames(client, page_cache, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = ArticleFactory(body="<p>https://soundcloud.com/newsroom/podcast-42</p>")
    first = client.get(article.get_absolute_url())
    again = client.get(article.get_absolute_url())
    assert again.content == first.content
    assert "frame-src https://w.soundcloud.com" in again["Content-Security-Policy"]
