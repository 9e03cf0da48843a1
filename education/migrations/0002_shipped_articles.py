"""Adds the shipped articles (education/content/) as they are when the database is first migrated.

Later changes to the shipped files reach an existing database through
`manage.py load_articles`, which never overwrites an editor's work unless asked.
"""

from django.db import migrations

from education.shipped import load_shipped_articles


def add_shipped_articles(apps, schema_editor):
    load_shipped_articles(apps.get_model("education", "Article"))


class Migration(migrations.Migration):
    dependencies = [("education", "0001_articles")]

    operations = [migrations.RunPython(add_shipped_articles, migrations.RunPython.noop)]
