"""Each comment's card is kept per process by what it shows (comments/rendering.py): a
section rendered again after one more comment renders that comment's card only."""

import pytest

from comments import reactions, rendering
from comments.models import Comment
from comments.services import approve_comment
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered_cards(monkeypatch):
    rendered = []
    real = rendering._card

    def card(comment, *args):
        rendered.append(comment.pk)
        return real(comment, *args)

    monkeypatch.setattr(rendering, "_card", card)
    return rendered


def test_one_more_comment_renders_one_more_card(client, rendered_cards):
    article = ArticleFactory()
    first = [CommentFactory(article=article) for _ in range(3)]
    reply = CommentFactory(article=article, parent=first[0])
    url = article.get_absolute_url()
    client.get(url)
    assert sorted(rendered_cards) == sorted([c.pk for c in first] + [reply.pk])

    rendered_cards.clear()
    held = CommentFactory(article=article, status=Comment.Status.PENDING)
    approve_comment(comment=held, moderator=UserFactory(is_staff=True))
    page = client.get(url).content.decode()
    assert rendered_cards == [held.pk]
    for comment in [*first, reply, held]:
        assert f'id="comment-{comment.pk}"' in page
    assert page.count('<li class="comment') == 5  # the reply still inside its thread


def test_a_pick_and_an_erasure_show_on_the_cards_they_change(client, rendered_cards):
    article = ArticleFactory()
    picked, erased, other = (CommentFactory(article=article) for _ in range(3))
    url = article.get_absolute_url()
    client.get(url)
    rendered_cards.clear()

    reactions.pick_comments(comments=[picked], picked=True, by=None)
    Comment.objects.filter(pk=erased.pk).update(name="", body_html="")
    reactions.pick_comments(comments=[other], picked=False, by=None)  # nothing changes
    from articles.live_parts import comments_changed

    comments_changed(article.pk)
    page = client.get(url).content.decode()
    assert rendered_cards == [picked.pk]  # the erased one is drawn without a card
    assert f'<li class="comment comment--pick" id="comment-{picked.pk}"' in page
    assert f'<li class="comment comment--erased" id="comment-{erased.pk}"' in page
    assert f'<li class="comment" id="comment-{other.pk}"' in page
