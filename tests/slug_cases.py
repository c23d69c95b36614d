"""The shared slug cases (tests/slug_cases.json), for the Python and the browser tests."""

import json
from pathlib import Path

_DOCUMENT = json.loads((Path(__file__).parent / "slug_cases.json").read_text(encoding="utf-8"))

MAX_LENGTH: int = _DOCUMENT["max_length"]
CASES: list[tuple[str, str]] = [(case["text"], case["slug"]) for case in _DOCUMENT["cases"]]
