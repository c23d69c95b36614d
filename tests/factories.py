"""Factories that give valid, published objects by default; tests spell out only what they test."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article, Category, FlashItem, Image


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Μαρία"
    last_name = "Κωνσταντίνου"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("a-long-test-password")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Ενότητα {n}")
    menu_order = factory.Sequence(int)
    description = "Ειδήσεις της ενότητας."


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Image

    file = factory.django.ImageField(width=64, height=36, color="navy", format="JPEG")
    alt_text = "Γραφική απεικόνιση"
    caption = "Λεζάντα της εικόνας"
    credit = "Συντακτική ομάδα"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Νέα μέτρα για την οικονομία, μέρος {n}")
    lead = "Η κυβέρνηση παρουσίασε σήμερα το νέο πακέτο μέτρων στήριξης."
    body = "<h2>Τι προβλέπεται</h2><p>Το σχέδιο περιλαμβάνει μέτρα για νοικοκυριά.</p>"
    category = factory.SubFactory(CategoryFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    source_line = "Συντακτική ομάδα"

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class FlashItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FlashItem

    text = factory.Sequence(lambda n: f"Σύντομη είδηση από το δελτίο, αριθμός {n}")
    status = FlashItem.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=30))
