"""Issue 16's form fixes: what a patient or nurse sees when filling in a form (the threshold, the diary day,
the settings' zone list) and the words and numbers the pages use."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from accounts.forms import time_zone_choices
from symptoms.models import PatientThreshold, SymptomEntry
from symptoms.templatetags.cipn_format import day_list, signed_change, two_places
from symptoms.triage import change_direction

FORM = {"numbness": "6", "pain": "3", "locations": ["feet"], "notes": ""}


@pytest.fixture
def record(clinic):
    return clinic.patient  # on clinic.clinician's care team


def threshold_box(page: str) -> str:
    return re.search(r'<input[^>]*name="threshold"[^>]*>', page).group(0)


@pytest.mark.parametrize("typed,stored", [("4,5", Decimal("4.50")), ("4.5", Decimal("4.50")),
                                          (" 4,75 ", Decimal("4.75")), ("5", Decimal("5.00"))])
def test_a_threshold_may_be_typed_with_a_decimal_comma(client, clinic, record, typed, stored):
    client.force_login(clinic.clinician)
    response = client.post(f"/clinician/patients/{record.pk}/threshold/", {"threshold": typed})
    assert response.status_code == 302
    assert PatientThreshold.objects.get(patient=record).threshold == stored


@pytest.mark.parametrize("typed", ["4,5,0", "4,5.0", "45"])
def test_a_comma_that_is_not_a_decimal_comma_is_refused_and_nothing_stored(client, clinic, record, typed):
    client.force_login(clinic.clinician)
    response = client.post(f"/clinician/patients/{record.pk}/threshold/", {"threshold": typed})
    assert response.status_code == 400
    assert 'id="id_threshold_error"' in response.content.decode()
    assert not PatientThreshold.objects.filter(patient=record).exists()


@pytest.mark.parametrize("typed,shown", [("4.5", "4.50"), ("4.53", "4.53"), ("4", "4.00")])
def test_a_stored_threshold_is_shown_with_two_decimals(client, clinic, record, typed, shown):
    client.force_login(clinic.clinician)
    client.post(f"/clinician/patients/{record.pk}/threshold/", {"threshold": typed})
    page = client.get(f"/clinician/patients/{record.pk}/").content.decode()
    assert f'value="{shown}"' in threshold_box(page)
    assert 'type="number"' not in threshold_box(page)  # a number box would drop "4,5" before we saw it


def test_the_threshold_box_is_described_by_its_hint_and_error(client, clinic, record):
    client.force_login(clinic.clinician)
    page = client.post(f"/clinician/patients/{record.pk}/threshold/", {"threshold": "6"}).content.decode()
    box = threshold_box(page)
    assert 'aria-invalid="true"' in box and "id_threshold_error" in box and "id_threshold_helptext" in box


@pytest.mark.parametrize("change,direction", [
    (Decimal("1.00"), "up"), (Decimal("0.99"), "same"), (Decimal("0.19"), "same"), (Decimal("0"), "same"),
    (Decimal("-0.99"), "same"), (Decimal("-1.00"), "down"), (Decimal("-3.5"), "down"), (None, ""),
])
def test_a_change_is_worse_or_better_only_from_one_point(change, direction):
    assert change_direction(change) == direction


@pytest.mark.parametrize("value,shown", [(Decimal("4.5"), "4.50"), (Decimal("4"), "4.00"), ("4.125", "4.13"),
                                         (None, "—"), ("", "—")])
def test_every_average_and_threshold_has_two_decimals(value, shown):
    assert two_places(value) == shown


@pytest.mark.parametrize("value,shown", [(Decimal("0.19"), "+0.19"), (Decimal("-1.25"), "\u22121.25"),
                                         (Decimal("0"), "0.00"), (Decimal("-0.004"), "0.00"), (None, "—")])
def test_a_change_is_shown_with_its_sign(value, shown):
    assert signed_change(value) == shown


def test_signal_days_are_written_in_the_readers_language():
    with translation.override("en"):
        assert day_list(["2026-10-27", "2026-10-28"], "j F Y") == "27 October 2026, 28 October 2026"
    with translation.override("zh-hant"):
        assert day_list(["2026-10-27"], "Y年n月j日") == "2026年10月27日"


def test_the_zone_list_starts_with_the_clinics_zone_and_the_common_ones(settings):
    settings.TIME_ZONE = "Asia/Taipei"
    with translation.override("en"):
        (first_group, first), (all_group, rest) = time_zone_choices()
        assert str(first_group) == "The clinic's zone and common zones" and str(all_group) == "All zones"
        assert first[0] == ("Asia/Taipei", "Taiwan Time (Asia/Taipei)")
        assert ("UTC", "Coordinated Universal Time (UTC)") in [(zone, str(label)) for zone, label in first]
    zones = [zone for zone, _ in first + rest]
    assert len(zones) == len(set(zones)) and "Europe/Paris" in zones
    labels = [label for _, label in rest]
    assert labels == sorted(labels)


def test_the_zone_names_are_translated_where_cldr_has_them(settings):
    settings.TIME_ZONE = "Asia/Taipei"
    with translation.override("zh-hant"):
        (first_group, first), _ = time_zone_choices()
        assert str(first_group) == "診所時區與常用時區"
    assert first[0] == ("Asia/Taipei", "台灣時間 (Asia/Taipei)")


def test_the_settings_page_offers_the_grouped_zones(client, clinic):
    client.force_login(clinic.patient)
    page = client.get("/settings/").content.decode()
    assert re.search(r'<optgroup label="The clinic&#x27;s zone and common zones">\s*<option value="[^"]+"', page)


def test_a_backfill_day_speaks_of_that_day_and_today_of_today(client, clinic):
    client.force_login(clinic.patient)
    today_page = client.get("/log/").content.decode()
    day = clinic.patient.local_today() - timedelta(days=2)
    earlier_page = client.get(f"/log/{day.isoformat()}/").content.decode()
    assert "at its worst today" in today_page and "Today, did any of these happen?" in today_page
    assert "at its worst today" not in earlier_page and "Today, did any" not in earlier_page
    assert "at its worst that day" in earlier_page and "That day, did any of these happen?" in earlier_page


@pytest.mark.parametrize("offset", [1, -8])
def test_a_refused_day_is_named_as_people_write_it(client, clinic, settings, offset):
    settings.SYMPTOM_BACKFILL_DAYS = 7
    day = clinic.patient.local_today() + timedelta(days=offset)
    client.force_login(clinic.patient)
    page = client.post(f"/log/{day.isoformat()}/", FORM).content.decode()
    assert f"{day.day} {day.strftime('%B')} {day.year}" in page
    message = re.search(r"[^>]*(in the future|can no longer be changed)[^<]*", page).group(0)
    assert day.isoformat() not in message
    assert not SymptomEntry.objects.exists()


def test_where_you_felt_it_says_when_it_is_needed_before_saving(client, clinic):
    client.force_login(clinic.patient)
    page = client.get("/log/").content.decode()
    fieldset = re.search(r'<fieldset[^>]*class="[^"]*locations[^"]*"[^>]*>', page).group(0)
    assert 'aria-describedby="locations-hint"' in fieldset
    hint = re.search(r'id="locations-hint"[^>]*>([^<]+)<', page).group(1)
    assert "above 0" in hint and "hands, feet or both" in hint
    assert 'class="required-mark"' in page
    assert "/static/js/forms" in page  # shows the mark as soon as a score above 0 is chosen


def test_a_missing_place_is_named_plainly_in_the_summary_and_next_to_the_field(client, clinic):
    client.force_login(clinic.patient)
    page = client.post("/log/", {**FORM, "locations": []}).content.decode()
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert "Where you felt it: Say where you felt it" in summary and "it?:" not in summary
    fieldset = re.search(r'<fieldset[^>]*class="[^"]*locations[^"]*"[^>]*>', page).group(0)
    assert "locations-error" in fieldset
    assert re.search(r'<div class="error-summary"[^>]*tabindex="-1"', page), "forms.js focuses the summary"


def test_in_chinese_the_backfill_wording_is_translated(client, clinic):
    clinic.patient.language = "zh-hant"
    clinic.patient.save()
    client.force_login(clinic.patient)
    day = clinic.patient.local_today() - timedelta(days=2)
    page = client.get(f"/log/{day.isoformat()}/").content.decode()
    assert "那天最嚴重時" in page and "那天有發生下列任何情況嗎？" in page


def test_refused_day_in_chinese_is_a_chinese_date(client, clinic, settings):
    settings.SYMPTOM_BACKFILL_DAYS = 7
    clinic.patient.language = "zh-hant"
    clinic.patient.save()
    day = clinic.patient.local_today() - timedelta(days=8)
    client.force_login(clinic.patient)
    page = client.post(f"/log/{day.isoformat()}/", FORM).content.decode()
    assert f"{day.year}年{day.month}月{day.day}日" in page, re.findall(r"\d{4}[^<]{0,20}", page)[:5]

