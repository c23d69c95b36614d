"""Cleaning, matching and rendering reader text."""

from html.parser import HTMLParser

import pytest

from comments import text


def markup_in(html: str) -> set[tuple[str, tuple[str, ...]]]:
    """The elements and attribute names an HTML fragment really contains."""
    found = set()

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.add((tag, tuple(sorted(name for name, _ in attrs))))

    Collect().feed(html)
    return found


@pytest.mark.parametrize("typed", ["ΒΛΑΚΑΣ", "βλάκας", "βλακας", "Βλάκας!", "ο βλάκας."])
def test_blocked_word_matches_any_case_accent_and_final_sigma(typed):
    blocked = [text.phrase_skeleton("βλάκας")]
    assert text.find_blocked(typed, blocked) == blocked


@pytest.mark.parametrize("typed", ["βλακασμένος", "αβλάκας", "βλακ", "βλακασ_"])
def test_blocked_word_does_not_match_inside_a_longer_word(typed):
    assert text.find_blocked(typed, [text.phrase_skeleton("βλάκας")]) == []


def test_blocked_word_matches_dialytika_and_invisible_characters():
    blocked = [text.phrase_skeleton("Ϊσχυρός"), text.phrase_skeleton("απάτη")]
    assert text.find_blocked("ΙΣΧΥΡΟΣ και απ\u200bάτη", blocked) == blocked


def test_blocked_phrase_matches_whole_words_in_sequence():
    blocked = [text.phrase_skeleton("κλέφτες όλοι")]
    assert text.find_blocked("Είναι ΚΛΕΦΤΕΣ   όλοι τους", blocked) == blocked
    assert text.find_blocked("κλέφτες, αλλά όχι όλοι", blocked) == []


GREEK_BLOCKED = "βλάκας"
LATIN_BLOCKED = "idiot"


@pytest.mark.parametrize(
    ("typed", "blocked"),
    [
        ("𝛃𝛌𝛂𝛋𝛂𝛓", GREEK_BLOCKED),  # mathematical bold Greek
        ("βλaκaς", GREEK_BLOCKED),  # Latin a
        ("βλάκаς", GREEK_BLOCKED),  # Cyrillic а
        ("«β λ ά κ α ς»", GREEK_BLOCKED),  # spaced-out letters
        ("βλά.κας", GREEK_BLOCKED),  # punctuation inside the word
        ("ｉｄｉｏｔ", LATIN_BLOCKED),  # fullwidth
        ("іdіot", LATIN_BLOCKED),  # Cyrillic і
        ("ıdıot", LATIN_BLOCKED),  # dotless i
        ("1d10t", LATIN_BLOCKED),  # digits for letters
        ("ɪᴅɪᴏᴛ", LATIN_BLOCKED),  # small capitals
        ("ⓘⓓⓘⓞⓣ", LATIN_BLOCKED),  # circled
        ("𝒾𝒹𝒾ℴ𝓉", LATIN_BLOCKED),  # mathematical script
        ("𝒾𝒹𝒾𝓈𝓉", "idist"),  # the payload as written: it spells "idist"
        ("idi\u200dot", LATIN_BLOCKED),  # zero-width joiner
        ("idi\u3164ot", LATIN_BLOCKED),  # Hangul filler
        ("idi\u2800ot", LATIN_BLOCKED),  # blank Braille pattern
        ("idi\ufe0fot", LATIN_BLOCKED),  # variation selector
        ("idi\u115fot idi\u1160ot idi\uffa0ot", LATIN_BLOCKED),  # more fillers
        ("Είσαι ένας i d i o t, φίλε", LATIN_BLOCKED),
        ("Βλ4κ4ς!", GREEK_BLOCKED),
    ],
)
def test_blocked_word_matches_lookalikes_on_its_skeleton(typed, blocked):
    phrases = [text.phrase_skeleton(GREEK_BLOCKED), text.phrase_skeleton(blocked)]
    assert text.phrase_skeleton(blocked) in text.find_blocked(typed, phrases)


@pytest.mark.parametrize(
    "typed",
    [
        "Η βλακεία δεν έχει όρια.",
        "Ένας βλακώδης νόμος.",
        "Τα βλακάκια του σχολείου.",
        "Ο Α. Παπαδόπουλος είπε «ναι».",
        "Η ιδιωτική ασφάλιση και οι ιδιώτες γιατροί.",
        "He is an idiotic driver and idioms are fun.",
        "Στις 10/04 στις 7 το απόγευμα, στο 1ο Λύκειο.",
    ],
)
def test_words_that_merely_contain_a_blocked_word_pass(typed):
    phrases = [text.phrase_skeleton(GREEK_BLOCKED), text.phrase_skeleton(LATIN_BLOCKED)]
    assert text.find_blocked(typed, phrases) == []


@pytest.mark.parametrize(
    "copy",
    [
        "Αγοράστε φθηνά   εισιτήρια",  # double spaces
        "Αγοράστε φθηνά\u00a0εισιτήρια",  # non-breaking space
        "Αγοράστε φθη\u200bνά εισιτήρια",  # zero-width space
        "Αγοράστε φθηνά εισιτήρια.",  # trailing full stop
        "αγοράστε φθηνά εισιτήρια",  # lower case
        "ΑΓΟΡΑΣΤΕ ΦΘΗΝΑ ΕΙΣΙΤΗΡΙΑ",  # capitals without accents
        "Αγοράστε φθηνά εισιτήрια",  # Cyrillic р
    ],
)
def test_body_skeleton_is_the_same_for_copies_that_only_look_different(copy):
    assert text.body_skeleton(copy) == text.body_skeleton("Αγοράστε φθηνά εισιτήρια")


def test_body_skeleton_tells_different_texts_apart():
    assert text.body_skeleton("Αγοράστε φθηνά εισιτήρια") != text.body_skeleton(
        "Αγοράστε ακριβά εισιτήρια"
    )


def test_fold_ignores_case_accents_and_final_sigma():
    assert text.fold("Ἀθῆναι ΑΘΗΝΑΣ Πόλις") == "αθηναι αθηνασ πολισ"


@pytest.mark.parametrize("payload", ["\x00", "\x07", "\x1b[31m", "\x7f", "\x85"])
def test_control_characters_are_found_but_newline_and_tab_are_text(payload):
    assert text.control_characters(f"α\nβ\tγ{payload}") != []
    assert text.control_characters("α\nβ\tγ") == []


def test_direction_overrides_are_removed():
    assert text.strip_bidi_controls("abc\u202egpj.exe\u2066x\u2069\u200f") == "abcgpj.exex"


def test_newlines_are_normalised():
    assert text.normalise_newlines("a\r\nb\rc\nd") == "a\nb\nc\nd"


def test_rendered_body_keeps_line_breaks_and_paragraphs():
    html = text.comment_text_to_html("Πρώτη γραμμή\nδεύτερη\n\nνέα παράγραφος", links=False)
    assert html == "<p>Πρώτη γραμμή<br>δεύτερη</p><p>νέα παράγραφος</p>"


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">πάτα</a>',
        '"><svg onload=alert(1)>',
        "<iframe src=//evil.example></iframe>",
    ],
)
@pytest.mark.parametrize("links", [True, False])
def test_hostile_markup_is_rendered_as_text(hostile, links):
    html = text.comment_text_to_html(f"Δες {hostile} τώρα", links=links)
    assert markup_in(html) <= {("p", ()), ("a", ("href", "rel"))}
    assert "&lt;" in html


def test_javascript_urls_never_become_links():
    html = text.comment_text_to_html("javascript:alert(1) και JAVASCRIPT://x", links=True)
    assert "<a" not in html


def test_links_only_when_asked_and_with_safe_rel():
    body = "Δείτε https://example.org/analysi?a=1&b=2. Και www.example.com/σελίδα"
    assert "<a" not in text.comment_text_to_html(body, links=False)
    html = text.comment_text_to_html(body, links=True)
    assert '<a href="https://example.org/analysi?a=1&amp;b=2" rel="nofollow ugc noopener">' in html
    assert "</a>. Και" in html
    assert 'href="https://www.example.com/σελίδα"' in html


def test_link_keeps_balanced_parentheses_but_not_a_closing_one():
    html = text.comment_text_to_html("(δες https://el.wikipedia.org/wiki/Α_(γράμμα))", links=True)
    assert 'href="https://el.wikipedia.org/wiki/Α_(γράμμα)"' in html
    assert "</a>)" in html


def test_quotes_in_urls_cannot_break_out_of_the_attribute():
    html = text.comment_text_to_html('https://example.org/"onmouseover="alert(1)', links=True)
    assert markup_in(html) == {("p", ()), ("a", ("href", "rel"))}


def test_count_links():
    assert text.count_links("http://a.gr https://b.gr www.c.gr και d.gr") == 3
