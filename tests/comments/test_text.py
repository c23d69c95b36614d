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
    assert text.find_blocked(typed, [text.normalise_phrase("βλάκας")]) == ["βλακασ"]


@pytest.mark.parametrize("typed", ["βλακασμένος", "αβλάκας", "βλακ", "βλακασ_"])
def test_blocked_word_does_not_match_inside_a_longer_word(typed):
    assert text.find_blocked(typed, [text.normalise_phrase("βλάκας")]) == []


def test_blocked_word_matches_dialytika_and_invisible_characters():
    blocked = [text.normalise_phrase("Ϊσχυρός"), text.normalise_phrase("απάτη")]
    assert text.find_blocked("ΙΣΧΥΡΟΣ και απ\u200bάτη", blocked) == blocked


def test_blocked_phrase_matches_whole_words_in_sequence():
    blocked = [text.normalise_phrase("κλέφτες όλοι")]
    assert text.find_blocked("Είναι ΚΛΕΦΤΕΣ   όλοι τους", blocked) == blocked
    assert text.find_blocked("κλέφτες, αλλά όχι όλοι", blocked) == []


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
