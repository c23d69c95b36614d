"""The same form sent twice at the same instant stores one comment; both get it back."""

import threading

import pytest
from django.db import connection

from comments import network, services
from comments.models import Comment
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_simultaneous_identical_posts_store_one_comment():
    article = ArticleFactory()
    barrier = threading.Barrier(4)
    results, errors = [], []

    def send():
        try:
            barrier.wait()
            comment = services.post_comment(
                article=article,
                parent=None,
                name="Διπλό κλικ",
                email="",
                body="Το ίδιο σχόλιο, δύο φορές.",
                ip_hash=network.hash_address("203.0.113.5"),
                nonce="the-same-form-nonce",
                form_age=10.0,
            )
            results.append(comment.pk)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Comment.objects.count() == 1
    assert results == [Comment.objects.get().pk] * 4
