"""An editor's changes made against the fault server's own database and cache.

Run as `python -m tests.faults.writer` with the fault server's environment (database, Redis,
cache key prefix, secret key), so each change goes through the same services and signals
as in the admin and moves the same scope versions gunicorn reads. One JSON command per line
on stdin; one JSON line on stdout once the change is committed (its on-commit hooks run):

    {"do": "publish", "headline": "..."}            -> {"pk": ..., "url": "..."}
    {"do": "edit", "pk": 1, "headline": "..."}      -> {"pk": 1, "url": "..."}
    {"do": "flash", "text": "..."}                  -> {"pk": ...}
    {"do": "withdraw", "pk": 1}                     -> {"pk": 1, "url": "..."}
    {"do": "live_entry", "pk": 1, "text": "..."}    -> {"pk": 1, "url": "<its poll URL>"}
      (the article becomes live coverage first if it is not yet)
"""

import json
import sys

import django


def main() -> None:
    django.setup()
    from django.urls import reverse

    from articles import live_coverage
    from articles.models import Article, Category, FlashItem
    from articles.services import publish_article, save_article, unpublish_article
    from tests.factories import ArticleFactory

    def publish(headline: str) -> Article:
        draft = ArticleFactory(
            headline=headline,
            category=Category.objects.order_by("pk").first(),
            status=Article.Status.DRAFT,
            published_at=None,
        )
        return publish_article(article=draft)

    def edit(pk: int, headline: str) -> Article:
        article = Article.objects.get(pk=pk)
        article.headline = headline
        return save_article(article=article, reason="fault test")

    def withdraw(pk: int) -> Article:
        return unpublish_article(article=Article.objects.get(pk=pk))

    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        action = command.pop("do")
        if action == "live_entry":
            article = Article.objects.get(pk=command["pk"])
            live_blog = live_coverage.start_live_blog(article=article)
            live_coverage.post_entry(live_blog=live_blog, body=f"<p>{command['text']}</p>")
            url = reverse("articles:live_latest", args=[article.pk])
            print(json.dumps({"pk": article.pk, "url": url}), flush=True)
            continue
        if action == "flash":
            flash = FlashItem.objects.create(text=command["text"])
            print(json.dumps({"pk": flash.pk}), flush=True)
            continue
        article = {"publish": publish, "edit": edit, "withdraw": withdraw}[action](**command)
        print(json.dumps({"pk": article.pk, "url": article.get_absolute_url()}), flush=True)


if __name__ == "__main__":
    main()
