"""`manage.py adduser USERNAME --role ROLE [--clinician NAME ...] [--timezone ZONE]
[--language CODE] [--password-stdin]`: create an account from the command line."""

import getpass
import sys

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role
from accounts.services import create_account


class Command(BaseCommand):
    help = "Create a patient, clinician or admin account."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[role.value for role in Role])
        parser.add_argument(
            "--clinician", action="append", default=[], metavar="NAME",
            help="A clinician on the patient's care team (repeat for several).",
        )
        parser.add_argument("--timezone", help=f"IANA time zone; default the clinic's ({settings.TIME_ZONE}).")
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES])
        parser.add_argument(
            "--password-stdin", action="store_true",
            help="Read the password from the first line of standard input.",
        )

    def handle(self, *args, **options) -> None:
        password = self._read_password(options["password_stdin"])
        try:
            user = create_account(
                options["username"], options["role"], password,
                clinician_usernames=options["clinician"],
                time_zone=options["timezone"], language=options["language"],
            )
        except ValidationError as error:
            raise CommandError(_describe(error)) from None
        team = ", ".join(user.care_team.values_list("username", flat=True))
        self.stdout.write(self.style.SUCCESS(
            f"Created {user.role} {user.username} (time zone {user.time_zone}, language {user.language})"
            + (f", care team: {team}" if team else "")
        ))
        if user.is_patient and not team:
            self.stdout.write(self.style.WARNING(
                "This patient has no care team yet: add clinicians with --clinician or in the admin."
            ))

    def _read_password(self, from_stdin: bool) -> str:
        if from_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        elif sys.stdin.isatty():
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        else:
            raise CommandError("No terminal to ask for a password: pipe it in with --password-stdin.")
        if not password:
            raise CommandError("The password is empty.")
        return password


def _describe(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
    return " ".join(error.messages)
