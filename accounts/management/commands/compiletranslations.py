"""Compile the project's .po catalogs into the .mo files Django reads, without GNU gettext.

`make run`, `make test` and CI call this, so a fresh machine needs no system
package and no hand-made .mo. Refuses a catalog with fuzzy entries or
placeholders that differ from the English, which would show wrong text.
"""

import re
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def catalog_problems(po: polib.POFile) -> list[str]:
    """Entries that would show wrong or English text: fuzzy, or placeholders not matching the msgid."""
    problems = [f"fuzzy: {entry.msgid!r}" for entry in po.fuzzy_entries()]
    for entry in po.translated_entries():
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        expected = set(PLACEHOLDER.findall(entry.msgid)) | set(PLACEHOLDER.findall(entry.msgid_plural or ""))
        for text in translations:
            if set(PLACEHOLDER.findall(text)) - expected or (
                    not entry.msgid_plural and set(PLACEHOLDER.findall(text)) != expected):
                problems.append(f"placeholders differ: {entry.msgid!r}")
    return problems


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po into .mo (pure Python; no gettext needed)."

    def handle(self, *args, **options):
        catalogs = sorted(path for root in settings.LOCALE_PATHS for path in Path(root).glob("*/LC_MESSAGES/*.po"))
        if not catalogs:
            raise CommandError(f"no .po catalogs under {settings.LOCALE_PATHS}")
        for path in catalogs:
            po = polib.pofile(str(path))
            problems = catalog_problems(po)
            if problems:
                raise CommandError(f"{path}: " + "; ".join(problems[:10]))
            po.save_as_mofile(str(path.with_suffix(".mo")))
            if options["verbosity"] >= 1:
                self.stdout.write(f"{path}: {po.percent_translated()}% translated")
