"""Cross-site scripting, judged by a real browser: 130 payloads, 0 executions.

Every payload (tests/newsportal/xss_payloads.py) is stored through the fields readers
write (a comment's name and body, posted through the site's own form, as single
comments, long combined ones and replies) and, as a second line of defence, the fields
the newsroom writes (headline, lead, body, source line, tags, flash items). Chromium
then loads every page that shows them: the article pages, home, the news feed page and
the feed fragment the page polls, search results and the search box echoing each
payload, tag pages, slugs in the path, the comment form shown again with its errors,
the RSS and Atom feeds (rendered the way a feed reader renders them: titles as text,
summaries as HTML, with no CSP to help), and the moderators' admin pages (the queue and
each comment's page). On every page the harness counts

- dialogs (alert, confirm, prompt) opened by anything,
- Content-Security-Policy violations (injected code that the CSP had to stop),
- active markup that should not exist: event-handler attributes, javascript:/data: URLs,
  inline scripts, srcdoc frames (it catches payloads that need a click or a hover).

All three must be 0. The same harness loads a deliberately unsafe page (the payloads
marked `|safe` in the same contexts, no CSP) and must count executions there: it can fail.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from django.template import engines
from django.test import Client
from django.utils.html import escape

from articles.models import FlashItem
from comments import network, services, tokens
from comments.models import Comment
from tests.browser.test_comments import make_moderator
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    CommentFactory,
    FlashItemFactory,
)
from tests.newsportal.xss_payloads import PAYLOADS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNSAFE_ORIGIN = "http://unsafe.invalid"
READER_ORIGIN = "http://feed-reader.invalid"
HARNESS_JS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__xssReport(`${event.violatedDirective} ${event.blockedURI} ${event.sample || ""}`);
}, true);
"""
# Active markup no page of ours contains; reader text must never create it.
AUDIT_JS = """
() => {
  const found = [];
  const urlAttributes = ["href", "src", "action", "formaction", "data", "xlink:href",
                         "background", "poster", "srcset"];
  const walk = (root) => {
    for (const el of root.querySelectorAll("*")) {
      for (const attr of el.attributes) {
        const name = attr.name.toLowerCase();
        const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, "").toLowerCase();
        if (name.startsWith("on")) found.push(`${el.tagName} ${name}`);
        if (name === "srcdoc") found.push(`${el.tagName} srcdoc`);
        if (urlAttributes.includes(name) && (value.startsWith("javascript:")
            || value.startsWith("vbscript:")
            || (value.startsWith("data:") && !value.startsWith("data:image/")))) {
          found.push(`${el.tagName} ${name}=${value.slice(0, 30)}`);
        }
      }
      if (el.tagName === "SCRIPT") {
        const type = (el.getAttribute("type") || "").toLowerCase();
        const ours = el.src && new URL(el.src).origin === location.origin;
        if (!ours && type !== "application/ld+json" && type !== "importmap") {
          found.push(`inline SCRIPT ${el.textContent.slice(0, 30)}`);
        }
      }
      if (["IFRAME", "OBJECT", "EMBED", "BASE"].includes(el.tagName)) found.push(el.tagName);
      if (el.tagName === "META" && el.httpEquiv) found.push(`META ${el.httpEquiv}`);
    }
  };
  walk(document);
  for (const frame of document.querySelectorAll("iframe")) {
    try { if (frame.contentDocument) walk(frame.contentDocument); } catch (e) {}
  }
  return found;
}
"""


class Harness:
    """Counts what ran on each page: dialogs, CSP violations, injected active markup."""

    def __init__(self, page):
        self.page = page
        self.dialogs: list[str] = []
        self.violations: list[str] = []
        self.markup: list[str] = []
        self.pages = 0
        self.label = ""
        page.on("dialog", self._dialog)
        page.expose_function("__xssReport", self._violation)
        page.add_init_script(HARNESS_JS)

    def _violation(self, description: str) -> None:
        self.violations.append(f"{self.label}: {description}")

    def _dialog(self, dialog):
        self.dialogs.append(f"{self.label}: {dialog.type} {dialog.message}")
        dialog.dismiss()

    @property
    def events(self) -> int:
        return len(self.dialogs) + len(self.violations)

    def settle(self, quiet_ms: int = 100, limit_s: float = 3.0) -> None:
        """Wait until no dialog or violation has arrived for a moment (handlers run late)."""
        deadline = time.monotonic() + limit_s
        seen = -1
        while time.monotonic() < deadline and seen != self.events:
            seen = self.events
            self.page.wait_for_timeout(quiet_ms)

    def visit(self, url: str, label: str, *, audit: bool = True) -> None:
        self.label = label
        self.page.goto(url, wait_until="load")
        self.settle()
        self.pages += 1
        if audit:
            self.markup += [f"{label}: {item}" for item in self.page.evaluate(AUDIT_JS)]

    def executed_payloads(self) -> set[int]:
        import re

        return {int(m) for d in self.dialogs for m in re.findall(r"\d+", d.split(": ", 1)[1])[:1]}


def serving(body: str, status: int = 200, headers: dict | None = None):
    """A Playwright route handler answering with this page."""

    def handler(route):
        route.fulfill(status=status, headers=headers, content_type="text/html", body=body)

    return handler


def chunks(texts: list[str], limit: int, joiner: str = "\n") -> list[str]:
    out, current = [], ""
    for text in texts:
        candidate = f"{current}{joiner}{text}" if current else text
        if len(candidate) > limit:
            out.append(current)
            current = text
        else:
            current = candidate
    return [*out, current]


UNSAFE_DOCUMENT = engines["django"].from_string(
    """<!doctype html><html><head><meta charset="utf-8"><title>{{ p|safe }}</title></head><body>
<p>{{ p|safe }}</p><div title="{{ p|safe }}">attribute</div><input value='{{ p|safe }}'>
<a href="{{ p|safe }}">link</a><textarea>{{ p|safe }}</textarea>
<script type="application/ld+json">{"headline": "{{ p|safe }}"}</script></body></html>"""
)


def unsafe_fixture_page() -> str:
    """Each payload, unescaped (|safe) in the contexts our templates use, in its own frame."""
    frames = [
        f'<iframe srcdoc="{escape(UNSAFE_DOCUMENT.render({"p": payload}))}"></iframe>'
        for payload in PAYLOADS
    ]
    return "<!doctype html><html><body>" + "".join(frames) + "</body></html>"


def feed_reader_page(xml: bytes) -> str:
    """A feed as a reader shows it: titles as text, summaries/descriptions as HTML."""
    root = ET.fromstring(xml)  # noqa: S314 - our own server's feed
    atom = "{http://www.w3.org/2005/Atom}"
    parts = []
    for item in root.iter("item"):
        parts.append(f"<h2>{escape(item.findtext('title', ''))}</h2>")
        parts.append(f"<div>{item.findtext('description', '')}</div>")
        parts += [f"<span>{escape(c.text or '')}</span>" for c in item.iter("category")]
    for entry in root.iter(f"{atom}entry"):
        parts.append(f"<h2>{escape(entry.findtext(f'{atom}title', ''))}</h2>")
        parts.append(f"<div>{entry.findtext(f'{atom}summary', '')}</div>")
    return "<!doctype html><html><body>" + "".join(parts) + "</body></html>"


@pytest.fixture
def hostile_site(settings):
    settings.COMMENTS_THREADS_PER_PAGE = 1000
    settings.COMMENTS_RATE_PER_MINUTE = settings.COMMENTS_RATE_PER_HOUR = 10**6
    settings.FEED_PAGE_SIZE = 400
    settings.SYNDICATION_ITEMS = 400
    moderator = make_moderator()  # the group's rights, recreated after other tests' flushes
    category = CategoryFactory(name="Διεθνή")
    article = ArticleFactory(category=category, headline="Σχόλια δοκιμής ασφαλείας")

    # Readers' fields, through the site's own form. Post-moderation publishes a reader
    # approved before at once (no flood rule here), so the comments appear as they are sent;
    # the long combined ones come from a first-time reader and wait in the queue.
    settings.COMMENTS_MODERATION = "post"
    settings.COMMENTS_FLOOD_PER_HOUR = 10**6
    reader, newcomer = Client(), Client(REMOTE_ADDR="203.0.113.99")
    url = f"/comments/post/{article.pk}/"
    CommentFactory(article=article, ip_hash=network.hash_address("127.0.0.1"), name="Τακτικός")

    def post(client, name: str, body: str, parent: str = "") -> Comment:
        token = tokens.issue(article.pk, now=time.time() - 30)
        reply = client.post(url, {"name": name, "body": body, "token": token, "parent": parent})
        assert reply.status_code == 302, (name, body)
        return Comment.objects.get(form_nonce=tokens.read(token, article_id=article.pk).nonce)

    singles = [post(reader, payload[:60], payload) for payload in PAYLOADS]
    combined = [
        post(newcomer, f"Συνδυασμός {n}", text) for n, text in enumerate(chunks(PAYLOADS, 3000))
    ]
    services.approve_comment(comment=combined[0], moderator=moderator)
    replies = [post(reader, p[:60], f"{p} ξανά", str(combined[0].pk)) for p in PAYLOADS[:3]]
    held = [c.rule for c in [*singles, *replies] if c.status != Comment.Status.APPROVED]
    assert held == []

    # The newsroom's fields.
    FlashItem.objects.bulk_create(
        FlashItemFactory.build(text=payload[:280]) for payload in PAYLOADS
    )
    articles = []
    for n, group in enumerate(chunks(PAYLOADS, 1200, joiner="\n\n")):
        pieces = group.split("\n\n")
        articles.append(
            ArticleFactory(
                category=category,
                headline=pieces[0][:255],
                lead=f"Ανάλυση δοκιμής {n}. {group}",
                body="".join(f"<p>{escape(p)}</p><p>{p}</p>" for p in pieces),
                source_line=pieces[-1][:200],
                tags=[p[:100] for p in pieces[:2]],
            )
        )
    return {
        "article": article,
        "articles": articles,
        "category": category,
        "singles": singles,
        "combined": combined,
        "replies": replies,
        "moderator": moderator,
    }


def test_no_payload_runs_anywhere_and_the_unsafe_fixture_proves_the_harness(
    live_server, page, hostile_site, record_figure
):
    site = live_server.url
    harness = Harness(page)
    article = hostile_site["article"]

    # Readers' pages.
    harness.visit(site + article.get_absolute_url(), "article with comments")
    shown = page.locator("#comments li.comment").count()
    assert shown == 1 + len(PAYLOADS) + 1 + 3  # the regular, each payload, combined, replies
    assert "{{7*7}}" in page.locator("#comments").inner_text()  # shown as typed
    for reply_link in page.locator("a.comment__reply").all()[:5]:
        reply_link.click()  # the script puts the reader's name in the form's title
    harness.settle()
    harness.visit(site + "/en" + article.get_absolute_url(), "article in English")
    for hostile_article in hostile_site["articles"]:
        harness.visit(site + hostile_article.get_absolute_url(), "newsroom article")
    harness.visit(site + "/", "home")
    harness.visit(site + hostile_site["category"].get_absolute_url(), "section")
    for tag in hostile_site["articles"][0].tags.all()[:2]:
        harness.visit(site + tag.get_absolute_url(), "tag page")
    harness.visit(site + "/roi-eidiseon/", "news feed page")
    harness.visit(site + "/roi-eidiseon/latest/", "feed fragment")
    assert page.locator("li").count() >= len(PAYLOADS)
    harness.visit(site + "/search/?q=" + quote("Ανάλυση δοκιμής"), "search snippets")
    for text in chunks(PAYLOADS, 500, joiner=" "):
        harness.visit(f"{site}/search/?q={quote(text)}", "search box")
    for text in chunks(PAYLOADS, 1500, joiner=" "):
        harness.visit(f"{site}/preview/{quote(text, safe='')}/", "slug in the path")
        harness.visit(f"{site}/tag/{quote(text, safe='')}/", "slug in the path")
    harness.visit(f"{site}/comments/{hostile_site['combined'][0].pk}/reply/", "reply page")

    # The comment form shown again with its errors and the text kept (a 400 answer).
    token = tokens.issue(article.pk, now=time.time() - 30)
    refused = Client().post(
        f"/comments/post/{article.pk}/",
        {"name": PAYLOADS[-1], "email": PAYLOADS[13], "body": "\n".join(PAYLOADS), "token": token},
    )
    assert refused.status_code == 400
    replay = f"{site}/comments/post/{article.pk}/"
    page.route(replay, serving(refused.content.decode(), 400, dict(refused.items())))
    harness.visit(replay, "form shown again")
    page.unroute(replay)

    # Feeds, as a feed reader renders them (no CSP on its side).
    for feed in ("/rss/", "/atom/", f"/rss/{hostile_site['category'].slug}/"):
        xml = Client().get(feed).content
        page.route(READER_ORIGIN + "/**", serving(feed_reader_page(xml)))
        harness.visit(READER_ORIGIN + feed, "feed in a reader", audit=False)
        page.unroute(READER_ORIGIN + "/**")

    # The moderators' pages.
    moderator = Client()
    moderator.force_login(hostile_site["moderator"])
    page.context.add_cookies(
        [{"name": "sessionid", "value": moderator.cookies["sessionid"].value, "url": site}]
    )
    queue = "/admin/comments/comment/?status=all"
    total = Comment.objects.count()
    for number in range(1, (total + 49) // 50 + 1):
        harness.visit(f"{site}{queue}&p={number}", "moderation queue")
        assert page.locator("#result_list tbody tr").count() == min(50, total - 50 * (number - 1))
    harness.visit(site + "/admin/comments/comment/", "pending queue")
    for comment in [*hostile_site["combined"], *hostile_site["replies"][:1]]:
        harness.visit(f"{site}/admin/comments/comment/{comment.pk}/change/", "comment page")
        assert comment.name in page.locator("#content").inner_text()
    site_pages, site_events = harness.pages, harness.events
    site_dialogs, site_violations, site_markup = (
        list(harness.dialogs),
        list(harness.violations),
        list(harness.markup),
    )

    # The deliberately unsafe page: the same payloads, |safe, no CSP.
    fixture = unsafe_fixture_page()

    def serve_fixture(route):
        if route.request.url == UNSAFE_ORIGIN + "/":
            route.fulfill(status=200, content_type="text/html", body=fixture)
        else:  # the payloads' images and scripts ("x") do not exist
            route.fulfill(status=404, body="")

    page.route(UNSAFE_ORIGIN + "/**", serve_fixture)
    harness.visit(UNSAFE_ORIGIN + "/", "unsafe fixture")
    unsafe_ran = harness.executed_payloads()
    unsafe_markup = len(harness.markup) - len(site_markup)

    record_figure("XSS payloads", len(PAYLOADS))
    record_figure("pages loaded in Chromium with the payloads", site_pages)
    record_figure("executions on the site (dialogs + CSP violations)", site_events)
    record_figure("injected active markup on the site", len(site_markup))
    record_figure("payloads executed on the unsafe fixture page", len(unsafe_ran))
    record_figure("injected active markup on the unsafe fixture page", unsafe_markup)
    assert site_dialogs == []
    assert site_violations == []
    assert site_markup == []
    assert len(unsafe_ran) >= len(PAYLOADS) // 2
