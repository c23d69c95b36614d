"""Reader text: cleaning what is typed, matching blocked words, rendering it inert.

Comment bodies are plain text. They are stored as typed, except for what can only do
harm: NUL and other control characters are refused (a clear form error), Windows and
old Mac line endings become "\n", and the Unicode direction controls that let a
comment reverse the text around it (U+202E "RIGHT-TO-LEFT OVERRIDE" and friends) are
removed. Rendering escapes everything and only then adds line breaks and, for approved
comments, links; nh3 checks the result once more before it is stored.
"""

from __future__ import annotations

import re
import unicodedata

import nh3
from django.utils.html import escape

# Direction overrides, embeddings and isolates, and the invisible direction marks: they make
# "gpj.exe" look like "exe.jpg" and can reorder the page text around a comment.
BIDI_CONTROLS = dict.fromkeys(
    [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
ALLOWED_CONTROLS = {"\n", "\t"}

URL_RE = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"'`]+")
# Punctuation that ends a sentence rather than a link ("see https://example.org.").
URL_TRAILING = ".,;:!?)]}»\"'’"
LINK_REL = "nofollow ugc noopener"


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def strip_bidi_controls(text: str) -> str:
    return text.translate(BIDI_CONTROLS)


def control_characters(text: str) -> list[str]:
    """The control characters (NUL included) in ``text``, other than newline and tab."""
    return sorted(
        {ch for ch in text if unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROLS}
    )


def clean_single_line(text: str) -> str:
    """A name or user agent: direction controls removed, any control character a space."""
    text = strip_bidi_controls(text)
    return "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text).strip()


# Word matching -------------------------------------------------------------------------


def fold(text: str) -> str:
    """Text folded for comparison: case, accents (tonos, dialytika) and final sigma ignored.

    "ΒΛΑΚΑΣ", "βλάκας" and "βλακας" all fold to "βλακασ". Invisible format characters
    (zero-width spaces and joiners, soft hyphens) are dropped so they cannot split a word.
    """
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) not in {"Mn", "Me", "Cf"})
    return unicodedata.normalize("NFC", kept).casefold().replace("ς", "σ")


def words(text: str) -> list[str]:
    """The folded words of ``text``, split on Unicode word boundaries."""
    return re.findall(r"\w+", fold(text))


def normalise_phrase(phrase: str) -> str:
    """A blocked word or phrase as it is stored and compared: folded words, one space apart."""
    return " ".join(words(phrase))


def find_blocked(text: str, blocked: list[str]) -> list[str]:
    """The entries of ``blocked`` (normalised phrases) found as whole words in ``text``.

    A phrase matches a run of whole words, so "βλακας" finds "Βλάκας!" but not
    "βλακασμένος" or "αβλακας".
    """
    padded = f" {' '.join(words(text))} "
    return [phrase for phrase in blocked if phrase and f" {phrase} " in padded]


# Links ---------------------------------------------------------------------------------


def _split_url(match: str) -> tuple[str, str]:
    url = match.rstrip(URL_TRAILING)
    # A closing parenthesis belongs to the link when the link opened one: wiki-style URLs.
    while match[len(url) : len(url) + 1] == ")" and url.count("(") > url.count(")"):
        url += ")"
    return url, match[len(url) :]


def count_links(text: str) -> int:
    return len(URL_RE.findall(text))


def comment_text_to_html(text: str, *, links: bool) -> str:
    """Safe HTML for a comment body: paragraphs, line breaks and (if ``links``) links.

    Everything the reader typed is escaped first; the only markup is ours. Links are
    only ever http(s) (a "javascript:" text never matches) and carry rel="nofollow ugc
    noopener". nh3 then re-checks the result against the same small allow-list.
    """
    paragraphs = [p for p in re.split(r"\n\s*\n", normalise_newlines(text).strip()) if p.strip()]
    html = "".join(
        f"<p>{'<br>'.join(_render_line(line, links) for line in p.split(chr(10)))}</p>"
        for p in paragraphs
    )
    return nh3.clean(
        html,
        tags={"p", "br", "a"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel=LINK_REL,
    )


def _render_line(line: str, links: bool) -> str:
    if not links:
        return escape(line)
    out, position = [], 0
    for match in URL_RE.finditer(line):
        url, trailing = _split_url(match.group(0))
        href = url if "://" in url else f"https://{url}"
        out.append(escape(line[position : match.start()]))
        out.append(f'<a href="{escape(href)}">{escape(url)}</a>{escape(trailing)}')
        position = match.end()
    out.append(escape(line[position:]))
    return "".join(out)
