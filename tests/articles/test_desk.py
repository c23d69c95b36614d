"""The editors' home in the admin: drafts, scheduled articles, who is editing what, and
today's most read with a chart drawn on the server."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import formats, timezone

from articles import desk, locks
from articles.models import Article, EditLock, ReadCount
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

# Session, user, the user's and groups' permissions, the desk's counts and five lists, and
# Django's own sidebar of recent actions (the moderators' numbers cost an editor nothing):
# the same whatever the newsroom's size.
HOME_BUDGET = 11


def member(username, group, **names):
    user = UserFactory(username=username, is_staff=True, **names)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor():
    return member("eleni", "Editors", first_name="Ελένη", last_name="Μαργαρίτη")


@pytest.fixture
def colleague():
    return member("maria", "Editors", first_name="Μαρία", last_name="Παππά")


def draft(headline, author, **fields):
    return ArticleFactory(
        headline=headline, status=Article.Status.DRAFT, published_at=None, author=author, **fields
    )


def section(html, element_id) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</section>", start)]


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response.content.decode()


def test_drafts_are_listed_mine_and_everyone_s_newest_edit_first(client, editor, colleague):
    mine_old = draft("Το δικό μου παλιό", editor)
    theirs = draft("Της συναδέλφου", colleague)
    mine_new = draft("Το δικό μου νέο", editor)
    ArticleFactory(headline="Ήδη δημοσιευμένο", author=editor)
    now = timezone.now()
    for n, article in enumerate([mine_old, theirs, mine_new]):
        Article.objects.filter(pk=article.pk).update(updated_at=now - timedelta(hours=3 - n))
    html = home(client, editor)
    mine = section(html, "desk-my-drafts")
    everyone = section(html, "desk-drafts")
    assert re.findall(r">([^<>]+)</a>", mine) == ["Το δικό μου νέο", "Το δικό μου παλιό"]
    assert "(2)" in mine
    assert re.findall(r'change/">([^<>]+)</a>', everyone) == [
        "Το δικό μου νέο",
        "Της συναδέλφου",
        "Το δικό μου παλιό",
    ]
    assert "Μαρία Παππά" in everyone
    assert "Ήδη δημοσιευμένο" not in html
    assert reverse("admin:articles_article_change", args=[theirs.pk]) in everyone


def test_scheduled_articles_are_listed_next_first_with_their_times(client, editor):
    now = timezone.now()
    later = ArticleFactory(headline="Το βράδυ", published_at=now + timedelta(hours=8))
    ArticleFactory(headline="Σε μία ώρα", published_at=now + timedelta(hours=1))
    ArticleFactory(headline="Ήδη δημοσιευμένο", published_at=now - timedelta(hours=1))
    scheduled = section(home(client, editor), "desk-scheduled")
    assert re.findall(r'change/">([^<>]+)</a>', scheduled) == ["Σε μία ώρα", "Το βράδυ"]
    when = timezone.localtime(later.published_at)
    assert f'datetime="{when.isoformat()}"' in scheduled
    assert f">{formats.date_format(when, 'DATETIME_FORMAT')}</time>" in scheduled
    assert "Προγραμματισμένα άρθρα" in scheduled


def test_open_edit_locks_say_who_edits_what_since_when(client, editor, colleague):
    held = ArticleFactory(headline="Σε επεξεργασία")
    stale = ArticleFactory(headline="Ξεχασμένο")
    lock = locks.acquire_lock(article=held, user=colleague)
    locks.acquire_lock(article=stale, user=colleague)
    EditLock.objects.filter(article=stale).update(
        acquired_at=timezone.now() - timedelta(hours=3),
        expires_at=timezone.now() - timedelta(hours=1),
    )
    listed = section(home(client, editor), "desk-locks")
    since = timezone.localtime(lock.acquired_at).strftime("%H:%M")
    assert "Σε επεξεργασία" in listed
    assert "Μαρία Παππά, από " in listed
    assert since in listed
    assert "Ξεχασμένο" not in listed


def test_today_s_most_read_have_an_accessible_svg_chart(client, editor):
    today = timezone.localdate()
    first = ArticleFactory(headline="Πρώτο σε αναγνώσεις")
    second = ArticleFactory(headline="Δεύτερο σε αναγνώσεις")
    yesterday_only = ArticleFactory(headline="Χθεσινό")
    ReadCount.objects.create(article=first, day=today, count=120)
    ReadCount.objects.create(article=second, day=today, count=30)
    ReadCount.objects.create(article=yesterday_only, day=today - timedelta(days=1), count=900)
    most_read = section(home(client, editor), "desk-most-read")
    svg = most_read[most_read.index("<svg") : most_read.index("</svg>")]
    assert 'role="img"' in svg
    assert 'aria-labelledby="most-read-chart-title most-read-chart-desc"' in svg
    assert '<title id="most-read-chart-title">Τα πιο διαβασμένα άρθρα σήμερα</title>' in svg
    assert "το πρώτο είχε 120" in svg
    assert re.findall(r'data-count="(\d+)"', svg) == ["120", "30"]
    widths = [float(w) for w in re.findall(r'class="desk-chart__bar"[^>]*width="([\d.]+)"', svg)]
    assert widths[0] == pytest.approx(4 * widths[1])  # lengths follow the numbers
    assert "1. Πρώτο σε αναγνώσεις" in svg  # text labels, not colour or length alone
    assert ">120</text>" in svg
    assert "Χθεσινό" not in most_read
    assert "120 αναγνώσεις" in most_read


def test_the_chart_is_drawn_with_full_stops_and_a_short_label():
    article = ArticleFactory.build(headline="Ένας πολύ μεγάλος τίτλος " * 5)
    rows = [ReadCount(article=article, count=7), ReadCount(article=article, count=3)]
    chart = desk.chart(rows)
    assert chart.maximum == 7
    assert len(chart.rows[0].label) <= desk.LABEL_CHARS
    assert chart.rows[0].width == desk.WIDTH - desk.BARS_FROM - desk.COUNT_ROOM
    assert chart.height == 2 * desk.TOP + 2 * desk.ROW
    assert desk.chart([]).is_empty


def test_an_empty_newsroom_says_so_in_greek(client, editor):
    html = home(client, editor)
    assert "Δεν έχετε πρόχειρα." in html
    assert "Δεν υπάρχει τίποτα προγραμματισμένο." in html
    assert "Κανείς δεν επεξεργάζεται άρθρο αυτή τη στιγμή." in html
    assert "Δεν έχουν μετρηθεί αναγνώσεις σήμερα ακόμη." in html
    assert "<svg" not in section(html, "desk-most-read")


def test_moderators_do_not_get_the_editors_desk(client):
    moderator = member("nikos", "Moderators")
    draft("Πρόχειρο", None)
    client.force_login(moderator)
    response = client.get(reverse("admin:index"))
    assert 'id="editors-desk"' not in response.content.decode()
    assert 'id="moderation-summary"' in response.content.decode()


def build_newsroom(size: int, editor, colleague) -> None:
    today = timezone.localdate()
    now = timezone.now()
    for n in range(size):
        draft(f"Πρόχειρο {n}", editor if n % 2 else colleague)
        ArticleFactory(headline=f"Προγραμματισμένο {n}", published_at=now + timedelta(hours=n + 1))
        read = ArticleFactory(headline=f"Διαβασμένο {n}")
        ReadCount.objects.create(article=read, day=today, count=n + 1)
        locks.acquire_lock(article=read, user=colleague if n % 2 else editor)


@pytest.mark.parametrize("size", [1, 30])
def test_the_editors_home_keeps_its_query_budget(
    client, editor, colleague, django_assert_max_num_queries, size
):
    build_newsroom(size, editor, colleague)
    client.force_login(editor)
    with django_assert_max_num_queries(HOME_BUDGET):
        response = client.get(reverse("admin:index"))
    html = response.content.decode()
    assert html.count("desk-chart__row") == min(size, desk.MOST_READ_LENGTH)
    assert section(html, "desk-locks").count("<li>") == size
