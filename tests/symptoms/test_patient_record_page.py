"""One patient's record for their clinician at /clinician/patients/<id>/: status, alerts, threshold, chart."""

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from symptoms import evaluation, patient_record
from symptoms.models import Alert, PatientStatus, PatientThreshold, SymptomEntry
from tests.factories import CareTeamMemberFactory

STREAK_DAYS = 17  # 20 days at 6: the first 3 have too few days logged for an average


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def diary(patient, days_ago_scores: dict[int, int], fell_on: set[int] = frozenset(), notes: dict[int, str] = None):
    today, notes = patient.local_today(), notes or {}
    SymptomEntry.objects.bulk_create([
        SymptomEntry(patient=patient, date=today - timedelta(days=ago), numbness=score, pain=1, feet=True,
                     fell=ago in fell_on, notes=notes.get(ago, ""))
        for ago, score in days_ago_scores.items()])
    evaluation.evaluate_patients([patient.pk])


@pytest.fixture
def record(clinic):
    """20 days at 6 with a fall yesterday (refer and fall alerts open), and one entry 100 days ago."""
    diary(clinic.patient, {**{ago: 6 for ago in range(20)}, 100: 2}, fell_on={1},
          notes={0: "recent note", 100: "ancient note"})
    return clinic.patient


def url(patient, tail: str = "") -> str:
    return f"/clinician/patients/{patient.pk}/{tail}"


def page_as(client, user, patient, query: str = "") -> str:
    client.force_login(user)
    response = client.get(url(patient) + query)
    assert response.status_code == 200
    return response.content.decode()


def section(page: str, heading_id: str) -> str:
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', page, re.S)
    assert match, f"no section {heading_id}"
    return match.group(1)


def figure(page: str) -> dict:
    match = re.search(r'<script id="trend-figure" type="application/json">(.*?)</script>', page, re.S)
    assert match, "no chart figure on the page"
    return json.loads(match.group(1))


def threshold_trace(page: str) -> dict:
    return next(t for t in figure(page)["data"] if t["name"].startswith("Threshold"))


def alert(patient, kind: str) -> Alert:
    return Alert.objects.get(patient=patient, kind=kind)


def test_status_label_and_reasons_are_shown(client, clinic, record):
    today = record.local_today()
    status = section(page_as(client, clinic.clinician, record), "status-heading")
    assert "Professional evaluation recommended" in status
    since = long_date(today - timedelta(days=STREAK_DAYS - 1))
    assert f"7-day average 6.00 has been above 4.00 for {STREAK_DAYS} days, since {since}." in status
    assert "a professional evaluation is recommended" in status
    assert f"A fall was logged on {long_date(today - timedelta(days=1))}." in status


def test_functional_impact_is_an_estimate_and_not_a_diagnosis(client, clinic, record):
    page = page_as(client, clinic.clinician, record)
    impact = section(page, "impact-heading")
    assert "Limits self-care or safety (estimate)" in impact  # a fall this week
    assert "estimate" in impact.lower() and "It is not a diagnosis." in impact
    assert not re.search(r"diagnosed|diagnosis of|has CIPN", page, re.I)


def test_open_alerts_each_have_an_acknowledge_form(client, clinic, record):
    alerts = section(page_as(client, clinic.clinician, record), "alerts-heading")
    for kind, title in (("refer", "Referral recommended"), ("fall", "Fall")):
        pk = alert(record, kind).pk
        assert f"<h3>{title}</h3>" in alerts
        assert f'action="{url(record, f"alerts/{pk}/acknowledge/")}"' in alerts
        assert f'name="alert-{pk}-note"' in alerts


def test_acknowledging_with_a_note_records_who_and_resolves_an_urgent_alert(client, clinic, record):
    fall = alert(record, "fall")
    client.force_login(clinic.clinician)
    response = client.post(url(record, f"alerts/{fall.pk}/acknowledge/"),
                           {f"alert-{fall.pk}-note": "Phoned, no injury"}, follow=True)
    assert response.redirect_chain == [(url(record), 302)]
    assert "Alert acknowledged." in response.content.decode()
    fall.refresh_from_db()
    assert fall.acknowledged_by == clinic.clinician and fall.acknowledged_at is not None
    assert fall.note == "Phoned, no injury" and fall.resolved_at is not None
    alerts = section(response.content.decode(), "alerts-heading")
    assert f'name="alert-{fall.pk}-note"' not in alerts  # no longer open


def test_acknowledging_a_referral_keeps_it_open_and_shows_who(client, clinic, record):
    refer = alert(record, "refer")
    client.force_login(clinic.clinician)
    response = client.post(url(record, f"alerts/{refer.pk}/acknowledge/"), {f"alert-{refer.pk}-note": "Referred"},
                           follow=True)
    refer.refresh_from_db()
    assert refer.acknowledged_by == clinic.clinician and refer.resolved_at is None and refer.note == "Referred"
    alerts = section(response.content.decode(), "alerts-heading")
    assert f"Acknowledged by {clinic.clinician.display_name()}" in alerts and "Referred" in alerts


def test_a_note_over_2000_characters_is_refused_next_to_the_field(client, clinic, record):
    fall = alert(record, "fall")
    client.force_login(clinic.clinician)
    response = client.post(url(record, f"alerts/{fall.pk}/acknowledge/"), {f"alert-{fall.pk}-note": "n" * 2001})
    assert response.status_code == 400
    form = re.search(rf'<form[^>]*action="{url(record, f"alerts/{fall.pk}/acknowledge/")}".*?</form>',
                     response.content.decode(), re.S).group(0)
    error = re.search(rf'<div id="id_alert-{fall.pk}-note_error"><p class="field-error">([^<]*)</p>', form)
    assert error and "2000" in error.group(1)
    assert form.index("field-error") < form.index("<textarea")
    fall.refresh_from_db()
    assert (fall.acknowledged_at, fall.acknowledged_by, fall.note, fall.resolved_at) == (None, None, "", None)


def test_another_clinician_cannot_see_or_acknowledge(client, clinic, record):
    fall = alert(record, "fall")
    client.force_login(clinic.other_clinician)
    assert client.get(url(record)).status_code == 404
    assert client.post(url(record, f"alerts/{fall.pk}/acknowledge/"), {f"alert-{fall.pk}-note": "x"}).status_code == 404
    assert client.post(url(record, "threshold/"), {"threshold": "4.5"}).status_code == 404
    fall.refresh_from_db()
    assert fall.acknowledged_at is None and not PatientThreshold.objects.exists()


@pytest.mark.parametrize("who", ["patient", "admin"])
def test_patients_and_admins_do_not_get_the_clinician_record(client, clinic, record, who):
    client.force_login(getattr(clinic, who))
    assert client.get(url(record)).status_code == 404


def test_an_alert_of_another_patient_cannot_be_acknowledged_through_this_record(client, clinic, record):
    diary(clinic.other_patient, {ago: 2 for ago in range(7)}, fell_on={0})
    CareTeamMemberFactory(patient=clinic.other_patient, clinician=clinic.clinician)
    other_fall = alert(clinic.other_patient, "fall")
    client.force_login(clinic.clinician)
    response = client.post(url(record, f"alerts/{other_fall.pk}/acknowledge/"),
                           {f"alert-{other_fall.pk}-note": "x"})
    assert response.status_code == 404
    other_fall.refresh_from_db()
    assert other_fall.acknowledged_at is None


def test_a_valid_threshold_is_stored_and_the_patient_re_assessed(client, clinic, record):
    client.force_login(clinic.clinician)
    response = client.post(url(record, "threshold/"), {"threshold": "4.5"}, follow=True)
    assert response.redirect_chain == [(url(record), 302)]
    page = response.content.decode()
    assert "Threshold saved" in page
    own = PatientThreshold.objects.get(patient=record)
    assert own.threshold == Decimal("4.50") and own.set_by == clinic.clinician
    status = PatientStatus.objects.get(patient=record)
    assert status.threshold == Decimal("4.50")
    assert "has been above 4.50 for" in " ".join(reason["message"] % reason["params"] for reason in status.reasons)
    assert threshold_trace(page)["y"] == [4.5, 4.5]
    assert "This patient has their own threshold, 4.50" in section(page, "threshold-heading")


def test_re_assessment_with_a_higher_threshold_changes_the_status(client, clinic):
    # 7-day average 4.43 (2 days of 3, 5 of 5): above 4.0 (watch) but not above 4.5 (ok).
    diary(clinic.patient, {**{ago: 5 for ago in range(5)}, **{ago: 3 for ago in range(5, 12)}})
    assert PatientStatus.objects.get(patient=clinic.patient).status == "watch"
    client.force_login(clinic.clinician)
    client.post(url(clinic.patient, "threshold/"), {"threshold": "4.5"})
    status = PatientStatus.objects.get(patient=clinic.patient)
    assert (status.status, status.streak_days, status.threshold) == ("ok", 0, Decimal("4.50"))


@pytest.mark.parametrize("value", ["3.9", "5.1", "abc", "4.123"])
def test_a_bad_threshold_is_refused_next_to_the_field_and_the_old_one_kept(client, clinic, record, value):
    patient_record.set_patient_threshold(clinic.clinician, record, Decimal("4.25"))
    client.force_login(clinic.clinician)
    response = client.post(url(record, "threshold/"), {"threshold": value})
    assert response.status_code == 400
    form = section(response.content.decode(), "threshold-heading")
    assert '<label for="id_threshold">Patient-specific threshold</label>' in form
    error = re.search(r'<div id="id_threshold_error"><p class="field-error">([^<]+)</p>', form)
    assert error, form
    assert re.search(r"4\.00 to 5\.00|between 4\.00 and 5\.00|two decimal places", error.group(1))
    assert re.search(r'<input[^>]*name="threshold"[^>]*aria-invalid="true"', form)
    assert PatientThreshold.objects.get(patient=record).threshold == Decimal("4.25")
    assert PatientStatus.objects.get(patient=record).threshold == Decimal("4.25")


def test_out_of_range_thresholds_say_the_range(client, clinic, record):
    client.force_login(clinic.clinician)
    for value in ("3.9", "5.1"):
        page = client.post(url(record, "threshold/"), {"threshold": value}).content.decode()
        assert "The threshold must be between 4.00 and 5.00." in page


def test_an_empty_threshold_goes_back_to_the_clinic_default(client, clinic, record):
    patient_record.set_patient_threshold(clinic.clinician, record, Decimal("4.75"))
    client.force_login(clinic.clinician)
    response = client.post(url(record, "threshold/"), {"threshold": ""}, follow=True)
    assert response.redirect_chain == [(url(record), 302)]
    assert not PatientThreshold.objects.filter(patient=record).exists()
    assert PatientStatus.objects.get(patient=record).threshold == Decimal("4.00")
    page = response.content.decode()
    assert "The clinic&#x27;s threshold, 4.00, applies." in page or "The clinic's threshold, 4.00, applies." in page
    assert threshold_trace(page)["y"] == [4.0, 4.0]


def test_chart_figure_draws_the_patients_own_threshold(client, clinic, record):
    assert threshold_trace(page_as(client, clinic.clinician, record))["y"] == [4.0, 4.0]
    patient_record.set_patient_threshold(clinic.clinician, record, Decimal("4.80"))
    page = page_as(client, clinic.clinician, record)
    line = threshold_trace(page)
    assert line["y"] == [4.8, 4.8] and line["name"] == "Threshold 4.80"
    today = record.local_today()
    # The chart loads the default period, 12 weeks, though the diary goes back 100 days.
    assert line["x"] == [(today - timedelta(days=83)).isoformat(), today.isoformat()]
    # 20 days at 6 are above 4.8 from the 4th: the referral shading uses the patient's own threshold too.
    [shade] = figure(page)["layout"]["shapes"]
    assert shade["x0"] == f"{(today - timedelta(days=STREAK_DAYS - 14 + 1)).isoformat()} 12:00"


def test_the_page_has_no_inline_script_and_no_cdn(client, clinic, record):
    page = page_as(client, clinic.clinician, record)
    tags = re.findall(r"<script\b[^>]*>", page, re.I)
    assert tags
    for tag in tags:
        assert re.search(r'\ssrc="', tag) or 'type="application/json"' in tag, tag
    sources = [re.search(r'src="([^"]*)"', tag).group(1) for tag in tags if "src=" in tag]
    assert "/static/vendor/plotly/plotly-basic.min.js" in sources
    assert not any(src.startswith(("http", "//")) for src in sources)
    assert "cdn.plot.ly" not in page and not re.search(r"\son\w+=", page)


def dangling_descriptions(page: str, field_name: str) -> list[str]:
    """Ids the field's aria-describedby names that no element on the page has."""
    tag = re.search(rf'<(?:input|textarea)[^>]*name="{field_name}"[^>]*>', page).group(0)
    described = re.search(r'aria-describedby="([^"]+)"', tag)
    return [i for i in (described.group(1).split() if described else []) if f'id="{i}"' not in page]


def test_threshold_input_is_described_by_its_hint_and_error(client, clinic, record):
    # Django sets aria-describedby to "<id>_helptext <id>_error"; the page must carry both ids, or screen
    # readers announce neither the allowed range nor what was wrong.
    client.force_login(clinic.clinician)
    page = client.post(url(record, "threshold/"), {"threshold": "9"}).content.decode()
    assert dangling_descriptions(page, "threshold") == []


def test_acknowledge_note_is_described_by_its_error(client, clinic, record):
    fall = alert(record, "fall")
    client.force_login(clinic.clinician)
    page = client.post(url(record, f"alerts/{fall.pk}/acknowledge/"),
                       {f"alert-{fall.pk}-note": "n" * 2001}).content.decode()
    assert dangling_descriptions(page, f"alert-{fall.pk}-note") == []


def test_care_team_lists_both_clinicians(client, clinic, record):
    CareTeamMemberFactory(patient=record, clinician=clinic.other_clinician)
    team = section(page_as(client, clinic.clinician, record), "team-heading")
    assert f"{clinic.clinician.display_name()} (you)" in team
    assert clinic.other_clinician.display_name() in team


def test_entries_of_the_last_12_weeks_by_default_and_all_on_request(client, clinic, record):
    recent = page_as(client, clinic.clinician, record)
    entries = section(recent, "entries-heading")
    assert "recent note" in entries and "ancient note" not in entries
    assert "Show all 21 entries" in entries and 'href="?entries=all' in entries
    everything = section(page_as(client, clinic.clinician, record, "?entries=all"), "entries-heading")
    assert "ancient note" in everything and "recent note" in everything
    assert everything.index("recent note") < everything.index("ancient note")
    assert "Show all" not in everything
