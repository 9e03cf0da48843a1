"""The Traditional Chinese catalog is complete, current and compiles; no English is left on a zh-hant page."""

import re
import shutil
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from accounts.management.commands.compiletranslations import catalog_problems
from symptoms import assessments, evaluation
from symptoms.models import Alert
from tests.conftest import skip_or_fail
from tests.factories import EntryFactory

CATALOG = Path(settings.BASE_DIR) / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po"
SOURCE_FOLDERS = ("accounts", "cipn_tracker", "education", "notifications", "symptoms", "templates", "locale")
CJK = re.compile(r"[\u3400-\u9fff]")


def test_catalog_has_no_untranslated_fuzzy_or_mismatched_entry():
    po = polib.pofile(str(CATALOG))
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    assert catalog_problems(po) == []


def test_catalog_covers_every_string_in_the_code_and_templates(tmp_path, settings, monkeypatch):
    """Extract the strings again into a copy of the project: a new or changed string shows up untranslated.

    A copy, because makemessages writes to the nearest `locale/` folder it finds.
    """
    if shutil.which("xgettext") is None:
        skip_or_fail("the catalog check needs GNU gettext's xgettext (apt-get install gettext)")
    source = Path(settings.BASE_DIR)
    for folder in SOURCE_FOLDERS:
        shutil.copytree(source / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__", "*.md"))
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["zh_Hant"], no_obsolete=True, verbosity=0)
    po = polib.pofile(str(tmp_path / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po"))
    assert [entry.msgid for entry in po.untranslated_entries()] == [], "run `make messages` and translate these"
    assert [entry.msgid for entry in po.fuzzy_entries()] == [], "changed strings need their translation checked"


def test_compiletranslations_refuses_a_fuzzy_catalog(tmp_path, settings):
    broken = tmp_path / "zh_Hant" / "LC_MESSAGES" / "django.po"
    broken.parent.mkdir(parents=True)
    broken.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                      '#, fuzzy\nmsgid "Sign in"\nmsgstr "登入"\n\n'
                      'msgid "Saved your entry for %(day)s."\nmsgstr "已儲存。"\n', encoding="utf-8")
    settings.LOCALE_PATHS = [tmp_path]
    with pytest.raises(Exception, match="fuzzy"):
        call_command("compiletranslations", verbosity=0)
    assert not broken.with_suffix(".mo").exists()


def test_compiletranslations_refuses_a_translation_that_drops_or_invents_a_placeholder(tmp_path, settings):
    catalog = tmp_path / "zh_Hant" / "LC_MESSAGES" / "django.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                       'msgid "Saved your entry for %(day)s."\nmsgstr "已儲存 %(date)s 的紀錄。"\n', encoding="utf-8")
    settings.LOCALE_PATHS = [tmp_path]
    with pytest.raises(Exception, match="placeholders differ"):
        call_command("compiletranslations", verbosity=0)
    assert not catalog.with_suffix(".mo").exists()


class VisibleText(HTMLParser):
    """Collects the text of headings, buttons, labels, navigation links and table headers."""

    WATCHED = {"h1", "h2", "h3", "button", "label", "th", "summary", "caption"}

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.found: list[tuple[str, str]] = []
        self.in_nav = 0

    def handle_starttag(self, tag, attrs):
        if tag == "nav":
            self.in_nav += 1
        if tag in self.WATCHED or (tag == "a" and self.in_nav):
            self.stack.append(tag)
            self.found.append((tag, ""))

    def handle_endtag(self, tag):
        if tag == "nav":
            self.in_nav -= 1
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and data.strip():
            tag, text = self.found[-1]
            self.found[-1] = (tag, text + " " + data.strip())


def english_only(html: str, allowed: set[str]) -> list[tuple[str, str]]:
    """Watched elements with letters but not a single Chinese character (names and numbers allowed)."""
    parser = VisibleText()
    parser.feed(html)
    return [(tag, text.strip()) for tag, text in parser.found
            if re.search(r"[A-Za-z]{2}", text) and not CJK.search(text) and text.strip() not in allowed]


@pytest.fixture
def zh_clinic(clinic):
    for user in (clinic.patient, clinic.other_patient, clinic.clinician, clinic.admin):
        user.language = "zh-hant"
        user.save()
    today = clinic.patient.local_today()
    for back in range(20):
        EntryFactory(patient=clinic.patient, date=today - timedelta(days=back), numbness=6, pain=3,
                     fell=back == 1, balance_problems=back % 3 == 0, notes="左腳比較麻")
    evaluation.evaluate_patients([clinic.patient.pk])
    return clinic


def test_every_page_speaks_chinese_to_a_zh_hant_user(client, zh_clinic):
    clinic = zh_clinic
    names = {user.display_name() for user in (clinic.patient, clinic.clinician, clinic.other_clinician)}
    names |= {"CIPN Tracker", "English", "OK"}
    pages = {
        clinic.patient: ["/log/", "/history/", "/report/", "/learn/", "/learn/keeping-warm/", "/settings/"],
        clinic.clinician: ["/clinician/", f"/clinician/patients/{clinic.patient.pk}/", "/learn/", "/settings/"],
    }
    for user, paths in pages.items():
        client.force_login(user)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            assert response["Content-Language"] == "zh-hant", path
            assert english_only(response.content.decode(), names) == [], path
        client.logout()


def test_sign_in_page_switches_language_before_signing_in(client):
    response = client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert "登入" in page
    assert english_only(page, {"CIPN Tracker", "English"}) == []


def test_reasons_and_alert_kinds_are_translated_for_the_clinician(client, zh_clinic):
    clinic = zh_clinic
    client.force_login(clinic.clinician)
    page = client.get(f"/clinician/patients/{clinic.patient.pk}/").content.decode()
    reasons = assessments.current_assessment(clinic.patient).reasons
    assert reasons, "the history above gives the patient reasons"
    assert "7-day average" not in page and "A fall was logged" not in page
    alert = Alert.objects.filter(patient=clinic.patient).first()
    with translation.override("en"):
        english_kind = alert.get_kind_display()
    assert english_kind not in page
