"""The shipped articles: the file format, and `load_articles`, which never overwrites an editor's work unasked."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from education.models import Article
from education.shipped import ContentError, read_article, shipped_articles


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_articles", *args, stdout=out)
    return out.getvalue()


def test_load_articles_adds_only_what_is_missing_and_keeps_editors_changes(db):
    edited = Article.objects.get(slug="keeping-warm", language="en")
    edited.body = "Our clinic's own advice."
    edited.save()
    Article.objects.filter(slug="sleep-and-night-symptoms", language="zh-hant").delete()
    assert load() == "1 articles added, 0 replaced.\n"
    edited.refresh_from_db()
    assert edited.body == "Our clinic's own advice."
    assert Article.objects.get(slug="sleep-and-night-symptoms", language="zh-hant").published is True
    assert load() == "0 articles added, 0 replaced.\n", "running it again changes nothing"


def test_replace_restores_the_shipped_text_and_dates_the_change(db):
    edited = Article.objects.get(slug="keeping-warm", language="en")
    Article.objects.filter(pk=edited.pk).update(body="edited", updated_at=timezone.now() - timedelta(days=30))
    assert load("--replace") == f"0 articles added, {len(shipped_articles())} replaced.\n"
    edited.refresh_from_db()
    shipped = next(a for a in shipped_articles() if a["slug"] == "keeping-warm" and a["language"] == "en")
    assert edited.body == shipped["body"]
    assert timezone.now() - edited.updated_at < timedelta(minutes=1)


@pytest.mark.parametrize(("text", "problem"), [
    ("title: No header\n\nBody", "must start with a '---' header"),
    ("---\ntitle: T\nslug: t\n---\n\nBody", "header lacks summary, category, signals, order"),
])
def test_a_malformed_content_file_is_refused_naming_the_file(tmp_path, text, problem):
    path = tmp_path / "en" / "broken.md"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError, match=problem) as refused:
        read_article(path)
    assert str(path) in str(refused.value)


def test_header_values_become_fields_with_an_empty_signal_list_allowed(tmp_path):
    path = tmp_path / "zh-hant" / "calm.md"
    path.parent.mkdir()
    path.write_text("---\ntitle: 放輕鬆\nslug: calm\nsummary: 一句話。\ncategory: self_care\nsignals:\n"
                    "order: 5\n---\n\n## 小節\n", encoding="utf-8")
    assert read_article(path) == {"title": "放輕鬆", "slug": "calm", "summary": "一句話。", "category": "self_care",
                                  "order": 5, "signals": [], "language": "zh-hant", "body": "## 小節\n"}
