from django.core.management.base import BaseCommand
from django.db import transaction

from education.models import Article
from education.shipped import load_shipped_articles


class Command(BaseCommand):
    help = "Add the shipped education articles that are missing (migrations do this once); --replace overwrites edits."

    def add_arguments(self, parser):
        parser.add_argument("--replace", action="store_true",
                            help="also overwrite shipped articles already in the database, including editors' changes")

    def handle(self, *args, replace: bool = False, **options):
        with transaction.atomic():
            created, replaced = load_shipped_articles(Article, replace=replace)
        self.stdout.write(f"{created} articles added, {replaced} replaced.")
