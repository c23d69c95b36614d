"""Fill msgstr entries of a .po catalog from a JSON file of {msgid: msgstr}.

Translators' helper: `python scripts/po_fill.py locale/el/LC_MESSAGES/django.po new.json`.
Only empty or fuzzy entries are filled; existing translations are kept.
"""

import json
import sys

import polib


def main(po_path: str, json_path: str) -> int:
    catalog = polib.pofile(po_path)
    with open(json_path, encoding="utf-8") as handle:
        translations = json.loads(handle.read() or "{}")
    filled = 0
    for entry in catalog:
        if entry.msgid in translations and (not entry.msgstr or entry.fuzzy):
            value = translations[entry.msgid]
            if entry.msgid_plural:
                entry.msgstr_plural = dict(enumerate(value))
            else:
                entry.msgstr = value
            if entry.fuzzy:
                entry.flags.remove("fuzzy")
            filled += 1
    catalog.save(po_path)
    missing = [e.msgid for e in catalog if not e.translated()]
    print(f"filled {filled}; still untranslated: {len(missing)}")
    for msgid in missing:
        print("  ", json.dumps(msgid, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
