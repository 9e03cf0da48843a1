"""The patient's /log/ and /history/ pages."""

import re
from datetime import timedelta

import pytest

from symptoms.models import SymptomEntry
from tests.factories import EntryFactory

FORM = {"numbness": "6", "pain": "3", "locations": ["feet"], "balance_problems": "on", "notes": "wobbly on stairs"}


def test_log_page_offers_eleven_buttons_per_score_and_no_slider(client, clinic):
    client.force_login(clinic.patient)
    html = client.get("/log/").content.decode()
    for field in ("numbness", "pain"):
        values = re.findall(rf'type="radio" name="{field}" value="(\d+)"', html)
        assert values == [str(n) for n in range(11)]
    assert 'type="range"' not in html


def test_saving_today_then_saving_again_updates_the_one_entry(client, clinic):
    client.force_login(clinic.patient)
    response = client.post("/log/", FORM, follow=True)
    assert response.status_code == 200
    assert "Saved your entry" in response.content.decode()
    client.post("/log/", {**FORM, "numbness": "2", "locations": ["hands"], "balance_problems": ""})
    entry = SymptomEntry.objects.get(patient=clinic.patient)
    assert (entry.numbness, entry.pain, entry.locations, entry.balance_problems) == (2, 3, ["hands"], False)


def test_saved_entry_is_shown_on_the_form_when_revisiting(client, clinic):
    EntryFactory(patient=clinic.patient, numbness=8, pain=1, notes="pins and needles")
    client.force_login(clinic.patient)
    html = client.get("/log/").content.decode()
    assert re.search(r'name="numbness" value="8"[^>]*checked', html)
    assert "already logged" in html and "pins and needles" in html


def test_backfill_day_is_logged_on_its_own_date(client, clinic):
    day = clinic.patient.local_today() - timedelta(days=3)
    client.force_login(clinic.patient)
    client.post(f"/log/{day.isoformat()}/", FORM)
    assert SymptomEntry.objects.get(patient=clinic.patient).date == day


@pytest.mark.parametrize("offset,phrase", [(1, "in the future"), (-8, "can no longer be changed")])
def test_future_and_too_old_days_are_refused_with_a_message(client, clinic, settings, offset, phrase):
    settings.SYMPTOM_BACKFILL_DAYS = 7
    day = clinic.patient.local_today() + timedelta(days=offset)
    client.force_login(clinic.patient)
    assert phrase in client.get(f"/log/{day.isoformat()}/").content.decode()
    response = client.post(f"/log/{day.isoformat()}/", FORM)
    assert response.status_code == 400 and phrase in response.content.decode()
    assert not SymptomEntry.objects.exists()


def test_impossible_date_in_the_address_is_not_found(client, clinic):
    client.force_login(clinic.patient)
    assert client.get("/log/2026-02-30/").status_code == 404


@pytest.mark.parametrize("change,label", [
    ({"numbness": "11"}, "Numbness or tingling"), ({"numbness": ""}, "Numbness or tingling"),
    ({"pain": "x"}, "Pain"), ({"notes": "n" * 2001}, "Your note"), ({"locations": []}, "Where you felt it"),
])
def test_bad_form_is_refused_naming_the_field_and_the_stored_entry_is_kept(client, clinic, change, label):
    entry = EntryFactory(patient=clinic.patient, numbness=4, pain=4, notes="kept")
    client.force_login(clinic.patient)
    response = client.post("/log/", {**FORM, **change})
    assert response.status_code == 400
    summary = response.content.decode().split('class="error-summary"')[1].split("</div>")[0]
    assert label in summary and "Nothing was saved" in summary
    entry.refresh_from_db()
    assert (entry.numbness, entry.pain, entry.notes) == (4, 4, "kept")


def test_history_lists_own_entries_newest_first_and_escapes_notes(client, clinic):
    today = clinic.patient.local_today()
    EntryFactory(patient=clinic.patient, date=today - timedelta(days=1), notes="<script>alert(1)</script>")
    EntryFactory(patient=clinic.patient, date=today, notes="today's note")
    EntryFactory(patient=clinic.other_patient, notes="someone else's secret")
    client.force_login(clinic.patient)
    html = client.get("/history/").content.decode()
    assert html.index("today&#x27;s note") < html.index("&lt;script&gt;")
    assert "<script>alert" not in html and "someone else" not in html


@pytest.mark.parametrize("path", ["/log/", "/history/"])
def test_anonymous_is_sent_to_sign_in(client, db, path):
    response = client.get(path)
    assert response.status_code == 302 and response.url.startswith("/?next=")


@pytest.mark.parametrize("who", ["clinician", "admin"])
def test_clinicians_and_admins_cannot_use_the_patient_diary_pages(client, clinic, who):
    client.force_login(getattr(clinic, who))
    assert client.get("/log/").status_code == 403
    assert client.post("/log/", FORM).status_code == 403
    assert client.get("/history/").status_code == 403
    assert not SymptomEntry.objects.exists()


def test_clinician_home_lists_only_their_own_patients(client, clinic):
    EntryFactory(patient=clinic.patient)
    client.force_login(clinic.clinician)
    html = client.get("/clinician/").content.decode()
    assert clinic.patient.display_name() in html
    assert clinic.other_patient.display_name() not in html


def test_patients_cannot_open_the_clinician_page(client, clinic):
    client.force_login(clinic.patient)
    assert client.get("/clinician/").status_code == 403


@pytest.mark.parametrize("value", ["maybe", "yes please", "2"])
def test_a_tick_box_takes_only_what_a_tick_box_sends(client, clinic, value):
    entry = EntryFactory(patient=clinic.patient, date=clinic.patient.local_today(), fell=False, numbness=4)
    client.force_login(clinic.patient)
    response = client.post("/log/", {**FORM, "fell": value})
    assert response.status_code == 400
    summary = response.content.decode().split('class="error-summary"')[1].split("</div>")[0]
    assert "Tick the box or leave it empty." in summary
    entry.refresh_from_db()
    assert (entry.fell, entry.numbness) == (False, 4)


@pytest.mark.parametrize("value,stored", [("on", True), ("", False)])
def test_a_tick_box_ticked_or_not(client, clinic, value, stored):
    client.force_login(clinic.patient)
    assert client.post("/log/", {**FORM, "fell": value}).status_code == 302
    assert SymptomEntry.objects.get(patient=clinic.patient).fell is stored


@pytest.mark.parametrize("value,ticked", [("false", False), ("0", False), ("maybe", False), ("on", True)])
def test_a_refused_form_shows_each_tick_box_as_it_really_was(client, clinic, value, ticked):
    client.force_login(clinic.patient)
    response = client.post("/log/", {**FORM, "numbness": "", "fell": value})
    assert response.status_code == 400
    box = re.search(r'<input[^>]*name="fell"[^>]*>', response.content.decode()).group(0)
    assert ("checked" in box) is ticked
