"""The demo content of a fresh portal, kept as data in articles/demo_content.toml.

Read once per process; ``manage.py seed_demo`` turns it into users, sections, articles,
comments, flashes, corrections, authors and live blogs.
"""

import tomllib
from pathlib import Path

_DATA = tomllib.loads(Path(__file__).with_suffix(".toml").read_text(encoding="utf-8"))

USERS: list[dict] = _DATA["users"]
CATEGORIES: list[dict] = _DATA["categories"]
ARTICLES: list[dict] = _DATA["articles"]
SCHEDULED_ARTICLES: list[dict] = _DATA["scheduled_articles"]
DRAFT_ARTICLES: list[dict] = _DATA["draft_articles"]
COMMENTS: list[dict] = _DATA["comments"]
FLASH_ITEMS: list[dict] = _DATA["flash_items"]
CORRECTIONS: list[dict] = _DATA["corrections"]
AUTHORS: list[dict] = _DATA["authors"]
LIVE_BLOGS: list[dict] = _DATA["live_blogs"]
