"""Article bodies: hostile HTML never reaches a reader; library figures become pictures."""

import pytest
from django.urls import reverse

from articles.forms import ArticleAdminForm
from articles.sanitize import editor_html_to_reader_html
from tests.factories import ArticleFactory, ImageFactory

pytestmark = pytest.mark.django_db

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<p onclick="alert(1)" onmouseover="alert(2)">x</p>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<svg onload=alert(1)><circle/></svg>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name=x><button>go</button></form>',
    "<style>body{display:none}</style>",
    "<link rel=stylesheet href=//evil.example/x.css>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    "<details open ontoggle=alert(1)>x</details>",
    '<video><source onerror="alert(1)"></video>',
    "<!--<img src=x onerror=alert(1)>-->",
    "<p>x</p><!--[if IE]><script>alert(1)</script><![endif]-->",
    '<picture><source srcset="javascript:alert(1)"><img src=x></picture>',
    '<span class="credit" onclick="alert(1)">fake credit</span>',
    '<figure><img src="https://evil.example/tracker.gif" data-file="999999"></figure>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
]
FORBIDDEN = [
    "<script", "onerror", "onclick", "onload", "onmouseover", "ontoggle", "javascript:",
    "vbscript:", "data:", "<iframe", "<object", "<embed", "<form", "<style", "<link", "<meta",
    "<base", "<svg", "<math", "evil.example", "style=", "<video", "<noscript",
]  # fmt: skip


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_html_never_reaches_readers(payload):
    article = ArticleFactory(body=f"<p>Πριν</p>{payload}<p>Μετά</p>")
    lowered = article.body_html.lower()
    for needle in FORBIDDEN:
        assert needle not in lowered, (payload, needle, article.body_html)
    assert "<p>Πριν</p>" in article.body_html
    assert "<p>Μετά</p>" in article.body_html


def test_hostile_html_is_harmless_on_the_article_page(client):
    article = ArticleFactory(body="".join(HOSTILE))
    html = client.get(article.get_absolute_url()).content.decode().lower()
    body = html[html.index('class="article__body"') : html.index("</article>")]
    for needle in FORBIDDEN:
        assert needle not in body, needle


def test_the_editors_structure_survives():
    html, _ids = editor_html_to_reader_html(
        "<h2>Υπότιτλος</h2><h3>Μικρότερος</h3><p><strong>έντονα</strong> και <em>πλάγια</em> "
        '<a href="https://www.example.gr/a?b=1&amp;c=2" title="Πηγή">σύνδεσμος</a></p>'
        "<ul><li>ένα</li></ul><ol><li>δύο</li></ol><blockquote><p>Παράθεση</p></blockquote><hr>"
    )
    for fragment in [
        "<h2>Υπότιτλος</h2>", "<h3>Μικρότερος</h3>", "<strong>έντονα</strong>",
        "<em>πλάγια</em>", "<ul><li>ένα</li></ul>", "<ol><li>δύο</li></ol>",
        "<blockquote><p>Παράθεση</p></blockquote>", "<hr>",
    ]:  # fmt: skip
        assert fragment in html, fragment
    assert (
        '<a href="https://www.example.gr/a?b=1&amp;c=2" title="Πηγή" rel="noopener noreferrer">'
        in html
    )


def test_text_that_looks_like_markup_stays_text():
    html, _ids = editor_html_to_reader_html(
        "<p>5 &lt; 6 &amp; &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )
    assert html == "<p>5 &lt; 6 &amp; &lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_a_library_figure_becomes_a_responsive_picture_with_caption_and_credit():
    image = ImageFactory(size=(1200, 800), credit="Μαρία Ιωάννου", alt_text="Η αίθουσα")
    html, ids = editor_html_to_reader_html(
        f'<figure class="figure"><img src="/media/whatever.jpg" alt="Η Ολομέλεια" '
        f'data-file="{image.pk}"><figcaption class="figure-caption">Η ψηφοφορία</figcaption>'
        "</figure>"
    )
    assert ids == [image.pk]
    assert html.startswith("<figure><picture><source")
    assert f'srcset="{image.webp_srcset}"' in html
    assert f'srcset="{image.jpeg_srcset}"' in html
    assert 'alt="Η Ολομέλεια"' in html  # the editor's alt text wins
    assert 'width="1200" height="800" loading="lazy" decoding="async"' in html
    assert (
        '<figcaption>Η ψηφοφορία <span class="credit">Φωτογραφία: Μαρία Ιωάννου</span>'
        "</figcaption>" in html
    )
    assert 'class="figure' not in html


def test_a_figure_without_caption_still_credits_the_image_and_alt_falls_back():
    image = ImageFactory(credit="Πρακτορείο", alt_text="Λιμάνι")
    html, _ids = editor_html_to_reader_html(
        f'<figure><img src="x" data-file="{image.pk}"></figure>'
    )
    assert 'alt="Λιμάνι"' in html
    assert '<figcaption><span class="credit">Φωτογραφία: Πρακτορείο</span></figcaption>' in html


def test_images_not_from_the_library_are_dropped():
    html, ids = editor_html_to_reader_html(
        '<p>α</p><img src="https://tracker.example/p.gif"><img src="/media/x.jpg" data-file="abc">'
        '<img src="/media/x.jpg" data-file="424242"><p>β</p>'
    )
    assert ids == []
    assert html == "<p>α</p><p>β</p>"


def test_the_article_records_which_library_images_its_body_shows():
    first, second = ImageFactory(), ImageFactory()
    article = ArticleFactory(
        body=f'<figure><img src="a" data-file="{first.pk}"></figure>'
        f'<p>x</p><figure><img src="b" data-file="{second.pk}"></figure>'
    )
    assert set(article.body_images.all()) == {first, second}
    article.body = "<p>Χωρίς εικόνες</p>"
    article.save()
    assert not article.body_images.exists()


def test_an_english_article_credits_in_english():
    image = ImageFactory(credit="Reuters")
    article = ArticleFactory(
        language="en", body=f'<figure><img src="a" data-file="{image.pk}"></figure>'
    )
    assert '<span class="credit">Photo: Reuters</span>' in article.body_html


def test_the_editor_form_field_sanitises_on_submit():
    form = ArticleAdminForm()
    cleaned = form.fields["body"].clean(
        '<h2>Τίτλος</h2><p onclick="x()">Κείμενο<script>alert(1)</script></p>'
        '<p style="color:red">α</p><iframe src="x"></iframe>'
    )
    assert "<script" not in cleaned
    assert "onclick" not in cleaned
    assert "<iframe" not in cleaned
    assert "style=" not in cleaned
    assert "<h2>Τίτλος</h2>" in cleaned


def test_an_editor_saves_a_body_with_a_figure_through_the_admin(client):
    from django.contrib.auth.models import Group

    from articles.models import Article
    from tests.factories import CategoryFactory, UserFactory

    editor = UserFactory(username="writer", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    image = ImageFactory(size=(900, 600), credit="Αρχείο")
    body = (
        "<h2>Τι αλλάζει</h2><p><strong>Σημαντικό</strong> κείμενο.</p>"
        f'<figure class="figure"><img src="{image.rendition_url(640)}" alt="Η εικόνα" '
        f'data-file="{image.pk}"><figcaption class="figure-caption">Λεζάντα</figcaption></figure>'
        '<p><img src="x" onerror="alert(1)"></p>'
    )
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "headline": "Άρθρο με εικόνα",
            "lead": "Εισαγωγή.",
            "body": body,
            "category": CategoryFactory().pk,
            "status": "draft",
            "language": "el",
            "author": editor.pk,
            "comments_enabled": "on",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert "onerror" not in article.body
    assert "onerror" not in article.body_html
    assert f'data-file="{image.pk}"' in article.body  # the editor gets its figure back
    assert "<picture>" in article.body_html
    assert "Φωτογραφία: Αρχείο" in article.body_html
    assert list(article.body_images.all()) == [image]
