"""Demo content for a fresh portal: sections, articles with images, tags and demo users.

Idempotent: what exists already is left alone, so `make run` can call it every time.
"""

import contextlib
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from articles import demo_content, images, live_coverage, services
from articles.demo_images import generate_hero_image
from articles.models import Article, Author, Category, Correction, FlashItem, Image, LiveBlog
from comments import network, reactions
from comments import services as comment_services
from comments.models import Comment, CommentReport

DEFAULT_DEMO_PASSWORD = "demo-pass"  # noqa: S105 - documented demo-only credential
HERO_SIZE = (1600, 900)
# The apps whose services narrate each save and moderation at INFO: one line per demo
# comment twice over would bury `make run`'s address, so seeding hushes them below -v 2.
CHATTY_LOGGERS = ("articles", "comments")


@lru_cache(maxsize=256)  # the same picture each time: processed once per process
def processed_demo_image(seed: int, palette_index: int) -> images.ProcessedImage:
    """A demo picture through the upload pipeline, as if an editor had uploaded it."""
    content = generate_hero_image(seed, palette_index, size=HERO_SIZE)
    return images.process_upload(ContentFile(content, name=f"demo-{seed:03d}.jpg"))


class Command(BaseCommand):
    help = "Create the demo sections, articles, images and users (once; safe to repeat)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-users", action="store_true", help="Create the content only, no demo users."
        )

    def handle(self, *args, no_users=False, verbosity=1, **options):
        with contextlib.ExitStack() as stack:
            if verbosity < 2:
                for name in CHATTY_LOGGERS:
                    stack.enter_context(_log_level(name, logging.WARNING))
            users = {} if no_users else self.create_users()
            with transaction.atomic():
                categories = self.create_categories()
                created = self.create_articles(categories, users.get("editor"))
                flashes = self.create_flash_items()
                self.create_corrections()
                self.create_authors(users)
                self.create_live_blogs(users.get("editor"))
            comments = self.create_comments(users.get("moderator"))
            # Images stored before renditions existed get them now (an older demo database).
            for image in Image.objects.filter(renditions=[]):
                services.make_renditions(image=image)
        self.stdout.write(
            f"Demo content ready ({created} new articles, {flashes} new flash items, "
            f"{comments} new comments)."
        )

    def create_users(self) -> dict:
        User = get_user_model()
        missing = [
            u
            for u in demo_content.USERS
            if not User.objects.filter(username=u["username"]).exists()
        ]
        password = settings.DEMO_PASSWORD
        if missing and not settings.DEBUG and not password:
            raise CommandError(
                "Refusing to create demo users with a known password while DEBUG is off; "
                "set DEMO_PASSWORD, or pass --no-users."
            )
        password = password or DEFAULT_DEMO_PASSWORD
        users = {}
        for data in demo_content.USERS:
            user, created = User.objects.get_or_create(
                username=data["username"],
                defaults={
                    "is_staff": True,
                    "is_superuser": data["superuser"],
                    "first_name": data["first_name"],
                    "last_name": data["last_name"],
                    "email": f"{data['username']}@example.com",
                },
            )
            if created:
                user.set_password(password)
                user.save()
                if data.get("group"):
                    user.groups.add(Group.objects.get(name=data["group"]))
            users[user.username] = user
        return users

    def create_categories(self) -> dict[str, Category]:
        categories = {}
        for order, data in enumerate(demo_content.CATEGORIES, start=1):
            category, _ = Category.objects.get_or_create(
                name=data["name"],
                defaults={"description": data["description"], "menu_order": order * 10},
            )
            categories[category.name] = category
        return categories

    def create_articles(self, categories, author) -> int:
        now = timezone.now()
        palette = {name: i for i, name in enumerate(categories)}
        entries = (
            [(d, Article.Status.PUBLISHED, now - timedelta(hours=d["hours_ago"]))
             for d in demo_content.ARTICLES]
            + [(d, Article.Status.PUBLISHED, now + timedelta(hours=d["hours_ahead"]))
               for d in demo_content.SCHEDULED_ARTICLES]
            + [(d, Article.Status.DRAFT, None) for d in demo_content.DRAFT_ARTICLES]
        )  # fmt: skip
        missing = [
            (seed, entry)
            for seed, entry in enumerate(entries, start=1)
            # By headline: a database seeded before the slug rules changed keeps its slugs.
            if not Article.objects.filter(headline=entry[0]["headline"]).exists()
        ]
        # Encoding the renditions is the slow part; Pillow releases the GIL while it works.
        with ThreadPoolExecutor(max_workers=2) as pool:
            processed = list(
                pool.map(
                    lambda item: processed_demo_image(item[0], palette[item[1][0]["category"]]),
                    missing,
                )
            )
        for (_seed, (data, status, published_at)), picture in zip(missing, processed, strict=True):
            article = Article(
                headline=data["headline"],
                lead=data["lead"],
                body=data["body"],
                category=categories[data["category"]],
                hero_image=self.create_image(data, picture),
                source_line=data["source"],
                author=author,
                language=data["language"],
                status=status,
                published_at=published_at,
                is_featured=data["featured"],
                is_breaking=data["breaking"],
            )
            services.save_article(
                article=article,
                editor=author,
                tag_names=data["tags"],
                reason=gettext("Demo content"),
            )
        return len(missing)

    def create_comments(self, moderator) -> int:
        """Reader comments through the same services the site uses: most approved (by the
        demo moderator), a few awaiting moderation, one reported. Each has a fixed form
        nonce (its position in the data), so a second run finds them and creates nothing."""
        articles = list(Article.objects.published().order_by("published_at", "pk"))
        if not articles:
            return 0
        now = timezone.now()
        stored: dict[int, Comment] = {}
        created = 0
        for index, data in enumerate(demo_content.COMMENTS):
            nonce = f"demo-comment-{index:03d}"
            parent = stored.get(data["reply_to"]) if "reply_to" in data else None
            if parent is not None:
                article = parent.article
            else:
                article = self.article_for_comment(index, data.get("article"), articles)
            existing = Comment.objects.filter(form_nonce=nonce).first()
            if existing is not None:
                stored[index] = existing
                continue
            # Spread over the article's life so far; a reply comes some time after its parent.
            after = parent.created_at if parent is not None else article.published_at
            posted_at = after + (now - after) * (0.3 if parent else 0.1 + 0.05 * (index % 8))
            comment = comment_services.post_comment(
                article=article,
                parent=parent,
                name=data["name"],
                email="",
                body=data["body"],
                ip_hash=network.hash_address(f"192.0.2.{sum(map(ord, data['name'])) % 250 + 1}"),
                user_agent="seed_demo",
                nonce=nonce,
                now=posted_at,
            )
            if not data.get("pending"):
                comment = comment_services.approve_comment(comment=comment, moderator=moderator)
            if data.get("likes") and comment.status == Comment.Status.APPROVED:
                reactions.add_likes(comment_id=comment.pk, likes=data["likes"])
            if data.get("pick"):
                reactions.pick_comments(comments=[comment], picked=True, by=moderator)
            if data.get("reported"):
                comment_services.report_comment(
                    comment=comment,
                    ip_hash=network.hash_address("198.51.100.7"),
                    reason=CommentReport.Reason.OFF_TOPIC,
                )
            stored[index] = comment
            created += 1
        return created

    @staticmethod
    def article_for_comment(index: int, headline: str | None, articles: list[Article]) -> Article:
        """The article whose headline starts with ``headline``, else one by position."""
        for article in articles:
            if headline and article.headline.startswith(headline):
                return article
        return articles[-1 - index % len(articles)]

    def create_flash_items(self) -> int:
        """The newsroom's one-line flashes, at their times before now (once each)."""
        now = timezone.now()
        created = 0
        for data in demo_content.FLASH_ITEMS:
            _, was_created = FlashItem.objects.get_or_create(
                text=data["text"],
                defaults={
                    "status": FlashItem.Status.PUBLISHED,
                    "published_at": now - timedelta(minutes=data["minutes_ago"]),
                },
            )
            created += was_created
        return created

    def create_authors(self, users: dict) -> None:
        """Two author profiles; demo articles without bylines are signed by them."""
        authors = []
        for data in demo_content.AUTHORS:
            author, _ = Author.objects.get_or_create(
                name=data["name"],
                defaults={"role": data["role"], "biography": data["biography"].strip()},
            )
            account = users.get(data["username"]) if data["username"] else None
            if account is not None and author.user_id is None:
                author.user = account
                author.save(update_fields=["user"])
            authors.append(author)
        unsigned = Article.objects.filter(authors=None).order_by("published_at", "pk")
        for index, article in enumerate(unsigned):
            article.authors.add(*(authors if index % 3 == 0 else authors[:1]))

    def create_corrections(self) -> int:
        """Corrections of two published articles (once each)."""
        now = timezone.now()
        created = 0
        for data in demo_content.CORRECTIONS:
            article = Article.objects.filter(headline=data["headline"].strip()).first()
            if article is None or article.corrections.filter(text=data["text"].strip()).exists():
                continue
            Correction.objects.create(
                article=article,
                kind=data["kind"],
                text=data["text"].strip(),
                published_at=max(
                    article.published_at, now - timedelta(minutes=data["minutes_ago"])
                ),
            )
            created += 1
        return created

    def create_live_blogs(self, editor) -> int:
        """Live coverage of a demo article with its entries, through the services (once)."""
        now = timezone.now()
        created = 0
        for data in demo_content.LIVE_BLOGS:
            article = Article.objects.filter(headline=data["headline"].strip()).first()
            if article is None or LiveBlog.objects.filter(pk=article.pk).exists():
                continue
            live_blog = live_coverage.start_live_blog(
                article=article,
                editor=editor,
                started_at=now - timedelta(minutes=data["started_minutes_ago"]),
            )
            for entry in sorted(data["entries"], key=lambda e: -e["minutes_ago"]):
                live_coverage.post_entry(
                    live_blog=live_blog,
                    body=entry["body"].strip(),
                    title=entry.get("title", ""),
                    is_key_event=entry.get("key_event", False),
                    is_pinned=entry.get("pinned", False),
                    editor=editor,
                    posted_at=now - timedelta(minutes=entry["minutes_ago"]),
                )
            if data["ended"]:
                live_coverage.end_live_blog(live_blog=live_blog, now=now)
            created += 1
        return created

    def create_image(self, data, picture: images.ProcessedImage) -> Image:
        return services.create_image(
            source=picture,
            alt_text=f"Αφηρημένη εικονογράφηση για το θέμα: {data['headline']}"[:250],
            caption=data["lead"].split(".")[0][:300],
            credit="Εικονογράφηση: Συντακτική ομάδα",
        )


@contextlib.contextmanager
def _log_level(name: str, level: int):
    logger = logging.getLogger(name)
    previous = logger.level
    logger.setLevel(max(level, logger.getEffectiveLevel()))
    try:
        yield
    finally:
        logger.setLevel(previous)
