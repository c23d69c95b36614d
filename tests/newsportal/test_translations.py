"""Both interface languages are complete and the compiled catalogs are current."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize("language", ["el", "en"])
@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_message_has_a_translation(language, domain):
    catalog = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / f"{domain}.po"))
    untranslated = [entry.msgid for entry in catalog if not entry.translated()]
    assert untranslated == [], f"untranslated in {language}: {untranslated}"


@pytest.mark.parametrize("language", ["el", "en"])
def test_compiled_catalog_matches_its_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    source = polib.pofile(str(folder / "django.po"))
    compiled = polib.mofile(str(folder / "django.mo"))
    compiled_ids = {entry.msgid: entry.msgstr for entry in compiled}
    for entry in source.translated_entries():
        if entry.msgid_plural:
            continue
        assert compiled_ids.get(entry.msgid) == entry.msgstr, (
            f"{folder / 'django.mo'} is stale: run `make messages`"
        )
