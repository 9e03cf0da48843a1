"""The data migration that loads the shipped articles keeps working whatever happens to
`education.shipped` later: it imports nothing from the project."""

import ast
import importlib
import sys
from pathlib import Path

from django.apps import apps

from education.models import Article

MIGRATION = "education.migrations.0002_shipped_articles"
SOURCE = Path(__file__).resolve().parents[2] / "education" / "migrations" / "0002_shipped_articles.py"
PROJECT = ("accounts", "notifications", "symptoms", "education", "cipn_tracker")


def test_the_migration_imports_only_django_and_the_standard_library():
    tree = ast.parse(SOURCE.read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert not {name for name in imported if name.split(".")[0] in PROJECT}, imported


def test_the_migration_loads_every_shipped_article_even_if_the_live_module_is_gone(db, monkeypatch):
    expected = set(Article.objects.values_list("slug", "language"))
    assert len(expected) == 30  # fifteen articles in English and Traditional Chinese
    Article.objects.all().delete()
    monkeypatch.setitem(sys.modules, "education.shipped", None)  # any import of it now fails
    migration = importlib.import_module(MIGRATION)
    migration.add_shipped_articles(apps, None)
    assert set(Article.objects.filter(published=True).values_list("slug", "language")) == expected
    migration.add_shipped_articles(apps, None)
    assert Article.objects.count() == 30, "running it again adds nothing"
