"""Reader text: cleaning what is typed, matching blocked words, rendering it inert.

Comment bodies are plain text. They are stored as typed, except for what can only do
harm: NUL and other control characters are refused (a clear form error), Windows and
old Mac line endings become "\n", and the Unicode direction controls that let a
comment reverse the text around it (U+202E "RIGHT-TO-LEFT OVERRIDE" and friends) are
removed. Rendering escapes everything and only then adds line breaks and, for approved
comments, links; nh3 checks the result once more before it is stored.
"""

from __future__ import annotations

import functools
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


# Characters that draw nothing but count as letters (Hangul fillers) or as a symbol (the
# blank Braille pattern): typed inside a word they hide it from a plain comparison.
# NFKC turns U+3164 and U+FFA0 into U+1160 already; all are listed for clarity.
FILLERS = dict.fromkeys([0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800])
# Digits typed for the letters they resemble ("1d10t"), in the skeleton only.
DIGITS_AS_LETTERS = str.maketrans("103457", "ioeast")
# Look-alikes the Unicode data (below) does not send to a Latin letter, but that readers
# of Greek and Cyrillic type in place of one: κ/к for k, τ/т for t, χ for x, м for m.
EXTRA_LOOKALIKES = {"κ": "k", "к": "k", "τ": "t", "т": "t", "χ": "x", "м": "m"}
SMALL_CAPITAL = "LATIN LETTER SMALL CAPITAL "


@functools.cache
def _lookalikes() -> dict[str, str]:
    """{character: the Latin letter it is confusable with}, from Unicode's confusables.txt
    (UTS #39) as packaged by confusable-homoglyphs; loaded on the first comment."""
    from confusable_homoglyphs.confusables import confusables_data

    table = {}
    for char, homoglyphs in confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        for homoglyph in homoglyphs:
            letter = homoglyph["c"]
            if len(letter) == 1 and "a" <= letter <= "z":
                table[char] = letter
                break
    table.update(EXTRA_LOOKALIKES)
    return table


WORD_RE = re.compile(r"\w+")
DROPPED_CATEGORIES = {"Mn", "Me", "Cf"}  # accents and other marks; invisible format characters


@functools.lru_cache(maxsize=8192)
def _char_skeleton(char: str) -> str:
    """One character of a skeleton (text already NFKC, case-folded and decomposed)."""
    if ord(char) in FILLERS or unicodedata.category(char) in DROPPED_CATEGORIES:
        return ""
    if char.isascii():
        return char.translate(DIGITS_AS_LETTERS)
    if char == "ς":
        return "σ"
    found = _lookalikes().get(char)
    if found is not None:
        return found
    name = unicodedata.name(char, "")
    if name.startswith(SMALL_CAPITAL) and len(name) == len(SMALL_CAPITAL) + 1:
        return name[-1].lower()  # ᴅ, ᴛ, ɪ: small capitals are letters in disguise
    return char


def skeleton(text: str) -> str:
    """What ``text`` looks like, for comparing it with other text (UTS #39's idea).

    Compatibility forms become plain letters (NFKC: 𝛃, ｉ, ⓘ, 𝒾); case, accents and final
    sigma are folded; invisible and filler characters are dropped; each letter that looks
    like a Latin letter becomes that letter (Greek α, Cyrillic а and Latin a are one
    letter here, as are ı, і and i); digits stand for the letters they resemble. The result
    is never shown: it only answers "is this the same text?". Each character is worked
    out once per process (a bounded cache), so a 3,000-character comment costs little.
    """
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).casefold())
    return "".join(map(_char_skeleton, decomposed))


def skeleton_words(text: str) -> list[str]:
    """The words of ``text``'s skeleton: punctuation and spacing of any kind separate them."""
    return WORD_RE.findall(skeleton(text))


def body_skeleton(text: str) -> str:
    """The skeleton as compared for duplicates: words one space apart, nothing else, so
    spacing, a trailing full stop, case or one look-alike letter make no difference."""
    return " ".join(skeleton_words(text))


def _joined_words(skeletal: str) -> list[str]:
    """Words as a spammer spells them to slip past a filter: punctuation inside a word is
    ignored ("βλά.κας") and runs of single letters are read as one word ("β λ ά κ α ς")."""
    found, letters = [], []
    for token in skeletal.split():
        word = "".join(WORD_RE.findall(token))
        if len(word) == 1:
            letters.append(word)
            continue
        if letters:
            found.append("".join(letters))
            letters = []
        if word:
            found.append(word)
    if letters:
        found.append("".join(letters))
    return found


def normalise_phrase(phrase: str) -> str:
    """A blocked word or phrase as it is stored: folded words, one space apart."""
    return " ".join(re.findall(r"\w+", fold(phrase)))


def phrase_skeleton(phrase: str) -> str:
    """A blocked word or phrase as it is compared: its skeleton's words, one space apart."""
    return body_skeleton(phrase)


def find_blocked(text: str, blocked: list[str]) -> list[str]:
    """The entries of ``blocked`` (phrase skeletons) found as whole words in ``text``.

    The text is compared as a skeleton (see skeleton()), read twice: once split at every
    punctuation mark and space, once with punctuation inside words ignored and spaced-out
    letters joined. A phrase matches a run of whole words, so "βλακας" finds "Βλάκας!",
    "βλaκaς" with Latin a and "β λ ά κ α ς", but not "βλακασμένος" or "αβλακας".
    """
    skeletal = skeleton(text)
    readings = (WORD_RE.findall(skeletal), _joined_words(skeletal))
    padded = [f" {' '.join(words)} " for words in readings]
    return [
        phrase for phrase in blocked if phrase and any(f" {phrase} " in line for line in padded)
    ]


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
