"""`manage.py seed_demo`: create the demo clinic once and print its logins.

Running it again changes nothing; it only prints the logins.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from symptoms.demo import (
    DEMO_ADMIN,
    DemoPerson,
    add_missing_demo_treatment,
    demo_people,
    missing_demo_accounts,
    seed_demo_clinic,
    seed_demo_contact,
)

COLUMNS = ("username", "password", "role", "about")


class Command(BaseCommand):
    help = ("Create a demo clinic (an admin, two clinicians, thirteen patients with months of entries and "
            "treatment); print its logins.")

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--allow-without-debug", action="store_true",
            help="Seed even though DJANGO_DEBUG is off. The demo passwords are public: never on a real clinic.",
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "seed_demo creates accounts with publicly known passwords, so it only runs with DJANGO_DEBUG on "
                "(as in `make run`). Pass --allow-without-debug if this really is a throwaway demo."
            )
        try:
            created = seed_demo_clinic()
        except ValidationError as error:
            problem = " ".join(error.messages)
            raise CommandError(f"Could not create the demo clinic; nothing was saved: {problem}") from None
        if created:
            self.stdout.write(self.style.SUCCESS("Created the demo clinic."))
        else:
            if seed_demo_contact():
                self.stdout.write("Added the demo clinic's contact details (name, telephone, hours).")
            added = add_missing_demo_treatment()
            if added:
                self.stdout.write(f"Demo data already present (user {DEMO_ADMIN!r} exists); added treatment "
                                  f"courses for {added} demo patients who had none.")
            else:
                self.stdout.write(f"Demo data already present (user {DEMO_ADMIN!r} exists): nothing was changed.")
            missing = missing_demo_accounts()
            if missing:
                self.stdout.write(self.style.WARNING(f"These demo accounts do not exist: {', '.join(missing)}"))
        self.stdout.write(login_table(demo_people()))
        self.stdout.write(f"Sign in at {settings.SITE_URL}/")


def login_table(people: tuple[DemoPerson, ...]) -> str:
    """The demo logins as aligned plain-text columns, one person a row."""
    rows = [COLUMNS] + [(p.username, p.password, str(p.role), p.description) for p in people]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS) - 1)]
    return "\n".join(
        "  ".join([*(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)), row[-1]])
        for row in rows
    )
