"""A small newsroom for the design, accessibility and keyboard tests: two sections with
pictures, a lead story, an article with threaded approved comments, tags, a flash item."""

from datetime import timedelta

from django.utils import timezone

from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    CommentFactory,
    FlashItemFactory,
    ImageFactory,
)

BODY = (
    "<p>Η ψηφοφορία ολοκληρώθηκε λίγο μετά τα μεσάνυχτα, ύστερα από πέντε ημέρες έντονης "
    "αντιπαράθεσης στην Ολομέλεια. Υπέρ του σχεδίου τάχθηκαν οι βουλευτές της πλειοψηφίας, "
    "ενώ η αντιπολίτευση καταψήφισε, κάνοντας λόγο για κείμενο που αγνοεί την ακρίβεια "
    "και τις ανάγκες των νοικοκυριών.</p>"
    "<h2>Τι προβλέπει για μισθωτούς και συνταξιούχους</h2>"
    "<p>Το βασικό πακέτο μέτρων περιλαμβάνει μείωση κατά δύο μονάδες των συντελεστών φόρου "
    "εισοδήματος για τα μεσαία κλιμάκια, αύξηση του αφορολόγητου για οικογένειες με τρία και "
    "περισσότερα παιδιά και κατάργηση της εισφοράς αλληλεγγύης για τους συνταξιούχους με "
    "εισόδημα κάτω από είκοσι χιλιάδες ευρώ τον χρόνο.</p>"
    "<blockquote><p>Δεν μοιράζουμε χρήματα που δεν έχουμε.</p></blockquote>"
    "<p>Σύμφωνα με τις εκτιμήσεις του Γενικού Λογιστηρίου του Κράτους, το καθαρό όφελος για "
    "ένα μέσο νοικοκυριό θα κυμανθεί μεταξύ τριακοσίων πενήντα και εννιακοσίων ευρώ ετησίως, "
    "ανάλογα με το εισόδημα και τον αριθμό των εξαρτώμενων μελών της οικογένειας.</p>"
)


def build_reader_world() -> dict:
    now = timezone.now()
    politiki = CategoryFactory(name="Πολιτική", menu_order=0)
    oikonomia = CategoryFactory(name="Οικονομία", menu_order=1)
    picture = ImageFactory(size=(1600, 900), color="steelblue")
    lead = ArticleFactory(
        headline="Ψηφίστηκε ο προϋπολογισμός με 158 «ναι» μετά από πενθήμερη συζήτηση",
        category=politiki,
        hero_image=picture,
        is_featured=True,
        body=BODY,
        published_at=now - timedelta(minutes=20),
        tags=["προϋπολογισμός", "Βουλή"],
    )
    others = [
        ArticleFactory(
            headline=f"Νέο πρόγραμμα στήριξης για τις μικρές επιχειρήσεις, μέρος {n}",
            category=category,
            hero_image=picture,
            published_at=now - timedelta(hours=n + 1),
            tags=["προϋπολογισμός"],
            is_breaking=(n == 1),
        )
        for n, category in enumerate([politiki, oikonomia, oikonomia, politiki, oikonomia])
    ]
    first = CommentFactory(
        article=lead, name="Ελένη Π.", body="Επιτέλους ένα μέτρο για τους νέους."
    )
    CommentFactory(parent=first, name="Γιάννης", body="Συμφωνώ, αρκεί να εφαρμοστεί γρήγορα.")
    CommentFactory(article=lead, name="Νίκος", body="Θα δούμε στην πράξη τι θα αλλάξει.")
    FlashItemFactory(text="Σε εξέλιξη η συνεδρίαση του υπουργικού συμβουλίου.")
    return {"lead": lead, "others": others, "politiki": politiki, "oikonomia": oikonomia}


def reader_pages(world: dict) -> dict[str, str]:
    """The pages readers use most, by name: the same list for every design test."""
    return {
        "home": "/",
        "category": world["oikonomia"].get_absolute_url(),
        "article": world["lead"].get_absolute_url(),
        "feed": "/roi-eidiseon/",
        "search": "/search/?q=προϋπολογισμός",
    }
