import pytest

from articles.transliteration import slugify_greek, transliterate


@pytest.mark.parametrize(
    ("greek", "slug"),
    [
        ("Διεθνή", "diethni"),
        ("Ροή Ειδήσεων", "roi-eidiseon"),
        ("Πολιτική", "politiki"),
        ("Οικονομία", "oikonomia"),
        # Diaeresis keeps a vowel pair apart: αϊ is a-i, not the digraph ai; οϋ is o-y.
        ("Ευρωπαϊκή Ένωση: νέος προϋπολογισμός", "evropaiki-enosi-neos-proypologismos"),
        ("Πρωτεύουσα και Ευβοϊκός", "protevousa-kai-evvoikos"),
        ("ΑΫΠΝΊΑ ΠΡΟΫΠΟΘΈΣΕΙΣ", "aypnia-proypotheseis"),
        # Final sigma, capitals and accents on capitals.
        ("ΟΙ ΑΓΟΡΕΣ ΑΝΗΣΥΧΟΥΝ ΓΙΑ ΤΟΥΣ ΦΟΡΟΥΣ", "oi-agores-anisychoun-gia-tous-forous"),
        ("Ο Ζελένσκι στις Βρυξέλλες", "o-zelenski-stis-vryxelles"),
        # αυ/ευ: v before vowels and voiced consonants, f before voiceless ones.
        ("Αύξηση φόρων στην Αυστρία", "afxisi-foron-stin-afstria"),
        ("Ευρώ και αυγά", "evro-kai-avga"),
        # μπ at a word's edge is b, inside it mp; γγ, γκ, ντ.
        ("Μπαράζ στη λάμπα", "baraz-sti-lampa"),
        ("Αγγλία, εγκαίρως, ντόπιοι", "anglia-egkairos-ntopioi"),
        ("Θεσσαλονίκη: ψηφοφορία χθες", "thessaloniki-psifoforia-chthes"),
    ],
)
def test_greek_headlines_become_elot_743_slugs(greek, slug):
    assert slugify_greek(greek) == slug


def test_latin_text_and_digits_pass_through():
    assert slugify_greek("Brent στα 85 δολάρια, ECB & Fed") == "brent-sta-85-dolaria-ecb-fed"


def test_punctuation_and_symbols_never_reach_the_slug():
    assert slugify_greek("«Όχι» — λέει η Αθήνα!!! 100%") == "ochi-leei-i-athina-100"


def test_long_headlines_are_cut_at_a_word_boundary():
    slug = slugify_greek("Πολύ μεγάλος τίτλος " * 30, max_length=50)
    assert len(slug) <= 50
    assert not slug.endswith("-")
    assert slug.startswith("poly-megalos-titlos")


def test_transliterate_keeps_non_greek_characters():
    assert transliterate("Αθήνα 2026") == "athina 2026"
