"""With the cache away (Redis stopped or hung) comments are still taken, and all are held.

The rate limits live in the cache: while it cannot count, nothing may publish itself,
not even in post-moderation from a reader approved before. Uses a Redis address where
nothing listens, so the cache fails at once.
"""

import pytest

from comments import network, ratelimit, services
from comments.models import Comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

ALICE = network.hash_address("127.0.0.1")


@pytest.fixture
def dead_cache(settings):
    dead = {
        "BACKEND": "newsportal.caching.backends.redis.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"SOCKET_TIMEOUT": 0.2, "SOCKET_CONNECT_TIMEOUT": 0.2},
    }
    # The cache and the rate-limit counters share the Redis that went away.
    settings.CACHES = {"default": dead, "counters": dead}
    return settings


@pytest.fixture
def trusted_reader(settings, article):
    """Post-moderation, and a reader whose earlier comment a moderator approved."""
    settings.COMMENTS_MODERATION = "post"
    CommentFactory(article=article, ip_hash=ALICE)
    return ALICE


def post(article, ip_hash):
    return services.post_comment(
        article=article,
        parent=None,
        name="Ελένη",
        email="",
        body="Σχόλιο όσο η μνήμη cache λείπει.",
        ip_hash=ip_hash,
        form_age=30.0,
    )


def test_post_moderation_publishes_the_trusted_reader_while_the_cache_works(
    trusted_reader, article
):
    assert post(article, trusted_reader).status == Comment.Status.APPROVED


def test_post_moderation_holds_everyone_while_the_cache_is_unavailable(
    dead_cache, trusted_reader, article
):
    comment = post(article, trusted_reader)
    assert comment.status == Comment.Status.PENDING
    assert comment.rule == "cache_unavailable"
    assert comment.rule_labels() == ["κρατήθηκε όσο τα όρια συχνότητας δεν λειτουργούσαν"]


def test_the_rate_limit_lets_requests_through_when_it_cannot_count(dead_cache):
    for _ in range(20):
        assert ratelimit.hit("post", ALICE) is None


def test_posting_through_the_site_without_a_cache_is_acknowledged_and_held(
    dead_cache, trusted_reader, client, article, old_token
):
    response = client.post(
        f"/comments/post/{article.pk}/",
        {"name": "Ελένη", "body": "Χωρίς cache.", "token": old_token(article), "website": ""},
    )
    assert response.status_code == 302
    stored = Comment.objects.get(body="Χωρίς cache.")
    assert stored.status == Comment.Status.PENDING
    assert stored.rule == "cache_unavailable"
