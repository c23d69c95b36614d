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
    {"do": "approve", "body": "..."}                -> {"pk": ...} (the comment with that text)

`Writer` (below) is the tests' side: it starts this module and sends it the commands.
"""

import json
import queue
import subprocess
import sys
import threading
import time

import django
import pytest

from tests.faults.servers import FAULTS_DIR, ROOT


def main() -> None:
    django.setup()
    from django.urls import reverse

    from articles import live_coverage
    from articles.models import Article, Category, FlashItem
    from articles.services import publish_article, save_article, unpublish_article
    from comments.models import Comment
    from comments.services import approve_comment
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
        if action == "approve":
            comment = approve_comment(comment=Comment.objects.get(body=command["body"]),
                                      moderator=None)  # fmt: skip
            print(json.dumps({"pk": comment.pk}), flush=True)
            continue
        if action == "flash":
            flash = FlashItem.objects.create(text=command["text"])
            print(json.dumps({"pk": flash.pk}), flush=True)
            continue
        article = {"publish": publish, "edit": edit, "withdraw": withdraw}[action](**command)
        print(json.dumps({"pk": article.pk, "url": article.get_absolute_url()}), flush=True)


class Writer:
    """tests/faults/writer.py: an editor's changes, made with the services, committed to the
    fault server's database and its Redis (the scope versions gunicorn reads)."""

    def __init__(self, env: dict):
        self.log = (FAULTS_DIR / "writer.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.writer"],
            cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
            text=True,
        )  # fmt: skip
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(json.loads(line))

    def reply(self, timeout: float = 60) -> dict:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"the writer did not answer in {timeout} s (see {FAULTS_DIR}/writer.log)")

    def send(self, **command) -> tuple[dict, float]:
        """The change's reply and the moment it was committed (as the writer returned)."""
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        answer = self.reply(timeout=30)
        return answer, time.monotonic()

    def close(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


if __name__ == "__main__":
    main()
