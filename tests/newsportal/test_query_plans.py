"""Reader pages use indexes: no sequential scan of articles or comments, on data shaped
like a real archive (50,000 articles, 60,000 comments, 500 tags, one big section).

The rows are made in SQL (generate_series) in a few seconds; PostgreSQL's planner then
sees realistic statistics (ANALYZE), and every SELECT a reader page runs is EXPLAINed.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

ARTICLES, COMMENTS, TAGS = 50_000, 60_000, 500
WATCHED = {"articles_article", "comments_comment"}

# Only our own integer constants are formatted into this script.
SHAPE = f"""
INSERT INTO articles_category (name, slug, menu_order, description, colour)
SELECT 'Ενότητα ' || g, 'plan-' || g, g, '', '' FROM generate_series(1, 20) g;

INSERT INTO articles_tag (name, slug)
SELECT 'θέμα ' || g, 'plan-tag-' || g FROM generate_series(1, {TAGS}) g;

INSERT INTO articles_article (
    headline, slug, lead, body, body_html, hero_caption, source_line, language, status,
    published_at, created_at, updated_at, is_featured, is_breaking, comments_enabled,
    category_id, comment_count, comment_moderation)
SELECT 'Τίτλος για την οικονομία ' || g, 'plan-article-' || g, 'Εισαγωγή του άρθρου ' || g,
       body.html, body.html, '', '', 'el', 'published',
       now() - g * interval '3 minutes', now(), now(), g % 500 = 0, false, true,
       (SELECT min(id) FROM articles_category) + CASE WHEN g % 100 < 45 THEN 0 ELSE g % 19 + 1 END,
       0, ''
FROM generate_series(1, {ARTICLES}) g,
LATERAL (SELECT CASE WHEN g % 12 = 0 THEN '<p>Η κυβέρνηση αποφάσισε, κείμενο ' || g || '</p>'
                     ELSE '<p>Οι αγορές κινήθηκαν, κείμενο ' || g || '</p>' END AS html) body;

INSERT INTO articles_taggedarticle (content_object_id, tag_id)
SELECT a.id, t.id FROM articles_article a
JOIN articles_tag t
  ON t.id - (SELECT min(id) FROM articles_tag) IN (a.id % {TAGS}, (a.id * 7) % {TAGS})
ON CONFLICT DO NOTHING;

INSERT INTO comments_comment (
    article_id, level, path, name, email, body, body_html, status, rule, created_at, ip_hash,
    user_agent, report_count, form_nonce)
SELECT (SELECT max(id) FROM articles_article) - (g % 400), 0, '{{}}', 'Αναγνώστης', '',
       'Σχόλιο ' || g, 'Σχόλιο ' || g, CASE WHEN g % 10 = 0 THEN 'pending' ELSE 'approved' END,
       '', now(), md5(g::text), 'plans', 0, 'plan-' || g
FROM generate_series(1, {COMMENTS}) g;
-- Fresh statistics before the joins below: stale ones (from earlier tests that left the
-- tables empty) make PostgreSQL pick a nested loop over tens of thousands of rows.
ANALYZE articles_article;
ANALYZE comments_comment;
UPDATE comments_comment SET thread_id = id, path = ARRAY[id];
UPDATE articles_article a SET comment_count = c.n
FROM (SELECT article_id, count(*) AS n FROM comments_comment WHERE status = 'approved'
      GROUP BY article_id) c WHERE c.article_id = a.id;
ANALYZE;
"""


@pytest.fixture
def archive():
    with connection.cursor() as cursor:
        cursor.execute(SHAPE)
        cursor.execute(
            "SELECT c.slug, a.id, a.slug FROM articles_article a JOIN articles_category c "
            "ON c.id = a.category_id ORDER BY a.comment_count DESC LIMIT 1"
        )
        category, pk, slug = cursor.fetchone()
        cursor.execute("SELECT slug FROM articles_category ORDER BY id LIMIT 1")
        (big,) = cursor.fetchone()
    return {
        "home": "/",
        "category": f"/{big}/",
        "category deep page": f"/{big}/?page=300",
        "tag": "/tag/plan-tag-3/",
        "article": f"/{category}/articles/{pk}/{slug}/",
        "search": "/search/?q=κυβέρνηση",
        "feed page": "/roi-eidiseon/",
        "feed fragment": "/roi-eidiseon/latest/",
        "rss": "/rss/",
        # Not the sitemaps: counting every article is their job, once per content version.
    }


def scanned_relations(plan: dict, kind: str = "Seq Scan") -> set[str]:
    found = set()
    if plan.get("Node Type") == kind:
        found.add(plan.get("Relation Name"))
    for child in plan.get("Plans", []):
        found |= scanned_relations(child, kind)
    return found


def test_no_reader_page_scans_articles_or_comments_sequentially(client, archive, record_figure):
    explained = 0
    for page, url in archive.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (page, response.status_code)
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip("( ").upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            explained += 1
            scanned = scanned_relations(plan[0]["Plan"]) & WATCHED
            assert not scanned, (page, scanned, sql[:400])
    record_figure(
        "reader queries EXPLAINed on a 50,000-article archive, seq scans", f"{explained}, 0"
    )


def index_names(plan: dict) -> set[str]:
    found = {plan["Index Name"]} if "Index Name" in plan else set()
    for child in plan.get("Plans", []):
        found |= index_names(child)
    return found


def test_a_busy_address_s_duplicate_check_reads_one_index_entry(record_figure):
    """A newsroom's or a mobile network's shared address may post thousands of comments a
    day: the duplicate rule finds the same text through (address, digest of its skeleton)."""
    from comments import services
    from comments.models import skeleton_digest
    from tests.factories import ArticleFactory

    article = ArticleFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO comments_comment (article_id, level, path, name, email, body, "
            "body_html, status, rule, created_at, ip_hash, user_agent, report_count, "
            "form_nonce, body_skeleton_md5) SELECT %s, 0, '{}', 'Αναγνώστης', '', "
            "'Σχόλιο αριθμός ' || g, '', 'pending', '', now() - g * interval '1 second', "
            "'busy-address', 'plans', 0, 'busy-' || g, md5(g::text) "
            "FROM generate_series(1, 20000) g",
            [article.pk],
        )
        cursor.execute(  # the one earlier copy of the text posted below
            "UPDATE comments_comment SET body_skeleton_md5 = %s WHERE form_nonce = 'busy-17'",
            [skeleton_digest("Σχόλιο αριθμός 17")],
        )
        cursor.execute("ANALYZE comments_comment")
    with CaptureQueriesContext(connection) as queries:
        comment = services.post_comment(
            article=article, parent=None, name="Αναγνώστης", email="",
            body="Σχόλιο αριθμός 17", ip_hash="busy-address",
        )  # fmt: skip
    assert "duplicate" in comment.rule
    (duplicate_check,) = [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT") and '"BODY_SKELETON_MD5" =' in q["sql"].upper()
    ]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + duplicate_check)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    assert "comment_ip_body" in index_names(plan[0]["Plan"]), plan
    assert not scanned_relations(plan[0]["Plan"]) & WATCHED
    record_figure("duplicate check among 20,000 comments of one address", "index comment_ip_body")
