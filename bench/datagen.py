"""Benchmark data, generated fast with COPY: a small and a large portal.

The large set (100,000 articles, 1,000,000 comments, 5,000 tags, 20 sections) loads in a
few minutes on two cores because rows go in through PostgreSQL's COPY in batches, with
ids assigned here, so threads, counters and paths are computed without a round trip.
A set is reused while its fingerprint (this file and the migrations) is unchanged.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
BATCH = 20_000


@dataclass(frozen=True)
class DataSet:
    name: str
    articles: int
    comments: int
    tags: int
    categories: int = 20
    # Share of all articles in the busiest section, so that its page 2,000 exists.
    big_section_share: float = 0.45


SMALL = DataSet("small", articles=1_000, comments=10_000, tags=500)
LARGE = DataSet("large", articles=100_000, comments=1_000_000, tags=5_000)

# Landmark articles every benchmark page needs, the same in both sets.
LANDMARK_COMMENTS = {"zero": 0, "fifty": 50, "five_hundred": 500}
SEARCH_WORD = "κυβέρνηση"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

WORDS = (  # noqa: SIM905 - a paragraph of words is easier to read than a list
    "κυβέρνηση οικονομία αγορές τράπεζες επενδύσεις ενέργεια τεχνολογία εξαγωγές "
    "προϋπολογισμός πληθωρισμός επιτόκια ομόλογα μετοχές δείκτης χρηματιστήριο τουρισμός "
    "ανάπτυξη απασχόληση μισθοί συντάξεις φορολογία δαπάνες έσοδα ελλείμματα χρέος "
    "Βρυξέλλες Αθήνα Θεσσαλονίκη Πειραιάς Ευρώπη διαπραγματεύσεις συμφωνία σχέδιο μέτρα "
    "υπουργός πρόεδρος βουλή κόμμα εκλογές δημοσκόπηση διεθνή διπλωματία σύνοδος κορυφής "
    "εταιρεία κέρδη πωλήσεις εξαγορά συγχώνευση καταθέσεις δάνεια στέγαση ακίνητα λιμάνι"
).split()


def fingerprint(dataset: DataSet) -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for migration in sorted((ROOT / "articles" / "migrations").glob("0*.py")):
        digest.update(migration.name.encode())
    for migration in sorted((ROOT / "comments" / "migrations").glob("0*.py")):
        digest.update(migration.name.encode())
    digest.update(repr(dataset).encode())
    return digest.hexdigest()[:16]


def _vocabulary() -> tuple[list[str], list[float]]:
    """A newsroom-sized vocabulary with Zipf-like frequencies: the real words above are the
    commonest, then some thousands of made-up Greek-looking words. The search word is left
    out: it goes only into the articles chosen for it, so it matches a realistic share."""
    syllables = [
        c + v for c in "βγδζθκλμνξπρστφχ" for v in ["α", "ε", "η", "ι", "ο", "υ", "ω", "ου"]
    ]
    rng = random.Random(7)  # noqa: S311 - reproducible test data
    made_up = {
        "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(4000)
    }
    words = [w for w in WORDS if w != SEARCH_WORD] + sorted(made_up)
    weights = [1.0 / (rank + 10) for rank in range(len(words))]
    return words, weights


VOCABULARY, WEIGHTS = _vocabulary()
# Share of articles that mention the benchmark's search word ("κυβέρνηση", government).
SEARCH_WORD_EVERY = 12


CUMULATIVE_WEIGHTS = list(itertools.accumulate(WEIGHTS))


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choices(VOCABULARY, cum_weights=CUMULATIVE_WEIGHTS, k=n))


class TextPool:
    """Sentences drawn once and combined many times: a million comments need varied text,
    not a million draws from the vocabulary (that would be most of the generation time)."""

    def __init__(self, rng: random.Random, size: int = 4000):
        self.rng = rng
        self.sentences = [
            _sentence(rng, rng.randint(8, 20)).capitalize() + "." for _ in range(size)
        ]
        self.short = [_sentence(rng, rng.randint(4, 8)).capitalize() for _ in range(size)]

    def text(self, sentences: int) -> str:
        return " ".join(self.rng.choices(self.sentences, k=sentences))

    def headline(self) -> str:
        return self.rng.choice(self.short)


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    """COPY rows (tuples of Python values) in batches; None becomes NULL."""

    def text(value) -> str:
        if value is None:
            return r"\N"
        if isinstance(value, bool):
            return "t" if value else "f"
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, list):
            return "{" + ",".join(str(v) for v in value) + "}"
        return (
            str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r")
        )  # fmt: skip

    buffer = io.StringIO()
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    for count, row in enumerate(rows, start=1):
        buffer.write("\t".join(text(v) for v in row))
        buffer.write("\n")
        if count % BATCH == 0:
            buffer.seek(0)
            cursor.copy_expert(statement, buffer)
            buffer = io.StringIO()
    buffer.seek(0)
    cursor.copy_expert(statement, buffer)


BULK_TABLES = ("articles_article", "articles_taggedarticle", "comments_comment")


def _drop_plain_indexes(cursor) -> list[str]:
    """Drop the indexes no constraint owns on the bulk tables; return how to rebuild them.

    Building an index once over a million rows is several times faster than keeping it
    current through a million inserts.
    """
    cursor.execute(
        """
        SELECT x.relname, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
        JOIN pg_class x ON x.oid = i.indexrelid
        WHERE t.relname = ANY(%s) AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        [list(BULK_TABLES)],
    )
    found = cursor.fetchall()
    for name, _ in found:
        cursor.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    return [definition for _, definition in found]


def stored_fingerprint(url: str) -> str | None:
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('bench_meta')")
            if cursor.fetchone()[0] is None:
                return None
            cursor.execute("SELECT value FROM bench_meta WHERE key = 'fingerprint'")
            row = cursor.fetchone()
            return row[0] if row else None
    finally:
        connection.close()


def landmarks(url: str) -> dict:
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT value FROM bench_meta WHERE key = 'landmarks'")
            return json.loads(cursor.fetchone()[0])
    finally:
        connection.close()


def generate(url: str, dataset: DataSet, *, image_ids: list[int], image_renditions: dict,
             log=print) -> dict:  # fmt: skip
    """Fill an empty, migrated database; return the landmarks (ids and slugs) pages need."""
    rng = random.Random(2026)  # noqa: S311 - reproducible test data, not security
    pool = TextPool(rng)
    # Taken now, with the schema this run migrated to, not after minutes of loading.
    stamp = fingerprint(dataset)
    connection = psycopg2.connect(url)
    connection.autocommit = False
    cursor = connection.cursor()
    cursor.execute("SET maintenance_work_mem = '256MB'")
    try:
        # Rows are consistent by construction: skip the per-row foreign-key triggers.
        cursor.execute("SAVEPOINT replica")
        cursor.execute("SET session_replication_role = replica")
    except psycopg2.Error:
        cursor.execute("ROLLBACK TO SAVEPOINT replica")
    rebuild = _drop_plain_indexes(cursor)

    log(f"  sections and tags ({dataset.categories}, {dataset.tags})")
    categories = [(i, f"Ενότητα {i}", f"enotita-{i}", i * 10, "Ειδήσεις της ενότητας.", "")
                  for i in range(1, dataset.categories + 1)]  # fmt: skip
    _copy(cursor, "articles_category",
          ["id", "name", "slug", "menu_order", "description", "colour"], categories)  # fmt: skip
    tags = [(i, f"θέμα {i}", f"thema-{i}") for i in range(1, dataset.tags + 1)]
    _copy(cursor, "articles_tag", ["id", "name", "slug"], tags)

    # Approved comments per article, decided first so the counters can be written with them.
    n = dataset.articles
    landmark_ids = {"zero": n, "fifty": n - 1, "five_hundred": n - 2}
    approved = dict.fromkeys(range(1, n + 1), 0)
    comment_plan: list[tuple[int, str]] = []  # (article id, status)
    for key, count in LANDMARK_COMMENTS.items():
        comment_plan += [(landmark_ids[key], "approved")] * count
    ordinary = [i for i in range(1, n + 1) if i not in landmark_ids.values()]
    for _ in range(dataset.comments - len(comment_plan)):
        roll = rng.random()
        status = "approved" if roll < 0.9 else ("pending" if roll < 0.98 else "spam")
        comment_plan.append((rng.choice(ordinary), status))
    for article_id, status in comment_plan:
        if status == "approved":
            approved[article_id] += 1

    log(f"  articles ({n})")
    big = max(1, int(n * dataset.big_section_share))

    def article_rows():
        for i in range(1, n + 1):
            # The big section takes its share of every day's news, as a real one does.
            in_big = (i % 100) < dataset.big_section_share * 100
            category = 1 if in_big else 2 + (i % (dataset.categories - 1))
            # Newest ids are newest articles; landmarks are the newest of all.
            published = NOW - timedelta(minutes=3 * (n - i))
            headline = f"{pool.headline()} {i}"
            lead = pool.text(2)
            paragraphs = [pool.text(4) for _ in range(4)]
            if i % SEARCH_WORD_EVERY == 0:
                paragraphs[1] = f"Η {SEARCH_WORD} ανακοίνωσε νέα μέτρα. " + paragraphs[1]
            body = f"<h2>{pool.headline()}</h2>" + "".join(f"<p>{p}</p>" for p in paragraphs)
            # As Article.save() counts them (lead and body, without tags).
            words = len(lead.split()) + len(re.sub(r"<[^>]+>", " ", body).split())
            yield (
                i, headline, f"arthro-{i}", lead, body, body, "", "Συντακτική ομάδα", "el",
                "published", published, published, published, i % 97 == 0, False, True,
                None, category, image_ids[i % len(image_ids)], approved[i], "", None, words,
            )  # fmt: skip

    _copy(
        cursor,
        "articles_article",
        ["id", "headline", "slug", "lead", "body", "body_html", "hero_caption", "source_line",
         "language", "status", "published_at", "created_at", "updated_at", "is_featured",
         "is_breaking", "comments_enabled", "author_id", "category_id", "hero_image_id",
         "comment_count", "comment_moderation", "revised_at", "word_count"],
        article_rows(),
    )  # fmt: skip

    log("  article tags")

    def tagged_rows():
        row_id = 0
        for article_id in range(1, n + 1):
            chosen = set()
            while len(chosen) < 3:
                # Popular tags much more often than the long tail, as in a newsroom.
                chosen.add(min(dataset.tags, int(rng.paretovariate(1.2))))
            for tag_id in chosen:
                row_id += 1
                yield row_id, article_id, tag_id

    _copy(cursor, "articles_taggedarticle", ["id", "content_object_id", "tag_id"], tagged_rows())

    log(f"  comments ({len(comment_plan)})")

    def comment_rows():
        roots: dict[int, list[int]] = {}
        for comment_id, (article_id, status) in enumerate(comment_plan, start=1):
            article_roots = roots.setdefault(article_id, [])
            parent = None
            if status == "approved" and article_roots and rng.random() < 0.3:
                parent = rng.choice(article_roots)
            body = pool.text(rng.randint(1, 3))
            created = NOW + timedelta(seconds=comment_id % 86_400)
            if parent is None:
                thread, level, path = comment_id, 0, [comment_id]
                if status == "approved":
                    article_roots.append(comment_id)
            else:
                thread, level, path = parent, 1, [parent, comment_id]
            yield (
                comment_id, thread, level, path, f"Αναγνώστης {comment_id % 5000}", "", body,
                body, status, "", created, f"{comment_id:064x}", "bench", 0,
                created if status != "pending" else None, f"bench-{comment_id}", article_id,
                None, parent,
            )  # fmt: skip

    _copy(
        cursor,
        "comments_comment",
        ["id", "thread_id", "level", "path", "name", "email", "body", "body_html", "status",
         "rule", "created_at", "ip_hash", "user_agent", "report_count", "moderated_at",
         "form_nonce", "article_id", "moderated_by_id", "parent_id"],
        comment_rows(),
    )  # fmt: skip

    log(f"  indexes ({len(rebuild)})")
    for definition in rebuild:
        cursor.execute(definition)
    cursor.execute("SET session_replication_role = DEFAULT")
    for table in ("articles_category", "articles_tag", "articles_article",
                  "articles_taggedarticle", "comments_comment"):  # fmt: skip
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - constant
            f"(SELECT max(id) FROM {table}))"
        )
    marks = {
        "articles": {key: _article_url(cursor, pk) for key, pk in landmark_ids.items()},
        "category": "enotita-1",
        "category_pages": -(-big // 20),
        "tag": "thema-1",
        "search_word": SEARCH_WORD,
    }
    cursor.execute("CREATE TABLE bench_meta (key text PRIMARY KEY, value text NOT NULL)")
    cursor.execute(
        "INSERT INTO bench_meta VALUES ('fingerprint', %s), ('landmarks', %s)",
        [stamp, json.dumps(marks)],
    )
    connection.commit()
    connection.autocommit = True
    log("  VACUUM ANALYZE")
    cursor.execute("VACUUM ANALYZE")
    connection.close()
    return marks


def _article_url(cursor, pk: int) -> str:
    cursor.execute(
        "SELECT c.slug, a.slug FROM articles_article a JOIN articles_category c "
        "ON c.id = a.category_id WHERE a.id = %s",
        [pk],
    )
    category, slug = cursor.fetchone()
    return f"/{category}/articles/{pk}/{slug}/"
