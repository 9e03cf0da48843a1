"""The articles shipped with CIPN Tracker: Markdown files with a small header, in education/content/<language>/.

A header is `key: value` lines between two `---` lines: title, slug, summary,
category, signals (comma-separated, may be empty) and order.
"""

from pathlib import Path

from django.utils import timezone

CONTENT_DIR = Path(__file__).resolve().parent / "content"
HEADER_KEYS = ("title", "slug", "summary", "category", "signals", "order")


class ContentError(ValueError):
    pass


def read_article(path: Path) -> dict:
    """One shipped file as the Article fields it sets; ContentError names the file and the problem."""
    text = path.read_text(encoding="utf-8")
    parts = text.split("---\n", 2)
    if len(parts) != 3 or parts[0].strip():
        raise ContentError(f"{path}: must start with a '---' header")
    header = {}
    for line in parts[1].splitlines():
        key, _sep, value = line.partition(":")
        header[key.strip()] = value.strip()
    missing = [key for key in HEADER_KEYS if key not in header]
    if missing:
        raise ContentError(f"{path}: header lacks {', '.join(missing)}")
    return {
        "title": header["title"], "slug": header["slug"], "summary": header["summary"],
        "category": header["category"], "order": int(header["order"]),
        "signals": [signal.strip() for signal in header["signals"].split(",") if signal.strip()],
        "language": path.parent.name, "body": parts[2].strip() + "\n",
    }


def shipped_articles(content_dir: Path = CONTENT_DIR) -> list[dict]:
    return [read_article(path) for path in sorted(content_dir.glob("*/*.md"))]


def load_shipped_articles(article_model, *, replace: bool = False) -> tuple[int, int]:
    """Create the shipped articles that are missing, published; with `replace`, overwrite existing ones too.

    Without `replace`, an article an editor has changed is left alone. Returns (created, replaced).
    """
    created = replaced = 0
    for fields in shipped_articles():
        key = {"slug": fields["slug"], "language": fields["language"]}
        values = {name: value for name, value in fields.items() if name not in key}
        existing = article_model.objects.filter(**key).first()
        if existing is None:
            article_model.objects.create(**key, **values, published=True)
            created += 1
        elif replace:
            article_model.objects.filter(pk=existing.pk).update(**values, updated_at=timezone.now())
            replaced += 1
    return created, replaced
