"""Factories that give valid, published objects by default; tests spell out only what they test."""

import io
import uuid
from datetime import timedelta

import factory
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone
from PIL import Image as PILImage

from articles import renditions, services
from articles.models import (
    Article,
    BreakingBanner,
    Category,
    Correction,
    FlashItem,
    Image,
    LiveBlog,
    LiveEntry,
    PreviewLink,
    Tag,
)
from comments.models import BlockedAddress, BlockedWord, Comment, CommentReport, ModerationLogEntry


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


def sample_upload(
    size=(64, 36), color="navy", image_format="JPEG", name=None, **save_options
) -> SimpleUploadedFile:
    """An uploaded image file as a browser would send it."""
    buffer = io.BytesIO()
    mode = "RGBA" if image_format == "PNG" and len(color) == 4 else "RGB"
    PILImage.new(mode, size, color).save(buffer, image_format, **save_options)
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}.get(image_format, "bin")
    return SimpleUploadedFile(
        name or f"photo.{extension}", buffer.getvalue(), content_type=f"image/{extension}"
    )


class ImageFactory(factory.django.DjangoModelFactory):
    """A library image made the only way editors can: through the upload pipeline."""

    class Meta:
        model = Image

    class Params:
        size = (64, 36)
        color = "navy"
        image_format = "JPEG"

    source = factory.LazyAttribute(lambda o: sample_upload(o.size, o.color, o.image_format))
    alt_text = "Γραφική απεικόνιση"
    caption = "Λεζάντα της εικόνας"
    credit = "Συντακτική ομάδα"

    @classmethod
    def _create(cls, model_class, *args, source, **kwargs):
        image = services.create_image(source=source, **kwargs)
        # What the job worker does next (its task, still queued, then finds them written).
        renditions.write_renditions(image_id=image.pk)
        image.refresh_from_db()
        return image


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
            # The first revision was written before the tags existed, as the admin's
            # service does it in the other order: record them there too.
            self.history.filter(pk=self.history.first().pk).update(
                tag_names=sorted(self.tags.names())
            )


class CommentFactory(factory.django.DjangoModelFactory):
    """An approved comment (a reply when ``parent`` is given), counted on its article as the
    services would count it. Tests of the rules themselves go through comments.services."""

    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    parent = None
    name = factory.Sequence(lambda n: f"Αναγνώστης {n}")
    email = ""
    body = "Ενδιαφέρον άρθρο, ευχαριστώ για την ενημέρωση."
    status = Comment.Status.APPROVED
    ip_hash = factory.Sequence(lambda n: f"{n:064x}")
    user_agent = "Mozilla/5.0 (test)"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        parent = kwargs.get("parent")
        if parent is not None:
            kwargs["article"] = parent.article
            kwargs.setdefault("level", parent.level + 1)
        comment = super()._create(model_class, *args, **kwargs)
        comment.thread_id = parent.thread_id if parent else comment.pk
        comment.path = [*(parent.path if parent else []), comment.pk]
        Comment.objects.filter(pk=comment.pk).update(thread_id=comment.thread_id, path=comment.path)
        if comment.status == Comment.Status.APPROVED:
            Article.objects.filter(pk=comment.article_id).update(
                comment_count=F("comment_count") + 1
            )
            comment.article.comment_count += 1
        return comment


class FlashItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FlashItem

    text = factory.Sequence(lambda n: f"Σύντομη είδηση από το δελτίο, αριθμός {n}")
    status = FlashItem.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=30))


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Ετικέτα {n}")


class PreviewLinkFactory(factory.django.DjangoModelFactory):
    """A working preview link of a draft, made by an editor for someone named in the note."""

    class Meta:
        model = PreviewLink

    article = factory.SubFactory(ArticleFactory, status=Article.Status.DRAFT, published_at=None)
    key = factory.LazyFunction(uuid.uuid4)
    note = "Νομική υπηρεσία"
    created_by = factory.SubFactory(UserFactory)
    created_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda link: link.created_at + timedelta(days=2))


class CommentReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommentReport

    comment = factory.SubFactory(CommentFactory)
    ip_hash = factory.Sequence(lambda n: f"{n:064x}")
    reason = CommentReport.Reason.ABUSIVE


class ModerationLogEntryFactory(factory.django.DjangoModelFactory):
    """A log line as the services write it; the comment's status is not changed here."""

    class Meta:
        model = ModerationLogEntry

    comment = factory.SubFactory(CommentFactory)
    moderator = factory.SubFactory(UserFactory)
    action = ModerationLogEntry.Action.APPROVED
    previous_status = Comment.Status.PENDING
    note = "Ελέγχθηκε μετά από αναφορά."


class BlockedWordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BlockedWord

    phrase = factory.Sequence(lambda n: f"απαγορευμένη{n}")


class BlockedAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BlockedAddress

    kind = BlockedAddress.Kind.EMAIL
    value = factory.Sequence(lambda n: f"spammer{n}@example.com")
    note = "Διαφημίσεις σε πολλά άρθρα."


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"Ομάδα {n}")


class AccessAttemptFactory(factory.django.DjangoModelFactory):
    """django-axes' record of failed logins from one address (what a lockout reads)."""

    class Meta:
        model = AccessAttempt

    user_agent = "Mozilla/5.0 (test)"
    ip_address = "192.0.2.10"
    username = "editor"
    http_accept = "text/html"
    path_info = "/admin/login/"
    get_data = ""
    post_data = "username=editor"
    failures_since_start = 3


class AccessLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessLog

    user_agent = "Mozilla/5.0 (test)"
    ip_address = "192.0.2.11"
    username = "editor"
    http_accept = "text/html"
    path_info = "/admin/login/"
    logout_time = factory.LazyFunction(timezone.now)
    session_hash = "0" * 64


class AccessFailureLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessFailureLog

    user_agent = "Mozilla/5.0 (test)"
    ip_address = "192.0.2.12"
    username = "editor"
    http_accept = "text/html"
    path_info = "/admin/login/"
    locked_out = True


class BreakingBannerFactory(factory.django.DjangoModelFactory):
    """A breaking-news banner shown now, for the next hour."""

    class Meta:
        model = BreakingBanner

    text = factory.Sequence(lambda n: f"ΕΚΤΑΚΤΟ: ισχυρός σεισμός στην Κρήτη, ενημέρωση {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=5))
    ends_at = factory.LazyAttribute(lambda banner: banner.starts_at + timedelta(hours=1))


class CorrectionFactory(factory.django.DjangoModelFactory):
    """A correction of a published article, made by an editor."""

    class Meta:
        model = Correction

    article = factory.SubFactory(ArticleFactory)
    kind = Correction.Kind.CORRECTION
    text = "Το ποσό είναι 1,2 δισ. ευρώ και όχι 12 δισ. όπως γράφτηκε αρχικά."
    created_by = factory.SubFactory(UserFactory)


class LiveBlogFactory(factory.django.DjangoModelFactory):
    """Live coverage of a published article, started half an hour ago and going on."""

    class Meta:
        model = LiveBlog

    article = factory.SubFactory(ArticleFactory)
    started_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=30))


class LiveEntryFactory(factory.django.DjangoModelFactory):
    """An entry of a live blog, its text sanitised as the services do."""

    class Meta:
        model = LiveEntry

    live_blog = factory.SubFactory(LiveBlogFactory)
    body = factory.Sequence(lambda n: f"<p>Ενημέρωση {n}: η καταμέτρηση συνεχίζεται.</p>")
    posted_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        entry = model_class(*args, **kwargs)
        entry.render_body(entry.live_blog.article.language)
        entry.save()
        return entry
