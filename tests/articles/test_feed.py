"""The news feed: its items and order, the keyset cursor, day headings, flash items."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError
from django.utils import timezone

from articles import demo_content
from articles.live_feed import feed_items, parse_cursor
from articles.models import Article, FlashItem
from tests.factories import ArticleFactory, CategoryFactory, FlashItemFactory, UserFactory

pytestmark = pytest.mark.django_db

ATHENS = ZoneInfo("Europe/Athens")
NEXT_LINK = re.compile(r'href="\?before=([^"]+)"')


def keys(items):
    return [item.key for item in items]


def page_keys(html: str) -> list[str]:
    return re.findall(r'data-feed-key="([af]\d+)"', html)


def test_feed_merges_articles_and_flashes_newest_first_articles_first_at_equal_times():
    now = timezone.now()
    old_article = ArticleFactory(published_at=now - timedelta(hours=3))
    flash = FlashItemFactory(published_at=now - timedelta(hours=2))
    tied_flash = FlashItemFactory(published_at=now - timedelta(hours=1))
    tied_article = ArticleFactory(published_at=now - timedelta(hours=1))
    assert keys(feed_items(limit=10)) == [
        f"a{tied_article.pk}",
        f"f{tied_flash.pk}",
        f"f{flash.pk}",
        f"a{old_article.pk}",
    ]


def test_only_published_items_whose_time_has_come_are_in_the_feed():
    now = timezone.now()
    visible = [ArticleFactory(), FlashItemFactory()]
    for factory in (ArticleFactory, FlashItemFactory):
        factory(status=Article.Status.DRAFT, published_at=None)
        factory(status=Article.Status.UNPUBLISHED)
        factory(published_at=now + timedelta(minutes=1))
    assert sorted(keys(feed_items(limit=50))) == sorted([f"a{visible[0].pk}", f"f{visible[1].pk}"])


def test_a_cursor_round_trips_to_the_same_position():
    item = ArticleFactory(published_at=datetime(2026, 11, 24, 12, 0, 0, 123456, tzinfo=ATHENS))
    (feed_item,) = feed_items(limit=1)
    cursor = parse_cursor(feed_item.cursor)
    assert (cursor.published_at, cursor.kind, cursor.pk) == (item.published_at, "article", item.pk)


def test_load_more_walks_the_whole_feed_without_repeating_or_skipping(client, settings):
    settings.FEED_PAGE_SIZE = 4
    now = timezone.now()
    same_time = now - timedelta(hours=2)
    # Ties on purpose: five items share one time, across both kinds.
    ArticleFactory.create_batch(3, published_at=same_time)
    FlashItemFactory.create_batch(2, published_at=same_time)
    for minutes in range(1, 7):
        ArticleFactory(published_at=now - timedelta(minutes=minutes))
    expected = keys(feed_items(limit=100))
    assert len(expected) == 11

    seen, url, pages = [], "/roi-eidiseon/", 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        seen += page_keys(html)
        pages += 1
        match = NEXT_LINK.search(html)
        url = f"/roi-eidiseon/?before={match.group(1)}" if match else None
        # News arriving meanwhile must not shift the older pages.
        ArticleFactory(published_at=timezone.now())
    assert pages == 3
    assert seen == expected


def test_the_first_page_is_live_and_older_pages_are_not(client):
    ArticleFactory.create_batch(2)
    first = client.get("/roi-eidiseon/").content.decode()
    assert 'aria-live="polite"' in first
    assert "data-live-feed=" in first
    cursor = feed_items(limit=1)[0].cursor
    older = client.get(f"/roi-eidiseon/?before={cursor}")
    assert older.status_code == 200
    assert "data-live-feed=" not in older.content.decode().split('class="page__aside"')[0]
    assert 'name="robots" content="noindex' in older.content.decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "",
        "123",
        "123-a",
        "123-x5",
        "-5-a1",
        "1.5-a1",
        "9" * 40 + "-a1",
        "1-a" + "9" * 40,
        "1732460000000000-a1\x00",
        "1732460000000000-a1 OR 1=1",
        "١٢٣-a1",  # digits of another script
    ],
)
def test_a_malformed_cursor_answers_400_with_the_newest_items(client, cursor):
    article = ArticleFactory(headline="Η πιο πρόσφατη είδηση της ημέρας")
    response = client.get("/roi-eidiseon/", {"before": cursor})
    assert response.status_code == 400
    html = response.content.decode()
    assert "δεν είναι έγκυρος" in html
    assert article.headline in html
    assert "<main" in html  # the site's own page, not a bare error


def test_the_largest_valid_cursor_is_still_a_normal_page(client):
    ArticleFactory()
    response = client.get("/roi-eidiseon/", {"before": "9" * 17 + "-a" + "9" * 18})
    assert response.status_code == 200


def test_feed_page_groups_items_by_day_in_athens_time(client):
    now = datetime(2026, 11, 24, 10, 0, tzinfo=ATHENS)
    with time_machine.travel(now, tick=False):
        ArticleFactory(headline="Σημερινό θέμα", published_at=now - timedelta(hours=1))
        ArticleFactory(headline="Χθεσινό θέμα", published_at=now - timedelta(hours=12))
        FlashItemFactory(text="Παλιό σύντομο", published_at=now - timedelta(days=3))
        html = client.get("/roi-eidiseon/").content.decode()
    headings = re.findall(r'<h2 class="feed-list__day-title">([^<]+)</h2>', html)
    assert headings == ["Σήμερα", "Χθες", "Σάββατο 21 Νοεμβρίου 2026"]
    assert html.index("Σημερινό θέμα") < html.index("Χθεσινό θέμα") < html.index("Παλιό σύντομο")


def test_day_headings_move_on_at_midnight_without_any_content_change(client):
    evening = datetime(2026, 11, 24, 23, 58, tzinfo=ATHENS)
    with time_machine.travel(evening, tick=False) as traveller:
        ArticleFactory(published_at=evening - timedelta(minutes=5))
        assert "Σήμερα" in client.get("/roi-eidiseon/").content.decode()
        traveller.shift(timedelta(minutes=5))
        html = client.get("/roi-eidiseon/").content.decode()
    assert "Χθες" in html
    assert "Σήμερα" not in html


def test_english_feed_page_uses_the_english_interface_and_links(client):
    article = ArticleFactory(published_at=timezone.now())  # "Today" even just after midnight
    html = client.get("/en/roi-eidiseon/").content.decode()
    assert '<h1 id="feed-title">News feed</h1>' in html
    assert "Today" in html
    assert f'href="/en/{article.category.slug}/articles/{article.pk}/' in html
    assert 'data-live-feed="/en/roi-eidiseon/latest/"' in html


def test_every_page_has_the_sidebar_with_flashes_and_the_strip_with_articles_only(client):
    article = ArticleFactory(headline="Άρθρο της ροής")
    FlashItemFactory(text="Σύντομη είδηση της ροής")
    for url in ["/", article.category.get_absolute_url(), article.get_absolute_url()]:
        html = client.get(url).content.decode()
        strip = html.split('class="latest-strip"')[1].split("</section>")[0]
        sidebar = html.split('class="feed-sidebar"')[1].split("</section>")[0]
        assert "Άρθρο της ροής" in strip
        assert "Σύντομη είδηση" not in strip
        assert "Άρθρο της ροής" in sidebar
        assert "Σύντομη είδηση της ροής" in sidebar
        assert 'aria-live="polite"' in sidebar
        assert 'data-live-feed="/roi-eidiseon/latest/"' in sidebar


def test_sidebar_shows_the_date_of_items_from_earlier_days(client):
    now = datetime(2026, 11, 24, 10, 0, tzinfo=ATHENS)
    with time_machine.travel(now, tick=False):
        ArticleFactory(published_at=now - timedelta(days=2, hours=1))
        html = client.get("/").content.decode()
    sidebar = html.split('class="feed-sidebar"')[1]
    assert '<span class="feed-list__date">22/11</span> 09:00' in sidebar


def test_flash_item_text_and_link_are_escaped(client):
    FlashItemFactory(
        text='<img src=x onerror="alert(1)"> Έκτακτο', link="https://example.com/?a=1&b=<2>"
    )
    html = client.get("/roi-eidiseon/").content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; Έκτακτο" in html
    assert 'href="https://example.com/?a=1&amp;b=&lt;2&gt;"' in html


# Flash items: the model, the admin and the demo content.


def test_a_flash_published_without_a_time_is_published_now():
    flash = FlashItem(text="Τώρα", status=FlashItem.Status.PUBLISHED)
    flash.full_clean()
    flash.save()
    assert timezone.now() - flash.published_at < timedelta(seconds=5)


def test_the_database_refuses_a_published_flash_without_a_time():
    flash = FlashItemFactory()
    with pytest.raises(IntegrityError):
        FlashItem.objects.filter(pk=flash.pk).update(published_at=None)


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://example.com/x", "/relative/"])
def test_a_flash_link_must_be_a_web_address(link):
    flash = FlashItem(text="Σύνδεσμος", link=link)
    with pytest.raises(ValidationError) as error:
        flash.full_clean()
    assert "link" in error.value.message_dict


def test_an_editor_posts_a_flash_in_the_admin_and_it_enters_the_feed(
    client, django_capture_on_commit_callbacks
):
    editor = UserFactory(username="editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    client.get("/roi-eidiseon/latest/")  # the feed as it was
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/articles/flashitem/add/",
            {
                "text": "Συνεδριάζει εκτάκτως το υπουργικό συμβούλιο",
                "link": "",
                "status": "published",
                "published_at_0": "",
                "published_at_1": "",
                "language": "el",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    assert "Συνεδριάζει εκτάκτως" in client.get("/roi-eidiseon/latest/").content.decode()


def test_seed_demo_adds_the_flash_items_once(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--no-users", stdout=None)
    call_command("seed_demo", "--no-users", stdout=None)
    assert FlashItem.objects.published().count() == len(demo_content.FLASH_ITEMS)
    assert CategoryFactory._meta.model.objects.exists()


FEED_PAGE_BUDGET = 6


@pytest.mark.parametrize(("articles", "flashes"), [(1, 0), (80, 40)])
def test_feed_page_query_count_is_fixed(client, django_assert_max_num_queries, articles, flashes):
    category = CategoryFactory()
    ArticleFactory.create_batch(articles, category=category, tags=["ετικέτα"])
    FlashItemFactory.create_batch(flashes)
    with django_assert_max_num_queries(FEED_PAGE_BUDGET):
        first = client.get("/roi-eidiseon/")
    match = NEXT_LINK.search(first.content.decode())
    if match:
        with django_assert_max_num_queries(FEED_PAGE_BUDGET):
            assert client.get(f"/roi-eidiseon/?before={match.group(1)}").status_code == 200
