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


def slugify_greek(text: str, max_length: int = 200) -> str:
    """A lower-case ASCII slug of ``text``, cut at a word boundary within ``max_length``."""
    latin = transliterate(text)
    ascii_text = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug
