"""Cards, the section menu and the ranked lists are rendered once per version of the scopes
they show in each process (newsportal/caching/), and a change is never hidden by them."""

from unittest import mock

import pytest
from django.core.cache import cache

from articles import rendering
from articles.cards import cards_by_id
from articles.models import Article
from newsportal.caching import scopes
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    categories = [CategoryFactory(name=name) for name in ("Αγορές", "Πολιτική", "Διεθνή")]
    articles = [
        ArticleFactory(headline=f"Θέμα {n} της ενότητας {category.name}", category=category)
        for category in categories
        for n in range(4)
    ]
    return {"categories": categories, "articles": articles}


def test_a_warm_home_page_reads_ids_only(client, site, django_assert_max_num_queries):
    client.get("/")
    with django_assert_max_num_queries(2) as queries:
        response = client.get("/")
    for query in queries.captured_queries:
        assert '"articles_article"."headline"' not in query["sql"], query["sql"]
    html = response.content.decode()
    for article in site["articles"]:
        assert article.headline in html


def test_a_saved_change_is_on_the_next_page_of_this_process(client, site):
    article = site["articles"][5]
    client.get("/")
    article.headline = "Ο νέος τίτλος του θέματος"
    article.save()  # no commit in a test: this process forgets its cards at once
    assert "Ο νέος τίτλος του θέματος" in client.get("/").content.decode()
    assert (
        "Ο νέος τίτλος του θέματος"
        in client.get(article.category.get_absolute_url()).content.decode()
    )


def test_a_change_made_by_another_process_is_seen_through_the_version(client, site):
    article = site["articles"][2]
    client.get("/")
    # Another worker saved it: the row changed and the shared version was replaced, but
    # this process's memory was not told.
    Article.objects.filter(pk=article.pk).update(headline="Τίτλος από άλλη διεργασία")
    assert "Τίτλος από άλλη διεργασία" not in client.get("/").content.decode()
    # (An edit moves the article's scope and every list's, as articles/signals.py does.)
    # (What scopes.changed() does in that process: this one shares only the cache.)
    scopes.changed(scopes.article(article.pk), scopes.ARTICLES)
    assert "Τίτλος από άλλη διεργασία" in client.get("/").content.decode()


def test_a_renamed_section_is_renamed_in_the_menu_at_once(
    client, site, django_capture_on_commit_callbacks
):
    client.get("/")
    category = site["categories"][0]
    with django_capture_on_commit_callbacks(execute=True):
        category.name = "Αγορές και Χρήμα"
        category.save()
    html = client.get("/").content.decode()
    assert "Αγορές και Χρήμα" in html
    assert ">Αγορές<" not in html


def test_a_page_reads_each_version_from_the_cache_once(client, site):
    client.get("/")
    scopes.changed(scopes.FEED)  # something changed: this process reads versions afresh
    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many:
        client.get("/")
    read = [
        key
        for call in get_many.call_args_list
        for key in call.args[0]
        if key.startswith(scopes.KEY_PREFIX)
    ]
    assert len(read) == len(set(read))
    # The cards' versions come in one read, not one per card.
    assert len([c for c in get_many.call_args_list if "ver:article:" in str(c.args[0])]) == 1


def test_cards_of_withdrawn_articles_are_left_out(site):
    wanted = [(site["articles"][0].pk, {}), (10**9, {}), (site["articles"][1].pk, {})]
    cards = cards_by_id(wanted)
    assert cards[1] is None
    assert site["articles"][0].headline in cards[0]
    assert site["articles"][1].headline in cards[2]


def test_compact_cards_list_only_small_renditions(settings):
    from tests.factories import ImageFactory

    article = ArticleFactory(hero_image=ImageFactory())
    image = article.hero_image
    image.renditions = [
        {"width": w, "webp": f"r/{w}.webp", "jpeg": f"r/{w}.jpg"} for w in (320, 640, 1024, 1600)
    ]
    compact = rendering._card_html(article, compact=True)
    full = rendering._card_html(article)
    assert "1600.webp" not in compact
    assert "640.webp 640w" in compact
    assert 'src="/media/r/320.jpg"' in compact.replace(settings.MEDIA_URL, "/media/")
    assert "1600.webp 1600w" in full


def test_a_warm_article_page_reads_only_the_article(client, site, django_assert_max_num_queries):
    from tests.factories import CommentFactory

    article = site["articles"][3]
    for n in range(3):
        CommentFactory(article=article, body=f"Σχόλιο αριθμός {n}")
    url = article.get_absolute_url()
    first = client.get(url)
    with django_assert_max_num_queries(1):
        second = client.get(url)
    assert second.content == first.content
    html = second.content.decode()
    assert "Σχόλιο αριθμός 2" in html
    assert "card" in html.split('id="related-title"')[1]  # "See also" is there


def test_a_warm_article_page_reads_the_article_without_its_tags(
    client, site, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    article = site["articles"][3]
    article.tags.add("Ενέργεια", "Λιμάνια")
    url = article.get_absolute_url()
    with django_assert_max_num_queries(8) as cold:
        client.get(url)
    assert any("articles_taggedarticle" in q["sql"] for q in cold.captured_queries)
    with django_assert_max_num_queries(1) as warm:
        html = client.get(url).content.decode()
    assert "articles_taggedarticle" not in warm.captured_queries[0]["sql"]
    assert html.index("Ενέργεια") < html.index("Λιμάνια")  # by name
    from articles.models import Tag

    with django_capture_on_commit_callbacks(execute=True):
        Tag.objects.filter(name="Λιμάνια").update(name="Λιμάνια και ακτοπλοΐα")
        scopes.changed_on_commit(scopes.SITE)  # what the admin's save signals do
    assert "Λιμάνια και ακτοπλοΐα" in client.get(url).content.decode()


def test_a_warm_section_page_reads_the_ids_of_its_page_only(
    client, site, django_assert_max_num_queries
):
    category = site["categories"][1]
    url = category.get_absolute_url()
    first = client.get(url)
    with django_assert_max_num_queries(1) as warm:
        second = client.get(url)
    assert '"articles_article"."headline"' not in warm.captured_queries[0]["sql"]
    assert second.content == first.content
    listing = second.content.decode().split('class="article-list"')[1].split("</main>")[0]
    for article in site["articles"]:
        assert (article.headline in listing) == (article.category == category)


def test_a_new_article_joins_its_home_section_on_the_next_request(client, site):
    client.get("/")
    category = site["categories"][2]
    ArticleFactory(headline="Ολοκαίνουργιο θέμα της ενότητας", category=category)
    html = client.get("/").content.decode()
    assert "Ολοκαίνουργιο θέμα της ενότητας" in html


def test_an_approved_comment_is_on_the_next_article_page(client, site):
    from comments import services
    from comments.models import Comment
    from tests.factories import CommentFactory, UserFactory

    article = site["articles"][3]
    url = article.get_absolute_url()
    waiting = CommentFactory(article=article, status=Comment.Status.PENDING, body="Περιμένει")
    assert "Περιμένει" not in client.get(url).content.decode()
    services.approve_comment(comment=waiting, moderator=UserFactory())
    assert "Περιμένει" in client.get(url).content.decode()
    ordered = client.get(url, {"comments": "newest"}).content.decode()
    assert "Περιμένει" in ordered


def test_the_memo_tag_renders_once_per_version_and_per_value():
    from django.template import Context, Template, TemplateSyntaxError

    from newsportal.caching.memory import forget_everything

    template = Template('{% load caching %}{% memo "demo" section %}{{ text }}{% endmemo %}')
    assert template.render(Context({"section": 1, "text": "πρώτο"})) == "πρώτο"
    assert template.render(Context({"section": 1, "text": "δεύτερο"})) == "πρώτο"
    assert template.render(Context({"section": 2, "text": "δεύτερο"})) == "δεύτερο"
    # Another process changed the site's furniture (the default scope).
    scopes.changed(scopes.SITE)
    assert template.render(Context({"section": 1, "text": "τρίτο"})) == "τρίτο"
    forget_everything()
    assert template.render(Context({"section": 1, "text": "τέταρτο"})) == "τέταρτο"
    with pytest.raises(TemplateSyntaxError):
        Template("{% load caching %}{% memo %}x{% endmemo %}")
    with pytest.raises(TemplateSyntaxError):
        Template('{% load caching %}{% memo "x" on %}x{% endmemo %}')


def test_a_memo_block_follows_only_the_scopes_it_names():
    from django.template import Context, Template

    template = Template('{% load caching %}{% memo "one" on "feed" %}{{ text }}{% endmemo %}')
    assert template.render(Context({"text": "πρώτο"})) == "πρώτο"
    scopes.changed(scopes.article(1))  # another scope: nothing to render again
    assert template.render(Context({"text": "δεύτερο"})) == "πρώτο"
    scopes.changed(scopes.FEED)
    assert template.render(Context({"text": "τρίτο"})) == "τρίτο"


def test_a_new_version_of_an_article_renders_its_text_not_its_comments_or_see_also(
    client, site, django_assert_max_num_queries
):
    from tests.factories import CommentFactory

    article = site["articles"][3]
    article.tags.add("Ενέργεια")
    CommentFactory(article=article, body="Σχόλιο που μένει")
    url = article.get_absolute_url()
    client.get(url)
    # An edit of the text (as articles/signals.py moves it for a headline change).
    Article.objects.filter(pk=article.pk).update(headline="Ο τίτλος άλλαξε")
    scopes.changed(scopes.article(article.pk))
    with django_assert_max_num_queries(1):  # the article and its tags: no comments, no list
        html = client.get(url).content.decode()
    assert "Ο τίτλος άλλαξε" in html
    assert "Σχόλιο που μένει" in html
    assert "card" in html.split('id="related-title"')[1]
    assert "Ενέργεια" in html


def test_closing_an_articles_comments_renders_its_section_again(client, site):
    article = site["articles"][3]
    url = article.get_absolute_url()
    closed = "Τα σχόλια σε αυτό το άρθρο έχουν κλείσει."
    assert closed not in client.get(url).content.decode()
    Article.objects.filter(pk=article.pk).update(comments_enabled=False)
    scopes.changed(scopes.article(article.pk))  # what saving it does (articles/signals.py)
    assert closed in client.get(url).content.decode()


def test_the_feed_sidebar_is_rendered_once_per_version_of_the_feed(client, site):
    from articles.models import FlashItem

    url = site["articles"][0].get_absolute_url()
    client.get("/")
    again = client.get(url)
    assert "includes/feed_sidebar.html" not in [t.name for t in again.templates]
    assert 'class="feed-sidebar"' in again.content.decode()
    FlashItem.objects.create(text="Έκτακτο που μόλις ήρθε")  # moves the feed's scope
    after = client.get(url)
    assert "includes/feed_sidebar.html" in [t.name for t in after.templates]
    assert "Έκτακτο που μόλις ήρθε" in after.content.decode()


def test_a_warm_article_page_reads_only_what_it_shows_around_its_kept_text(
    client, site, django_assert_max_num_queries
):
    article = site["articles"][3]
    url = article.get_absolute_url()
    first = client.get(url)
    with django_assert_max_num_queries(1) as warm:
        second = client.get(url)
    sql = warm.captured_queries[0]["sql"]
    assert '"hero_caption"' not in sql
    assert "auth_user" not in sql
    assert "articles_image" not in sql
    assert second.content == first.content


def test_a_kept_article_is_whole_when_a_block_must_be_rendered_again(client, site, settings):
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    article = site["articles"][3]
    url = article.get_absolute_url()
    client.get(url)
    # The head is kept per host name: for a new one it is rendered from the lean row.
    html = client.get(url, HTTP_HOST="localhost").content.decode()
    assert f'<meta property="og:title" content="{article.headline}">' in html
    assert "http://localhost/" in html
    assert article.body_html[:40] in html


def test_the_cards_comment_counts_are_read_once_per_version_of_the_counts(client, site):
    from articles import comment_counts
    from comments import services
    from comments.models import Comment
    from tests.factories import CommentFactory, UserFactory

    article = site["articles"][0]
    waiting = CommentFactory(article=article, status=Comment.Status.PENDING)
    client.get("/")
    with mock.patch.object(comment_counts, "cached", wraps=comment_counts.cached) as read:
        client.get("/")
        client.get("/en/")
        assert read.call_count == 1  # the English page's links are worded apart
        services.approve_comment(comment=waiting, moderator=UserFactory())
        html = client.get("/").content.decode()
        assert read.call_count == 2
    assert f'href="{article.get_absolute_url()}#comments">1 σχόλιο</a>' in html


def test_the_home_pages_ids_are_kept_per_version_of_the_lists(
    client, site, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client.get("/")
    with django_assert_num_queries(0):
        client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(headline="Νέο πρώτο θέμα", category=site["categories"][0])
    assert "Νέο πρώτο θέμα" in client.get("/").content.decode()


def test_a_comment_reads_again_only_its_own_articles_count(client, site):
    """Each card's count is kept per version of its article's comments: approving a
    comment reads that article's counter again, not the other cards' counters."""
    from articles import comment_counts
    from comments import services
    from comments.models import Comment
    from tests.factories import CommentFactory, UserFactory

    article = site["articles"][0]
    waiting = CommentFactory(article=article, status=Comment.Status.PENDING)
    client.get("/")
    with mock.patch.object(comment_counts, "cached", wraps=comment_counts.cached) as read:
        services.approve_comment(comment=waiting, moderator=UserFactory())
        html = client.get("/").content.decode()
    assert [call.args[0] for call in read.call_args_list] == [[article.pk]]
    assert f'href="{article.get_absolute_url()}#comments">1 σχόλιο</a>' in html
