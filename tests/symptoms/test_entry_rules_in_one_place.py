"""A day's entry is checked in one place: the page, the API and the diary refuse the same values with
the same words, naming the field, and leave what is stored alone."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from symptoms import diary
from symptoms.entry_fields import FLAGS, NOTES_MAX_LENGTH, clean_entry
from symptoms.forms import EntryForm
from symptoms.models import SymptomEntry
from tests.conftest import api_as
from tests.factories import EntryFactory

GOOD = {"numbness": 3, "pain": 1, "locations": ["hands"]}
# (what a client sends, the field named, the message): each is also posted from the page below.
REFUSED = [
    ({**GOOD, "numbness": 11}, "numbness", "Choose a score from 0 to 10."),
    ({**GOOD, "pain": None}, "pain", "Choose a score from 0 to 10."),
    ({**GOOD, "locations": ["knees"]}, "locations", "Choose from hands and feet."),
    ({"numbness": 4, "pain": 0}, "locations", "Say where you felt it: hands, feet or both."),
    ({**GOOD, "locations": ["hands", "hands", "feet"]}, "locations", "Choose from hands and feet."),
    ({**GOOD, "notes": "x" * (NOTES_MAX_LENGTH + 1)}, "notes", f"Keep it to {NOTES_MAX_LENGTH} characters or fewer."),
    # The database cannot store a NUL: refused with a message, never a 500.
    ({**GOOD, "notes": "tingling\x00"}, "notes", "Remove the invisible control characters from the text."),
]


def page_post(values: dict) -> dict:
    """The same values as a browser posts them."""
    posted = {name: "" if value is None else value for name, value in values.items() if name != "locations"}
    posted["locations"] = values.get("locations", [])
    return posted


@pytest.mark.parametrize(("values", "field", "message"), REFUSED)
def test_the_api_the_page_and_the_diary_refuse_a_bad_entry_with_the_same_message(
        client, clinic, values, field, message):
    today = clinic.patient.local_today()
    kept = EntryFactory(patient=clinic.patient, date=today, numbness=7, pain=1, hands=True, notes="kept")

    response = api_as(clinic.patient).put(f"/api/v1/entries/{today.isoformat()}/", values, format="json")
    assert response.status_code == 400 and response.json()[field] == [message]

    client.force_login(clinic.patient)
    page = client.post("/log/", page_post(values))
    assert page.status_code == 400
    assert [str(error) for error in page.context["form"].errors[field]] == [message]

    with pytest.raises(ValidationError) as error:
        diary.record_entry(clinic.patient, today, values)
    assert error.value.message_dict[field] == [message]

    kept.refresh_from_db()
    assert (kept.numbness, kept.pain, kept.notes) == (7, 1, "kept")


def test_a_client_gets_every_wrong_field_at_once_and_unknown_fields_by_name():
    with pytest.raises(ValidationError) as error:
        clean_entry({"numbness": "5", "pain": 5.5, "fell": "yes", "notes": 7, "mood": "low"})
    assert set(error.value.message_dict) == {"numbness", "pain", "fell", "notes", "mood"}
    assert error.value.message_dict["mood"] == ["Unknown field."]
    assert error.value.message_dict["fell"] == ["Must be true or false."]


def test_a_lone_surrogate_in_the_notes_is_refused_not_a_server_error(clinic):
    today = clinic.patient.local_today()
    body = '{"numbness": 3, "pain": 1, "locations": ["hands"], "notes": "\\ud800"}'  # as a client can send it
    response = api_as(clinic.patient).put(f"/api/v1/entries/{today.isoformat()}/", body,
                                          content_type="application/json")
    assert response.status_code == 400 and list(response.json()) == ["notes"]
    assert not SymptomEntry.objects.exists()


def test_true_is_not_a_score_and_zero_needs_no_location():
    with pytest.raises(ValidationError):
        clean_entry({"numbness": True, "pain": 0})
    assert clean_entry({"numbness": 0, "pain": 0})["hands"] is False


def test_the_form_asks_every_flag_question_in_the_order_they_are_defined():
    assert [field.name for field in EntryForm().flag_fields()] == [flag.field for flag in FLAGS]
    assert [str(field.label) for field in EntryForm().flag_fields()] == [str(flag.question) for flag in FLAGS]


def test_the_history_table_and_the_report_name_a_days_answers_in_the_same_words(client, clinic):
    today = clinic.patient.local_today()
    EntryFactory(patient=clinic.patient, date=today, numbness=3, pain=0, hands=True, fell=True,
                 balance_problems=True)
    client.force_login(clinic.patient)
    history = client.get("/history/").content.decode()
    table = history[history.index('<table class="entries">'):]
    chips = re.findall(r'<span class="chip[^"]*">([^<]+)</span>', table)
    assert chips == ["unsteady or held on to walls", "had a fall"], "in the order the questions are asked"
    report = client.get("/report/").content.decode()
    assert "unsteady or held on to walls (1 day)" in report and "had a fall (1 day)" in report


def test_a_date_in_another_spelling_is_refused_by_the_api_naming_the_field(clinic):
    yesterday = clinic.patient.local_today() - timedelta(days=1)
    response = api_as(clinic.patient).put(f"/api/v1/entries/{yesterday:%Y%m%d}/", GOOD, format="json")
    assert response.status_code == 400 and response.json() == {"date": ["Use a date in the form YYYY-MM-DD."]}
    assert not SymptomEntry.objects.exists()


def test_a_body_that_is_not_an_object_is_refused(clinic):
    today = clinic.patient.local_today()
    response = api_as(clinic.patient).put(f"/api/v1/entries/{today.isoformat()}/", [GOOD], format="json")
    assert response.status_code == 400 and "non_field_errors" in response.json()
    assert not SymptomEntry.objects.exists()
