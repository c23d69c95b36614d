"""Demo content for a fresh portal: sections, articles with images, tags and demo users.

Idempotent: what exists already is left alone, so `make run` can call it every time.
"""

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

from articles import demo_content, images, services
from articles.demo_images import generate_hero_image
from articles.models import Article, Category, FlashItem, Image
from articles.transliteration import slugify_greek
from comments import network
from comments import services as comment_services
from comments.models import Comment, CommentReport

DEFAULT_DEMO_PASSWORD = "demo-pass"  # noqa: S105 - documented demo-only credential
HERO_SIZE = (1600, 900)
# Which article each first comment of a thread belongs to (by the start of its headline);
# replies follow their thread.
DEMO_COMMENT_ARTICLES = {
    0: "Ψηφίστηκε ο προϋπολογισμός",
    1: "Ψηφίστηκε ο προϋπολογισμός",
    4: "Ψηφίστηκε ο προϋπολογισμός",
    5: "Δημοσκόπηση",
    6: "Υπέρβαση 2,1 δισ.",
    8: "Στο 2,4% υποχώρησε ο πληθωρισμός",
    11: "Η ΕΚΤ διατηρεί",
    12: "Η ΕΚΤ διατηρεί",
    13: "Ρεκόρ εσόδων από τον τουρισμό",
    15: "Κεκλεισμένων των θυρών",
    16: "Κεκλεισμένων των θυρών",
    18: "Greece curtails record volumes",
    19: "Greece curtails record volumes",
    22: "Χρηματοδότηση 45 εκατ.",
    23: "Άλμα 3,2%",
    25: "Αλλάζει ο χάρτης της αυτοδιοίκησης",
    26: "Τεχνητή νοημοσύνη στο Δημόσιο",
    28: "Στο 2,4% υποχώρησε ο πληθωρισμός",
    29: "Κατώτατος μισθός",
}
# Left for the demo moderator's queue, and one approved comment with a reader's report.
DEMO_PENDING_COMMENTS = {25, 28, 29}
DEMO_REPORTED_COMMENT = 23


@lru_cache(maxsize=256)  # the same picture each time: processed once per process
def processed_demo_image(seed: int, palette_index: int) -> images.ProcessedImage:
    """A demo picture through the upload pipeline, as if an editor had uploaded it."""
    content = generate_hero_image(seed, palette_index, size=HERO_SIZE)
    return images.process_upload(ContentFile(content, name=f"demo-{seed:03d}.jpg"))


DEMO_USERS = [
    # username, group, superuser, first name, last name
    ("admin", None, True, "Διαχειριστής", ""),
    ("editor", "Editors", False, "Ελένη", "Μαργαρίτη"),
    ("moderator", "Moderators", False, "Νίκος", "Σταθόπουλος"),
]


class Command(BaseCommand):
    help = "Create the demo sections, articles, images and users (once; safe to repeat)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-users", action="store_true", help="Create the content only, no demo users."
        )

    def handle(self, *args, no_users=False, **options):
        users = {} if no_users else self.create_users()
        with transaction.atomic():
            categories = self.create_categories()
            created = self.create_articles(categories, users.get("editor"))
            flashes = self.create_flash_items()
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
        missing = [u for u in DEMO_USERS if not User.objects.filter(username=u[0]).exists()]
        password = settings.DEMO_PASSWORD
        if missing and not settings.DEBUG and not password:
            raise CommandError(
                "Refusing to create demo users with a known password while DEBUG is off; "
                "set DEMO_PASSWORD, or pass --no-users."
            )
        password = password or DEFAULT_DEMO_PASSWORD
        users = {}
        for username, group, superuser, first, last in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "is_staff": True,
                    "is_superuser": superuser,
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.com",
                },
            )
            if created:
                user.set_password(password)
                user.save()
                if group:
                    user.groups.add(Group.objects.get(name=group))
            users[username] = user
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
            if not Article.objects.filter(slug=slugify_greek(entry[0]["headline"])).exists()
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
                slug=slugify_greek(data["headline"]),
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
        nonce, so a second run finds them and creates nothing."""
        articles = list(Article.objects.published().order_by("published_at", "pk"))
        if not articles:
            return 0
        now = timezone.now()
        stored: dict[int, Comment] = {}
        created = 0
        for index, data in enumerate(demo_content.COMMENTS):
            nonce = f"demo-comment-{index:03d}"
            parent = stored.get(data["reply_to"]) if data["reply_to"] is not None else None
            if parent is not None:
                article = parent.article
            else:
                article = self.article_for_comment(index, articles)
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
            if index not in DEMO_PENDING_COMMENTS:
                comment = comment_services.approve_comment(comment=comment, moderator=moderator)
            if index == DEMO_REPORTED_COMMENT:
                comment_services.report_comment(
                    comment=comment,
                    ip_hash=network.hash_address("198.51.100.7"),
                    reason=CommentReport.Reason.OFF_TOPIC,
                )
            stored[index] = comment
            created += 1
        return created

    @staticmethod
    def article_for_comment(index: int, articles: list[Article]) -> Article:
        headline = DEMO_COMMENT_ARTICLES.get(index)
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

    def create_image(self, data, picture: images.ProcessedImage) -> Image:
        return services.create_image(
            source=picture,
            alt_text=f"Αφηρημένη εικονογράφηση για το θέμα: {data['headline']}"[:250],
            caption=data["lead"].split(".")[0][:300],
            credit="Εικονογράφηση: Συντακτική ομάδα",
        )
