"""/learn/ and /learn/<slug>/: published articles only, in the reader's language, English as the fallback."""

import pytest

from education.models import STANDARD_DISCLAIMER, Article, Category
from education.shipped import shipped_articles


def article(slug: str, language: str = "en", **fields) -> Article:
    values = {"title": f"{slug} ({language})", "summary": f"summary of {slug} in {language}",
              "body": f"Body of {slug} in {language}.", "category": Category.SELF_CARE, "published": True}
    return Article.objects.create(slug=slug, language=language, **{**values, **fields})


@pytest.fixture
def library(db):
    Article.objects.all().delete()  # start from an empty library, not the shipped one
    return {
        "both": article("both"), "both_zh": article("both", "zh-hant", title="兩種語言"),
        "english_only": article("english-only", category=Category.CAUSES),
        "draft": article("draft", published=False),
        "draft_translation": article("english-only", "zh-hant", title="草稿翻譯", published=False),
    }


def test_english_reader_sees_published_articles_by_category_and_no_drafts(client, clinic, library):
    client.force_login(clinic.patient)
    page = client.get("/learn/").content.decode()
    assert "both (en)" in page and "english-only (en)" in page
    assert "draft (en)" not in page and "草稿翻譯" not in page
    assert page.index("Causes") < page.index("Looking after yourself"), "categories in library order"


def test_chinese_reader_gets_translations_and_english_where_none_is_published(client, clinic, library):
    clinic.patient.language = "zh-hant"
    clinic.patient.save()
    client.force_login(clinic.patient)
    page = client.get("/learn/").content.decode()
    assert "兩種語言" in page and "both (en)" not in page
    assert "english-only (en)" in page, "an unpublished translation falls back to the English article"
    detail = client.get("/learn/english-only/").content.decode()
    assert "english-only (en)" in detail and 'lang="en"' in detail


def test_unpublished_article_is_a_404_for_patients_and_clinicians(client, clinic, library):
    for user in (clinic.patient, clinic.clinician):
        client.force_login(user)
        assert client.get("/learn/draft/").status_code == 404
        assert client.get("/learn/no-such-article/").status_code == 404


def test_article_page_shows_the_sanitised_body_and_the_disclaimer(client, clinic, library):
    library["both"].body = "## Heading\n\n<script>alert(1)</script>[x](javascript:alert(1))"
    library["both"].save()
    client.force_login(clinic.patient)
    page = client.get("/learn/both/").content.decode()
    assert "<h2>Heading</h2>" in page
    assert "alert(1)" not in page and "javascript:" not in page
    assert str(STANDARD_DISCLAIMER)[:60] in page


def test_library_needs_signing_in(client, library):
    assert client.get("/learn/").status_code == 302
    assert client.get("/learn/both/").status_code == 302


def test_shipped_articles_cover_every_category_in_both_languages_with_the_same_slugs(db):
    shipped = shipped_articles()
    by_language = {lang: {a["slug"] for a in shipped if a["language"] == lang} for lang in ("en", "zh-hant")}
    assert len(by_language["en"]) >= 12 and by_language["en"] == by_language["zh-hant"]
    assert {a["category"] for a in shipped} == set(Category.values)
    assert Article.objects.filter(published=True).count() == len(shipped), "the data migration loaded them all"
