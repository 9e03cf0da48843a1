"""Editors write, preview and publish articles in the admin; patients and clinicians cannot get in."""

from django.test import Client
from django.urls import reverse

from education.models import Article, Category

CHANGELIST = "/admin/education/article/"


def draft_form(**changes) -> dict:
    form = {"title": "Gloves that help", "slug": "gloves-that-help", "language": "en",
            "category": Category.SELF_CARE, "order": "15", "summary": "Which gloves keep cold away.",
            "body": "## Why\n\nCold hurts. <script>alert(1)</script>", "signals": ["cold_sensitivity"],
            "disclaimer": ""}
    form.update(changes)
    return form


def test_admin_writes_a_draft_previews_it_then_publishes_it_and_the_patient_sees_it(client, clinic):
    client.force_login(clinic.admin)
    response = client.post(f"{CHANGELIST}add/", draft_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="gloves-that-help", language="en")
    assert article.published is False and article.signals == ["cold_sensitivity"]

    preview = client.get(reverse("admin:education_article_preview", args=[article.pk])).content.decode()
    assert "<h2>Why</h2>" in preview and "<script>alert" not in preview and "not published" in preview
    change = client.get(f"{CHANGELIST}{article.pk}/change/").content.decode()
    assert "<h2>Why</h2>" in change, "the change form shows the rendered preview"

    patient_client = client_class_for(clinic.patient)
    assert patient_client.get("/learn/gloves-that-help/").status_code == 404

    assert client.post(f"{CHANGELIST}{article.pk}/change/", draft_form(published="on")).status_code == 302
    page = patient_client.get("/learn/gloves-that-help/").content.decode()
    assert "Gloves that help" in page and "<script>alert" not in page
    assert 'href="/learn/gloves-that-help/"' in client.get(CHANGELIST).content.decode(), "link to the live page"


def client_class_for(user):
    other = Client()
    other.force_login(user)
    return other


def test_admin_list_filters_and_searches(client, clinic):
    client.force_login(clinic.admin)
    page = client.get(f"{CHANGELIST}?language__exact=zh-hant&category__exact=safety_falls&published__exact=1")
    assert page.status_code == 200
    rows = page.context["cl"].result_list
    assert rows and all(a.language == "zh-hant" and a.category == "safety_falls" for a in rows)
    found = client.get(f"{CHANGELIST}?q=footwear").context["cl"].result_list
    assert any(a.slug == "footwear-and-foot-care" for a in found)


def test_a_bad_slug_or_unknown_language_is_refused_naming_the_field(client, clinic):
    client.force_login(clinic.admin)
    response = client.post(f"{CHANGELIST}add/", draft_form(slug="Not A Slug!", language="fr"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "slug" in errors and "language" in errors
    assert not Article.objects.filter(title="Gloves that help").exists()


def test_patients_and_clinicians_cannot_reach_the_admin_or_the_preview(client, clinic):
    article = Article.objects.filter(published=True).first()
    for user in (clinic.patient, clinic.clinician):
        client.force_login(user)
        for url in (CHANGELIST, f"{CHANGELIST}{article.pk}/change/",
                    reverse("admin:education_article_preview", args=[article.pk])):
            response = client.get(url)
            assert response.status_code == 302 and "/admin/login/" in response["Location"], (user.role, url)
