"""Prepares the fault server's private database: migrations, a section, two articles.

Run as `python -m tests.faults.seed` with DATABASE_URL and SECRET_KEY of the fault server
(the address hash of 127.0.0.1 depends on the key); prints what the tests need as JSON.
"""

import json

import django


def main() -> None:
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)

    from articles.models import CommentModeration
    from comments.network import hash_address
    from tests.factories import ArticleFactory, CategoryFactory, CommentFactory

    category = CategoryFactory(name="Διεθνή")
    pre = ArticleFactory(category=category, headline="Σχόλια υπό φόρτο")
    post = ArticleFactory(
        category=category,
        headline="Σχόλια με μετα-έλεγχο",
        comment_moderation=CommentModeration.POST,
    )
    # A reader from 127.0.0.1 with an approved comment: post-moderation publishes them at once.
    CommentFactory(article=post, ip_hash=hash_address("127.0.0.1"), name="Τακτικός αναγνώστης")
    print(
        json.dumps(
            {
                "pre_article": pre.pk,
                "post_article": post.pk,
                "pre_url": pre.get_absolute_url(),
                "post_url": post.get_absolute_url(),
                "category_url": category.get_absolute_url(),
            }
        )
    )


if __name__ == "__main__":
    main()
