"""The breaking-news banner: on every page, cached ones included, and gone at its end."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import BreakingBanner
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

POLL = "/roi-eidiseon/latest/"


def set_banner(text="Ισχυρός σεισμός στην Κρήτη", *, starts=None, minutes=30, link=""):
    now = timezone.now()
    starts = starts or now
    return BreakingBanner.objects.create(
        text=text, link=link, starts_at=starts, ends_at=starts + timedelta(minutes=minutes)
    )


@pytest.fixture
def pages(page_cache, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = ArticleFactory(headline="Η ημέρα στις αγορές")
    return ["/", article.get_absolute_url(), article.category.get_absolute_url(), "/en/"]


def test_a_banner_shows_on_every_page_including_stored_ones(
    client, pages, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for url in pages:
        client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        set_banner(link="https://example.org/live")
    for url in pages:
        # The stored body is reused: only the banner is read (one query, then none).
        with django_assert_max_num_queries(2):
            html = client.get(url).content.decode()
        assert "Ισχυρός σεισμός στην Κρήτη" in html, url
        assert 'href="https://example.org/live"' in html
        assert 'lang="el"' in html.split('id="breaking-banner"')[1].split("</div>")[0]


def test_a_banner_leaves_at_its_end_and_a_scheduled_one_arrives_with_no_write(
    client, pages, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        with django_capture_on_commit_callbacks(execute=True):
            set_banner("Διακοπή κυκλοφορίας στην Αττική Οδό", minutes=10)
            set_banner("Ανακοίνωση του πρωθυπουργού", starts=start + timedelta(minutes=20))
        assert "Διακοπή κυκλοφορίας" in client.get("/").content.decode()
        traveller.shift(timedelta(minutes=10, seconds=1))
        html = client.get("/").content.decode()
        assert "Διακοπή κυκλοφορίας" not in html
        assert "Ανακοίνωση του πρωθυπουργού" not in html
        traveller.shift(timedelta(minutes=10))
        assert "Ανακοίνωση του πρωθυπουργού" in client.get("/").content.decode()


def test_the_poll_names_the_banner_version_and_the_banner_url_serves_it(
    client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    ArticleFactory()
    before = client.get(POLL)["X-Banner-Version"]
    with django_capture_on_commit_callbacks(execute=True):
        set_banner()
    first = client.get(POLL)
    assert first["X-Banner-Version"] != before
    with django_assert_num_queries(0):
        again = client.get(POLL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["X-Banner-Version"] == first["X-Banner-Version"]
    banner = client.get("/roi-eidiseon/banner/")
    assert banner.status_code == 200
    assert f'data-version="{first["X-Banner-Version"]}"' in banner.content.decode()
    assert "Ισχυρός σεισμός" in banner.content.decode()
    assert "s-maxage=1" in banner["Cache-Control"]


def test_the_newest_started_banner_wins_and_an_ended_one_is_never_shown():
    now = timezone.now()
    set_banner("Παλιό", starts=now - timedelta(hours=2), minutes=60)
    set_banner("Πρώτο", starts=now - timedelta(minutes=10))
    set_banner("Δεύτερο", starts=now - timedelta(minutes=5))
    assert [b.text for b in BreakingBanner.objects.shown()] == ["Δεύτερο", "Πρώτο"]


def test_a_banner_must_end_after_it_starts():
    from django.core.exceptions import ValidationError

    now = timezone.now()
    banner = BreakingBanner(text="Λάθος", starts_at=now, ends_at=now - timedelta(minutes=1))
    with pytest.raises(ValidationError):
        banner.full_clean()


def test_editors_set_banners_in_the_admin(client):
    editor = UserFactory(username="desk", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get("/admin/articles/breakingbanner/add/").status_code == 200
    now = timezone.localtime()
    response = client.post(
        "/admin/articles/breakingbanner/add/",
        {
            "text": "Έκτακτη είδηση",
            "link": "",
            "starts_at_0": now.strftime("%d/%m/%Y"),
            "starts_at_1": now.strftime("%H:%M:%S"),
            "ends_at_0": (now + timedelta(hours=1)).strftime("%d/%m/%Y"),
            "ends_at_1": (now + timedelta(hours=1)).strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert BreakingBanner.objects.get().created_by == editor
