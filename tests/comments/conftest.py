import pytest
from django.contrib.auth.models import Group

from comments import tokens
from tests.factories import ArticleFactory, UserFactory


@pytest.fixture
def article(db):
    return ArticleFactory(headline="Ψηφίστηκε ο προϋπολογισμός")


@pytest.fixture
def moderator(db):
    user = UserFactory(username="moderator", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def old_token():
    """A valid form token issued long enough ago to pass the minimum-time check."""

    def make(article, seconds_ago: float = 30):
        import time

        return tokens.issue(article.pk, now=time.time() - seconds_ago)

    return make
