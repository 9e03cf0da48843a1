"""Adds the shipped articles (education/content/) as they are when the database is first migrated.

Everything this migration needs is frozen here, not imported from `education.shipped`:
a later change to that module must never break `migrate` on a fresh database. It
reads the content files' header format as it was when this migration was written
(`key: value` lines between two `---` lines: title, slug, summary, category, signals,
order). Later changes to the shipped files reach an existing database through
`manage.py load_articles`, which never overwrites an editor's work unless asked.
"""

from pathlib import Path

from django.db import migrations

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
HEADER_KEYS = ("title", "slug", "summary", "category", "signals", "order")


def read_article(path):
    parts = path.read_text(encoding="utf-8").split("---\n", 2)
    if len(parts) != 3 or parts[0].strip():
        raise ValueError(f"{path}: must start with a '---' header")
    header = {}
    for line in parts[1].splitlines():
        key, _sep, value = line.partition(":")
        header[key.strip()] = value.strip()
    missing = [key for key in HEADER_KEYS if key not in header]
    if missing:
        raise ValueError(f"{path}: header lacks {', '.join(missing)}")
    return {
        "title": header["title"], "slug": header["slug"], "summary": header["summary"],
        "category": header["category"], "order": int(header["order"]),
        "signals": [signal.strip() for signal in header["signals"].split(",") if signal.strip()],
        "language": path.parent.name, "body": parts[2].strip() + "\n",
    }


def add_shipped_articles(apps, schema_editor, content_dir=CONTENT_DIR):
    article_model = apps.get_model("education", "Article")
    for path in sorted(content_dir.glob("*/*.md")):
        fields = read_article(path)
        if not article_model.objects.filter(slug=fields["slug"], language=fields["language"]).exists():
            article_model.objects.create(**fields, published=True)


class Migration(migrations.Migration):
    dependencies = [("education", "0001_articles")]

    operations = [migrations.RunPython(add_shipped_articles, migrations.RunPython.noop)]
