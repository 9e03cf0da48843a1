"""GET /api/v1/articles/?lang=&signal=: published articles for anyone signed in."""

import pytest

from education.models import Article, Category
from tests.conftest import api_as


@pytest.fixture
def draft(db):
    return Article.objects.create(slug="draft-news", language="en", title="Draft news", summary="s", body="b",
                                  category=Category.CAUSES, signals=["refer"], published=False)


def test_every_signed_in_role_gets_published_articles_in_their_language(clinic, draft):
    for user in (clinic.patient, clinic.clinician, clinic.admin):
        response = api_as(user).get("/api/v1/articles/")
        assert response.status_code == 200
        slugs = [article["slug"] for article in response.json()]
        assert "keeping-warm" in slugs and "draft-news" not in slugs
        assert {article["language"] for article in response.json()} == {"en"}


def test_lang_and_signal_filter_and_fallback(clinic, draft):
    Article.objects.filter(slug="keeping-warm", language="zh-hant").update(published=False)
    data = api_as(clinic.patient).get("/api/v1/articles/?lang=zh-hant&signal=cold_sensitivity").json()
    assert [(a["slug"], a["language"]) for a in data] == [("keeping-warm", "en")]
    data = api_as(clinic.patient).get("/api/v1/articles/?lang=zh-hant&signal=sleep_disturbed").json()
    assert [(a["slug"], a["language"]) for a in data] == [("sleep-and-night-symptoms", "zh-hant")]
    article = data[0]
    assert article["url"] == "/learn/sleep-and-night-symptoms/"
    assert "<script" not in article["html"] and article["disclaimer"] and article["body"]
    assert api_as(clinic.patient).get("/api/v1/articles/?signal=refer").json()[0]["slug"] != "draft-news"


@pytest.mark.parametrize(("query", "field"), [("lang=fr", "lang"), ("signal=itchy", "signal"),
                                              ("lang=en&signal=<script>", "signal")])
def test_bad_filters_get_a_400_naming_the_field(clinic, query, field):
    response = api_as(clinic.patient).get(f"/api/v1/articles/?{query}")
    assert response.status_code == 400 and field in response.json()


def test_anonymous_gets_401(api_client):
    assert api_client.get("/api/v1/articles/").status_code == 401


@pytest.mark.parametrize("query,field", [("lang=", "lang"), ("signal=", "signal"), ("lang=en&signal=", "signal")])
def test_an_empty_filter_is_400_naming_it_as_the_schema_says(clinic, query, field):
    response = api_as(clinic.patient).get(f"/api/v1/articles/?{query}")
    assert response.status_code == 400 and field in response.json()
