"""Editors write, preview live and publish articles in the admin; patients and clinicians cannot get in."""

import re
from html.parser import HTMLParser

from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.models import User
from education.models import Article, Category
from education.rendering import render_markdown

CHANGELIST = "/admin/education/article/"
LIVE_PREVIEW = "/admin/education/article/live-preview/"
PREVIEW_FRAME = "/admin/education/article/live-preview/frame/"
HOSTILE_MARKDOWN = (
    "## Why\n\nCold hurts. <script>alert(1)</script> <img src=x onerror=alert(2)>\n\n"
    "[a trap](javascript:alert(3)) and [the clinic](https://example.org/)"
)


def draft_form(**changes) -> dict:
    form = {"title": "Gloves that help", "slug": "gloves-that-help", "language": "en",
            "category": Category.SELF_CARE, "order": "15", "summary": "Which gloves keep cold away.",
            "body": "## Why\n\nCold hurts. <script>alert(1)</script>", "signals": ["cold_sensitivity"],
            "disclaimer": ""}
    form.update(changes)
    return form


def client_class_for(user):
    other = Client()
    other.force_login(user)
    return other


def test_admin_writes_a_draft_previews_it_then_publishes_it_and_the_patient_sees_it(client, clinic):
    client.force_login(clinic.admin)
    response = client.post(f"{CHANGELIST}add/", draft_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="gloves-that-help", language="en")
    assert article.published is False and article.signals == ["cold_sensitivity"]

    preview = client.get(reverse("admin:education_article_preview", args=[article.pk])).content.decode()
    assert "<h2>Why</h2>" in preview and "<script>alert" not in preview and "not published" in preview
    change = client.get(f"{CHANGELIST}{article.pk}/change/").content.decode()
    assert f'data-preview-url="{LIVE_PREVIEW}"' in change, "the change form has the live preview"
    assert reverse("admin:education_article_preview", args=[article.pk]) in change, "and the full-page preview"

    patient_client = client_class_for(clinic.patient)
    assert patient_client.get("/learn/gloves-that-help/").status_code == 404

    assert client.post(f"{CHANGELIST}{article.pk}/change/", draft_form(published="on")).status_code == 302
    page = patient_client.get("/learn/gloves-that-help/").content.decode()
    assert "Gloves that help" in page and "<script>alert" not in page
    assert 'href="/learn/gloves-that-help/"' in client.get(CHANGELIST).content.decode(), "link to the live page"


def test_the_add_page_has_the_live_preview_before_the_first_save(client, clinic):
    client.force_login(clinic.admin)
    page = client.get(f"{CHANGELIST}add/").content.decode()
    assert f'data-preview-url="{LIVE_PREVIEW}"' in page and f'src="{PREVIEW_FRAME}"' in page
    assert 'aria-live="polite"' in page and "js/article-preview.js" in page


def test_the_live_preview_is_the_sites_own_sanitised_rendering(client, clinic):
    client.force_login(clinic.admin)
    response = client.post(LIVE_PREVIEW, {"body": HOSTILE_MARKDOWN})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    html = response.json()["html"]
    assert html == render_markdown(HOSTILE_MARKDOWN), "exactly what /learn/<slug>/ shows"
    assert "<h2>Why</h2>" in html and 'href="https://example.org/"' in html
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert "no-store" in response["Cache-Control"]


def test_an_empty_body_previews_as_nothing(client, clinic):
    client.force_login(clinic.admin)
    assert client.post(LIVE_PREVIEW, {}).json() == {"html": ""}


def test_the_live_preview_is_refused_to_patients_clinicians_and_strangers(client, clinic):
    for user in (clinic.patient, clinic.clinician, None):
        other = client_class_for(user) if user else Client()
        for url, method in ((LIVE_PREVIEW, other.post), (PREVIEW_FRAME, other.get)):
            response = method(url, {"body": "# Hello"})
            assert response.status_code in (302, 403), (user, url)
            assert b"Hello" not in response.content
        assert other.post(LIVE_PREVIEW, {"body": "# Hello"}).status_code == 403, "a plain refusal, no sign-in page"


def test_staff_who_may_not_write_articles_are_refused_the_live_preview(clinic):
    User.objects.filter(pk=clinic.clinician.pk).update(is_staff=True)  # staff, but no article permission
    staff = client_class_for(User.objects.get(pk=clinic.clinician.pk))
    assert staff.post(LIVE_PREVIEW, {"body": "# Hello"}).status_code == 403
    clinic.clinician.user_permissions.add(Permission.objects.get(codename="change_article"))
    assert staff.post(LIVE_PREVIEW, {"body": "# Hello"}).status_code == 200


def test_the_live_preview_needs_the_csrf_token_and_a_post(clinic):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(clinic.admin)
    assert browser.post(LIVE_PREVIEW, {"body": "# Hello"}).status_code == 403, "no token"
    browser.get(f"{CHANGELIST}add/")
    token = browser.cookies["csrftoken"].value
    assert browser.post(LIVE_PREVIEW, {"body": "# Hello"}, headers={"X-CSRFToken": token}).status_code == 200
    assert browser.get(LIVE_PREVIEW).status_code == 405


def test_only_the_article_pages_may_frame_the_preview_and_nothing_else_is_loosened(client, clinic):
    client.force_login(clinic.admin)
    frame = client.get(PREVIEW_FRAME)
    assert frame.status_code == 200 and frame["X-Frame-Options"] == "SAMEORIGIN"
    assert directive(frame, "frame-ancestors") == "'self'" and directive(frame, "script-src") == "'self'"
    assert 'class="article-body"' in frame.content.decode() and "css/app.css" in frame.content.decode()
    for page in (f"{CHANGELIST}add/", f"{CHANGELIST}{Article.objects.first().pk}/change/"):
        response = client.get(page)
        assert directive(response, "frame-src") == "'self'" and directive(response, "frame-ancestors") == "'none'"
        assert directive(response, "script-src") == "'self'", "no inline script for the preview"
    assert directive(client.get(CHANGELIST), "frame-src") == "'none'"
    assert client.get(CHANGELIST)["X-Frame-Options"] == "DENY"


def directive(response, name: str) -> str:
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return policy[name]


def test_every_editable_box_in_the_list_names_its_article(client, clinic):
    client.force_login(clinic.admin)
    page = client.get(CHANGELIST).content.decode()
    boxes = re.findall(r'<input type="(?:number|checkbox)" name="form-\d+-\w+"[^>]*>', page)
    assert len(boxes) == 2 * len(client.get(CHANGELIST).context["cl"].result_list) > 0
    first = Article.objects.order_by("category", "order", "title", "language").first()
    assert f'aria-label="Order: {first}"' in page and f'aria-label="Published: {first}"' in page
    assert all("aria-label=" in box and "aria-describedby" not in box for box in boxes), boxes[:2]


def test_the_list_still_saves_order_and_published_from_its_boxes(client, clinic):
    client.force_login(clinic.admin)
    rows = list(client.get(CHANGELIST).context["cl"].result_list)
    form = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": str(len(rows)), "_save": "Save"}
    for n, article in enumerate(rows):
        form |= {f"form-{n}-id": str(article.pk), f"form-{n}-order": str(article.order)}
        form |= {f"form-{n}-published": "on"} if article.published and n else {}
    form["form-0-order"] = "7"
    assert client.post(CHANGELIST, form).status_code == 302
    first = Article.objects.get(pk=rows[0].pk)
    assert first.order == 7 and first.published is False


class HelpTexts(HTMLParser):
    """The text of each `<div class="help">` as a reader sees it."""

    def __init__(self):
        super().__init__()
        self.texts: dict[str, str] = {}
        self.current: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and "help" in (attrs.get("class") or "").split() and attrs.get("id"):
            self.current = attrs["id"]
            self.texts[self.current] = ""

    def handle_endtag(self, tag):
        if tag == "div" and self.current and self.texts[self.current].strip():
            self.current = None

    def handle_data(self, data):
        if self.current:
            self.texts[self.current] += data


def test_the_slug_help_text_shows_the_address_as_written(client, clinic):
    client.force_login(clinic.admin)
    parser = HelpTexts()
    parser.feed(client.get(f"{CHANGELIST}add/").content.decode())
    slug_help = " ".join(parser.texts["id_slug_helptext"].split())
    assert "/learn/keeping-warm/" in slug_help and "/learn//" not in slug_help
    for field in Article._meta.get_fields():
        help_text = str(getattr(field, "help_text", ""))
        assert "<" not in help_text, f"{field.name}: the admin would read its help text as HTML"


def test_a_bad_slug_or_unknown_language_is_refused_naming_the_field(client, clinic):
    client.force_login(clinic.admin)
    response = client.post(f"{CHANGELIST}add/", draft_form(slug="Not A Slug!", language="fr"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "slug" in errors and "language" in errors
    assert not Article.objects.filter(title="Gloves that help").exists()


def test_admin_list_filters_and_searches(client, clinic):
    client.force_login(clinic.admin)
    page = client.get(f"{CHANGELIST}?language__exact=zh-hant&category__exact=safety_falls&published__exact=1")
    assert page.status_code == 200
    rows = page.context["cl"].result_list
    assert rows and all(a.language == "zh-hant" and a.category == "safety_falls" for a in rows)
    found = client.get(f"{CHANGELIST}?q=footwear").context["cl"].result_list
    assert any(a.slug == "footwear-and-foot-care" for a in found)


def test_patients_and_clinicians_cannot_reach_the_admin_or_the_preview(client, clinic):
    article = Article.objects.filter(published=True).first()
    for user in (clinic.patient, clinic.clinician):
        client.force_login(user)
        for url in (CHANGELIST, f"{CHANGELIST}{article.pk}/change/",
                    reverse("admin:education_article_preview", args=[article.pk])):
            response = client.get(url)
            assert response.status_code == 302 and "/admin/login/" in response["Location"], (user.role, url)
