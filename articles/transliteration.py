"""Greek to Latin transliteration for URLs, in the style of ELOT 743.

"Διεθνή" -> "diethni", "Ροή Ειδήσεων" -> "roi-eidiseon". Accents are dropped, but a
diaeresis is kept long enough to stop a vowel pair from becoming a digraph
("Ευρωπαϊκή" -> "evropaiki", "προϋπολογισμός" -> "proypologismos").
"""

import re
import unicodedata

_SINGLE = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th",
    "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p",
    "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps",
    "ω": "o",
}  # fmt: skip

# Vowel pairs read as one sound, unless the second letter carries a diaeresis.
_DIGRAPHS = {"αι": "ai", "ει": "ei", "οι": "oi", "ου": "ou", "υι": "yi"}
_CONSONANT_PAIRS = {"γγ": "ng", "γκ": "gk", "γξ": "nx", "γχ": "nch", "ντ": "nt"}

# αυ, ευ, ηυ sound "v" before vowels and voiced consonants, "f" otherwise.
_UPSILON_FIRST = {"α": "a", "ε": "e", "η": "i"}
_VOICELESS = set("θκξπστφχψ")
_GREEK_LETTERS = set(_SINGLE)

_DIAERESIS = "\u0308"

# Slugs are cut at a word boundary within this many characters: the words of a headline
# that say what it is about, not the whole sentence (Article, Category and the admin's JS).
SLUG_MAX_LENGTH = 80
# Between two letters these join them; anything else that is not a letter or a digit
# separates two words.
_APOSTROPHES = frozenset("'\u2019")
_NOT_ASCII_WORD = re.compile(r"[^a-z0-9]+")


def _letters(text: str) -> list[tuple[str, bool]]:
    """Lower-case letters without accents, each with a flag for a diaeresis.

    NFKD also folds the Greek letter variants used as symbols (ϵ, ϑ, ϕ, ϲ...) into the
    letters they stand for.
    """
    letters: list[tuple[str, bool]] = []
    for char in unicodedata.normalize("NFKD", text.lower()):
        if unicodedata.combining(char):
            if char == _DIAERESIS and letters:
                letters[-1] = (letters[-1][0], True)
            continue
        letters.append((char, False))
    return letters


def _is_other_greek(char: str) -> bool:
    """Archaic letters and signs of the Greek blocks (ϙ, ϡ, ͵...): no Latin spelling, dropped."""
    return "\u0370" <= char <= "\u03ff" or "\u1f00" <= char <= "\u1fff"


def transliterate(text: str) -> str:
    """Return ``text`` with Greek letters written in Latin ones; other text unchanged."""
    letters = _letters(text)
    out: list[str] = []
    i = 0
    while i < len(letters):
        char = letters[i][0]
        nxt, nxt_diaeresis = letters[i + 1] if i + 1 < len(letters) else ("", False)
        after = letters[i + 2][0] if i + 2 < len(letters) else ""
        pair = char + nxt
        prev = letters[i - 1][0] if i > 0 else ""
        if char in _UPSILON_FIRST and nxt == "υ" and not nxt_diaeresis:
            sound = "f" if (after in _VOICELESS or after not in _GREEK_LETTERS) else "v"
            out.append(_UPSILON_FIRST[char] + sound)
            i += 2
        elif pair in _DIGRAPHS and not nxt_diaeresis:
            out.append(_DIGRAPHS[pair])
            i += 2
        elif pair == "μπ":
            # "b" where a word begins or ends, "mp" inside it ("Μπακού", "λάμπα").
            at_edge = prev not in _GREEK_LETTERS or after not in _GREEK_LETTERS
            out.append("b" if at_edge else "mp")
            i += 2
        elif pair in _CONSONANT_PAIRS:
            out.append(_CONSONANT_PAIRS[pair])
            i += 2
        else:
            out.append(_SINGLE.get(char, "" if _is_other_greek(char) else char))
            i += 1
    return "".join(out)


def slugify_greek(text: str, max_length: int = SLUG_MAX_LENGTH) -> str:
    """A lower-case ASCII slug of ``text``, cut at a word boundary within ``max_length``.

    Words stay apart: every run of characters that are neither letters nor digits (spaces,
    hyphens, en and em dashes, slashes, colons, quotes, any punctuation) becomes one hyphen,
    so «Ρωσία–ΗΠΑ» is "rosia-ipa". An apostrophe inside a word is dropped instead
    ("Trump's" is "trumps"). Letters with no Latin spelling are dropped without splitting
    the word. static/js/admin-slug.js does the same in the admin (tests/slug_cases.json).
    """
    latin = unicodedata.normalize("NFKD", transliterate(text).lower())
    words = []
    for word in _words(latin):
        ascii_word = _NOT_ASCII_WORD.sub("", word)
        if ascii_word:
            words.append(ascii_word)
    slug = "-".join(words)
    if len(slug) > max_length:
        # The longest run of whole words that fits; one over-long word is cut.
        head = slug[: max_length + 1]
        slug = head.rsplit("-", 1)[0] if "-" in head else slug[:max_length]
    return slug


def _is_word_char(char: str) -> bool:
    """A letter or a digit of any script (Unicode categories L and N)."""
    return unicodedata.category(char)[0] in "LN"


def _words(text: str) -> list[str]:
    """The words of ``text``: runs of letters and digits; accents and other marks dropped."""
    chars = [char for char in text if unicodedata.category(char)[0] != "M"]
    words, word = [], ""
    for i, char in enumerate(chars):
        if _is_word_char(char):
            word += char
        elif char in _APOSTROPHES and word and i + 1 < len(chars) and _is_word_char(chars[i + 1]):
            continue  # "Trump's": one word
        elif word:
            words.append(word)
            word = ""
    if word:
        words.append(word)
    return words
